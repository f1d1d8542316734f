"""/api/first-start: how far the first start's background job got (public: the home page shows it)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields

from yinqing.api.deps import db_session
from yinqing.api.schemas import UtcDateTime
from yinqing.services import jobs as job_records


class FirstStartOut(Schema):
    active = fields.Boolean(metadata={"description": "true while the first start is queued or running"})
    status = fields.String(allow_none=True, metadata={"description": "queued, running, done, failed; null: none"})
    progress = fields.Float()
    message = fields.String()
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)


FAILED = "首次启动未完成，下次启动时继续 / the first start did not finish; it resumes at the next start"

bp = APIBlueprint("first_start", __name__, url_prefix="/api/first-start", tag="jobs")


@bp.get("")
@bp.output(FirstStartOut)
@bp.doc(summary="Progress of the first start's background job (loading every playlist, training)")
def first_start_progress():
    job = job_records.latest_job(db_session(), "first_start")
    if job is None:
        return {"active": False, "status": None, "progress": 0.0, "message": "", "started_at": None,
                "finished_at": None}
    # Only the job's public parts: its parameters, result and error stay with the admins' /api/jobs.
    message = FAILED if job.status == "failed" else job.message or ""
    return {"active": job.status in ("queued", "running"), "status": job.status,
            "progress": round(job.progress or 0.0, 4), "message": message,
            "started_at": job.started_at, "finished_at": job.finished_at}
