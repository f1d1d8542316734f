"""/api/albums: album pages with their songs."""

from __future__ import annotations

from apiflask import APIBlueprint

from yinqing.api.catalog_schemas import AlbumOut
from yinqing.api.deps import db_session
from yinqing.api.songs import checked_id, viewer_id
from yinqing.services import catalog

bp = APIBlueprint("albums", __name__, url_prefix="/api/albums", tag="albums")


@bp.get("/<int:album_id>")
@bp.output(AlbumOut)
@bp.doc(summary="An album with its songs, song count and popularity", responses=[404])
def get_album(album_id):
    return catalog.get_album(db_session(), checked_id(album_id, "专辑"), viewer_id())
