"""GRU4Rec.top_items (the per-request path of the recommend service) ranks like GRU4Rec.score."""

from __future__ import annotations

import numpy as np
import pytest

from yinqing.recsys.data import TrainData
from yinqing.recsys.gru import GRU4Rec


@pytest.fixture(scope="module")
def model() -> GRU4Rec:
    rng = np.random.default_rng(3)
    n_items = 5000
    clusters = rng.integers(0, 50, size=400) * 100
    seqs = [(c + rng.integers(0, 100, size=30)).astype(np.int64) for c in clusters]
    return GRU4Rec(hidden=32, n_sample=64, batch_size=32, epochs=2, seed=3).fit(TrainData(n_items, seqs, np.arange(400)))


def _same_ranking(model: GRU4Rec, use_bf16: bool) -> None:
    model._bf16_pays()
    model._bf16_faster = use_bf16  # both paths, whichever this CPU would pick
    rng = np.random.default_rng(4)
    for _ in range(30):
        context = rng.integers(0, model.n_items, size=int(rng.integers(1, 25)))
        n = int(rng.choice([1, 10, 60]))
        scores = model.score([context])[0]
        got = model.top_items(context, n)
        assert len(got) == n == len(set(got.tolist()))
        # Same scores in the same order (ties may swap items of equal score).
        np.testing.assert_allclose(scores[got], np.sort(scores)[::-1][:n], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("repeat", [0.0, 0.3])
@pytest.mark.parametrize("use_bf16", [True, False])
def test_top_items_ranks_like_score(model, use_bf16, repeat, monkeypatch):
    monkeypatch.setattr(model, "repeat", repeat)  # 0.3: the mixture with the context's own songs
    _same_ranking(model, use_bf16)


def test_top_items_on_a_catalogue_smaller_than_n(model):
    small = GRU4Rec(hidden=8, n_sample=4, batch_size=4, epochs=1).fit(
        TrainData(5, [np.array([0, 1, 2, 3, 4])] * 4, np.arange(4)))
    assert sorted(small.top_items(np.array([0, 1]), 50).tolist()) == [0, 1, 2, 3, 4]
