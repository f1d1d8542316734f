"""`yinqing search-index`: rebuild the song search index from the catalogue."""

from __future__ import annotations

import time

import click

from yinqing.config import Settings


@click.command("search-index")
def search_index() -> None:
    """Rebuild the search index of every named song (the crawler keeps it current on its own;
    run this after loading songs by other means)."""
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.services.search import refresh_search_index

    engine = make_engine(Settings.from_env().database_url)
    start = time.perf_counter()
    with session_scope(make_sessionmaker(engine)) as session:
        written = refresh_search_index(session)
    engine.dispose()
    click.echo(f"search index: {written} songs in {time.perf_counter() - start:.1f} s")
