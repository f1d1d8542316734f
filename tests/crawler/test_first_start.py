"""The first start: a slice before serving, the rest as a background job (every mirror playlist,
comments labelled, dashboard, recommenders), queued once and re-queued after a restart; its public
progress endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from tests.crawler.crawler_helpers import assert_consistent, count
from yinqing import jobs
from yinqing.config import REPO_ROOT
from yinqing.models import Job, PlaylistTrack, Song
from yinqing.services import jobs as job_records


@pytest.fixture
def first_start_env(db_url, small_mirror_dir, tmp_path):
    """A mirror of two seed playlists and one chart (real lines of the shared mirror), and the
    environment of a fresh install over it."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the first start runs the same crawl, jobs and services on every backend: SQLite here")
    folder = tmp_path / "mirror"
    folder.mkdir()
    for path in small_mirror_dir.iterdir():
        if path.name != "seeds.json":
            (folder / path.name).symlink_to(path)
    (folder / "seeds.json").write_text(json.dumps({"playlists": [84687600, 605415618], "toplists": [2884035]}))
    return {**os.environ, "DATABASE_URL": db_url, "NETEASE_MIRROR_DIR": str(folder),
            "YINQING_INSTANCE_DIR": str(tmp_path / "instance"), "CRAWL_COMMENT_PAGES": "1"}


def yinqing(env: dict, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "yinqing.cli", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                         text=True, timeout=timeout, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run


def first_start_job(session) -> Job:
    session.rollback()  # see the other processes' commits, in a fresh transaction with fresh objects
    session.expire_all()
    return job_records.latest_job(session, "first_start")


def queued_tasks(env: dict) -> list:
    """The tasks waiting in the instance's job queue: (name, args)."""
    from huey import SqliteHuey

    queue = SqliteHuey("yinqing", filename=os.path.join(env["YINQING_INSTANCE_DIR"], "huey.db"))
    messages = [queue.serializer.deserialize(m) for m in queue.storage.enqueued_items()]
    return [(m.name.rsplit(".", 1)[-1], m.args) for m in messages]


def test_first_start_serves_a_slice_then_the_job_loads_every_playlist(first_start_env, session, mirror, client,
                                                                      monkeypatch):
    first = yinqing(first_start_env, "crawl", "first-start")
    assert "queued the rest of the first start as job" in first.stdout
    session.rollback()
    # The slice: the chart and the playlist of the songs with lyrics; the other seed waits.
    assert {p for (p,) in session.execute(select(PlaylistTrack.playlist_id).distinct())} == {2884035, 605415618}
    job = first_start_job(session)
    assert job.status == "queued" and job.params == {"mode": "toplists", "source": "mirror", "playlists": 3}
    assert client.get("/api/first-start").get_json()["active"] is True
    [(name, (job_id, spec_json))] = queued_tasks(first_start_env)
    assert name == "first_start_task" and job_id == job.id and '"database_url": ""' in spec_json

    # What the worker of `yinqing serve` runs, here in this process.
    for key in ("DATABASE_URL", "NETEASE_MIRROR_DIR", "YINQING_INSTANCE_DIR", "CRAWL_COMMENT_PAGES"):
        monkeypatch.setenv(key, first_start_env[key])
    jobs.use_database(first_start_env["DATABASE_URL"])
    jobs.first_start_task.call_local(job_id, spec_json)
    job = first_start_job(session)
    assert job.status == "done" and job.progress == 1.0, job.message
    for pid in (84687600, 605415618, 2884035):
        tracks = len(mirror.playlists[pid]["trackIds"])
        assert count(session, PlaylistTrack, PlaylistTrack.playlist_id == pid) == tracks
    assert set(job.result["seconds"]) == {"crawl", "analyse", "stats", "train"}
    assert job.result["crawl"]["finish_reason"] == "finished" and "labelled" in job.result["analyse"]
    assert "version" in job.result["train"], job.result["train"]
    assert_consistent(session)
    state = client.get("/api/first-start").get_json()
    assert state["active"] is False and state["status"] == "done" and state["progress"] == 1.0


def test_a_first_start_cut_short_resumes_at_the_next_start_once(first_start_env, session):
    # What a killed server leaves: songs from the slice, and the job its worker had taken and marked running.
    session.add(Song(id=186016, name="晴天"))
    job = job_records.create_job(session, "first_start", {"mode": "toplists"})
    job_records.mark_running(job)
    session.commit()
    again = yinqing(first_start_env, "crawl", "first-start")
    assert "already holds 1 songs" in again.stdout
    assert f"queued the rest of the first start as job {job.id}" in again.stdout
    assert [args[0] for _, args in queued_tasks(first_start_env)] == [job.id]
    assert first_start_job(session).status == "queued"
    # Started again before a worker took it: still one task in the queue.
    third = yinqing(first_start_env, "crawl", "first-start")
    assert "already queued" in third.stdout and len(queued_tasks(first_start_env)) == 1


def test_first_start_progress_is_public_and_keeps_errors_private(client, session):
    assert client.get("/api/first-start").get_json() == {
        "active": False, "status": None, "progress": 0.0, "message": "", "started_at": None, "finished_at": None}
    job = job_records.create_job(session, "first_start", {"mode": "toplists"})
    job_records.mark_running(job)
    job_records.mark_progress(job, 0.42, "抓取全部歌单 / crawling every playlist")
    session.commit()
    state = client.get("/api/first-start").get_json()
    assert state["active"] is True and state["status"] == "running" and state["progress"] == 0.42
    assert state["message"] == "抓取全部歌单 / crawling every playlist" and state["started_at"]
    job_records.mark_failed(job, "失败 / failed: connection to postgresql://yinqing:secret@db refused")
    session.commit()
    state = client.get("/api/first-start").get_json()
    assert state["active"] is False and state["status"] == "failed" and "secret" not in json.dumps(state)


def test_without_a_mirror_the_rest_is_the_sites_hot_playlists_at_the_polite_rate(tmp_path, monkeypatch):
    from yinqing.config import Settings
    from yinqing.crawler.commands import FIRST_START_HOT_PLAYLISTS, first_start_specs

    monkeypatch.delenv("CRAWL_TOPLISTS", raising=False)
    settings = Settings(instance_dir=tmp_path)
    first, rest = first_start_specs(settings, None, 0)
    assert first.mode == "toplists" and first.ids == [] and first.source == "site"  # the four default charts
    assert (rest.mode, rest.category, rest.order, rest.listing_limit) == ("playlists", "全部", "hot",
                                                                          FIRST_START_HOT_PLAYLISTS)
    assert rest.rate == first.rate == settings.crawl_rate > 0 and rest.base_url == settings.netease_base_url
    assert rest.extras_for is None  # every song's lyric and comments, as the site has them
