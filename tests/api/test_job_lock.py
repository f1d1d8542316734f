"""One active crawl and one active training job at a time, even when two admin requests race (every backend).

Before, the views checked for an active job and then inserted one: two simultaneous requests both
passed the check. Now the database refuses the second active job (unique index on jobs.active_kind)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from yinqing.db import make_sessionmaker
from yinqing.models import Job
from yinqing.services import jobs as job_records
from yinqing.services.errors import Conflict


def _race(engine, kind: str, n: int = 2) -> list[str]:
    """n threads create a job of `kind` at the same moment, each in its own session; their outcomes."""
    factory = make_sessionmaker(engine)
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def start() -> None:
        with factory() as s:
            s.execute(select(func.count(Job.id))).scalar()  # each request opens its transaction first
            barrier.wait()
            try:
                job_records.create_job(s, kind, {})
                s.commit()
                outcomes.append("created")
            except Conflict:
                s.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=start) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


@pytest.mark.parametrize("kind", ["crawl", "train"])
def test_two_simultaneous_requests_start_one_job(clean_db, kind):
    assert _race(clean_db, kind, 4) == ["conflict"] * 3 + ["created"]
    with make_sessionmaker(clean_db)() as s:
        assert s.scalar(select(func.count(Job.id)).where(Job.kind == kind)) == 1


def test_a_finished_job_frees_its_kind(session):
    job = job_records.create_job(session, "crawl", {})
    session.commit()
    with pytest.raises(Conflict):
        job_records.create_job(session, "crawl", {})
    session.rollback()
    job_records.create_job(session, "train", {})  # another kind is independent
    job_records.mark_running(job)
    job_records.mark_failed(job, "stopped")
    job_records.create_job(session, "crawl", {})
    session.commit()


def test_other_kinds_may_run_side_by_side(session):
    for _ in range(3):
        job_records.create_job(session, "analyse", {})
    session.commit()
    assert session.scalar(select(func.count(Job.id)).where(Job.kind == "analyse")) == 3
