"""Crawl progress, so a killed crawl continues where it stopped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base
from yinqing.models.types import Json, utcnow


class CrawlUnit(Base):
    """One unit of work of a crawl run (e.g. `lyric:186016`, `comments:186016`) and its cursor.

    `run_key` names a crawl by what it crawls; a run that finished is marked by its `run` unit,
    and the next crawl with the same key starts afresh.
    """

    __tablename__ = "crawl_units"

    run_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[dict[str, Any] | None] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
