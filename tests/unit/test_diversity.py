"""The artist diversity rule of recommendation rows (yinqing.recsys.diversity)."""

from __future__ import annotations

from yinqing.recsys.diversity import diversify, obeys_rule


def test_a_one_artist_ranking_is_spread_and_keeps_its_order_where_it_can():
    ranked = [("a", i) for i in range(10)] + [("b", 0), ("c", 0), ("d", 0), ("b", 1), ("e", 0), ("f", 0)]
    row = diversify(ranked, lambda item: {item[0]}, 8)
    assert row[:2] == [("a", 0), ("a", 1)]  # the best two stay first
    assert obeys_rule([{artist} for artist, _ in row]) and len(row) == 8
    a_songs = [n for artist, n in row if artist == "a"]
    assert a_songs == sorted(a_songs)  # within one artist, the recommender's order


def test_at_most_four_of_one_artist_in_twenty_and_short_rows_when_nothing_fits():
    ranked = [("a", i) for i in range(30)] + [(f"x{i}", 0) for i in range(30)]
    row = diversify(ranked, lambda item: {item[0]}, 20)
    assert sum(artist == "a" for artist, _ in row) == 4 and obeys_rule([{a} for a, _ in row])
    only_one_artist = diversify([("a", i) for i in range(10)], lambda item: {item[0]}, 5)
    assert len(only_one_artist) == 2  # a third would break the rule: the row ends short


def test_songs_with_several_or_unknown_artists():
    ranked = [{"a", "b"}, {"a"}, {"a", "c"}, {"b"}, set(), {"c"}]
    row = diversify(list(range(6)), lambda i: ranked[i], 6)
    # Song 2 (a with c) waits: a is already twice in its window of 4; the unknown-artist song fits.
    assert row == [0, 1, 3, 4, 2, 5] and obeys_rule([ranked[i] for i in row])


def test_the_rule_checker_catches_violations():
    assert not obeys_rule([{"a"}, {"b"}, {"a"}, {"a"}])
    assert obeys_rule([{"a"}, {"b"}, {"a"}, {"c"}, {"d"}, {"a"}])
    assert not obeys_rule([{"a"} if i % 4 == 0 else {f"x{i}"} for i in range(18)] + [{"a"}])
