"""Precomputed statistics for the dashboard: per-song aggregates and cached chart payloads.

Both tables are derived data: `yinqing.services.stats.refresh_stats` rebuilds them from the
catalogue and comments after each crawl or analysis job, so they can always be dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base
from yinqing.models.types import Json, utcnow

COVER_CLASSES = ("original", "cover", "unknown")


class SongStats(Base):
    """Per-song comment aggregates and the cover-version class (see services.stats.cover_class)."""

    __tablename__ = "song_stats"

    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    liked_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    positive: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    neutral: Mapped[int] = mapped_column(Integer, default=0)
    cover_class: Mapped[str] = mapped_column(String(8), default="unknown")
    # Release year and month in China time (UTC+8), so charts group by plain integers.
    release_year: Mapped[Optional[int]] = mapped_column(Integer)
    release_month: Mapped[Optional[int]] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_song_stats_comment_count", "comment_count"),
        Index("ix_song_stats_cover_class", "cover_class"),
        Index("ix_song_stats_release", "release_year", "release_month"),
    )


class StatsCache(Base):
    """A cached chart payload or word-cloud term list, by key (e.g. `chart:releases`, `wc:lyrics:song:1`)."""

    __tablename__ = "stats_cache"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    payload: Mapped[Optional[Any]] = mapped_column(Json)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
