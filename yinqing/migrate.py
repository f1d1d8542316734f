"""Apply Alembic migrations from code (CLI, tests, first start)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from yinqing.config import REPO_ROOT


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the repository's migrations and the given database."""
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating every table on a new database)."""
    command.upgrade(alembic_config(url), revision)
