"""The `yinqing` command line. Each capability registers its commands here with add_command."""

from __future__ import annotations

import signal
import sys

import click

from yinqing.config import Settings


@click.group()
def main() -> None:
    """Yinqing (音情): NetEase Cloud Music crawler, recommendations and comment sentiment."""
    from dotenv import load_dotenv

    load_dotenv()  # a .env file in the working directory, if any (see .env.example)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="also run the background-job consumer in a child process")
def serve(host: str, port: int, threads: int, worker: bool) -> None:
    """Serve the API and the built frontend with the production WSGI server (waitress)."""
    import subprocess

    from waitress import serve as waitress_serve

    from yinqing.api import create_app
    from yinqing.crawler.run import die_with_parent

    app = create_app()
    child = None
    if worker:
        # preexec_fn is unsafe with threads; none has started yet.
        child = subprocess.Popen([sys.executable, "-m", "yinqing.cli", "worker"],
                                 preexec_fn=die_with_parent)  # noqa: PLW1509
    # A plain SIGTERM would end the process without running `finally`, orphaning the worker.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"音情 Yinqing serving on http://{host}:{port}  (API docs: /api/docs)")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="yinqing")
    finally:
        if child is not None:
            _stop(child)


def _stop(child) -> None:
    import subprocess

    child.terminate()
    try:
        child.wait(timeout=20)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@main.command()
@click.option("--workers", default=1, show_default=True, type=int)
def worker(workers: int) -> None:
    """Run the background-job consumer (crawl, train, analyse)."""
    from yinqing.jobs import huey

    huey.create_consumer(workers=workers, worker_type="thread").run()


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the database to the latest schema."""
    from yinqing.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url, revision)
    click.echo(f"database at revision {revision}: {_safe_url(settings.database_url)}")


BOOTSTRAP_STEPS = (
    ("crawl", "first-start", {}),
    ("analyse", "comments", {}),
    ("stats", "refresh", {}),
    ("train", "recsys", {"if_due": True}),
)


@main.command()
@click.pass_context
def bootstrap(ctx: click.Context) -> None:
    """First start, run by `make run`: migrate, crawl an empty database, label the comments,
    precompute the dashboard, train the recommenders when no current model exists.

    Every step is a no-op when its work is already done, so a second start is quick. A failing
    step is reported and the next one still runs: the app is served either way. On a fresh
    database the crawl takes a first slice and queues the rest as a background job, which the
    worker of `yinqing serve` runs (the home page shows its progress).
    """
    import time

    from yinqing.migrate import upgrade

    upgrade(Settings.from_env().database_url)
    for group_name, command_name, params in BOOTSTRAP_STEPS:
        group = main.get_command(ctx, group_name)
        command = group.get_command(ctx, command_name)
        click.secho(f"== yinqing {group_name} {command_name}", bold=True)
        started = time.monotonic()
        try:
            ctx.invoke(command, **params)
        except SystemExit as exc:
            if exc.code:
                click.secho(f"step '{group_name} {command_name}' stopped (exit {exc.code})", fg="yellow")
        except Exception as exc:  # noqa: BLE001 - report, keep starting: a later step or a retry can still work
            click.secho(f"step '{group_name} {command_name}' failed: {exc}", fg="yellow")
        click.echo(f"step '{group_name} {command_name}' took {time.monotonic() - started:.1f} s")


@main.group()
def train() -> None:
    """Train models (sentiment, recommenders)."""


@main.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--nickname", default=None)
def create_admin(username: str, password: str, nickname: str | None) -> None:
    """Create an administrator account (or promote an existing user after checking the password)."""
    from sqlalchemy import select

    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.models import User
    from yinqing.services import accounts
    from yinqing.services.errors import ServiceError

    settings = Settings.from_env()
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:
        with session_scope(factory) as session:
            existing = session.scalar(select(User).where(User.username == username))
            if existing is not None:
                accounts.authenticate(session, username, password)
                existing.role = "admin"
            else:
                accounts.register_user(session, username, password, nickname, role="admin")
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"admin '{username}' ready")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _register_commands() -> None:
    """Each capability keeps its commands beside its code; they are attached to the groups here."""
    from yinqing.catalog_commands import search_index
    from yinqing.crawler.commands import crawl
    from yinqing.recsys.commands import evaluate, train_recsys
    from yinqing.sentiment.commands import analyse, sentiment, train_sentiment
    from yinqing.stats_commands import stats

    for command in (crawl, sentiment, analyse, evaluate, search_index, stats):
        main.add_command(command)
    for command in (train_sentiment, train_recsys):
        train.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
