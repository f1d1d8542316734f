"""Ratings (heart = 5, stars 0-5), plays and the user's lists, on every backend."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.catalog_seed import seed_catalogue
from yinqing.models import Play, Rating
from yinqing.services import feedback


@pytest.fixture
def songs(app):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        return seed_catalogue(s, general=6, jay=2)


def _ratings(app):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        return s.execute(select(Rating.user_id, Rating.song_id, Rating.score, Rating.source)).all()


def test_heart_stars_and_lists(client, make_user, songs):
    _user, h = make_user()
    a, b = songs[0]["id"], songs[1]["id"]
    r = client.put(f"/api/songs/{a}/rating", json={"score": 5, "source": "heart"}, headers=h)
    assert r.status_code == 200 and r.get_json()["score"] == 5
    assert client.put(f"/api/songs/{a}/rating", json={"score": 5, "source": "heart"}, headers=h).status_code == 200
    assert client.put(f"/api/songs/{b}/rating", json={"score": 3}, headers=h).get_json()["source"] == "stars"
    likes = client.get("/api/me/likes", headers=h).get_json()
    assert [x["song"]["id"] for x in likes["items"]] == [a] and likes["total"] == 1
    ratings = client.get("/api/me/ratings", headers=h).get_json()
    assert {x["song"]["id"]: x["score"] for x in ratings["items"]} == {a: 5, b: 3}
    assert ratings["items"][0]["song"]["id"] == b  # most recent first
    card = client.get(f"/api/songs/{a}", headers=h).get_json()
    assert card["my_rating"] == 5
    assert client.get(f"/api/songs/{a}").get_json()["my_rating"] is None  # anonymous viewers see no rating
    assert client.put(f"/api/songs/{a}/rating", json={"score": 0}, headers=h).get_json()["score"] == 0
    assert client.get("/api/me/likes", headers=h).get_json()["total"] == 0
    assert client.delete(f"/api/songs/{b}/rating", headers=h).status_code == 204
    assert client.delete(f"/api/songs/{b}/rating", headers=h).status_code == 204  # idempotent
    assert client.get("/api/me/ratings", headers=h).get_json()["total"] == 1


@pytest.mark.parametrize("body", [{"score": 6}, {"score": -1}, {"score": 2.5}, {"score": "5"}, {"score": True},
                                  {"score": None}, {}, {"score": 5, "source": "admin"}, [5], "5"])
def test_bad_ratings_are_422_and_change_nothing(client, app, make_user, songs, body):
    _user, h = make_user()
    r = client.put(f"/api/songs/{songs[0]['id']}/rating", json=body, headers=h)
    assert r.status_code in (400, 422) and r.get_json()["code"] == r.status_code
    assert _ratings(app) == []


def test_feedback_needs_login_and_a_real_song(client, app, make_user, songs):
    song = songs[0]["id"]
    assert client.put(f"/api/songs/{song}/rating", json={"score": 5}).status_code == 401
    assert client.post(f"/api/songs/{song}/plays").status_code == 401
    assert client.get("/api/me/likes").status_code == 401
    _user, h = make_user()
    for url in ("/api/songs/1/rating", "/api/songs/99999999999999999999/rating"):
        assert client.put(url, json={"score": 5}, headers=h).status_code == 404
        assert client.delete(url, headers=h).status_code == 404
    assert client.post("/api/songs/1/plays", headers=h).status_code == 404
    assert _ratings(app) == []


def test_plays_history_and_isolation_between_users(client, app, make_user, songs):
    alice, ha = make_user()
    _bob, hb = make_user()
    a, b = songs[0]["id"], songs[1]["id"]
    ids = [client.post(f"/api/songs/{sid}/plays", headers=ha).get_json()["id"] for sid in (a, b, a)]
    client.put(f"/api/songs/{a}/rating", json={"score": 5, "source": "heart"}, headers=ha)
    history = client.get("/api/me/plays", headers=ha).get_json()
    assert history["total"] == 3 and [x["id"] for x in history["items"]] == ids[::-1]
    # Bob sees none of Alice's feedback and cannot remove or change it.
    assert client.get("/api/me/plays", headers=hb).get_json()["total"] == 0
    assert client.get("/api/me/likes", headers=hb).get_json()["total"] == 0
    assert client.delete(f"/api/me/plays/{ids[0]}", headers=hb).status_code == 404
    assert client.delete("/api/me/plays", headers=hb).status_code == 204
    assert client.delete(f"/api/songs/{a}/rating", headers=hb).status_code == 204
    assert client.put(f"/api/songs/{a}/rating", json={"score": 1}, headers=hb).status_code == 200
    assert (alice["id"], a, 5, "heart") in _ratings(app)
    assert client.get("/api/me/plays", headers=ha).get_json()["total"] == 3
    # Alice removes one event, then clears the rest.
    assert client.delete(f"/api/me/plays/{ids[1]}", headers=ha).status_code == 204
    assert [x["song"]["id"] for x in client.get("/api/me/plays", headers=ha).get_json()["items"]] == [a, a]
    assert client.delete("/api/me/plays", headers=ha).status_code == 204
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Play)) == 0


def test_concurrent_clicks_leave_one_rating(app, make_user, songs):
    user, _h = make_user()
    factory = app.extensions["yinqing"]["sessionmaker"]
    song = songs[0]["id"]
    errors: list[Exception] = []
    start = threading.Barrier(6)

    def click(score: int) -> None:
        start.wait()
        try:
            for _ in range(3):
                with factory() as s:
                    feedback.set_rating(s, user["id"], song, score, "stars")
                    s.commit()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=click, args=(score,)) for score in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = _ratings(app)
    assert len(rows) == 1 and rows[0][2] in range(6)
