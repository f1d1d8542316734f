"""Readers for the labelled review corpora, the NetEase comments and our music labels.

All paths are below the shared data folder (`Settings.shared_data_dir`); nothing here is
copied into the repository. Labels are 1 (positive) and 0 (negative) throughout.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS_FILE = Path(__file__).resolve().parent / "labels" / "music_comments.csv"
TEST_ANNOTATIONS_FILE = LABELS_FILE.with_name("music_test_annotations.csv")
HOLDOUT_CATEGORY = "衣服"  # the review category never used for training
MUSIC_LABELS = {"pos": 1, "neg": 0, "neu": None}


@dataclass
class Example:
    """One labelled text; `group` is the review category or the music split."""

    text: str
    label: int
    group: str


def load_reviews(shared_dir: Path) -> list[Example]:
    """waimai_10k (group 外卖) and online_shopping_10_cats (group = its category)."""
    base = Path(shared_dir) / "sentiment"
    rows: list[Example] = []
    with open(base / "waimai_10k.csv", encoding="utf-8-sig", newline="") as fh:
        rows += [Example(r["review"], int(r["label"]), "外卖") for r in csv.DictReader(fh) if r["review"]]
    with open(base / "online_shopping_10_cats.no_hotel.csv", encoding="utf-8-sig", newline="") as fh:
        rows += [Example(r["review"], int(r["label"]), r["cat"]) for r in csv.DictReader(fh) if r["review"]]
    return rows


def split_reviews(rows: list[Example], holdout: str = HOLDOUT_CATEGORY, seed: int = 13,
                  test_frac: float = 0.1, dev_frac: float = 0.05) -> dict[str, list[Example]]:
    """train / dev / test (random, seeded) of every category but `holdout`, which is kept whole."""
    rest = [r for r in rows if r.group != holdout]
    random.Random(seed).shuffle(rest)
    n_test, n_dev = int(len(rest) * test_frac), int(len(rest) * dev_frac)
    return {
        "test": rest[:n_test],
        "dev": rest[n_test : n_test + n_dev],
        "train": rest[n_test + n_dev :],
        "holdout": [r for r in rows if r.group == holdout],
    }


def comment_key(obj: dict) -> str:
    """Stable id of a mirror comment: `c:<commentId>`, else `r:<source file stem>:<row>`."""
    cid = (obj.get("comment") or {}).get("commentId")
    if cid:
        return f"c:{cid}"
    return f"r:{Path(obj.get('_source', '')).stem}:{obj.get('_row')}"


def iter_mirror_comments(shared_dir: Path) -> Iterator[tuple[str, int | None, str]]:
    """(key, song id, text) of every comment in the NetEase mirror."""
    base = Path(shared_dir) / "netease" / "mirror"
    for name in ("comments.jsonl", "comments_unassigned.jsonl"):
        with open(base / name, encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                text = (obj.get("comment") or {}).get("content") or ""
                if text.strip():
                    yield comment_key(obj), obj.get("songId"), text


def iter_unlabelled_texts(shared_dir: Path) -> Iterator[tuple[str, str]]:
    """(key, text) of all distinct comments: the mirror plus the raw Adydio files it omits."""
    seen: set[str] = set()
    for key, _song, text in iter_mirror_comments(shared_dir):
        seen.add(key)
        yield key, text
    raw = Path(shared_dir) / "netease" / "comments" / "Adydio_DataAnalysis_CloudMusic"
    for path in sorted(raw.glob("song*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                key = f"c:{row.get('commentId')}"
                text = row.get("content") or ""
                if key not in seen and text.strip():
                    seen.add(key)
                    yield key, text


def read_music_labels(path: Path = LABELS_FILE) -> dict[str, tuple[str, str]]:
    """key -> (label pos/neg/neu, split train/test) from our labelling file."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["source_key"]: (r["label"], r["split"]) for r in csv.DictReader(fh)}


def read_test_annotations(path: Path = TEST_ANNOTATIONS_FILE) -> dict[str, dict]:
    """key -> {first, second, third, label} for every comment of the music test set."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["source_key"]: r for r in csv.DictReader(fh)}


def load_music_examples(shared_dir: Path, path: Path = LABELS_FILE) -> dict[str, list[tuple[str, str]]]:
    """split -> [(text, label pos/neg/neu)] by joining our labels with the mirror texts."""
    labels = read_music_labels(path)
    out: dict[str, list[tuple[str, str]]] = {"train": [], "test": []}
    for key, _song, text in iter_mirror_comments(shared_dir):
        if key in labels:
            label, split = labels[key]
            out[split].append((text, label))
    return out
