"""Job records: what a background job is doing and how far it got (read by the progress bars)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yinqing.models import Job
from yinqing.models.types import MAX_ID, utcnow
from yinqing.services.errors import Conflict, NotFound

JOB_KINDS = ("crawl", "analyse", "train", "stats", "first_start", "evaluate")
# At most one job of these kinds is queued or running at a time (the database enforces it).
EXCLUSIVE_KINDS = ("crawl", "train", "first_start")


def create_job(session: Session, kind: str, params: dict | None = None, user_id: int | None = None) -> Job:
    """Record a queued job; the caller enqueues the task after committing.

    For a one-at-a-time kind, raises Conflict when one is already queued or running: the unique
    index on `active_kind` decides, so two simultaneous requests cannot both get through."""
    job = Job(kind=kind, status="queued", progress=0.0, message="排队中 / queued", params=params or {},
              created_by=user_id, active_kind=kind if kind in EXCLUSIVE_KINDS else None)
    session.add(job)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("已有同类任务在排队或运行 / a job of this kind is already queued or running",
                       {"kind": ["job_active"]}) from exc
    return job


def get_job(session: Session, job_id: int) -> Job:
    """The job with this id, or NotFound."""
    # An id past BIGINT cannot exist, and SQLite overflows on it: answer NotFound before querying.
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None:
        raise NotFound("任务不存在 / job not found")
    return job


def list_jobs(session: Session, kind: str | None = None, limit: int = 50) -> list[Job]:
    """The newest jobs first, optionally of one kind."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if kind:
        query = query.where(Job.kind == kind)
    return list(session.scalars(query))


def latest_job(session: Session, kind: str) -> Job | None:
    """The newest job of this kind, or None."""
    return session.scalar(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(1))


def has_active_job(session: Session, kind: str) -> bool:
    """True while a job of this kind is queued or running (to refuse duplicates)."""
    query = select(Job.id).where(Job.kind == kind, Job.status.in_(("queued", "running"))).limit(1)
    return session.scalar(query) is not None


def mark_running(job: Job) -> None:
    job.status, job.started_at, job.message = "running", utcnow(), "运行中 / running"


def mark_progress(job: Job, fraction: float, message: str = "") -> None:
    """Progress is clamped to 0..1 and never goes backwards."""
    job.progress = max(job.progress or 0.0, min(1.0, max(0.0, float(fraction))))
    if message:
        job.message = message[:2000]


def mark_done(job: Job, result: dict | None = None, message: str = "完成 / done") -> None:
    job.status, job.progress, job.finished_at, job.result, job.message = "done", 1.0, utcnow(), result, message
    job.active_kind = None


def mark_failed(job: Job, message: str) -> None:
    job.status, job.finished_at, job.message = "failed", utcnow(), message[:2000]
    job.active_kind = None


def job_json(job: Job) -> dict:
    """Serialise a job for the API."""
    return {"id": job.id, "kind": job.kind, "status": job.status, "progress": round(job.progress or 0.0, 4),
            "message": job.message, "params": job.params or {}, "result": job.result,
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}
