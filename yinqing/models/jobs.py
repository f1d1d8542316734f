"""Background jobs (crawl, train, analyse) and their progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base
from yinqing.models.types import Json, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any] | None] = mapped_column(Json)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The kind while a one-at-a-time job (crawl, train) is queued or running, else NULL: the unique
    # index lets the database refuse a second active one, even when two requests race. (A unique
    # index over a nullable column admits any number of NULLs on SQLite, PostgreSQL and MariaDB alike,
    # where a partial index would not exist on MariaDB.)
    active_kind: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_jobs_kind_status", "kind", "status"),
                      Index("uq_jobs_active_kind", "active_kind", unique=True))
