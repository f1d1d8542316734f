"""/api/artists: artist pages and their songs."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length, Range

from yinqing.api.catalog_schemas import ArtistOut, ArtistRef, SongListQuery, SongPageOut
from yinqing.api.deps import db_session
from yinqing.api.songs import checked_id, viewer_id
from yinqing.services import catalog

bp = APIBlueprint("artists", __name__, url_prefix="/api/artists", tag="artists")


class ArtistFindQuery(Schema):
    q = fields.String(required=True, validate=Length(1, 64))
    size = fields.Integer(load_default=20, validate=Range(1, 50))


class ArtistListOut(Schema):
    items = fields.List(fields.Nested(ArtistRef))


@bp.get("")
@bp.input(ArtistFindQuery, location="query", arg_name="query")
@bp.output(ArtistListOut)
@bp.doc(summary="Artists whose name starts with q (for filters)")
def find_artists(query):
    return {"items": catalog.find_artists(db_session(), query["q"], query["size"])}


@bp.get("/<int:artist_id>")
@bp.output(ArtistOut)
@bp.doc(summary="An artist with song and album counts and popularity", responses=[404])
def get_artist(artist_id):
    return catalog.get_artist(db_session(), checked_id(artist_id, "歌手"))


@bp.get("/<int:artist_id>/songs")
@bp.input(SongListQuery, location="query", arg_name="query")
@bp.output(SongPageOut)
@bp.doc(summary="An artist's songs, paged and sorted", responses=[404])
def artist_songs(artist_id, query):
    session = db_session()
    catalog.get_artist(session, checked_id(artist_id, "歌手"))
    filters = catalog.SongFilters(artist_id, query.get("album_id"), query.get("year"), query.get("fee"))
    return catalog.list_songs(session, query["page"], query["size"], query.get("sort"), filters,
                              user_id=viewer_id()).json()
