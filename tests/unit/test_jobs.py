"""Job records and the run_job wrapper, on the real databases."""

from __future__ import annotations

from yinqing import jobs
from yinqing.models import Job
from yinqing.services import jobs as job_records


def _job(session, kind="crawl"):
    job = job_records.create_job(session, kind, {"x": 1})
    session.commit()
    return job.id


def test_run_job_records_progress_and_result(session, db_url):
    jobs.use_database(db_url)
    job_id = _job(session)
    seen = []

    def work(progress):
        progress(0.5, "half way")
        progress(0.2, "never backwards")
        seen.append(job_records.job_json(jobs.sessions()().get(Job, job_id))["progress"])
        return {"items": 3}

    assert jobs.run_job(job_id, work) == {"items": 3}
    session.expire_all()
    job = session.get(Job, job_id)
    assert seen == [0.5]
    assert job.status == "done" and job.progress == 1.0 and job.result == {"items": 3}
    assert job.started_at is not None and job.finished_at >= job.started_at


def test_run_job_records_failure(session, db_url):
    jobs.use_database(db_url)
    job_id = _job(session, "train")

    def work(progress):
        raise RuntimeError("disk full")

    assert jobs.run_job(job_id, work) is None
    session.expire_all()
    job = session.get(Job, job_id)
    assert job.status == "failed" and "disk full" in job.message


def test_active_job_detection(session):
    _job(session, "analyse")
    assert job_records.has_active_job(session, "analyse")
    assert not job_records.has_active_job(session, "train")


def test_jobs_api_permissions(client, make_user, app):
    owner, owner_headers = make_user()
    _, other_headers = make_user()
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        job = job_records.create_job(s, "crawl", {}, owner["id"])
        s.commit()
        job_id = job.id
    r = client.get(f"/api/jobs/{job_id}", headers=owner_headers)
    assert r.status_code == 200 and r.get_json()["status"] == "queued"
    assert client.get(f"/api/jobs/{job_id}", headers=other_headers).status_code == 403
    assert client.get("/api/jobs/999999", headers=owner_headers).status_code == 404
    assert client.get("/api/jobs", headers=owner_headers).status_code == 403
    assert client.get(f"/api/jobs/{job_id}").status_code == 401
