"""/api/admin/crawls: admins start NetEase crawls as background jobs and watch their progress."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length, OneOf, Range

from yinqing.api.auth_deps import auth, require_admin
from yinqing.api.deps import db_session, settings
from yinqing.api.jobs import JobOut
from yinqing.crawler.run import mirror_dir
from yinqing.crawler.settings import (
    MAX_LISTED_PLAYLISTS,
    MODES,
    PLAYLIST_CATEGORIES,
    PLAYLIST_ORDERS,
    CrawlRequestError,
    CrawlSpec,
)
from yinqing.services import jobs as job_records
from yinqing.services.errors import InvalidInput, NotFound

SEARCH_TYPES = {"songs": 1, "albums": 10, "artists": 100, "playlists": 1000}
# Parameters kept on the Job row (never the database URL).
SHOWN = ("mode", "ids", "keyword", "comment_pages", "search_type", "search_limit", "follow_artists",
         "follow_albums", "source", "base_url", "rate")
LISTING_SHOWN = ("category", "order", "listing_limit")


class CrawlIn(Schema):
    kind = fields.String(required=True, validate=OneOf(MODES), metadata={"description": "what to crawl"})
    ids = fields.List(fields.Integer(strict=True), load_default=list, validate=Length(max=500),
                      metadata={"description": "NetEase ids (playlist, artist, album, song; charts for toplists)"})
    keyword = fields.String(load_default="", validate=Length(max=100))
    search_type = fields.String(load_default="songs", validate=OneOf(list(SEARCH_TYPES)))
    limit = fields.Integer(load_default=30, validate=Range(1, 100), metadata={"description": "search hits"})
    category = fields.String(load_default="全部", validate=OneOf(PLAYLIST_CATEGORIES),
                             metadata={"description": "playlists: the listing's category (全部 = all)"})
    order = fields.String(load_default="hot", validate=OneOf(PLAYLIST_ORDERS),
                          metadata={"description": "playlists: hot (most played) or new first"})
    playlists = fields.Integer(load_default=100, validate=Range(1, MAX_LISTED_PLAYLISTS),
                               metadata={"description": "playlists: how many to crawl from the listing"})
    comment_pages = fields.Integer(validate=Range(0, 100), metadata={"description": "comment pages per song"})
    follow_artists = fields.Boolean(load_default=True)
    follow_albums = fields.Boolean(load_default=True)
    source = fields.String(load_default="site", validate=OneOf(["site", "mirror"]),
                           metadata={"description": "site: NETEASE_BASE_URL; mirror: the local stand-in"})


class CrawlListIn(Schema):
    limit = fields.Integer(load_default=50, validate=Range(1, 200))


class CrawlListOut(Schema):
    items = fields.List(fields.Nested(JobOut))
    mirror_available = fields.Boolean()
    categories = fields.List(fields.String(), metadata={"description": "the playlist listing's categories"})


bp = APIBlueprint("crawl", __name__, url_prefix="/api/admin/crawls", tag="crawl")


@bp.post("")
@bp.auth_required(auth)
@bp.input(CrawlIn, arg_name="body")
@bp.output(JobOut, status_code=202)
@bp.doc(summary="Start a crawl (admin only); it runs as a background job", responses=[403, 409, 422])
def start_crawl(body):
    user = auth.current_user
    require_admin(user)
    spec = _spec(body)
    session = db_session()
    shown = SHOWN + (LISTING_SHOWN if spec.mode == "playlists" else ())
    params = {k: getattr(spec, k) for k in shown} | {"run_key": spec.run_key}
    job = job_records.create_job(session, "crawl", params, user.id)  # 409 while another crawl is active
    session.commit()
    from yinqing.jobs import crawl_task

    crawl_task(job.id, spec.to_json())
    session.refresh(job)
    return job_records.job_json(job)


def _spec(body: dict) -> CrawlSpec:
    """A validated CrawlSpec from the request, or a 422 that says what is wrong."""
    conf = settings()
    if body["source"] == "mirror" and mirror_dir(conf) is None:
        raise InvalidInput("没有镜像数据 / no mirror folder on this server", {"source": ["no mirror folder"]})
    try:
        return CrawlSpec.from_settings(
            conf, body["kind"], ids=body["ids"], keyword=body["keyword"], comment_pages=body.get("comment_pages"),
            search_type=SEARCH_TYPES[body["search_type"]], search_limit=body["limit"],
            follow_artists=body["follow_artists"], follow_albums=body["follow_albums"], source=body["source"],
            category=body["category"], order=body["order"], listing_limit=body["playlists"],
        ).validate()
    except CrawlRequestError as exc:
        raise InvalidInput(str(exc), {"crawl": [str(exc)]}) from exc


@bp.get("")
@bp.auth_required(auth)
@bp.input(CrawlListIn, location="query", arg_name="query")
@bp.output(CrawlListOut)
@bp.doc(summary="Recent crawls, newest first (admin only)", responses=[403])
def list_crawls(query):
    require_admin(auth.current_user)
    jobs = job_records.list_jobs(db_session(), "crawl", query["limit"])
    return {"items": [job_records.job_json(j) for j in jobs], "mirror_available": mirror_dir(settings()) is not None,
            "categories": list(PLAYLIST_CATEGORIES)}


@bp.get("/<int:job_id>")
@bp.auth_required(auth)
@bp.output(JobOut)
@bp.doc(summary="One crawl's status, progress and result (admin only)", responses=[403, 404])
def get_crawl(job_id):
    require_admin(auth.current_user)
    job = job_records.get_job(db_session(), job_id)
    if job.kind != "crawl":
        raise NotFound("抓取任务不存在 / crawl not found")
    return job_records.job_json(job)
