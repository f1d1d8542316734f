"""`yinqing evaluate` and `yinqing train recsys`."""

from __future__ import annotations

import json
import sys

import click

FORMATS = ("sessions", "playlists")


def _log(message: str) -> None:
    click.echo(message, err=True)


def _splits(train_files: tuple[str, ...], test_file: str | None, fmt: str, valid_cases: int | None):
    from yinqing.recsys.data import read_playlists
    from yinqing.recsys.train import playlist_splits, sessions_splits

    if fmt == "sessions":
        if not test_file:
            raise click.UsageError("--format sessions needs --test FILE (the latest slice)")
        return sessions_splits(list(train_files), test_file)
    playlists = read_playlists(list(train_files))
    held_out = read_playlists([test_file]) if test_file else None
    if held_out:
        playlists = {k: v for k, v in playlists.items() if k not in held_out}
    return playlist_splits(playlists, held_out)


def _evaluate_database(as_json: bool) -> None:
    """The app's own evaluation (the models as the app serves them, on a time split of the
    database), stored for the admin page 模型评估."""
    from yinqing.config import Settings
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.recsys.evaluate import format_table
    from yinqing.services.errors import ServiceError
    from yinqing.services.model_quality import evaluate_app_models

    factory = make_sessionmaker(make_engine(Settings.from_env().database_url))
    try:
        with session_scope(factory) as session:
            table = evaluate_app_models(session, lambda fraction, message="": _log(message))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    _log(f"{table['n_events']} events, {table['n_train_events']} in training, catalogue {table['n_catalogue']}, "
         f"{table['n_scored_cases']} of {table['n_test_cases']} test cases scored; {table['split']}")
    if as_json:
        json.dump(table, sys.stdout, ensure_ascii=False, indent=2, default=float)
        click.echo()
    else:
        click.echo(format_table(table["rows"]))


@click.command("evaluate")
@click.option("--train", "train_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="training file(s); without any, the app's own database is evaluated")
@click.option("--test", "test_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="test file (sessions: the latest slice; playlists: held-out playlists, default 10%)")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="sessions", show_default=True)
@click.option("--methods", default=None, help="comma-separated subset of the methods (default: all)")
@click.option("--valid-cases", default=4000, show_default=True, type=int,
              help="validation cases used for tuning (a fixed random subset)")
@click.option("--json", "as_json", is_flag=True, help="print the table as JSON")
def evaluate(train_files, test_file, fmt, methods, valid_cases, as_json) -> None:
    """Tune every recommender on a validation split, then rank the FULL catalogue on the test split.

    Without files: evaluate the app's own models on its database and store the table (admin
    page 模型评估)."""
    from yinqing.recsys.evaluate import format_table
    from yinqing.recsys.train import METHODS, run_comparison

    if not train_files:
        _evaluate_database(as_json)
        return

    names = [m.strip() for m in methods.split(",") if m.strip()] if methods else list(METHODS)
    unknown = [m for m in names if m not in METHODS]
    if unknown:
        raise click.BadParameter(f"unknown method(s) {unknown}; choose from {list(METHODS)}", param_hint="--methods")
    valid, test = _splits(train_files, test_file, fmt, valid_cases)
    _log(f"train: {test.train.n_events} events, {test.train.n_items} items; test cases: {len(test.targets)}")
    rows = run_comparison(valid, test, names, valid_cases=valid_cases, log=_log)
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=float)
        click.echo()
    else:
        click.echo(format_table(rows))


@click.command("recsys")
@click.option("--epochs", default=None, type=int, help="GRU epochs (default: the tuned setting)")
@click.option("--if-due", is_flag=True,
              help="only when no model exists or enough new feedback arrived; too little data is not an error "
                   "(for `make run`: after the crawl, before serving)")
def train_recsys(epochs: int | None, if_due: bool) -> None:
    """Train the recommenders on the app's database and publish a new model version."""
    from yinqing.config import Settings
    from yinqing.db import make_engine, make_sessionmaker, session_scope
    from yinqing.services import recommend
    from yinqing.services.errors import ServiceError

    settings = Settings.from_env()
    factory = make_sessionmaker(make_engine(settings.database_url))
    if if_due:
        with session_scope(factory) as session:
            if not recommend.needs_retraining(session, settings.model_dir / "recsys"):
                has_model = recommend.model_info(settings.model_dir / "recsys") is not None
                click.echo("推荐模型已是最新 / recommender model is up to date" if has_model
                           else "还没有交互数据，跳过训练 / no interactions yet: nothing to train")
                return
    with click.progressbar(length=100, label="训练推荐模型 / training recommenders") as bar:
        done = [0]

        def progress(fraction: float, message: str = "") -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step
            if message:
                bar.label = message

        try:
            with session_scope(factory) as session:
                result = recommend.train_models(session, settings.model_dir / "recsys", progress, epochs=epochs)
        except ServiceError as exc:
            if if_due:
                click.echo(f"\n跳过训练 / training skipped: {exc.message}")
                return
            raise click.ClickException(exc.message) from exc
    click.echo(json.dumps(result, ensure_ascii=False, default=str))
