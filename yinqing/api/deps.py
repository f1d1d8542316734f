"""Per-request resources: the database session and the settings."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from yinqing.config import Settings


def settings() -> Settings:
    """The application's settings."""
    return current_app.extensions["yinqing"]["settings"]


def db_session() -> Session:
    """The request's session (created on first use, closed after the request; views commit)."""
    if "db" not in g:
        g.db = current_app.extensions["yinqing"]["sessionmaker"]()
    return g.db


def close_session(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
