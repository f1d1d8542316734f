"""Song comments and their sentiment labels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base
from yinqing.models.types import BigId, utcnow


class Comment(Base):
    """A NetEase comment. Some sources lack the comment id, so `dedup_key` is the identity."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    netease_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # "c:<commentId>" when NetEase gave an id, else a hash of song, user, time and text.
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    nickname: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    liked_count: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int | None] = mapped_column(Integer)
    time: Mapped[datetime | None] = mapped_column(DateTime)
    ip_location: Mapped[str | None] = mapped_column(String(64))
    is_hot: Mapped[bool] = mapped_column(Boolean, default=False)
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    # P(positive), P(neutral), P(negative) of the model named in sentiment_model (NULL: not judged)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_neutral: Mapped[float | None] = mapped_column(Float)
    sentiment_negative: Mapped[float | None] = mapped_column(Float)
    sentiment_model: Mapped[str | None] = mapped_column(String(64))
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_comments_song_time", "song_id", "time"),
        Index("ix_comments_song_hot_likes", "song_id", "is_hot", "liked_count"),
        Index("ix_comments_sentiment_model", "sentiment_model"),
    )
