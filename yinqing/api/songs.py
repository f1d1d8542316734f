"""/api/songs and /api/search: the song library, song pages, lyrics, comments and feedback."""

from __future__ import annotations

from apiflask import APIBlueprint

from yinqing.api.auth_deps import auth, optional_user
from yinqing.api.catalog_schemas import (
    CommentPageOut,
    CommentQuery,
    LyricsOut,
    PlayOut,
    RatingIn,
    RatingOut,
    SearchQuery,
    SongDetailOut,
    SongListQuery,
    SongPageOut,
)
from yinqing.api.deps import db_session
from yinqing.api.limiter import configured, limiter, user_key
from yinqing.models.types import MAX_ID
from yinqing.services import catalog, feedback
from yinqing.services.errors import NotFound

bp = APIBlueprint("songs", __name__, url_prefix="/api", tag="songs")



def checked_id(value: int, what: str = "歌曲") -> int:
    """Ids past BIGINT cannot exist: answer 404 instead of letting the database overflow."""
    if not 0 < value <= MAX_ID:
        raise NotFound(f"{what}不存在 / not found")
    return value


def viewer_id() -> int | None:
    user = optional_user()
    return user.id if user else None


@bp.get("/songs")
@bp.input(SongListQuery, location="query", arg_name="query")
@bp.output(SongPageOut)
@bp.doc(summary="Song library: paged, sorted (popularity, newest, comments), filtered, optionally searched")
def list_songs(query):
    filters = catalog.SongFilters(query.get("artist_id"), query.get("album_id"), query.get("year"),
                                  query.get("fee"))
    q = query.get("q")
    page = catalog.list_songs(db_session(), query["page"], query["size"], query.get("sort"), filters,
                              q if q and q.strip() else None, viewer_id())
    return page.json()


@bp.get("/search")
@bp.input(SearchQuery, location="query", arg_name="query")
@bp.output(SongPageOut)
@bp.doc(summary="Fuzzy song search over titles, aliases, artists, albums and pinyin (typos tolerated)")
def search(query):
    return catalog.search(db_session(), query["q"], query["page"], query["size"], viewer_id()).json()


@bp.get("/songs/<int:song_id>")
@bp.output(SongDetailOut)
@bp.doc(summary="A song page", responses=[404])
def get_song(song_id):
    return catalog.get_song(db_session(), checked_id(song_id), viewer_id())


@bp.get("/songs/<int:song_id>/lyrics")
@bp.output(LyricsOut)
@bp.doc(summary="A song's lyrics, line by line with translations", responses=[404])
def get_lyrics(song_id):
    return catalog.song_lyrics(db_session(), checked_id(song_id))


@bp.get("/songs/<int:song_id>/comments")
@bp.input(CommentQuery, location="query", arg_name="query")
@bp.output(CommentPageOut)
@bp.doc(summary="A song's hot or latest comments, paged", responses=[404])
def get_comments(song_id, query):
    return catalog.song_comments(db_session(), checked_id(song_id), query["kind"], query["page"],
                                 query["size"]).json()


@bp.put("/songs/<int:song_id>/rating")
@bp.auth_required(auth)
@bp.input(RatingIn, arg_name="body")
@bp.output(RatingOut)
@bp.doc(summary="Set your rating of a song: a heart is 5, stars are 0-5 (last write wins)", responses=[404])
def put_rating(song_id, body):
    session = db_session()
    rating = feedback.set_rating(session, auth.current_user.id, checked_id(song_id), body["score"], body["source"])
    session.commit()
    return rating


@bp.delete("/songs/<int:song_id>/rating")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(summary="Remove your rating of a song (un-heart)", responses=[404])
def delete_rating(song_id):
    session = db_session()
    feedback.remove_rating(session, auth.current_user.id, checked_id(song_id))
    session.commit()
    return ""


@bp.post("/songs/<int:song_id>/plays")
@limiter.limit(configured("play_rate_limit"), key_func=user_key)  # plays feed the recommenders
@bp.auth_required(auth)
@bp.output(PlayOut, status_code=201)
@bp.doc(summary="Record that you started playing a song", responses=[404, 429])
def post_play(song_id):
    session = db_session()
    play = feedback.record_play(session, auth.current_user.id, checked_id(song_id))
    session.commit()
    return play
