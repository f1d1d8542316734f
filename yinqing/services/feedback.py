"""Feedback the recommenders learn from: ratings (heart = 5, stars 0-5) and plays.

A rating is one row per user and song, written with the backend's native upsert, so concurrent
clicks never fail or duplicate: the last write wins. Every function acts on the given user's
own rows only.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from yinqing.models import Play, Rating, Song
from yinqing.models.types import utcnow
from yinqing.models.users import RATING_SOURCES
from yinqing.services.catalog import Page, song_cards
from yinqing.services.errors import InvalidInput, NotFound

HEART = 5
SCORE_MIN, SCORE_MAX = 0, 5


def _require_song(session: Session, song_id: int) -> None:
    if session.scalar(select(Song.id).where(Song.id == song_id)) is None:
        raise NotFound("歌曲不存在 / song not found")


def _upsert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Rating), name


def set_rating(session: Session, user_id: int, song_id: int, score: int, source: str = "stars") -> dict:
    """Set the user's rating of a song (insert or overwrite); returns the stored rating."""
    if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        raise InvalidInput("评分需为 0–5 的整数 / score must be an integer from 0 to 5", {"score": ["range"]})
    if source not in RATING_SOURCES:
        raise InvalidInput("未知的评分来源 / unknown rating source", {"source": ["one_of"]})
    _require_song(session, song_id)
    now = utcnow()
    stmt, dialect = _upsert(session)
    stmt = stmt.values(user_id=user_id, song_id=song_id, score=score, source=source, updated_at=now)
    if dialect in ("mysql", "mariadb"):
        stmt = stmt.on_duplicate_key_update(score=score, source=source, updated_at=now)
    else:
        stmt = stmt.on_conflict_do_update(index_elements=["user_id", "song_id"],
                                          set_={"score": score, "source": source, "updated_at": now})
    session.execute(stmt)
    return {"song_id": song_id, "score": score, "source": source, "updated_at": now}


def remove_rating(session: Session, user_id: int, song_id: int) -> None:
    """Remove the user's rating of a song (nothing happens when there is none)."""
    _require_song(session, song_id)
    session.execute(delete(Rating).where(Rating.user_id == user_id, Rating.song_id == song_id))


def get_rating(session: Session, user_id: int, song_id: int) -> int | None:
    """The user's score for a song, or None."""
    return session.scalar(select(Rating.score).where(Rating.user_id == user_id, Rating.song_id == song_id))


def record_play(session: Session, user_id: int, song_id: int) -> dict:
    """Record that the user started playing a song."""
    _require_song(session, song_id)
    play = Play(user_id=user_id, song_id=song_id, played_at=utcnow())
    session.add(play)
    session.flush()
    return {"id": play.id, "song_id": song_id, "played_at": play.played_at}


def list_ratings(session: Session, user_id: int, page: int, size: int, liked_only: bool = False) -> Page:
    """The user's ratings (or only hearts, score 5), most recent first, with the songs' cards."""
    where = [Rating.user_id == user_id] + ([Rating.score == HEART] if liked_only else [])
    total = session.scalar(select(func.count()).select_from(Rating).where(*where)) or 0
    rows = session.execute(select(Rating.song_id, Rating.score, Rating.source, Rating.updated_at).where(*where)
                           .order_by(Rating.updated_at.desc(), Rating.id.desc())
                           .offset((page - 1) * size).limit(size)).all()
    cards = {c["id"]: c for c in song_cards(session, [r[0] for r in rows], user_id)}
    items = [{"song": cards[song_id], "score": score, "source": source, "updated_at": updated}
             for song_id, score, source, updated in rows if song_id in cards]
    return Page(items, total, page, size)


def list_plays(session: Session, user_id: int, page: int, size: int) -> Page:
    """The user's listening history, newest first, with the songs' cards."""
    where = [Play.user_id == user_id]
    total = session.scalar(select(func.count()).select_from(Play).where(*where)) or 0
    rows = session.execute(select(Play.id, Play.song_id, Play.played_at).where(*where)
                           .order_by(Play.played_at.desc(), Play.id.desc())
                           .offset((page - 1) * size).limit(size)).all()
    cards = {c["id"]: c for c in song_cards(session, list({r[1] for r in rows}), user_id)}
    items = [{"id": play_id, "song": cards[song_id], "played_at": played}
             for play_id, song_id, played in rows if song_id in cards]
    return Page(items, total, page, size)


def delete_play(session: Session, user_id: int, play_id: int) -> None:
    """Remove one event of the user's history; another user's event is reported as not found."""
    deleted = session.execute(delete(Play).where(Play.id == play_id, Play.user_id == user_id)).rowcount
    if not deleted:
        raise NotFound("播放记录不存在 / play not found")


def clear_plays(session: Session, user_id: int) -> int:
    """Remove the user's whole listening history; returns how many events were removed."""
    return session.execute(delete(Play).where(Play.user_id == user_id)).rowcount
