"""/api/jobs: progress of background jobs (the creator or an admin may read a job)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.exceptions import HTTPError
from apiflask.validators import OneOf, Range

from yinqing.api.auth_deps import auth, require_admin
from yinqing.api.deps import db_session
from yinqing.api.schemas import UtcDateTime
from yinqing.services import jobs as job_records


class JobOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    progress = fields.Float()
    message = fields.String()
    params = fields.Dict()
    result = fields.Dict(allow_none=True)
    created_at = UtcDateTime()
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)


class JobListIn(Schema):
    kind = fields.String(validate=OneOf(job_records.JOB_KINDS))
    limit = fields.Integer(load_default=50, validate=Range(1, 200))


class JobListOut(Schema):
    items = fields.List(fields.Nested(JobOut))


bp = APIBlueprint("jobs", __name__, url_prefix="/api/jobs", tag="jobs")


@bp.get("/<int:job_id>")
@bp.auth_required(auth)
@bp.output(JobOut)
@bp.doc(summary="A background job's status and progress", responses=[403, 404])
def get_job(job_id):
    job = job_records.get_job(db_session(), job_id)
    user = auth.current_user
    if job.created_by != user.id and user.role != "admin":
        raise HTTPError(403, "没有权限 / forbidden")
    return job_records.job_json(job)


@bp.get("")
@bp.auth_required(auth)
@bp.input(JobListIn, location="query", arg_name="query")
@bp.output(JobListOut)
@bp.doc(summary="Recent jobs (admin only)", responses=[403])
def list_jobs(query):
    require_admin(auth.current_user)
    jobs = job_records.list_jobs(db_session(), query.get("kind"), query["limit"])
    return {"items": [job_records.job_json(j) for j in jobs]}
