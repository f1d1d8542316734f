"""`yinqing stats refresh`: rebuild the dashboard's precomputed tables by hand."""

from __future__ import annotations

import click

from yinqing.config import Settings


@click.group()
def stats() -> None:
    """Dashboard statistics (数据大屏)."""


@stats.command("refresh")
def refresh() -> None:
    """Rebuild song_stats and the chart cache (the crawl and analyse jobs do this when they finish)."""
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.services.stats import refresh_stats

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        summary = refresh_stats(session, settings.shared_data_dir / "stopwords")
    engine.dispose()
    click.echo(f"refreshed {summary['songs']} songs and {summary['charts']} charts in {summary['seconds']} s")
