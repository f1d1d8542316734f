"""Accounts API on every backend: register, login, profile, password, avatar, and bad input."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from PIL import Image
from sqlalchemy import func, select

from yinqing.models import User


def _png(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def _user_row(app, username):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        return s.scalar(select(User).where(User.username == username))


def _count_users(app) -> int:
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        return s.scalar(select(func.count()).select_from(User))


def test_register_login_me(client):
    r = client.post("/api/auth/register", json={"username": "张三_01", "password": "s3cret-pass", "nickname": "小张"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["user"]["nickname"] == "小张" and body["user"]["role"] == "user"
    r = client.post("/api/auth/login", json={"username": "张三_01", "password": "s3cret-pass"})
    assert r.status_code == 200
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.get_json()['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "张三_01"
    # Stored naive UTC goes out with its zone, so browsers in China time do not shift it by 8 h.
    created = datetime.fromisoformat(me.get_json()["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)


def test_password_is_hashed_and_never_returned(client, app):
    r = client.post("/api/auth/register", json={"username": "hashme", "password": "plain-text-pw"})
    assert "plain-text-pw" not in r.get_data(as_text=True)
    assert "password" not in str(r.get_json()["user"])
    row = _user_row(app, "hashme")
    assert row.password_hash.startswith("$argon2") and "plain-text-pw" not in row.password_hash


@pytest.mark.parametrize("payload, field", [
    ({"username": "ab", "password": "longenough"}, "username"),
    ({"username": "bad name!", "password": "longenough"}, "username"),
    ({"username": "okname", "password": "short"}, "password"),
    ({"username": "okname", "password": "x" * 129}, "password"),
    ({"username": "okname", "password": 12345678}, "password"),
    ({"username": ["okname"], "password": "longenough"}, "username"),
    ({"username": "okname", "password": "longenough", "role": "admin"}, "role"),
    ({"password": "longenough"}, "username"),
    ({"username": "okname", "password": "longenough", "nickname": ""}, "nickname"),
])
def test_register_rejects_bad_input(client, app, payload, field):
    r = client.post("/api/auth/register", json=payload)
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == 422 and field in body["errors"]
    assert _count_users(app) == 0


def test_register_duplicate_username(client, app):
    assert client.post("/api/auth/register", json={"username": "dup", "password": "longenough"}).status_code == 201
    r = client.post("/api/auth/register", json={"username": "dup", "password": "another-pw"})
    assert r.status_code == 409 and r.get_json()["errors"] == {"username": ["username_taken"]}
    assert _count_users(app) == 1


def test_huge_and_malformed_bodies(client, app):
    r = client.post("/api/auth/register", data=b'{"username": "' + b"a" * (10 * 1024 * 1024) + b'"}',
                    content_type="application/json")
    assert r.status_code == 413 and r.get_json()["code"] == 413
    r = client.post("/api/auth/register", data="{not json", content_type="application/json")
    assert r.status_code in (400, 415, 422) and "message" in r.get_json()
    r = client.post("/api/auth/register", data="username=a", content_type="text/plain")
    assert r.status_code in (400, 415, 422)
    assert _count_users(app) == 0


def test_wrong_password_and_unknown_user_look_the_same(client, make_user):
    make_user("realuser", password="the-right-one")
    a = client.post("/api/auth/login", json={"username": "realuser", "password": "the-wrong-one"})
    b = client.post("/api/auth/login", json={"username": "ghost", "password": "the-wrong-one"})
    assert a.status_code == b.status_code == 401
    assert a.get_json() == b.get_json()


def test_login_is_rate_limited(client, app, make_user):
    app.extensions["yinqing"]["settings"].login_rate_limit = "3 per minute"
    make_user("limited", password="the-right-one")
    codes = [client.post("/api/auth/login", json={"username": "limited", "password": "nope-nope"}).status_code
             for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
    r = client.post("/api/auth/login", json={"username": "limited", "password": "the-right-one"})
    assert r.status_code == 429 and r.get_json()["code"] == 429


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz",
])
def test_missing_or_garbage_token(client, header):
    headers = {"Authorization": header} if header else {}
    r = client.get("/api/auth/me", headers=headers)
    assert r.status_code == 401 and r.get_json()["code"] == 401


def test_forged_and_expired_tokens(client, app, make_user):
    user, _headers = make_user()
    secret = app.extensions["yinqing"]["settings"].secret_key
    now = int(time.time())
    forged = jwt.encode({"sub": str(user["id"]), "ver": 0, "exp": now + 60}, "a-wrong-secret-of-a-proper-length-32+", algorithm="HS256")
    expired = jwt.encode({"sub": str(user["id"]), "ver": 0, "exp": now - 60}, secret, algorithm="HS256")
    none_alg = jwt.encode({"sub": str(user["id"]), "ver": 0, "exp": now + 60}, None, algorithm="none")
    for token in (forged, expired, none_alg):
        assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_logout_revokes_token(client, make_user):
    _, headers = make_user()
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_edit_profile(client, make_user):
    _, headers = make_user()
    r = client.patch("/api/users/me", json={"nickname": "新昵称", "bio": "爱听民谣"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["nickname"] == "新昵称"
    assert client.get("/api/auth/me", headers=headers).get_json()["bio"] == "爱听民谣"


@pytest.mark.parametrize("payload", [
    {"nickname": ""}, {"nickname": "x" * 65}, {"bio": "y" * 501}, {"nickname": 5}, {"role": "admin"},
    {"nickname": "   "},
])
def test_edit_profile_bad_input_changes_nothing(client, make_user, payload):
    _user, headers = make_user(nickname="original")
    r = client.patch("/api/users/me", json=payload, headers=headers)
    assert r.status_code == 422
    me = client.get("/api/auth/me", headers=headers).get_json()
    assert me["nickname"] == "original" and me["role"] == "user"


def test_cannot_edit_another_user(client, make_user):
    victim, _ = make_user(nickname="victim")
    _, attacker = make_user()
    r = client.patch(f"/api/users/{victim['id']}", json={"nickname": "pwned"}, headers=attacker)
    assert r.status_code == 403
    assert client.get(f"/api/users/{victim['id']}").get_json()["nickname"] == "victim"
    assert client.patch("/api/users/999999", json={"nickname": "x"}, headers=attacker).status_code == 404


def test_change_password(client, make_user):
    _user, headers = make_user("pwuser", password="old-password-1")
    r = client.post("/api/users/me/password", json={"old_password": "wrong-old-pw", "new_password": "new-password-2"},
                    headers=headers)
    assert r.status_code == 422 and "old_password" in r.get_json()["errors"]
    r = client.post("/api/users/me/password", json={"old_password": "old-password-1", "new_password": "short"},
                    headers=headers)
    assert r.status_code == 422
    r = client.post("/api/users/me/password", json={"old_password": "old-password-1", "new_password": "new-password-2"},
                    headers=headers)
    assert r.status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401  # old token revoked
    assert client.post("/api/auth/login", json={"username": "pwuser", "password": "old-password-1"}).status_code == 401
    assert client.post("/api/auth/login", json={"username": "pwuser", "password": "new-password-2"}).status_code == 200


def test_avatar_upload_and_serve(client, make_user, settings):
    _user, headers = make_user()
    r = client.post("/api/users/me/avatar", data={"file": (io.BytesIO(_png((300, 200))), "me.png")},
                    headers=headers, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    url = r.get_json()["avatar_url"]
    img = client.get(url)
    assert img.status_code == 200 and img.mimetype == "image/png"
    assert Image.open(io.BytesIO(img.data)).size == (256, 256)
    assert len(list(settings.avatar_dir.iterdir())) == 1


def _bomb_png() -> bytes:
    """A tiny PNG that declares 20000x20000 pixels (decompresses to 1.2 GB)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("data, name", [
    (b"this is not an image at all", "fake.png"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "truncated.png"),
    (b"GIF89a" + b"\x00" * 50, "anim.png"),
    (b"\x00" * (2 * 1024 * 1024 + 10), "huge.png"),
])
def test_avatar_rejects_bad_files(client, make_user, settings, data, name):
    _user, headers = make_user()
    r = client.post("/api/users/me/avatar", data={"file": (io.BytesIO(data), name)}, headers=headers,
                    content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["code"] == 422
    assert client.get("/api/auth/me", headers=headers).get_json()["avatar_url"] is None
    assert not settings.avatar_dir.exists() or not any(settings.avatar_dir.iterdir())


def test_avatar_rejects_decompression_bomb(client, make_user):
    _, headers = make_user()
    data = _bomb_png()
    assert len(data) < 2 * 1024 * 1024
    r = client.post("/api/users/me/avatar", data={"file": (io.BytesIO(data), "bomb.png")}, headers=headers,
                    content_type="multipart/form-data")
    assert r.status_code == 422


def test_avatar_other_formats(client, make_user):
    _, headers = make_user()
    for fmt in ("JPEG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (80, 80), (10, 200, 10)).save(out, format=fmt)
        r = client.post("/api/users/me/avatar", data={"file": (io.BytesIO(out.getvalue()), f"a.{fmt.lower()}")},
                        headers=headers, content_type="multipart/form-data")
        assert r.status_code == 200, (fmt, r.get_json())
    assert client.post("/api/users/me/avatar", data={}, headers=headers,
                       content_type="multipart/form-data").status_code == 422


def test_missing_avatar_is_404(client, make_user):
    user, _ = make_user()
    r = client.get(f"/api/users/{user['id']}/avatar")
    assert r.status_code == 404 and r.get_json()["code"] == 404


def test_openapi_and_docs(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/me", "/api/users/me/avatar"):
        assert path in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_unknown_api_route_is_json_404_and_spa_fallback(client):
    r = client.get("/api/does-not-exist")
    assert r.status_code == 404 and r.get_json()["code"] == 404
    r = client.get("/profile")
    assert r.status_code == 200 and r.mimetype == "text/html"


def test_datetimes_are_iso_8601_even_without_an_output_schema(app):
    with app.app_context():
        body = app.json.dumps({"t": datetime(2012, 8, 9, 16, 0, 0)})
    assert body == '{"t": "2012-08-09T16:00:00+00:00"}'
