"""Planted-pattern tests for the recommenders and a hand-computed evaluation example."""

from __future__ import annotations

import numpy as np
import pytest

from yinqing.recsys.baselines import SKNN, Popularity, SequentialRules
from yinqing.recsys.data import Events, TrainData, build_train_data, read_playlists, read_sessions
from yinqing.recsys.evaluate import (
    evaluate_model,
    make_split,
    metrics_from_ranks,
    target_ranks,
    top_k_sets,
    tune,
)
from yinqing.recsys.gru import GRU4Rec
from yinqing.recsys.knn import KNN


def rule_sequences(n_items: int, n_seqs: int, length: int, seed: int = 0) -> list[np.ndarray]:
    """Sequences that follow the fixed rule next = perm[current]."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_items)
    seqs = []
    for _ in range(n_seqs):
        cur, seq = int(rng.integers(n_items)), []
        for _ in range(length):
            seq.append(cur)
            cur = int(perm[cur])
        seqs.append(np.array(seq))
    return seqs, perm


def test_gru_recovers_a_fixed_next_song_rule():
    seqs, perm = rule_sequences(n_items=40, n_seqs=300, length=8)
    data = TrainData(40, seqs, np.arange(len(seqs)))
    model = GRU4Rec(hidden=32, n_sample=16, batch_size=16, lr=0.2, epochs=4, seed=1).fit(data)
    contexts = [np.array([i]) for i in range(40)]
    predicted = model.score(contexts).argmax(1)
    assert (predicted == perm).mean() > 0.9


def test_gru_bpr_max_learns_the_rule_too_and_survives_a_round_trip():
    seqs, perm = rule_sequences(n_items=30, n_seqs=200, length=8, seed=2)
    data = TrainData(30, seqs, np.arange(len(seqs)))
    model = GRU4Rec(hidden=32, loss="bpr-max", n_sample=16, batch_size=16, lr=0.2, epochs=4, repeat=0.0).fit(data)
    contexts = [np.array([i]) for i in range(30)]
    assert (model.score(contexts).argmax(1) == perm).mean() > 0.8
    again = GRU4Rec.from_bytes(model.to_bytes())
    np.testing.assert_allclose(again.score(contexts), model.score(contexts), rtol=1e-5)


def test_gru_repeat_mixture_adds_the_context_songs_to_a_distribution():
    seqs, perm = rule_sequences(n_items=30, n_seqs=200, length=8, seed=4)
    model = GRU4Rec(hidden=32, n_sample=16, batch_size=16, lr=0.2, epochs=4, repeat=0.0).fit(
        TrainData(30, seqs, np.arange(len(seqs)))
    )
    context = [np.array([3, 5])]
    plain = model.score(context)[0]
    model.repeat, model.repeat_decay = 0.9, 0.5
    mixed = model.score(context)[0]
    assert plain.argmax() == perm[5]
    assert mixed.sum() == pytest.approx(1.0, abs=1e-4)
    # 0.9 of the mass goes to the context, the newest song weighing twice the older one.
    assert mixed[5] > mixed[3] > 0.3 and mixed.argmax() == 5
    others = np.setdiff1d(np.arange(30), [3, 5])
    assert np.argsort(-mixed[others])[:5].tolist() == np.argsort(-plain[others])[:5].tolist()


def test_tuning_shares_one_fit_between_scoring_settings_and_matches_a_fresh_fit():
    seqs, _ = rule_sequences(n_items=30, n_seqs=120, length=6, seed=5)
    events = Events.from_rows(
        [(u, u, int(i), t) for u, seq in enumerate(seqs) for t, i in enumerate(seq)]
    )
    split = make_split(events.take(events.users < 100), events.take(events.users >= 100))
    make = lambda **kw: GRU4Rec(hidden=16, n_sample=8, batch_size=8, epochs=1, **kw)
    params, result = tune(make, [{"repeat": 0.0}, {"repeat": 0.5}], split)
    again = evaluate_model(make(**params).fit(split.train), split)
    assert result["MRR@20"] == pytest.approx(again["MRR@20"])
    assert result["HR@20"] == pytest.approx(again["HR@20"])


def test_gru_reads_the_latest_history_without_retraining():
    seqs, perm = rule_sequences(n_items=30, n_seqs=200, length=8, seed=3)
    model = GRU4Rec(hidden=32, n_sample=16, batch_size=16, lr=0.2, epochs=4).fit(
        TrainData(30, seqs, np.arange(len(seqs)))
    )
    before, after = model.score([np.array([3]), np.array([3, 7])]).argmax(1)
    assert before == perm[3] and after == perm[7]


def cooccurrence_data(seed: int = 0) -> TrainData:
    """Items 0 and 1 always appear together; everything else is random noise."""
    rng = np.random.default_rng(seed)
    seqs = []
    for _ in range(200):
        noise = rng.choice(np.arange(2, 60), size=4, replace=False)
        seqs.append(np.concatenate([[0, 1], noise]) if rng.random() < 0.3 else noise)
    return TrainData(60, seqs, np.arange(len(seqs)))


def test_itemknn_finds_a_planted_cooccurrence():
    model = KNN("item", k=10, shrink=1.0).fit(cooccurrence_data())
    assert model.neighbours_of(0, 1)[0][0] == 1
    assert model.neighbours_of(1, 1)[0][0] == 0
    assert model.score([np.array([0])])[0].argmax() == 1
    assert model.explain(np.array([5, 0, 9]), [1])[0] == 0


def test_userknn_recommends_what_similar_users_like():
    # Two taste groups: users 0-9 like items 0-9, users 10-19 like items 10-19.
    rng = np.random.default_rng(0)
    seqs = [rng.choice(np.arange(10) + 10 * (u >= 10), size=6, replace=False) for u in range(20)]
    data = TrainData(20, seqs, np.arange(20))
    model = KNN("user", k=5, shrink=0.0, n_last=10, decay=1.0, rows="users").fit(data)
    scores = model.score([np.array([11, 12])])[0]
    assert set(np.argsort(-scores)[:5]) <= set(range(10, 20))


def test_baselines_follow_their_rules():
    data = TrainData(5, [np.array([0, 1, 2]), np.array([0, 1, 3]), np.array([4, 1])], np.arange(3))
    assert Popularity().fit(data).score([np.array([])])[0].argmax() == 1
    sr = SequentialRules(window=1).fit(data)
    assert sr.score([np.array([0])])[0].argmax() == 1
    sknn = SKNN(k=5).fit(data)
    assert sknn.score([np.array([0, 1])])[0][[2, 3]].min() > 0


def test_ranks_and_metrics_on_a_hand_computed_example():
    scores = np.array(
        [
            [0.9, 0.5, 0.5, 0.1],  # target 2 ties with 1; item 1 is more popular -> rank 3
            [0.0, 0.0, 0.0, 0.8],  # target 3 best -> rank 1
            [0.1, 0.2, 0.3, 0.4],  # unknown target -> miss
        ],
        dtype=np.float32,
    )
    pop = np.array([1.0, 9.0, 3.0, 2.0])
    order = np.argsort(-pop, kind="stable")
    position = np.empty(4, dtype=np.int64)
    position[order] = np.arange(4)
    ranks = target_ranks(scores, np.array([2, 3, -1]), position)
    assert ranks.tolist() == [3, 1, 0]
    m = metrics_from_ranks(ranks)
    assert m["HR@10"] == pytest.approx(2 / 3)
    assert m["MRR@20"] == pytest.approx((1 / 3 + 1) / 3)
    assert m["NDCG@10"] == pytest.approx((1 / np.log2(4) + 1) / 3)
    rows, items = top_k_sets(scores, 2, order)
    assert set(items[rows == 0]) == {0, 1} and set(items[rows == 1]) == {3, 1}


def test_time_split_has_no_leakage_and_counts_unseen_items_as_misses():
    train = Events.from_rows([(1, 10, 100, 1), (1, 10, 101, 2), (2, 20, 100, 3), (2, 20, 102, 4)])
    test = Events.from_rows([(1, 11, 101, 10), (1, 11, 999, 11), (1, 11, 100, 12), (3, 30, 100, 13)])
    split = make_split(train, test)
    assert split.train.n_events == 4 and split.train.n_items == 3
    # First event of each test session is not a target; 999 was never seen in training.
    assert split.targets.tolist() == [-1, split.items.index(100)]
    assert split.contexts[1].tolist() == [split.items.index(i) for i in (100, 101, 101)]
    result = evaluate_model(Popularity().fit(split.train), split)
    assert result["HR@20"] == pytest.approx(0.5)


def test_file_readers_handle_both_layouts_and_skip_bad_lines(tmp_path):
    sessions = tmp_path / "s.txt"
    sessions.write_text("UserId\tSessionId\tItemId\tTime\tArtistId\n1\t2\t3\t4\t5\nbad\tline\n7\t8\t9\t10\t11\n")
    ev = read_sessions(sessions)
    assert ev.items.tolist() == [3, 9] and ev.times.tolist() == [4, 10]
    ids = tmp_path / "ids.txt"
    ids.write_text("11\t5,6,7\nnot a line\n")
    mining = tmp_path / "m.txt"
    mining.write_text("名字##华语##12##3\t8::歌::歌手::100\t9::歌2::歌手::90\n")
    pairs = tmp_path / "p.txt"
    pairs.write_text("13,5,1.0,1300\n13,8,1.0,1300\n11,99,1,1\n")
    playlists = read_playlists([ids, mining, pairs])
    assert playlists == {11: [5, 6, 7], 12: [8, 9], 13: [5, 8]}
    data, items, _ = build_train_data(Events.from_rows([(1, 1, 7, 2), (1, 1, 5, 1)]))
    assert items.ids.tolist() == [5, 7] and data.sequences[0].tolist() == [0, 1]
