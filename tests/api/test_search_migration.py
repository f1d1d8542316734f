"""Migration 0006 (MariaDB's typo-tolerant search words) down and up again on a filled database."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import func, select

from tests.catalog_seed import seed_catalogue
from tests.conftest import BACKENDS, _create_database
from yinqing.db import make_engine, make_sessionmaker
from yinqing.migrate import alembic_config, upgrade
from yinqing.models import SearchWord
from yinqing.services.search import search_song_ids

MISTYPED = ("chenyxun", "zhoujeilun")  # 陈奕迅, 周杰伦 with a typo in the pinyin


def _typo_results(url: str, search: bool = True) -> tuple[dict[str, list[int]], int]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            found = {q: search_song_ids(s, q) for q in MISTYPED} if search else {}
            return found, s.scalar(select(func.count()).select_from(SearchWord))
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0006_down_and_up_rebuilds_the_typo_words(backend, tmp_path):
    url, drop = _create_database(backend, f"yq_test_mig_{uuid.uuid4().hex[:8]}", tmp_path)
    try:
        upgrade(url)
        engine = make_engine(url)
        with make_sessionmaker(engine)() as s:
            seed_catalogue(s)
        engine.dispose()
        before, words = _typo_results(url)
        assert all(len(ids) >= 10 for ids in before.values()), before
        assert (words > 0) == (backend != "sqlite")  # SQLite's typo pass does not read the words
        command.downgrade(alembic_config(url), "0005")
        if backend == "mysql":  # 0005 left MariaDB's words empty: its typo pass did not read them
            assert _typo_results(url, search=False)[1] == 0
        upgrade(url)  # 0006 fills MariaDB's words from the search texts already indexed
        assert _typo_results(url) == (before, words)
    finally:
        drop()
