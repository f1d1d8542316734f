"""The evaluated methods, their tuning grids, and the tune-on-validation / test-once runner."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from yinqing.recsys.baselines import SKNN, Popularity, SequentialRules
from yinqing.recsys.data import Events
from yinqing.recsys.evaluate import EvalSplit, evaluate_model, grid, make_split, tune
from yinqing.recsys.knn import KNN

Log = Callable[[str], None]


def _user_knn(**kw: Any) -> KNN:
    return KNN(direction="user", rows="users", decay=1.0, **kw)


def _item_knn(**kw: Any) -> KNN:
    return KNN(direction="item", rows="sessions", **kw)


def _gru(**kw: Any) -> Any:
    # torch is imported on first use: it takes seconds, and the CLI imports this module.
    from yinqing.recsys.gru import GRU4Rec

    return GRU4Rec(**kw)


# name -> (factory, candidate parameters). Kept small: every candidate is a full fit + evaluation.
METHODS: dict[str, tuple[Callable[..., Any], list[dict[str, Any]]]] = {
    "Popularity": (Popularity, [{}]),
    "SR": (SequentialRules, grid({"window": [1, 3, 10], "n_last": [1, 3], "decay": [0.5]})),
    "ItemKNN": (_item_knn, grid({"k": [100], "shrink": [0.0, 20.0], "n_last": [1, 3, 10], "decay": [0.5]})),
    "SKNN": (SKNN, grid({"k": [50, 200], "n_last": [5, 20, 100], "decay": [0.5, 0.9]})),
    "UserKNN": (_user_knn, grid({"k": [20, 100], "shrink": [0.0, 10.0], "n_last": [200]})),
    # The settings 30Music chose (100 units, 5 epochs, repeat mixture) and those the playlists
    # chose (200 units, 10 epochs), each with and without side information (artist, album: data
    # without them leave the fields empty); the scoring-only settings (repeat, rules) share a fit.
    "GRU4Rec": (
        _gru,
        grid({"hidden": [100], "epochs": [5], "repeat": [0.2], "features": [[], ["artist", "album"]],
              "rules": [0.0, 0.3]})
        + grid({"hidden": [200], "epochs": [10], "repeat": [0.0], "features": [[], ["artist", "album"]],
                "rules": [0.0, 0.5, 0.7, 0.9, 0.95]}),
    ),
}


def subsample(split: EvalSplit, n: int | None, seed: int = 0) -> EvalSplit:
    """A random subset of ``n`` test cases (the same subset for every method)."""
    if n is None or n >= len(split.targets):
        return split
    keep = np.sort(np.random.default_rng(seed).choice(len(split.targets), size=n, replace=False))
    return replace(split, contexts=[split.contexts[i] for i in keep], targets=split.targets[keep])


def run_comparison(
    valid: EvalSplit,
    test: EvalSplit,
    methods: list[str] | None = None,
    valid_cases: int | None = 4000,
    log: Log | None = None,
    grids: dict[str, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Tune every method on ``valid`` (MRR@20), refit the best on ``test.train``, evaluate once."""
    rows = []
    small_valid = subsample(valid, valid_cases)
    for name in methods or list(METHODS):
        factory, candidates = METHODS[name]
        candidates = (grids or {}).get(name, candidates)
        if log:
            log(f"{name}: tuning {len(candidates)} candidate(s) on {len(small_valid.targets)} validation cases")
        params, _ = tune(factory, candidates, small_valid, log=log)
        started = time.perf_counter()
        model = factory(**params).fit(test.train)
        fit_seconds = time.perf_counter() - started
        result = evaluate_model(model, test)
        rows.append({"method": name, "params": params, "train_s": fit_seconds, **result})
        if log:
            log(f"{name}: test MRR@20={result['MRR@20']:.4f} HR@20={result['HR@20']:.4f} ({params})")
    return rows


def sessions_splits(files: list[str], test_file: str) -> tuple[EvalSplit, EvalSplit]:
    """Validation: train on all but the last training file, validate on it. Test: all -> test file."""
    from yinqing.recsys.data import read_sessions

    parts = [read_sessions(f) for f in files]
    test_events = read_sessions(test_file)
    if len(parts) >= 2:
        valid = make_split(Events.concat(parts[:-1]), parts[-1])
    else:
        valid = _time_holdout(parts[0])
    return valid, make_split(Events.concat(parts), test_events)


def _time_holdout(events: Events, fraction: float = 0.2) -> EvalSplit:
    """Split one event table at the time quantile: the past trains, the latest part validates."""
    cut = np.quantile(events.times, 1.0 - fraction)
    return make_split(events.take(events.times < cut), events.take(events.times >= cut))


def playlist_splits(
    playlists: dict[int, list[int]], test_playlists: dict[int, list[int]] | None = None,
    fraction: float = 0.1, seed: int = 0,
) -> tuple[EvalSplit, EvalSplit]:
    """Held-out playlists: predict each next track of an unseen playlist from its prefix."""
    from yinqing.recsys.data import playlists_to_events

    rng = np.random.default_rng(seed)

    def hold_out(pls: dict[int, list[int]]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        ids = np.array(sorted(pls))
        chosen = set(rng.choice(ids, size=max(1, int(len(ids) * fraction)), replace=False).tolist())
        return ({k: v for k, v in pls.items() if k not in chosen}, {k: v for k, v in pls.items() if k in chosen})

    if test_playlists is None:
        playlists, test_playlists = hold_out(playlists)
    train_v, valid_v = hold_out(playlists)
    ev = playlists_to_events
    return make_split(ev(train_v), ev(valid_v)), make_split(ev(playlists), ev(test_playlists))


def time_holdout_splits(events: Events, fraction: float = 0.2,
                        catalogue: np.ndarray | None = None) -> tuple[EvalSplit, EvalSplit]:
    """For one event table (the app's database): the latest ``fraction`` tests, and the latest
    part of the rest validates. ``catalogue``: every item the app can recommend (default: the
    items seen in training)."""
    cut = np.quantile(events.times, 1.0 - fraction)
    past = events.take(events.times < cut)
    valid_cut = np.quantile(past.times, 1.0 - fraction)
    valid = make_split(past.take(past.times < valid_cut), past.take(past.times >= valid_cut), extra_items=catalogue)
    return valid, make_split(past, events.take(events.times >= cut), extra_items=catalogue)
