"""/api/me: the current user's liked songs, ratings and listening history."""

from __future__ import annotations

from apiflask import APIBlueprint

from yinqing.api.auth_deps import auth
from yinqing.api.catalog_schemas import PageQuery, PlayPageOut, RatingPageOut
from yinqing.api.deps import db_session
from yinqing.api.songs import checked_id
from yinqing.services import feedback

bp = APIBlueprint("me", __name__, url_prefix="/api/me", tag="me")


@bp.get("/ratings")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(RatingPageOut)
@bp.doc(summary="Your ratings, most recent first")
def ratings(query):
    return feedback.list_ratings(db_session(), auth.current_user.id, query["page"], query["size"]).json()


@bp.get("/likes")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(RatingPageOut)
@bp.doc(summary="Your liked songs (hearts, score 5), most recent first")
def likes(query):
    return feedback.list_ratings(db_session(), auth.current_user.id, query["page"], query["size"],
                                 liked_only=True).json()


@bp.get("/plays")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(PlayPageOut)
@bp.doc(summary="Your listening history, newest first")
def plays(query):
    return feedback.list_plays(db_session(), auth.current_user.id, query["page"], query["size"]).json()


@bp.delete("/plays/<int:play_id>")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(summary="Remove one event from your listening history", responses=[404])
def delete_play(play_id):
    session = db_session()
    feedback.delete_play(session, auth.current_user.id, checked_id(play_id, "播放记录"))
    session.commit()
    return ""


@bp.delete("/plays")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(summary="Clear your whole listening history")
def clear_plays():
    session = db_session()
    feedback.clear_plays(session, auth.current_user.id)
    session.commit()
    return ""
