"""/api/home: the 首页 — carousel, latest and popular songs, the three recommender rows."""

from __future__ import annotations

from apiflask import APIBlueprint

from yinqing.api.catalog_schemas import HomeOut
from yinqing.api.deps import db_session
from yinqing.api.songs import viewer_id
from yinqing.services import catalog

bp = APIBlueprint("home", __name__, url_prefix="/api", tag="home")


@bp.get("/home")
@bp.output(HomeOut)
@bp.doc(summary="The home page; recommender rows show popular songs until the recommenders fill them")
def home():
    return catalog.home(db_session(), viewer_id())
