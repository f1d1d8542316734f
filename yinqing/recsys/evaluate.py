"""Offline evaluation: time-based split, next-item prediction ranked over the full catalogue.

For every test event after the first of its session, the model sees the user's past (all
training events and the earlier test events, oldest first) and ranks the WHOLE training
catalogue; no sampled negatives. Items never seen in training count as misses. Exact score
ties are broken by training popularity for every method alike (the app does the same).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from yinqing.recsys.data import Events, IdMap, ItemFeatures, TrainData, build_train_data

CUTOFFS = (10, 20)
SCORING_ONLY = ("history", "repeat", "repeat_decay", "rules")  # GRU settings read at scoring time only


@dataclass
class EvalSplit:
    """Training data plus (context, target) pairs for next-item prediction."""

    train: TrainData
    items: IdMap
    contexts: list[np.ndarray]
    targets: np.ndarray


def make_split(train_events: Events, test_events: Events, max_context: int = 200,
               extra_items: np.ndarray | None = None) -> EvalSplit:
    """Fit-ready training data and next-item test cases; training never sees test events.
    ``extra_items``: catalogue items beyond those seen in training (see ``build_train_data``)."""
    train, items, _ = build_train_data(train_events, "sessions", extra_items)
    timeline: dict[int, list[int]] = {}
    tr = train_events.sorted()
    for user, item in zip(tr.users.tolist(), items.encode(tr.items).tolist()):
        timeline.setdefault(user, []).append(item)
    te = test_events.take(np.lexsort((np.arange(len(test_events)), test_events.times, test_events.users)))
    te_items = items.encode(te.items).tolist()
    contexts, targets, last_session = [], [], None
    for user, session, item in zip(te.users.tolist(), te.sessions.tolist(), te_items):
        history = timeline.setdefault(user, [])
        if (user, session) == last_session:
            ctx = np.array(history[-max_context:], dtype=np.int64)
            contexts.append(ctx[ctx >= 0])
            targets.append(item)
        history.append(item)
        last_session = (user, session)
    return EvalSplit(train, items, contexts, np.array(targets, dtype=np.int64))


def with_features(split: EvalSplit, features: ItemFeatures) -> EvalSplit:
    """The split with side information attached to its training catalogue."""
    split.train.item_features = features.codes(split.items.ids)
    return split


def popularity_positions(pop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Items by popularity (most popular first) and each item's position in that order."""
    order = np.argsort(-pop, kind="stable")
    position = np.empty(len(pop), dtype=np.int64)
    position[order] = np.arange(len(pop))
    return order, position


def target_ranks(scores: np.ndarray, targets: np.ndarray, pop_position: np.ndarray) -> np.ndarray:
    """1-based rank of each target under (score desc, popularity desc); 0 for unknown targets."""
    rows = np.arange(len(targets))
    known = targets >= 0
    safe = np.where(known, targets, 0)
    s_t = scores[rows, safe][:, None]
    better = (scores > s_t).sum(1) + ((scores == s_t) & (pop_position[None, :] < pop_position[safe][:, None])).sum(1)
    return np.where(known, better + 1, 0)


def _first_ties(scores: np.ndarray, thr: np.ndarray, need: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first ``need`` items (in ``order``) whose score equals the row's threshold."""
    rows, cols = np.nonzero(scores[:, order] == thr)
    starts = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(scores)))[:-1]])
    keep = np.arange(len(rows)) - starts[rows] < need[rows]
    return rows[keep], order[cols[keep]]


