"""Precomputed statistics for the dashboard: per-song aggregates and cached chart payloads.

Both tables are derived data: `yinqing.services.stats.refresh_stats` rebuilds them from the
catalogue and comments after each crawl or analysis job, so they can always be dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base
from yinqing.models.types import Json, utcnow

COVER_CLASSES = ("original", "cover", "unknown")


class SongStats(Base):
    """One compact row per song for the charts: the song's chart dimensions copied from `songs`
    (release date in China time, duration, popularity, fee, availability, album), its comment
    aggregates and its cover-version class (see services.stats.cover_class). Every filtered chart
    query reads this narrow table instead of the wide `songs` rows."""

    __tablename__ = "song_stats"

    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    is_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    release_year: Mapped[int | None] = mapped_column(Integer)
    release_month: Mapped[int | None] = mapped_column(Integer)
    # yyyymmdd as an integer (portable and cheap to group by).
    release_day: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    popularity: Mapped[float | None] = mapped_column(Float)
    fee: Mapped[int | None] = mapped_column(Integer)
    privilege_status: Mapped[int | None] = mapped_column(Integer)
    album_id: Mapped[int | None] = mapped_column(BigInteger)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    liked_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    positive: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    neutral: Mapped[int] = mapped_column(Integer, default=0)
    cover_class: Mapped[str] = mapped_column(String(8), default="unknown")

    __table_args__ = (
        Index("ix_song_stats_release", "release_year", "release_month"),
        Index("ix_song_stats_comment_count", "comment_count"),
        Index("ix_song_stats_album_id", "album_id"),
    )


class StatsCache(Base):
    """A cached chart payload or word-cloud term list, by key (e.g. `chart:releases`, `wc:lyrics:song:1`)."""

    __tablename__ = "stats_cache"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    payload: Mapped[Any | None] = mapped_column(Json)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
