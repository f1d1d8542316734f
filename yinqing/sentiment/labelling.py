"""Drawing more NetEase comments to label, and appending the labels to `labels/music_comments.csv`.

    python -m yinqing.sentiment.labelling show 100 > batch.txt     # the next 100 unlabelled texts
    python -m yinqing.sentiment.labelling add batch.txt LABELS      # LABELS: one of p/n/u per text

The test set's labels are adjudicated from three blind annotators (`music_test_annotations.csv`,
see MODEL.md): `adjudicate` is the rule, and a test checks the two files agree.

The draw is a seeded shuffle of the distinct (normalised) comment texts of the mirror; texts
already labelled (train or test, compared after normalisation) are skipped, so every call
continues the same random sample. New labels always go to the `train` split: the test set is
fixed and never grows.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from yinqing.sentiment.data import LABELS_FILE, iter_mirror_comments, read_music_labels
from yinqing.sentiment.tokenize import normalise

DRAW_SEED = 13
CODES = {"p": "pos", "n": "neg", "u": "neu"}


def unlabelled_draw(shared_dir: Path, labels_path: Path = LABELS_FILE, seed: int = DRAW_SEED
                    ) -> Iterator[tuple[str, str]]:
    """(key, text) of distinct comment texts in a fixed random order, skipping labelled ones."""
    labels = read_music_labels(labels_path)
    first: dict[str, tuple[str, str]] = {}
    labelled_texts: set[str] = set()
    for key, _song, text in iter_mirror_comments(shared_dir):
        clean = normalise(text)
        if key in labels:
            labelled_texts.add(clean)
        elif clean and clean not in first:
            first[clean] = (key, text)
    order = sorted(first)  # a stable order before the seeded shuffle
    random.Random(seed).shuffle(order)
    for clean in order:
        if clean not in labelled_texts:
            yield first[clean]


def append_labels(pairs: list[tuple[str, str]], labels_path: Path = LABELS_FILE) -> int:
    """Append (key, pos/neg/neu) rows to the train split; refuse keys already labelled."""
    known = read_music_labels(labels_path)
    for key, label in pairs:
        if key in known or label not in CODES.values():
            raise ValueError(f"bad or duplicate label row: {key} {label}")
    ends_in_newline = Path(labels_path).read_bytes().endswith(b"\n")
    with open(labels_path, "a", encoding="utf-8", newline="") as fh:
        if not ends_in_newline:
            fh.write("\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerows((key, label, "train") for key, label in pairs)
    return len(pairs)


def adjudicate(first: str, second: str, third: str | None) -> str:
    """The test label from independent annotations: the first two when they agree, else the
    majority of three; three different answers mean mixed feelings, i.e. neutral."""
    if first == second:
        return first
    if third is None:
        raise ValueError("the annotators disagree: a third annotation is needed")
    label, votes = Counter([first, second, third]).most_common(1)[0]
    return label if votes >= 2 else "neu"


def main(argv: list[str]) -> None:
    from yinqing.config import Settings

    shared = Settings.from_env().shared_data_dir
    if argv[0] == "show":
        for i, (key, text) in zip(range(int(argv[1])), unlabelled_draw(shared)):
            print(f"{i}\t{key}\t{' '.join(text.split())}")
    elif argv[0] == "add":
        keys = [line.split("\t")[1] for line in Path(argv[1]).read_text(encoding="utf-8").splitlines() if line]
        codes = "".join(argv[2].split())
        if len(codes) != len(keys):
            raise SystemExit(f"{len(codes)} labels for {len(keys)} texts")
        print(append_labels([(k, CODES[c]) for k, c in zip(keys, codes)]), "labels added")


if __name__ == "__main__":
    main(sys.argv[1:])
