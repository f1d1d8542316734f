"""Sentiment benchmark: accuracy of every compared model and throughput against SnowNLP, one run.

    .venv/bin/python bench/sentiment.py [--models DIR] [--snownlp-sample 1000] [--json OUT]

Models come from DIR/<kind>.pt (written by `yinqing train sentiment --keep-candidates DIR`; any
other model file there, e.g. previous.pt, is compared with --kinds linear,previous); without
--models they are trained here first (several minutes on 2 cores).

First, on our music-comment test set (500 comments, adjudicated labels): three-class accuracy,
macro-F1 and the confusion matrix, and positive-vs-negative accuracy on its polar comments
(the model's pos/neg decision: P(positive) > P(negative)). SnowNLP and binary models call a
probability inside their neutral band neutral; SnowNLP's band is chosen here on music *dev*
the way a binary model's is (never on test). Then positive vs negative accuracy on: the review
test split, the held-out review category (never trained on) and the music test set. SnowNLP, being slow, is scored on a seeded sample of
each review split (all models are scored on the same sample too) and on the full music set.
Per review category (`--category-sample` texts of each category's test split, and of the
held-out category) every model and SnowNLP are scored on the same texts.
Throughput is comments per second on ONE core (torch.set_num_threads(1)), one pass over the same
distinct real NetEase comments for every model (SnowNLP: the first `--snownlp-speed` of them),
each model starting from an empty n-gram cache, reported as a ratio to SnowNLP in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yinqing.config import Settings
from yinqing.sentiment import tokenize
from yinqing.sentiment.data import (
    HOLDOUT_CATEGORY,
    iter_mirror_comments,
    load_reviews,
    read_test_annotations,
    split_reviews,
)
from yinqing.sentiment.pipeline import (
    THREE,
    Recipe,
    load_corpus,
    polar_scorer,
    three_class_metrics,
    train_and_compare,
)
from yinqing.sentiment.predict import load_classifier
from yinqing.sentiment.train import binary_metrics, classification_metrics

POLAR = {"pos": 1, "neg": 0}


def machine() -> str:
    """CPU model and core count, for the header."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, torch {torch.__version__}"


def snownlp_scores(texts: list[str]) -> list[float]:
    """SnowNLP as shipped (its own shopping-review model); empty texts get 0.5."""
    from snownlp import SnowNLP

    return [SnowNLP(t).sentiments if t.strip() else 0.5 for t in texts]


def band_labels(probs: list[float], band: tuple[float, float]) -> list[str]:
    """neg / neu / pos of P(positive) with a neutral band."""
    return ["neu" if band[0] <= p <= band[1] else ("pos" if p > 0.5 else "neg") for p in probs]


def snownlp_band(texts: list[str], labels: list[str]) -> tuple[float, float]:
    """The symmetric band around 0.5 with SnowNLP's best three-class macro-F1 on music dev."""
    probs = snownlp_scores(texts)
    halves = [h / 40 for h in range(17)]  # 0 .. 0.4 by 0.025, as pipeline.choose_band
    best = max(halves, key=lambda h: classification_metrics(band_labels(probs, (0.5 - h, 0.5 + h)), labels,
                                                            THREE)["macro_f1"])
    return 0.5 - best, 0.5 + best


def three_class(corpus, models: dict) -> dict:
    """Three-class metrics and pos/neg accuracy on the music test set, SnowNLP first."""
    texts, labels = corpus.music["test"]
    polar = [(t, POLAR[lab]) for t, lab in zip(texts, labels) if lab in POLAR]
    band = snownlp_band(*corpus.music["dev"])
    out = {"snownlp": classification_metrics(band_labels(snownlp_scores(texts), band), labels, THREE)}
    out["snownlp"]["neutral_band"] = list(band)
    out["snownlp"]["pos_neg"] = binary_metrics(snownlp_scores([t for t, _ in polar]), [y for _, y in polar])
    for name, clf in models.items():
        out[name] = three_class_metrics(clf, texts, labels)
        out[name]["pos_neg"] = binary_metrics(polar_scorer(clf)([t for t, _ in polar]), [y for _, y in polar])
    return out


def throughput(score, texts: list[str], warm: list[str]) -> dict:
    """Comments per second of wall time and per second of this process's CPU time (the fair
    one-core figure when other work shares the machine), ONE pass over distinct comments:
    repeating the same texts would time the n-gram caches, not a stream of new comments."""
    score(warm)  # lazy imports and model loading outside the timing
    tokenize._bucket.cache_clear()  # every model starts from the same empty n-gram cache
    start, cpu = time.perf_counter(), time.process_time()
    score(texts)
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return {"wall": len(texts) / wall, "cpu": len(texts) / max(used, 1e-9), "texts": len(texts)}


def sample(pairs: tuple[list[str], list[int]], n: int, seed: int = 7):
    idx = list(range(len(pairs[0])))
    random.Random(seed).shuffle(idx)
    idx = idx[:n]
    return [pairs[0][i] for i in idx], [pairs[1][i] for i in idx]


def category_splits(shared: Path, n: int) -> dict:
    """A seeded sample of at most `n` texts per review category: its test rows, or the whole
    held-out category (the same split as training, so none of these texts was trained on)."""
    splits = split_reviews(load_reviews(shared))
    rows = splits["test"] + splits["holdout"]
    out = {}
    for group in sorted({r.group for r in rows}):
        pairs = ([r.text for r in rows if r.group == group], [r.label for r in rows if r.group == group])
        out[f"category_{group}"] = sample(pairs, n)
    return out


