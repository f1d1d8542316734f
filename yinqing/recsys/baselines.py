"""Evaluation baselines: popularity, sequential rules and session-kNN."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from yinqing.recsys.data import TrainData
from yinqing.recsys.knn import KNN, context_matrix


class Popularity:
    """Scores every item by how often it occurs in training."""

    name = "Popularity"

    def fit(self, data: TrainData) -> Popularity:
        """Remember the training counts."""
        self.pop = data.item_pop.astype(np.float32)
        return self

    def score(self, contexts: Sequence[np.ndarray]) -> np.ndarray:
        """The same popularity row for every context."""
        return np.tile(self.pop, (len(contexts), 1))


class SequentialRules:
    """Sequential rules (Ludewig & Jannach 2018): item b after a within ``window`` steps,
    weighted 1/distance; the last items of the context vote with a recency decay."""

    name = "SR"

    def __init__(self, window: int = 5, n_last: int = 1, decay: float = 0.5) -> None:
        self.window, self.n_last, self.decay = window, n_last, decay

    def fit(self, data: TrainData) -> SequentialRules:
        """Count weighted a -> b successions inside every training sequence."""
        rows, cols, vals = [], [], []
        for gap in range(1, self.window + 1):
            for seq in data.sequences:
                if len(seq) > gap:
                    rows.append(seq[:-gap])
                    cols.append(seq[gap:])
                    vals.append(np.full(len(seq) - gap, 1.0 / gap, dtype=np.float32))
        n = data.n_items
        if rows:
            self.rules = sp.csr_matrix(
                (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
            )
        else:
            self.rules = sp.csr_matrix((n, n), dtype=np.float32)
        self.n_items = n
        return self

    def score(self, contexts: Sequence[np.ndarray]) -> np.ndarray:
        """Sum of the rules fired by the last items of each context."""
        q = context_matrix(contexts, self.n_items, self.n_last, self.decay)
        return np.asarray((q @ self.rules).todense(), dtype=np.float32)


class SKNN(KNN):
    """Session-kNN: the recent context is compared with every training session."""

    def __init__(self, k: int = 100, shrink: float = 0.0, n_last: int = 10, decay: float = 0.8) -> None:
        super().__init__(direction="user", k=k, shrink=shrink, n_last=n_last, decay=decay, rows="sessions")
