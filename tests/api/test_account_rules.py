"""Avatar uploads with bounded memory and one file per user; password and nickname rules (every backend)."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from sqlalchemy import select

from yinqing.models import User
from yinqing.services import accounts


def _image(size, mode="RGB", fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt, **save)
    return out.getvalue()


def _upload(client, headers, data: bytes, name: str = "a.png"):
    return client.post("/api/users/me/avatar", data={"file": (io.BytesIO(data), name)}, headers=headers,
                       content_type="multipart/form-data")


def test_huge_canvas_is_refused_from_the_header(client, make_user, settings):
    _user, headers = make_user()
    data = _image((6300, 6300))  # about 130 KB, 159 MB once decoded as RGBA
    assert len(data) < 200_000
    r = _upload(client, headers, data)
    assert r.status_code == 422 and r.get_json()["errors"] == {"file": ["too_many_pixels"]}
    assert _upload(client, headers, _image((4097, 16))).status_code == 422  # one side too long is enough
    assert not settings.avatar_dir.exists() or not list(settings.avatar_dir.glob("*.png"))


@pytest.mark.parametrize("size, mode, fmt, save", [
    ((4096, 4096), "RGB", "JPEG", {"quality": 60}),  # decoded reduced (draft mode)
    ((1000, 3000), "CMYK", "JPEG", {}),
    ((3000, 2000), "L", "JPEG", {}),
    ((2000, 1200), "P", "PNG", {"transparency": 0}),
    ((900, 900), "I;16", "PNG", {}),
    ((700, 500), "LA", "PNG", {}),
    ((600, 600), "RGBA", "WEBP", {}),
])
def test_large_and_unusual_images_become_256_squares(client, make_user, size, mode, fmt, save):
    _user, headers = make_user()
    r = _upload(client, headers, _image(size, mode, fmt, **save), f"a.{fmt.lower()}")
    assert r.status_code == 200, r.get_json()
    thumb = Image.open(io.BytesIO(client.get(r.get_json()["avatar_url"]).data))
    assert thumb.size == (256, 256) and thumb.format == "PNG"


def test_replacing_deletes_the_old_file(client, make_user, settings):
    _user, headers = make_user()
    first = _upload(client, headers, _image((300, 300))).get_json()["avatar_url"]
    second = _upload(client, headers, _image((200, 300))).get_json()["avatar_url"]
    assert first != second
    assert len(list(settings.avatar_dir.glob("*.png"))) == 1
    assert client.get(second).status_code == 200


def test_concurrent_uploads_leave_one_file_per_user(app, make_user, settings):
    users = [make_user() for _ in range(2)]
    data = [_image((400 + 40 * i, 300)) for i in range(6)]
    codes: list[int] = []

    def upload(headers, payload):
        codes.append(_upload(app.test_client(), headers, payload).status_code)

    threads = [threading.Thread(target=upload, args=(h, d)) for _u, h in users for d in data]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [200] * len(threads)
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        stored = set(s.scalars(select(User.avatar_path)))
    on_disk = {p.name for p in settings.avatar_dir.glob("*.png")}
    assert on_disk == stored and len(on_disk) == len(users)


def _register(client, username: str, password: str, **extra):
    return client.post("/api/auth/register", json={"username": username, "password": password, **extra})


@pytest.mark.parametrize("username, password, reason", [
    ("alice_wonder", "alice_wonder", "password_is_username"),
    ("alice_wonder", "ALICE_WONDER ", "password_is_username"),
    ("alice_w", " " * 12, "password_blank"),
    ("alice_w", "\t\n  \u3000   ", "password_blank"),
    ("alice_w", "password123", "password_common"),
    ("alice_w", "Iloveyou1", "password_common"),
    ("alice_w", "qwertyuiop", "password_common"),
])
def test_weak_passwords_are_refused_with_a_reason(client, username, password, reason):
    r = _register(client, username, password)
    assert r.status_code == 422 and r.get_json()["errors"] == {"password": [reason]}


def test_common_password_list_is_large():
    assert len(accounts.common_passwords()) >= 10_000
    assert "dragon" in accounts.common_passwords()


def test_new_password_follows_the_same_rules(client, make_user):
    user, headers = make_user(password="first-Secret-1")
    for new, reason in ((user["username"], "password_is_username"), ("baseball1", "password_common"),
                        (" " * 9, "password_blank")):
        r = client.post("/api/users/me/password", json={"old_password": "first-Secret-1", "new_password": new},
                        headers=headers)
        assert r.status_code == 422 and r.get_json()["errors"] == {"new_password": [reason]}


@pytest.mark.parametrize("nickname", ["admin\u202enimda", "a\u200bb", "\u2066x\u2069", "\ufeffboss", "x\u200dy",
                                      "\u200f\u200f"])
def test_invisible_and_bidi_characters_are_refused_in_nicknames(client, make_user, nickname):
    r = _register(client, "nick_user", "nick-Secret-55", nickname=nickname)
    assert r.status_code == 422 and r.get_json()["errors"] == {"nickname": ["invisible_characters"]}
    _user, headers = make_user()
    r = client.patch("/api/users/me", json={"nickname": nickname}, headers=headers)
    assert r.status_code == 422 and r.get_json()["errors"] == {"nickname": ["invisible_characters"]}
    assert "不可见" in r.get_json()["message"]


def test_ordinary_nicknames_still_work(client, make_user):
    _user, headers = make_user()
    for nickname in ("周杰伦的歌迷", "Zoë 🎵", "عربي", "O'Brien-Smith"):
        r = client.patch("/api/users/me", json={"nickname": nickname}, headers=headers)
        assert r.status_code == 200 and r.get_json()["nickname"] == nickname
