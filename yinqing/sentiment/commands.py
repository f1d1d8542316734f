"""`yinqing train sentiment`, `yinqing sentiment predict|evaluate`, `yinqing analyse comments`."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from yinqing.config import Settings

BATCH = 2000
LABEL_VALUES = {"1": 1, "0": 0, "pos": 1, "neg": 0, "positive": 1, "negative": 0}


def _classifier(model_path: str | None):
    from yinqing.sentiment.predict import ModelLoadError, load_classifier

    try:
        return load_classifier(model_path)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("sentiment")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="where to write the model (default: the packaged default model file)")
@click.option("--kinds", default="linear,cnn", show_default=True, help="model kinds to compare")
@click.option("--report", type=click.Path(dir_okay=False), default=None, help="write the metrics as JSON here")
@click.option("--keep-candidates", type=click.Path(file_okay=False), default=None,
              help="also save every compared model here as <kind>.pt (read by bench/sentiment.py)")
def train_sentiment(out: str | None, kinds: str, report: str | None, keep_candidates: str | None) -> None:
    """Train and compare the sentiment models on ../shared/data; save the best as the default."""
    from yinqing.sentiment.pipeline import Recipe, train_and_compare
    from yinqing.sentiment.predict import DEFAULT_MODEL_PATH, file_digest

    recipe = Recipe(kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()))
    shared = Settings.from_env().shared_data_dir
    if not (shared / "sentiment").is_dir():
        raise click.ClickException(f"training data not found under {shared} (set YINQING_SHARED_DATA)")
    with click.progressbar(length=1000, label="training") as bar:
        def progress(message: str, fraction: float) -> None:
            # Each model (and each self-training round) starts again from 0.
            bar.label = message
            target = int(fraction * 1000)
            if target < bar.pos:
                bar.pos = 0
            bar.update(target - bar.pos)

        keep = Path(keep_candidates) if keep_candidates else None
        clf, metrics = train_and_compare(shared, recipe, progress, keep_dir=keep)
    path = Path(out) if out else DEFAULT_MODEL_PATH
    clf.meta["version"] = f"{clf.cfg.kind}-{metrics['trained_at']}"
    clf.save(path)
    clf.meta["version"] += f"-{file_digest(path)}"
    clf.save(path)
    if report:
        Path(report).write_text(json.dumps(metrics, ensure_ascii=False, indent=2))
    click.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
    click.echo(f"saved {clf.cfg.kind} model to {path} ({path.stat().st_size / 1e6:.1f} MB)")


@click.group("sentiment")
def sentiment() -> None:
    """Classify or evaluate texts with the sentiment model."""


@contextmanager
def _rows(path: str, column: str):
    """A DictReader over a UTF-8 CSV (BOM tolerated; "-" is stdin), checking that `column` exists."""
    with nullcontext(sys.stdin) if path == "-" else open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or column not in reader.fieldnames:
            raise click.ClickException(f"column {column!r} not in the CSV header {reader.fieldnames}")
        yield reader


def _batches(reader, size: int = BATCH):
    batch = []
    for row in reader:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@sentiment.command("predict")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--column", required=True, help="the column holding the text")
@click.option("--model", "model_path", default=None, help="a model file (default: the packaged one)")
def predict_csv(file: str, column: str, model_path: str | None) -> None:
    """Write FILE back to stdout with `label` and `probability` columns added (streaming)."""
    clf = _classifier(model_path)
    with _rows(file, column) as reader:
        fields = list(reader.fieldnames) + [f for f in ("label", "probability") if f not in reader.fieldnames]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for batch in _batches(reader):
            for row, res in zip(batch, clf.predict([row.get(column) or "" for row in batch])):
                row["label"], row["probability"] = res["label"], res["probability"]
                writer.writerow(row)


@sentiment.command("evaluate")
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--column", required=True, help="the column holding the text")
@click.option("--label-column", required=True, help="the column holding the gold label (1/0 or pos/neg)")
@click.option("--model", "model_path", default=None, help="a model file (default: the packaged one)")
def evaluate_csv(file: str, column: str, label_column: str, model_path: str | None) -> None:
    """Print accuracy, macro-F1 and the confusion matrix (positive vs negative) as JSON."""
    from yinqing.sentiment.train import binary_metrics

    clf = _classifier(model_path)
    probs, gold, skipped = [], [], 0
    with _rows(file, column) as reader:
        if label_column not in reader.fieldnames:
            raise click.ClickException(f"column {label_column!r} not in the CSV header {reader.fieldnames}")
        for batch in _batches(reader):
            keep = [r for r in batch if str(r.get(label_column, "")).strip().lower() in LABEL_VALUES]
            skipped += len(batch) - len(keep)
            probs += [r["probability"] for r in clf.predict([r.get(column) or "" for r in keep])]
            gold += [LABEL_VALUES[str(r[label_column]).strip().lower()] for r in keep]
    if not gold:
        raise click.ClickException("no rows with a label 1/0 or pos/neg")
    result = binary_metrics(probs, gold)
    result.update({"classes": ["negative", "positive"], "skipped_rows": skipped, "model": clf.version})
    click.echo(json.dumps(result, ensure_ascii=False))


@click.command("comments")
@click.option("--batch-size", default=1000, show_default=True, type=int)
@click.option("--background", is_flag=True, help="queue it as a background job (see `yinqing worker`)")
def analyse_comments(batch_size: int, background: bool) -> None:
    """Label every comment not yet labelled by the current model (in batches, with progress)."""
    from yinqing import jobs

    clf = _classifier(None)
    jobs.use_database(Settings.from_env().database_url)
    if background:
        click.echo(f"queued job {jobs.enqueue_analyse_comments(batch_size=batch_size)}")
        return
    with click.progressbar(length=1000, label="labelling comments") as bar:
        def progress(fraction: float, _message: str) -> None:
            bar.update(int(fraction * 1000) - bar.pos)

        result = jobs.analyse_comments(progress, batch_size, classifier=clf)
    click.echo(json.dumps(result, ensure_ascii=False))


@click.group("analyse")
def analyse() -> None:
    """Analyse stored data (comment sentiment)."""


analyse.add_command(analyse_comments)
