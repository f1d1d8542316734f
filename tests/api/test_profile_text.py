"""Control characters in profile text are refused with 422 (found by fuzzing: a NUL in a nickname or bio
was a 500 on PostgreSQL, which cannot store NUL), and nothing is stored."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("body", [{"nickname": "a\u0000b"}, {"bio": "x\u0000"}, {"nickname": "ok", "bio": "\u0007"}])
def test_profile_with_control_characters_is_422_and_unchanged(client, make_user, body):
    _, headers = make_user(nickname="原名")
    r = client.patch("/api/users/me", json=body, headers=headers)
    assert r.status_code == 422
    assert r.get_json()["errors"]
    me = client.get("/api/auth/me", headers=headers).get_json()
    assert (me["nickname"], me["bio"]) == ("原名", "")


def test_bio_keeps_line_breaks(client, make_user):
    _, headers = make_user()
    r = client.patch("/api/users/me", json={"bio": "第一行\n第二行\t!"}, headers=headers)
    assert r.status_code == 200
    assert r.get_json()["bio"] == "第一行\n第二行\t!"


def test_register_with_control_characters_creates_no_account(client):
    r = client.post("/api/auth/register", json={"username": "nul_user", "password": "correct-horse-1",
                                                "nickname": "n\u0000"})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"nickname": ["control_characters"]}
    r = client.post("/api/auth/login", json={"username": "nul_user", "password": "correct-horse-1"})
    assert r.status_code == 401


def test_username_with_trailing_newline_is_refused(client):
    r = client.post("/api/auth/register", json={"username": "newline\n", "password": "correct-horse-1"})
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"username": ["username_format"]}


def test_login_with_nul_in_username_is_401(client, make_user):
    make_user(username="nul_login")
    r = client.post("/api/auth/login", json={"username": "nul_login\u0000", "password": "correct-horse-1"})
    assert r.status_code == 401
    assert r.get_json()["code"] == 401
