"""Recommendations through the API: the closed loop (heart -> next answer changes), reasons,
cold start and onboarding, 不感兴趣, similar songs, model versions and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.catalog_seed import seed_catalogue
from yinqing.models import Playlist, PlaylistTrack
from yinqing.recsys.diversity import obeys_rule
from yinqing.services import recommend


def _add_playlists(session, groups: list[list[int]], copies: int = 8) -> None:
    """Playlists that always hold the same songs in the same order (a planted pattern)."""
    pid = 9_000_000
    for _ in range(copies):
        for group in groups:
            pid += 1
            session.add(Playlist(id=pid, name=f"歌单 {pid}"))
            session.flush()
            session.add_all(PlaylistTrack(playlist_id=pid, position=i, song_id=s) for i, s in enumerate(group))
    session.commit()


@pytest.fixture
def world(app):
    """12 songs; playlists plant two taste groups: A->B->C->D and E->F->G->H."""
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        songs = [x["id"] for x in seed_catalogue(s, general=10, jay=2)]
        a_group, e_group = songs[0:4], songs[4:8]
        _add_playlists(s, [a_group, e_group])
    return {"songs": songs, "a": a_group, "e": e_group}


def _ids(result: dict) -> list[int]:
    return [item["song"]["id"] for item in result["items"]]


def _heart(client, headers, song_id: int) -> None:
    r = client.put(f"/api/songs/{song_id}/rating", json={"score": 5, "source": "heart"}, headers=headers)
    assert r.status_code == 200, r.get_json()


def test_itemcf_closed_loop_heart_changes_the_next_answer(client, make_user, world):
    _user, h = make_user()
    a, e = world["a"], world["e"]
    _heart(client, h, a[0])
    first = client.get("/api/recommend?algorithm=itemcf&k=3", headers=h).get_json()
    assert set(_ids(first)) == set(a[1:4]) and not first["cold_start"]
    assert all(item["reason"].startswith("因为你喜欢《") for item in first["items"])
    # The reason comes as a code and the song it names too, so the UI can say it in any language.
    for item in first["items"]:
        named = item["reason_song"]
        assert item["reason_code"] == "because" and named["id"] == a[0]
        assert named["name"] == client.get(f"/api/songs/{a[0]}").get_json()["name"]
        assert item["reason"] == f"因为你喜欢《{named['name']}》"
    assert a[0] not in _ids(first)  # already rated
    _heart(client, h, e[0])
    second = client.get("/api/recommend?algorithm=itemcf&k=6", headers=h).get_json()
    assert set(e[1:4]) <= set(_ids(second)) and _ids(second) != _ids(first)


def test_usercf_follows_similar_users(client, make_user, world):
    _user, h = make_user()
    _heart(client, h, world["e"][1])
    result = client.get("/api/recommend?algorithm=usercf&k=3", headers=h).get_json()
    # The similar users' songs come first; where the artist rule stops a third song by one
    # artist, a popular song of another artist takes its place.
    from_users = [item for item in result["items"] if item["reason_code"] == "similar_users"]
    assert len(from_users) >= 2 and {item["song"]["id"] for item in from_users} <= set(world["e"])
    assert result["items"][:len(from_users)] == from_users
    assert {item["reason"] for item in from_users} == {"和你口味相似的用户也喜欢"}
    assert {item["reason_song"] for item in from_users} == {None}


def test_gru_trains_versions_and_reads_the_latest_history(client, make_user, world, app, settings):
    _user, h = make_user()
    a, e = world["a"], world["e"]
    _heart(client, h, a[0])
    before = client.get("/api/recommend?algorithm=gru&k=3", headers=h).get_json()
    assert before["model_version"] is None and "GRU" in before["message"] and len(before["items"]) == 3
    model_dir = settings.model_dir / "recsys"
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        trained = recommend.train_models(s, model_dir, epochs=30)
    first = client.get("/api/recommend?algorithm=gru&k=3", headers=h).get_json()
    assert first["model_version"] == trained["version"]
    assert _ids(first)[0] == a[1]
    assert first["items"][0]["reason"].startswith("接着你最近听的《")
    assert first["items"][0]["reason_code"] == "after" and first["items"][0]["reason_song"]["id"] == a[0]
    _heart(client, h, e[0])  # no retraining: the next answer reads the new heart
    second = client.get("/api/recommend?algorithm=gru&k=3", headers=h).get_json()
    assert e[1] in _ids(second) and _ids(second) != _ids(first)
    assert client.get("/api/recommend/model").get_json()["model"]["version"] == trained["version"]


def test_cold_start_onboarding_then_recommendations(client, make_user, world):
    _user, h = make_user()
    cold = client.get("/api/recommend?algorithm=usercf&k=4", headers=h).get_json()
    assert cold["cold_start"] and len(cold["items"]) == 4
    options = client.get("/api/recommend/onboarding").get_json()
    assert options["songs"] and options["artists"]
    r = client.post("/api/recommend/onboarding", json={"song_ids": [world["a"][0]]}, headers=h)
    assert r.status_code == 200 and r.get_json()["hearted"] == [world["a"][0]]
    warm = client.get("/api/recommend?algorithm=itemcf&k=3", headers=h).get_json()
    assert not warm["cold_start"] and set(_ids(warm)) == set(world["a"][1:4])
    assert client.post("/api/recommend/onboarding", json={}, headers=h).status_code == 422


def test_not_interested_removes_a_song_for_good(client, make_user, world):
    _user, h = make_user()
    a = world["a"]
    _heart(client, h, a[0])
    assert a[1] in _ids(client.get("/api/recommend?algorithm=itemcf&k=3", headers=h).get_json())
    for _ in range(2):  # idempotent
        r = client.post("/api/recommend/not-interested", json={"song_id": a[1]}, headers=h)
        assert r.status_code == 200
    for algorithm in recommend.ALGORITHMS:
        result = client.get(f"/api/recommend?algorithm={algorithm}&k=10", headers=h).get_json()
        assert a[1] not in _ids(result)
        _assert_full_as_the_rule_allows(result["items"], set(world["songs"]) - {a[0], a[1]}, client)


def test_rows_and_similar_songs(client, make_user, world):
    _user, h = make_user()
    _heart(client, h, world["a"][0])
    rows = client.get("/api/recommend/rows?k=4", headers=h).get_json()["rows"]
    assert [r["key"] for r in rows] == ["gru", "usercf", "itemcf"] and all(len(r["items"]) == 4 for r in rows)
    similar = client.get(f"/api/songs/{world['a'][0]}/similar?k=3").get_json()
    assert set(_ids(similar)) == set(world["a"][1:4])
    lonely = world["songs"][-1]  # in no playlist: same-artist popular songs instead
    assert client.get(f"/api/songs/{lonely}/similar?k=3").status_code == 200


@pytest.mark.parametrize("query", ["algorithm=magic", "k=0", "k=101", "k=abc", "algorithm=", "k=-5"])
def test_bad_queries_are_422(client, make_user, world, query):
    _user, h = make_user()
    r = client.get(f"/api/recommend?{query}", headers=h)
    assert r.status_code == 422 and r.get_json()["code"] == 422


def test_bad_requests_never_500(client, make_user, world):
    _user, h = make_user()
    assert client.get("/api/recommend").status_code == 401
    assert client.post("/api/recommend/not-interested", json={"song_id": 1}).status_code == 401
    assert client.post("/api/recommend/not-interested", json={"song_id": 123}, headers=h).status_code == 404
    for body in ({}, {"song_id": "x"}, {"song_id": -1}, [1], {"song_id": 2**70}, {"song_id": 2**63}):
        assert client.post("/api/recommend/not-interested", json=body, headers=h).status_code == 422
    # The BIGINT bound (MAX_ID) is a valid id that no song has.
    assert client.post("/api/recommend/not-interested", json={"song_id": 2**63 - 1}, headers=h).status_code == 404
    r = client.post("/api/recommend/onboarding", json={"song_ids": [2**63 - 1], "artist_ids": [2**63 - 1]}, headers=h)
    assert r.status_code == 422 and r.get_json()["code"] == 422
    assert client.get("/api/songs/123/similar").status_code == 404
    assert client.get(f"/api/songs/{world['a'][0]}/similar?k=0").status_code == 422
    assert client.post("/api/recommend/train", json={}, headers=h).status_code == 403


def test_missing_or_stale_model_falls_back_with_a_message(client, make_user, world, app, settings):
    _user, h = make_user()
    _heart(client, h, world["a"][0])
    model_dir = settings.model_dir / "recsys"
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        version = recommend.train_models(s, model_dir, epochs=1)["version"]
    (model_dir / version / "gru.pt").write_bytes(b"not a model")  # corrupted / older format
    (model_dir / "current").write_text(version)
    result = client.get("/api/recommend?algorithm=gru&k=3", headers=h).get_json()
    assert result["message"] and len(result["items"]) == 3


def test_one_song_catalogue(client, make_user, app, settings):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        only = seed_catalogue(s, general=1, jay=0)[0]["id"]
    _user, h = make_user()
    result = client.get("/api/recommend?algorithm=gru&k=5", headers=h).get_json()
    assert _ids(result) == [only] and result["cold_start"]
    _heart(client, h, only)
    for algorithm in recommend.ALGORITHMS:
        r = client.get(f"/api/recommend?algorithm={algorithm}&k=5", headers=h)
        assert r.status_code == 200 and r.get_json()["items"] == []
    with app.extensions["yinqing"]["sessionmaker"]() as s, pytest.raises(recommend.Conflict):
        recommend.train_models(s, settings.model_dir / "recsys")


def test_big_catalogues_build_in_the_background_and_serve_meanwhile(client, make_user, world, monkeypatch):
    import time

    monkeypatch.setattr(recommend, "SYNC_REBUILD", 0)  # treat this catalogue as a big one
    _user, h = make_user()
    _heart(client, h, world["a"][0])
    first = client.get("/api/recommend?algorithm=itemcf&k=3", headers=h).get_json()
    assert len(first["items"]) == 3  # popular songs while the models build
    deadline = time.time() + 30
    while time.time() < deadline:
        result = client.get("/api/recommend?algorithm=itemcf&k=3", headers=h).get_json()
        if set(_ids(result)) == set(world["a"][1:4]):
            break
        time.sleep(0.2)
    assert set(_ids(result)) == set(world["a"][1:4])


def test_big_catalogues_pick_up_new_playlists_in_the_background(client, world, app, monkeypatch):
    import time

    monkeypatch.setattr(recommend, "SYNC_REBUILD", 0)  # checks and rebuilds run in the background thread
    monkeypatch.setattr(recommend, "KNN_REFRESH_S", 0.0)
    lonely, e = world["songs"][-1], world["e"]  # `lonely` is in no playlist yet

    def similar_until(done) -> dict:
        deadline = time.time() + 30
        while True:
            result = client.get(f"/api/songs/{lonely}/similar?k=3").get_json()
            if done(result) or time.time() > deadline:
                return result
            time.sleep(0.2)

    before = similar_until(lambda r: recommend._state(app.extensions["yinqing"]["settings"].model_dir / "recsys")
                           .feedback is not None)
    assert {item["reason"] for item in before["items"]} <= {"同一歌手的热门歌曲"}
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        for pid in range(9_500_001, 9_500_009):
            s.add(Playlist(id=pid, name=f"歌单 {pid}"))
            s.flush()
            s.add_all(PlaylistTrack(playlist_id=pid, position=i, song_id=x) for i, x in enumerate([lonely, *e[:3]]))
        s.commit()
    after = similar_until(lambda r: r["items"] and r["items"][0]["reason"] == "经常一起出现在歌单里")
    assert set(_ids(after)) == set(e[:3])
    assert {item["reason"] for item in after["items"]} == {"经常一起出现在歌单里"}


def _artists(row_items: list[dict]) -> list[set[int]]:
    return [{a["id"] for a in item["artists"]} for item in row_items]


def _assert_full_as_the_rule_allows(items: list[dict], allowed: set[int], client, k: int = 10) -> None:
    """The row obeys the artist rule, and where it ends short no other allowed song could follow."""
    cards = [item.get("song", item) for item in items]
    placed = _artists(cards)
    assert obeys_rule(placed)
    for song in allowed - {c["id"] for c in cards} if len(cards) < k else ():
        artists = {a["id"] for a in client.get(f"/api/songs/{song}").get_json()["artists"]}
        assert not obeys_rule([*placed, artists]), f"song {song} would still fit"


@pytest.fixture
def one_artist_on_top(app):
    """22 songs; the 12 by 周杰伦 are made the most popular, so a plain popularity row would be his."""
    from sqlalchemy import update

    from tests.catalog_seed import JAY_CHOU
    from yinqing.models import Song, SongArtist

    with app.extensions["yinqing"]["sessionmaker"]() as s:
        songs = [x["id"] for x in seed_catalogue(s, general=10, jay=12)]
        jay = list(s.scalars(select(SongArtist.song_id).where(SongArtist.artist_id == JAY_CHOU)))
        s.execute(update(Song).where(Song.id.in_(jay)).values(popularity=100.0))
        s.commit()
    return {"songs": songs, "jay": jay}


def test_every_row_obeys_the_artist_diversity_rule(client, make_user, one_artist_on_top):
    _user, h = make_user()
    for algorithm in recommend.ALGORITHMS:
        result = client.get(f"/api/recommend?algorithm={algorithm}&k=20", headers=h).get_json()
        cards = [item["song"] for item in result["items"]]
        assert obeys_rule(_artists(cards)), algorithm
        # Only 4 of his 12 fit into 20 places; the others' songs fill the row as far as the rule allows.
        assert sum(c["id"] in one_artist_on_top["jay"] for c in cards) == 4
        _assert_full_as_the_rule_allows(cards, set(one_artist_on_top["songs"]), client, k=20)
        assert cards[0]["id"] in one_artist_on_top["jay"]  # the most popular still leads
    home = client.get("/api/home").get_json()
    for row in home["recommendations"]:
        assert obeys_rule(_artists(row["songs"])) and row["placeholder"] and row["seed"] == "popular"


def test_logged_out_home_rows_answer_a_listener_of_the_charts(client, world, app, settings):
    songs = world["songs"]
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        s.add(Playlist(id=3778678, name="云音乐热歌榜", is_toplist=True))
        s.flush()
        s.add_all(PlaylistTrack(playlist_id=3778678, position=i, song_id=song) for i, song in enumerate(world["a"][:2]))
        s.commit()
        recommend.train_models(s, settings.model_dir / "recsys", epochs=30)
    home = client.get("/api/home").get_json()
    for row in home["recommendations"]:
        ids = [card["id"] for card in row["songs"]]
        assert row["seed"] == "charts" and not row["placeholder"] and row["note"] == "根据排行榜推荐"
        assert not set(ids) & set(world["a"][:2])  # the chart songs themselves are the history
        _assert_full_as_the_rule_allows(row["songs"], set(songs) - set(world["a"][:2]), client, k=12)
    itemcf = next(r for r in home["recommendations"] if r["key"] == "itemcf")
    assert [card["id"] for card in itemcf["songs"]][:2] == world["a"][2:4]  # what follows the chart songs


def test_evaluation_of_the_app_models_is_stored_and_shown_to_admins(client, make_user, world, app, settings):
    from sqlalchemy import update

    from yinqing.models import User
    from yinqing.services import model_quality

    user, h = make_user()
    assert client.get("/api/recommend/evaluation").status_code == 401
    assert client.get("/api/recommend/evaluation", headers=h).status_code == 403
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        s.execute(update(User).where(User.id == user["id"]).values(role="admin"))
        s.commit()
    empty = client.get("/api/recommend/evaluation", headers=h).get_json()
    assert empty == {"evaluation": None, "gru": None}
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        recommend.train_models(s, settings.model_dir / "recsys", epochs=3)
        model_quality.evaluate_app_models(s)
        s.commit()
    shown = client.get("/api/recommend/evaluation", headers=h).get_json()
    table = shown["evaluation"]
    assert [r["key"] for r in table["rows"]] == ["gru", "usercf", "itemcf", "sr", "popularity"]
    assert table["n_events"] == 8 * 8 and 0 < table["n_train_events"] < table["n_events"]
    assert table["n_test_cases"] > 0 and table["n_scored_cases"] == table["n_test_cases"]
    # The planted pattern (A->B->C->D) is next-song prediction any sequence model gets right.
    sr = next(r for r in table["rows"] if r["key"] == "sr")
    assert sr["HR@10"] > 0.5 and all(0 <= r["MRR@20"] <= r["HR@20"] <= 1 for r in table["rows"])
    assert [p["epoch"] for p in shown["gru"]["curve"]] == [1, 2, 3] and shown["gru"]["n_events"] == 64
    # A dashboard refresh drops every cached chart, but not the evaluation.
    from yinqing.services.stats import refresh_stats

    with app.extensions["yinqing"]["sessionmaker"]() as s:
        refresh_stats(s)
        s.commit()
    assert client.get("/api/recommend/evaluation", headers=h).get_json()["evaluation"] == table
