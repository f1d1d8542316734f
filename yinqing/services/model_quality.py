"""How good each recommender is on the app's own data (the admin page 模型评估, `yinqing evaluate`).

The same protocol as the file benchmarks (``yinqing.recsys.evaluate``): a time split of the
database's events (the latest 20 % test), next-item prediction over the full training catalogue,
HR@10/@20, MRR@20, NDCG@10, coverage and popularity bias. Each recommender runs with the
settings the app serves (``recommend.GRU_PARAMS`` and the kNN settings), fitted on the past
only, plus popularity and sequential rules as reference points. The result is stored in the
database (``stats_cache``, key ``recsys:evaluation``) so every app process shows the same table;
training the recommenders refreshes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from yinqing.models.types import utcnow
from yinqing.recsys.evaluate import evaluate_model, with_features
from yinqing.recsys.train import subsample, time_holdout_splits
from yinqing.services import recommend
from yinqing.services.errors import Conflict
from yinqing.services.stats import cached_payload, store_payload

EVALUATION_KEY = "recsys:evaluation"
MAX_CASES = 5_000      # test cases scored (a fixed random subset): bounds the job's time
TEST_FRACTION = 0.2

Progress = Callable[[float, str], None]


def _app_models() -> list[tuple[str, str, Callable[[], Any]]]:
    """(method, algorithm key, factory) of what is evaluated; the app's own settings."""
    from yinqing.recsys.baselines import Popularity, SequentialRules
    from yinqing.recsys.gru import RULES, GRU4Rec
    from yinqing.recsys.knn import KNN

    return [
        ("RNN (GRU4Rec)", "gru", lambda: GRU4Rec(**recommend.GRU_PARAMS)),
        ("UserCF", "usercf", lambda: KNN("user", rows="users", **recommend.USERCF_PARAMS)),
        ("ItemCF", "itemcf", lambda: KNN("item", rows="sessions", **recommend.ITEMCF_PARAMS)),
        ("SR", "sr", lambda: SequentialRules(**RULES)),
        ("Popularity", "popularity", Popularity),
    ]


def evaluate_app_models(session: Session, progress: Progress | None = None, max_cases: int = MAX_CASES) -> dict:
    """Evaluate every recommender on the database's time split, store the table and return it."""
    progress = progress or (lambda fraction, message="": None)
    progress(0.02, "读取交互数据 / loading interactions")
    events = recommend.database_events(session)
    if len(events) < 10:
        raise Conflict("交互数据太少，无法评估 / too few interactions to evaluate")
    _, test = time_holdout_splits(events, TEST_FRACTION)
    if not len(test.targets):
        raise Conflict("测试集为空，无法评估 / no test cases: too few interactions to evaluate")
    with_features(test, recommend.song_features(session))
    cases = subsample(test, max_cases)
    rows, models = [], _app_models()
    for i, (method, key, factory) in enumerate(models):
        progress(0.05 + 0.9 * i / len(models), f"评估 {method} / evaluating {method}")
        started = time.perf_counter()
        model = factory().fit(test.train)
        fit_s = time.perf_counter() - started
        rows.append({"method": method, "key": key, "train_s": round(fit_s, 2), **evaluate_model(model, cases)})
    payload = {
        "computed_at": utcnow().isoformat(), "n_events": len(events), "n_train_events": test.train.n_events,
        "n_catalogue": test.train.n_items, "n_test_cases": len(test.targets), "n_scored_cases": len(cases.targets),
        "split": f"time: the latest {TEST_FRACTION:.0%} of events are the test", "rows": rows,
    }
    # The last progress report comes before the write: on SQLite the job's progress row is written
    # through another connection, which would wait for this transaction's lock.
    progress(0.99, "保存评估结果 / storing the evaluation")
    store_payload(session, EVALUATION_KEY, payload)
    return payload


def stored_evaluation(session: Session) -> dict | None:
    """The last stored evaluation, or None."""
    return cached_payload(session, EVALUATION_KEY)