def first_annotator_test(shared: Path) -> tuple[list[str], list[int]]:
    """The music test comments with the first annotator's labels alone (before adjudication)."""
    first = {key: row["first"] for key, row in read_test_annotations().items() if row["first"] in POLAR}
    texts = {key: text for key, _song, text in iter_mirror_comments(shared) if key in first}
    return [texts[k] for k in first], [POLAR[first[k]] for k in first]


def load_models(args, shared: Path) -> dict:
    folder = Path(args.models) if args.models else Path(tempfile.mkdtemp(prefix="yq-sentiment-"))
    if not args.models:
        print(f"training {args.kinds} into {folder} ...", flush=True)
        train_and_compare(shared, Recipe(kinds=tuple(args.kinds.split(","))), keep_dir=folder)
    return {kind: load_classifier(folder / f"{kind}.pt") for kind in args.kinds.split(",")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="folder with <kind>.pt files")
    parser.add_argument("--kinds", default="linear,cnn")
    parser.add_argument("--snownlp-sample", type=int, default=1000)
    parser.add_argument("--category-sample", type=int, default=300)
    parser.add_argument("--speed-comments", type=int, default=3000)
    parser.add_argument("--snownlp-speed", type=int, default=1000, help="comments timed for SnowNLP")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    shared = Settings.from_env().shared_data_dir
    print(f"machine: {machine()}")
    corpus = load_corpus(shared)
    models = load_models(args, shared)
    results: dict = {"machine": machine(), "three_class": three_class(corpus, models)}
    scorers = {"snownlp": snownlp_scores, **{k: polar_scorer(m) for k, m in models.items()}}
    music = [(t, POLAR[lab]) for t, lab in zip(*corpus.music["test"]) if lab in POLAR]
    splits = {
        "music_test": ([t for t, _ in music], [y for _, y in music]),
        "music_test_first_annotator": first_annotator_test(shared),
        "review_test_sample": sample(corpus.review["test"], args.snownlp_sample),
        f"review_holdout_{HOLDOUT_CATEGORY}_sample": sample(corpus.review["holdout"], args.snownlp_sample),
        **category_splits(shared, args.category_sample),
    }
    full = {"review_test": corpus.review["test"], f"review_holdout_{HOLDOUT_CATEGORY}": corpus.review["holdout"]}
    results.update({"accuracy": {}, "throughput": {},
                    "sizes": {name: len(y) for name, (_t, y) in {**splits, **full}.items()}})
    for name, score in scorers.items():
        acc = {split: binary_metrics(score(texts), labels)["accuracy"] for split, (texts, labels) in splits.items()}
        if name != "snownlp":
            acc.update({split: binary_metrics(score(t), y)["accuracy"] for split, (t, y) in full.items()})
        results["accuracy"][name] = acc

    torch.set_num_threads(1)
    # Distinct comments that none of the accuracy runs above has seen (no warm caches).
    drawn = random.Random(3).sample(corpus.unlabelled, args.speed_comments + 50)
    warm, speed_texts = drawn[:50], drawn[50:]
    results["throughput"]["snownlp"] = throughput(snownlp_scores, speed_texts[: args.snownlp_speed], warm)
    for name, clf in models.items():
        results["throughput"][name] = throughput(clf.predict, speed_texts, warm)
    report(results, models)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))


def report(results: dict, models: dict) -> None:
    base = results["throughput"]["snownlp"]
    three = results["three_class"]
    print("\nmusic test set, three classes (neg / neu / pos), and positive vs negative on its polar comments")
    print(f"{'model':10s}{'comments':>9s}{'accuracy':>10s}{'macro-F1':>10s}{'pos/neg':>9s}{'(n)':>6s}   "
          "confusion (rows true neg/neu/pos, columns predicted)")
    for name, m in three.items():
        band = f"   band {m['neutral_band']}" if "neutral_band" in m else ""
        print(f"{name:10s}{m['n']:9d}{m['accuracy']:10.4f}{m['macro_f1']:10.4f}{m['pos_neg']['accuracy']:9.4f}"
              f"{m['pos_neg']['n']:6d}   {m['confusion']}{band}")
    names = list(results["accuracy"])
    splits = sorted({s for acc in results["accuracy"].values() for s in acc})
    print("\naccuracy (positive vs negative); one row per test set, one column per model")
    print(f"{'test set':34s}{'texts':>7s}" + "".join(f"{n:>10s}" for n in names))
    for split in splits:
        cells = [results["accuracy"][n].get(split) for n in names]
        print(f"{split[:34]:34s}{results['sizes'][split]:7d}" + "".join(f"{c:10.4f}" if c is not None else f"{'-':>10s}" for c in cells))
    print("\nthroughput on one core (one pass over distinct real NetEase comments; wall clock and per CPU-second)")
    for name, speed in results["throughput"].items():
        version = models[name].version if name in models else "as shipped"
        print(f"{name:10s} {speed['wall']:9.0f}/s wall {speed['wall'] / base['wall']:7.1f}x SnowNLP   "
              f"{speed['cpu']:9.0f}/s CPU {speed['cpu'] / base['cpu']:7.1f}x SnowNLP   ({version})")


if __name__ == "__main__":
    main()
