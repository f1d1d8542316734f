"""Planted patterns the feature-aware GRU must use: artists and albums reach songs the id
embedding alone cannot (unseen or rare songs), and the sequential-rules prior."""

from __future__ import annotations

import numpy as np

from yinqing.recsys.baselines import SequentialRules
from yinqing.recsys.data import ItemFeatures, TrainData
from yinqing.recsys.evaluate import target_ranks
from yinqing.recsys.gru import RULES, GRU4Rec

N_ARTISTS, SONGS_EACH = 6, 8


def artist_playlists(n: int, seed: int = 0) -> list[np.ndarray]:
    """Each playlist plays songs 0..6 of one artist (song = artist * 8 + j) in random order;
    song 7 of every artist is never played."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        artist = int(rng.integers(N_ARTISTS))
        out.append(artist * SONGS_EACH + rng.permutation(SONGS_EACH - 1)[:5])
    return out


def artist_codes() -> np.ndarray:
    return np.repeat(np.arange(N_ARTISTS), SONGS_EACH)


def rank_of(model: GRU4Rec, context: list[int], song: int) -> int:
    scores = model.score([np.array(context)])
    return int(target_ranks(scores, np.array([song]), np.arange(scores.shape[1]))[0])


def small_gru(**kw) -> GRU4Rec:
    return GRU4Rec(hidden=32, n_sample=16, batch_size=16, lr=0.2, epochs=6, repeat=0.0, seed=3, **kw)


def test_an_unseen_song_by_a_known_artist_ranks_above_an_unrelated_one():
    n_items = N_ARTISTS * SONGS_EACH
    data = TrainData(n_items, artist_playlists(400), np.arange(400), item_features={"artist": artist_codes()})
    model = small_gru(features=["artist"]).fit(data)
    context = [0, 1, 2]  # artist 0's songs
    unseen_same, unseen_other = 7, 1 * SONGS_EACH + 7  # the never-played songs of artists 0 and 1
    assert rank_of(model, context, unseen_same) < rank_of(model, context, unseen_other)
    # Every unseen song of artist 0 outranks every song of the other artists.
    others = [s for s in range(SONGS_EACH, n_items)]
    assert all(rank_of(model, context, unseen_same) < rank_of(model, context, s) for s in others)
    # Without the artist field the unseen song is noise: nothing puts it above the others.
    plain = small_gru().fit(TrainData(n_items, artist_playlists(400), np.arange(400)))
    assert rank_of(plain, context, unseen_same) > 5


def test_a_rare_song_is_reached_through_its_album():
    # Songs 0-3 lead to album song 10 in many playlists; 11 (same album as 10) appears once, in
    # an unrelated playlist; 12 (another album) also once. After 0-3 the album makes 11 the
    # better guess than 12.
    rng = np.random.default_rng(5)
    seqs = [np.array([*rng.permutation(4), 10]) for _ in range(300)]
    seqs += [np.array([20, 21, 11]), np.array([22, 23, 12])]
    seqs += [np.array(rng.permutation(np.arange(20, 30))[:5]) for _ in range(200)]
    album = np.full(30, -1)
    album[[10, 11]] = 0
    album[12] = 1
    album[[20, 21, 22, 23]] = 2
    make = lambda features: TrainData(30, seqs, np.arange(len(seqs)), item_features=features)
    with_album = small_gru(features=["album"]).fit(make({"album": album}))
    context = [0, 1, 2, 3]
    rare = rank_of(with_album, context, 11)
    assert all(rare < rank_of(with_album, context, s) for s in [12, *range(20, 30)])
    plain = small_gru().fit(make(None))
    assert rank_of(plain, context, 11) > rare


def test_features_and_the_rules_prior_survive_a_round_trip():
    n_items = N_ARTISTS * SONGS_EACH
    data = TrainData(n_items, artist_playlists(200, seed=1), np.arange(200), item_features={"artist": artist_codes()})
    model = small_gru(features=["artist"], rules=0.5).fit(data)
    again = GRU4Rec.from_bytes(model.to_bytes())
    contexts = [np.array([0, 1]), np.array([9, 10, 11]), np.array([47])]
    np.testing.assert_allclose(again.score(contexts), model.score(contexts), rtol=1e-5, atol=1e-7)
    for context in contexts:  # the one-request path ranks as score does
        assert list(again.top_items(context, 5)) == list(np.argsort(-again.score([context])[0], kind="stable")[:5])


def test_the_rules_prior_puts_an_exact_succession_first_and_mixes_as_documented():
    rng = np.random.default_rng(7)
    seqs = [np.array(rng.permutation(40)[:6]) for _ in range(300)] + [np.array([5, 6])] * 8
    data = TrainData(40, seqs, np.arange(len(seqs)))
    model = small_gru(rules=0.9).fit(data)
    assert rank_of(model, [5], 6) == 1
    context = [np.array([3, 9, 5])]
    mixed = model.score(context)[0]
    model.rules = 0.0
    logits = model.score(context)[0]
    gru = np.exp(logits - logits.max())
    gru /= gru.sum()
    rules = SequentialRules(**RULES).fit(data).score(context)[0]
    np.testing.assert_allclose(mixed, 0.1 * gru + 0.9 * rules / rules.sum(), rtol=1e-4, atol=1e-7)


def test_item_features_number_values_per_catalogue_and_mark_missing():
    features = ItemFeatures({"artist": {10: "a", 11: "b", 12: "a"}, "album": {11: 7}})
    codes = features.codes(np.array([12, 11, 13, 10]))
    assert codes["artist"].tolist() == [0, 1, -1, 0]
    assert codes["album"].tolist() == [-1, 0, -1, -1]
    assert features.coverage(np.array([10, 10, 13])) == {"artist": 2 / 3, "album": 0.0}