def top_k_sets(scores: np.ndarray, k: int, pop_order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The k best items of each row as (row, item) pairs, ties broken by popularity.

    Same order as ``target_ranks``; the pairs are unordered within a row (enough for
    coverage and popularity bias), which keeps this vectorised.
    """
    k = min(k, scores.shape[1])
    thr = np.partition(scores, -k, axis=1)[:, -k][:, None]
    above = scores > thr
    need = k - above.sum(1)
    # Most ties are at a score of zero and resolve among the most popular items: look there first.
    rows_t, items_t = _first_ties(scores, thr, need, pop_order[: 64 * k])
    short = np.flatnonzero(np.bincount(rows_t, minlength=len(scores)) < need)
    if len(short):
        keep = ~np.isin(rows_t, short)
        rows_s, items_s = _first_ties(scores[short], thr[short], need[short], pop_order)
        rows_t = np.concatenate([rows_t[keep], short[rows_s]])
        items_t = np.concatenate([items_t[keep], items_s])
    rows_a, items_a = np.nonzero(above)
    return np.concatenate([rows_a, rows_t]), np.concatenate([items_a, items_t])


def metrics_from_ranks(ranks: np.ndarray) -> dict[str, float]:
    """HR@10, HR@20, MRR@20 and NDCG@10 from 1-based ranks (0 or > cutoff = miss)."""
    hit = lambda k: (ranks > 0) & (ranks <= k)
    safe = np.maximum(ranks, 1)
    return {
        "HR@10": float(hit(10).mean()) if len(ranks) else 0.0,
        "HR@20": float(hit(20).mean()) if len(ranks) else 0.0,
        "MRR@20": float(np.where(hit(20), 1.0 / safe, 0.0).mean()) if len(ranks) else 0.0,
        "NDCG@10": float(np.where(hit(10), 1.0 / np.log2(safe + 1), 0.0).mean()) if len(ranks) else 0.0,
    }


def evaluate_model(model: Any, split: EvalSplit, batch: int = 512, limit: int | None = None) -> dict[str, float]:
    """All metrics for one fitted model on a split (``limit``: only the first N test cases)."""
    pop = split.train.item_pop
    pop_order, pop_position = popularity_positions(pop)
    percentile = np.empty(len(pop))
    percentile[pop_order] = 1.0 - np.arange(len(pop)) / max(len(pop) - 1, 1)
    n = len(split.targets) if limit is None else min(limit, len(split.targets))
    ranks, seen, bias = [], np.zeros(len(pop), dtype=bool), []
    started = time.perf_counter()
    for start in range(0, n, batch):
        stop = min(start + batch, n)
        scores = np.asarray(model.score(split.contexts[start:stop]), dtype=np.float32)
        ranks.append(target_ranks(scores, split.targets[start:stop], pop_position))
        rows, top = top_k_sets(scores, 20, pop_order)
        seen[top] = True
        bias.append(np.bincount(rows, weights=percentile[top], minlength=stop - start) / min(20, len(pop)))
    result = metrics_from_ranks(np.concatenate(ranks) if ranks else np.zeros(0, dtype=np.int64))
    result["Coverage@20"] = float(seen.mean())
    result["PopBias@20"] = float(np.concatenate(bias).mean()) if bias else 0.0
    result["eval_s"] = time.perf_counter() - started
    return result


def grid(params: dict[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """Every combination of the given parameter values."""
    keys = list(params)
    return [dict(zip(keys, values)) for values in itertools.product(*(params[k] for k in keys))]


def tune(
    factory: Callable[..., Any],
    candidates: Sequence[dict[str, Any]],
    valid: EvalSplit,
    metric: str = "MRR@20",
    limit: int | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Fit each candidate on the validation split's training part; the best by ``metric``.

    Consecutive candidates that differ only in scoring settings (``SCORING_ONLY``) share one fit.
    """
    best: tuple[dict[str, Any], dict[str, float]] | None = None
    model, fitted_for = None, None
    for params in candidates:
        training = {k: v for k, v in params.items() if k not in SCORING_ONLY}
        if model is None or training != fitted_for:
            model, fitted_for = factory(**params).fit(valid.train), training
        else:
            fresh = factory(**params)  # unfitted: its scoring settings, defaults included
            for key in SCORING_ONLY:
                if hasattr(fresh, key):
                    setattr(model, key, getattr(fresh, key))
        result = evaluate_model(model, valid, limit=limit)
        if log:
            log(f"  {params} -> {metric}={result[metric]:.4f} HR@20={result['HR@20']:.4f}")
        if best is None or result[metric] > best[1][metric]:
            best = (params, result)
    assert best is not None, "no candidate parameters"
    return best


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table of evaluation rows (``method`` first, then the metrics)."""
    cols = ["method", "HR@10", "HR@20", "MRR@20", "NDCG@10", "Coverage@20", "PopBias@20", "train_s"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rows:
        cells = [str(row.get("method", ""))]
        for c in cols[1:]:
            v = row.get(c)
            cells.append("" if v is None else (f"{v:.1f}" if c == "train_s" else f"{v:.4f}"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
