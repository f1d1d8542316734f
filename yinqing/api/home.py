"""/api/home: the 首页 — carousel, latest and popular songs, the three recommender rows."""

from __future__ import annotations

from apiflask import APIBlueprint

from yinqing.api.catalog_schemas import HomeOut
from yinqing.api.deps import db_session, settings
from yinqing.api.songs import viewer_id
from yinqing.services import catalog, recommend

bp = APIBlueprint("home", __name__, url_prefix="/api", tag="home")


@bp.get("/home")
@bp.output(HomeOut)
@bp.doc(summary="The home page; the recommender rows answer a listener of the charts (popular songs, "
                "placeholder, until a chart is crawled and the models are built)")
def home():
    session = db_session()
    page = catalog.home(session, viewer_id())
    titles = dict(catalog.RECOMMENDER_ROWS)
    page["recommendations"] = recommend.chart_rows(session, settings().model_dir / "recsys", catalog.HOME_ROW, titles)
    return page
