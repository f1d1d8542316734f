"""Rate limits on every backend: login throttling that does not lock the owner out, the cost-based
sentiment limit, and limits on registration, password changes and plays.

Clients are told apart by address: the test client sets REMOTE_ADDR per request. X-Forwarded-For
counts only when the app is configured to trust a proxy (TRUSTED_PROXIES); both cases are tested.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.catalog_seed import seed_catalogue

OWNER, PASSWORD = "owner_acct", "owner-secret-77"


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _login(client, password: str, address: str, username: str = OWNER, headers: dict | None = None):
    return client.post("/api/auth/login", json={"username": username, "password": password},
                       headers=headers or {}, **_from(address))


@pytest.fixture
def owner(make_user):
    return make_user(OWNER, PASSWORD)


def test_attacker_is_throttled_owner_still_logs_in_elsewhere(client, owner, settings):
    for i in range(10):
        assert _login(client, f"guess-{i}", "10.0.0.66").status_code == 401
    assert _login(client, "guess-10", "10.0.0.66").status_code == 429
    assert _login(client, PASSWORD, "10.0.0.66").status_code == 429  # even the right password, from there
    assert _login(client, PASSWORD, "10.0.0.7").status_code == 200  # the owner, at home


def test_successful_logins_are_not_counted(client, owner):
    for _ in range(12):
        assert _login(client, PASSWORD, "10.0.0.7").status_code == 200


def test_one_address_guessing_many_usernames_is_throttled(client, owner):
    for i in range(30):
        assert _login(client, "password-x", "10.0.0.66", username=f"victim{i}").status_code == 401
    assert _login(client, "password-x", "10.0.0.66", username="victim99").status_code == 429
    assert _login(client, PASSWORD, "10.0.0.7").status_code == 200


def test_distributed_attack_slows_the_username_down_but_never_blocks_it(client, owner, settings):
    settings.login_slowdown_seconds = 1.5
    for i in range(12):  # 12 addresses, one guess each: no per-address limit is reached
        assert _login(client, f"guess-{i}", f"10.1.0.{i + 1}").status_code == 401
    start = time.monotonic()
    r = _login(client, PASSWORD, "10.0.0.7")
    assert r.status_code == 200
    assert time.monotonic() - start >= 1.5  # slowed down: the deliberate delay, not a refusal
    assert _login(client, "guess-x", "10.1.0.99").status_code == 401  # an attacker's guess is slow, not refused


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, owner):
    for i in range(10):
        spoofed = {"X-Forwarded-For": f"10.9.0.{i}"}
        assert _login(client, f"guess-{i}", "10.0.0.66", headers=spoofed).status_code == 401
    assert _login(client, "guess", "10.0.0.66", headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 429


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(settings, clean_db):
    from yinqing.api import create_app

    settings.trusted_proxies = 1
    client = create_app(settings).test_client()
    assert client.post("/api/auth/register", json={"username": OWNER, "password": PASSWORD}).status_code == 201
    proxy = "127.0.0.1"
    for i in range(10):
        assert _login(client, f"guess-{i}", proxy, headers={"X-Forwarded-For": "10.0.0.66"}).status_code == 401
    assert _login(client, "guess", proxy, headers={"X-Forwarded-For": "10.0.0.66"}).status_code == 429
    assert _login(client, PASSWORD, proxy, headers={"X-Forwarded-For": "10.0.0.7"}).status_code == 200


def _texts(n: int, chars: int) -> list[str]:
    return [("这首歌真好听，旋律很美。" * 50)[:chars] for _ in range(n)]


def test_sentiment_limit_counts_cost_not_requests(client, settings):
    settings.sentiment_rate_limit = "1000 per minute"
    batch = {"texts": _texts(100, 500)}  # 100 texts x 8 units
    assert client.post("/api/sentiment/analyze", json=batch, **_from("10.0.0.5")).status_code == 200
    assert client.post("/api/sentiment/analyze", json=batch, **_from("10.0.0.5")).status_code == 429
    # Cheap requests fit in what is left: 200 units of short unexplained texts.
    for _ in range(20):
        r = client.post("/api/sentiment/analyze", json={"texts": _texts(10, 20)}, **_from("10.0.0.5"))
        assert r.status_code == 200
    r = client.post("/api/sentiment/analyze", json={"texts": _texts(1, 20)}, **_from("10.0.0.5"))
    assert r.status_code == 429 and r.get_json()["code"] == 429
    assert client.post("/api/sentiment/analyze", json=batch, **_from("10.0.0.6")).status_code == 200  # another client


def test_explaining_costs_ten_times_more(client, settings):
    settings.sentiment_rate_limit = "100 per minute"
    for _ in range(10):  # a single text is explained by default: 10 units each
        assert client.post("/api/sentiment/analyze", json={"text": "好听"}, **_from("10.0.0.5")).status_code == 200
    assert client.post("/api/sentiment/analyze", json={"text": "好听"}, **_from("10.0.0.5")).status_code == 429
    for _ in range(50):
        r = client.post("/api/sentiment/analyze", json={"text": "好听", "explain": False}, **_from("10.0.0.6"))
        assert r.status_code == 200
    body = {"texts": _texts(2, 512), "explain": True}  # 160 units, dearer than the whole budget: served once per window
    assert client.post("/api/sentiment/analyze", json=body, **_from("10.0.0.8")).status_code == 200
    assert client.post("/api/sentiment/analyze", json=body, **_from("10.0.0.8")).status_code == 429


def test_registration_is_limited_per_address(client):
    for i in range(10):
        r = client.post("/api/auth/register", json={"username": f"bulk{i}", "password": "bulk-Account-9"},
                        **_from("10.0.0.20"))
        assert r.status_code == 201
    r = client.post("/api/auth/register", json={"username": "bulk10", "password": "bulk-Account-9"},
                    **_from("10.0.0.20"))
    assert r.status_code == 429
    r = client.post("/api/auth/register", json={"username": "other1", "password": "bulk-Account-9"},
                    **_from("10.0.0.21"))
    assert r.status_code == 201


def test_password_change_is_limited_per_user(client, make_user):
    _user, headers = make_user(password="first-Secret-1")
    _other, other_headers = make_user(password="first-Secret-1")
    wrong = {"old_password": "not-it-at-all", "new_password": "second-Secret-2"}
    for i in range(10):
        address = f"10.0.1.{i}"  # changing address does not help: the limit is per user
        r = client.post("/api/users/me/password", json=wrong, headers=headers, **_from(address))
        assert r.status_code == 422
    right = {"old_password": "first-Secret-1", "new_password": "second-Secret-2"}
    assert client.post("/api/users/me/password", json=right, headers=headers).status_code == 429
    assert client.post("/api/users/me/password", json=right, headers=other_headers).status_code == 200


def test_plays_are_limited_per_user(app, client, make_user, settings):
    settings.play_rate_limit = "5 per minute"
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        song_id = seed_catalogue(s, general=2, jay=0)[0]["id"]
    _user, headers = make_user()
    _other, other_headers = make_user()
    for _ in range(5):
        assert client.post(f"/api/songs/{song_id}/plays", headers=headers).status_code == 201
    assert client.post(f"/api/songs/{song_id}/plays", headers=headers).status_code == 429
    assert client.post(f"/api/songs/{song_id}/plays", headers=other_headers).status_code == 201


REDIS_TEST_URL = os.environ.get("YINQING_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()


def test_two_processes_share_their_counters_through_redis(settings, clean_db, redis_url):
    """With REDIS_URL set, every app process counts against the same limits (one app per process here)."""
    from yinqing.api import create_app

    settings.redis_url = redis_url
    first = create_app(settings).test_client()
    assert first.post("/api/auth/register", json={"username": OWNER, "password": PASSWORD}).status_code == 201
    for i in range(10):
        assert _login(first, f"guess-{i}", "10.0.0.66").status_code == 401
    second = create_app(settings).test_client()  # another process: its own memory, the same Redis
    assert _login(second, "guess", "10.0.0.66").status_code == 429
    assert _login(second, PASSWORD, "10.0.0.7").status_code == 200
    batch = {"texts": _texts(100, 500)}
    assert first.post("/api/sentiment/analyze", json=batch, **_from("10.0.0.5")).status_code == 200
    assert second.post("/api/sentiment/analyze", json=batch, **_from("10.0.0.5")).status_code == 429
