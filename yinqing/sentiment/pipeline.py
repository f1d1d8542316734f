"""The full training recipe behind `yinqing train sentiment` and `bench/sentiment.py`.

Data (all read from the shared data folder, nothing copied into the repository):

* reviews: waimai_10k + online_shopping_10_cats; the category `HOLDOUT_CATEGORY` is never
  trained on; the others are split 85 / 5 / 10 (train / dev / test) with a fixed seed;
* music comments we labelled (labels/music_comments.csv): `test` never enters training in any
  form (not even as unlabelled text); `train` is split 80 / 20 into fit / dev by key hash;
* unlabelled NetEase comments (~300k, minus the music test texts) for domain adaptation:
  character embeddings pre-trained on them (PPMI + SVD) and one round of self-training.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from yinqing.sentiment.data import (
    HOLDOUT_CATEGORY,
    LABELS_FILE,
    iter_mirror_comments,
    iter_unlabelled_texts,
    load_reviews,
    read_music_labels,
    split_reviews,
)
from yinqing.sentiment.models import ModelConfig
from yinqing.sentiment.predict import SentimentClassifier
from yinqing.sentiment.tokenize import normalise
from yinqing.sentiment.train import (
    TrainOptions,
    binary_metrics,
    char_embeddings,
    classification_metrics,
    fit,
    pseudo_label,
)

Progress = Callable[[str, float], None]
POLAR = {"pos": 1, "neg": 0}


@dataclass
class Corpus:
    """Every split the recipe uses, as (texts, labels) pairs; music labels are pos/neg/neu."""

    review: dict[str, tuple[list[str], list[int]]]
    music: dict[str, tuple[list[str], list[str]]]
    unlabelled: list[str] = field(default_factory=list)


@dataclass
class Recipe:
    """Knobs of the recipe (tests pass smaller values)."""

    kinds: tuple[str, ...] = ("linear", "cnn")
    # Chosen on music dev (4 -> 12 -> 20 raised linear's music dev accuracy 0.803 -> 0.822 -> 0.825).
    music_weight: float = 20.0
    pseudo_per_class: int = 8000
    pseudo_pool: int = 60000
    pseudo_weight: float = 0.5
    unlabelled_limit: int | None = None
    review_limit: int | None = None
    seed: int = 13
    # Chosen on music dev in the third run (6,100 labelled comments): word n-grams 0.846 / 0.849
    # (two seeds) against 0.835-0.845 for characters only (four seeds).
    configs: dict[str, dict] = field(default_factory=lambda: {"linear": {"word_ngrams": True}})
    train_limit: dict[str, int] = field(default_factory=lambda: {"cnn": 20000, "bigru": 15000})
    options: dict[str, TrainOptions] = field(default_factory=lambda: {
        "linear": TrainOptions(epochs=3, batch_size=128, lr=0.02),
        "cnn": TrainOptions(epochs=2, batch_size=128, lr=0.003, max_train_chars=120),
        "bigru": TrainOptions(epochs=2, batch_size=128, lr=0.003),
    })


def _music_split(key: str) -> str:
    """Stable 80/20 fit/dev split of the labelled music training comments."""
    return "dev" if zlib.crc32(key.encode()) % 5 == 0 else "fit"


def load_corpus(shared_dir: Path, labels_path: Path = LABELS_FILE, recipe: Recipe | None = None) -> Corpus:
    """Read reviews, our music labels joined with the mirror texts, and the unlabelled comments."""
    recipe = recipe or Recipe()
    splits = split_reviews(load_reviews(shared_dir))
    review = {}
    for name, rows in splits.items():
        rows = rows[: recipe.review_limit] if recipe.review_limit else rows
        review[name] = ([r.text for r in rows], [r.label for r in rows])
    labels = read_music_labels(labels_path)
    music: dict[str, tuple[list[str], list[str]]] = {"fit": ([], []), "dev": ([], []), "test": ([], [])}
    test_texts: set[str] = set()
    for key, _song, text in iter_mirror_comments(shared_dir):
        if key in labels:
            label, split = labels[key]
            name = "test" if split == "test" else _music_split(key)
            music[name][0].append(text)
            music[name][1].append(label)
            if name == "test":
                test_texts.add(normalise(text))
    unlabelled = []
    for _key, text in iter_unlabelled_texts(shared_dir):
        if normalise(text) not in test_texts:
            unlabelled.append(text)
        if recipe.unlabelled_limit and len(unlabelled) >= recipe.unlabelled_limit:
            break
    return Corpus(review=review, music=music, unlabelled=unlabelled)


def _polar(texts: list[str], labels: list[str]) -> tuple[list[str], list[int]]:
    pairs = [(t, POLAR[l]) for t, l in zip(texts, labels) if l in POLAR]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _training_set(corpus: Corpus, recipe: Recipe, kind: str):
    texts, labels = corpus.review["train"]
    # The char models learn less per review than they cost: cap their review share (CPU time).
    limit = recipe.train_limit.get(kind)
    texts, labels = (texts[:limit], labels[:limit]) if limit else (texts, labels)
    m_texts, m_labels = _polar(*corpus.music["fit"])
    weights = [1.0] * len(texts) + [recipe.music_weight] * len(m_texts)
    return list(texts) + m_texts, list(labels) + m_labels, weights


def train_kind(kind: str, corpus: Corpus, recipe: Recipe, progress: Progress | None = None) -> SentimentClassifier:
    """Train one kind: reviews + labelled music, then one round of self-training on comments."""
    cfg = ModelConfig(kind=kind, **recipe.configs.get(kind, {}))
    opts = recipe.options[kind]
    init = None
    if kind != "linear" and corpus.unlabelled:
        if progress:
            progress(f"{kind}: pre-training character embeddings", 0.0)
        init = char_embeddings(corpus.unlabelled + corpus.review["train"][0], cfg)
    texts, labels, weights = _training_set(corpus, recipe, kind)
    clf = fit(cfg, texts, labels, weights, opts, init, progress)
    if corpus.unlabelled and recipe.pseudo_per_class:
        # Scoring all ~300k comments costs more than it adds: a seeded sample is the pool.
        pool = random.Random(recipe.seed).sample(corpus.unlabelled, min(recipe.pseudo_pool, len(corpus.unlabelled)))
        p_texts, p_labels = pseudo_label(clf, pool, recipe.pseudo_per_class)
        texts += p_texts
        labels += p_labels
        weights += [recipe.pseudo_weight] * len(p_texts)
        clf = fit(cfg, texts, labels, weights, opts, init, progress)
    return clf


def choose_band(clf: SentimentClassifier, texts: list[str], labels: list[str]) -> tuple[float, float]:
    """Symmetric neutral band around 0.5 with the best 3-class macro-F1 on labelled comments."""
    probs = clf.probabilities([normalise(t) or " " for t in texts])
    best = (0.0, (0.5, 0.5))
    for half in np.arange(0.0, 0.41, 0.025):
        pred = ["neu" if abs(p - 0.5) <= half else ("pos" if p > 0.5 else "neg") for p in probs]
        score = classification_metrics(pred, labels, ["neg", "neu", "pos"])["macro_f1"]
        if score > best[0] + 1e-9:
            best = (score, (round(0.5 - float(half), 3), round(0.5 + float(half), 3)))
    return best[1]


def evaluate(score: Callable[[list[str]], list[float]], corpus: Corpus,
             band: tuple[float, float] | None = None) -> dict:
    """Binary metrics on review test, held-out category and music test; 3-class on music test."""
    out = {}
    for name, (texts, labels) in (("review_test", corpus.review["test"]),
                                  (f"review_holdout_{HOLDOUT_CATEGORY}", corpus.review["holdout"]),
                                  ("music_test", _polar(*corpus.music["test"]))):
        out[name] = binary_metrics(score(texts), labels)
    if band:
        texts, labels = corpus.music["test"]
        probs = score(texts)
        pred = ["neu" if band[0] <= p <= band[1] else ("pos" if p > 0.5 else "neg") for p in probs]
        out["music_test_3class"] = classification_metrics(pred, labels, ["neg", "neu", "pos"])
    return out


def model_scorer(clf: SentimentClassifier) -> Callable[[list[str]], list[float]]:
    """P(positive) of raw texts through a trained model."""
    return lambda texts: clf.probabilities([normalise(t) or " " for t in texts])


def train_and_compare(shared_dir: Path, recipe: Recipe | None = None, progress: Progress | None = None,
                      labels_path: Path = LABELS_FILE, keep_dir: Path | None = None
                      ) -> tuple[SentimentClassifier, dict]:
    """Train every kind, pick the best on the dev sets, return it with a metrics report.

    With `keep_dir`, every trained candidate is also saved there as `<kind>.pt` (for the bench).
    """
    recipe = recipe or Recipe()
    corpus = load_corpus(shared_dir, labels_path, recipe)
    report: dict = {"trained_at": datetime.now(UTC).strftime("%Y-%m-%d"), "models": {}}
    best: tuple[float, SentimentClassifier | None] = (-1.0, None)
    for kind in recipe.kinds:
        clf = train_kind(kind, corpus, recipe, progress)
        dev_music = binary_metrics(model_scorer(clf)(_polar(*corpus.music["dev"])[0]),
                                   _polar(*corpus.music["dev"])[1])["accuracy"]
        dev_review = binary_metrics(model_scorer(clf)(corpus.review["dev"][0]), corpus.review["dev"][1])["accuracy"]
        band = choose_band(clf, *corpus.music["dev"]) if corpus.music["dev"][0] else (0.4, 0.6)
        clf.meta["neutral_band"] = list(band)
        clf.neutral_band = band
        metrics = evaluate(model_scorer(clf), corpus, band)
        metrics["dev"] = {"music": dev_music, "review": dev_review}
        report["models"][kind] = metrics
        if keep_dir:
            clf.meta.update({"version": f"{kind}-{report['trained_at']}", "metrics": metrics})
            clf.save(Path(keep_dir) / f"{kind}.pt")
        # Music comments are the product's domain, so they weigh double in the choice.
        score = 2 * dev_music + dev_review
        if score > best[0]:
            best = (score, clf)
    chosen = best[1]
    report["default"] = chosen.cfg.kind
    report["sizes"] = {name: len(v[0]) for name, v in corpus.review.items()}
    report["sizes"].update({f"music_{k}": len(v[0]) for k, v in corpus.music.items()})
    report["sizes"]["unlabelled"] = len(corpus.unlabelled)
    chosen.meta.update({"trained_at": report["trained_at"], "metrics": report["models"][chosen.cfg.kind]})
    return chosen, report
