"""Access matrix, generated from the OpenAPI spec: every operation x {anonymous, user A, user B, admin}.

The expected outcome of each cell is kept in MATRIX below. An operation in the spec without an entry
(a new route) fails the test, and so does an entry whose route is gone. A cell is either an exact
status, or ALLOWED: the request got past access control (anything but 401/403, never a 5xx).
Resources in the paths belong to user A (A's profile, A's play, A's job) or are public catalogue rows.
"""

from __future__ import annotations

import io
import itertools
import re

import pytest
from PIL import Image

from tests.catalog_seed import seed_catalogue
from yinqing.api.auth_deps import issue_token
from yinqing.models import User
from yinqing.services import accounts
from yinqing.services import jobs as job_records

ALLOWED = "allowed"
ROLES = ("anonymous", "b", "admin", "a")  # A last: some of A's own requests delete A's data
PUBLIC = dict.fromkeys(ROLES, ALLOWED)
SIGNED_IN = {"anonymous": 401, "a": ALLOWED, "b": ALLOWED, "admin": ALLOWED}
ADMIN_ONLY = {"anonymous": 401, "a": 403, "b": 403, "admin": ALLOWED}
A_OR_ADMIN = {"anonymous": 401, "a": ALLOWED, "b": 403, "admin": ALLOWED}
A_ONLY_OTHERS_404 = {"anonymous": 401, "a": 204, "b": 404, "admin": 404}  # others' rows are not even visible

MATRIX: dict[tuple[str, str], dict] = {
    ("get", "/api/admin/crawls"): ADMIN_ONLY,
    ("post", "/api/admin/crawls"): ADMIN_ONLY,  # admin: 409, a crawl is already queued
    ("get", "/api/admin/crawls/{job_id}"): ADMIN_ONLY,
    ("get", "/api/albums/{album_id}"): PUBLIC,
    ("get", "/api/artists"): PUBLIC,
    ("get", "/api/artists/{artist_id}"): PUBLIC,
    ("get", "/api/artists/{artist_id}/songs"): PUBLIC,
    ("post", "/api/auth/login"): PUBLIC,
    ("post", "/api/auth/logout"): SIGNED_IN,
    ("get", "/api/auth/me"): SIGNED_IN,
    ("post", "/api/auth/register"): PUBLIC,
    ("get", "/api/health"): PUBLIC,
    ("get", "/api/home"): PUBLIC,
    ("get", "/api/jobs"): ADMIN_ONLY,
    ("get", "/api/jobs/{job_id}"): A_OR_ADMIN,  # A's own job
    ("get", "/api/me/likes"): SIGNED_IN,
    ("delete", "/api/me/plays/{play_id}"): A_ONLY_OTHERS_404,
    ("delete", "/api/me/plays"): SIGNED_IN,
    ("get", "/api/me/plays"): SIGNED_IN,
    ("get", "/api/me/ratings"): SIGNED_IN,
    ("get", "/api/first-start"): PUBLIC,
    ("get", "/api/recommend"): SIGNED_IN,
    ("get", "/api/recommend/evaluation"): ADMIN_ONLY,
    ("get", "/api/recommend/model"): PUBLIC,
    ("post", "/api/recommend/not-interested"): SIGNED_IN,
    ("get", "/api/recommend/onboarding"): PUBLIC,
    ("post", "/api/recommend/onboarding"): SIGNED_IN,
    ("get", "/api/recommend/rows"): SIGNED_IN,
    ("post", "/api/recommend/train"): ADMIN_ONLY,  # admin: 409, a training job is already queued
    ("get", "/api/search"): PUBLIC,
    ("post", "/api/sentiment/analyze"): PUBLIC,
    ("get", "/api/songs"): PUBLIC,
    ("get", "/api/songs/{song_id}"): PUBLIC,
    ("get", "/api/songs/{song_id}/comments"): PUBLIC,
    ("get", "/api/songs/{song_id}/lyrics"): PUBLIC,
    ("post", "/api/songs/{song_id}/plays"): SIGNED_IN,
    ("delete", "/api/songs/{song_id}/rating"): SIGNED_IN,
    ("put", "/api/songs/{song_id}/rating"): SIGNED_IN,
    ("get", "/api/songs/{song_id}/sentiment"): PUBLIC,
    ("get", "/api/songs/{song_id}/similar"): PUBLIC,
    ("get", "/api/stats/album-sizes"): PUBLIC,
    ("get", "/api/stats/copyright"): PUBLIC,
    ("get", "/api/stats/covers"): PUBLIC,
    ("get", "/api/stats/durations"): PUBLIC,
    ("get", "/api/stats/filters"): PUBLIC,
    ("get", "/api/stats/heat"): PUBLIC,
    ("get", "/api/stats/hot-artists"): PUBLIC,
    ("get", "/api/stats/overview"): PUBLIC,
    ("get", "/api/stats/release-days"): PUBLIC,
    ("get", "/api/stats/releases"): PUBLIC,
    ("get", "/api/stats/scatter"): PUBLIC,
    ("get", "/api/stats/sentiment"): PUBLIC,
    ("get", "/api/stats/tags"): PUBLIC,
    ("get", "/api/stats/wordcloud"): PUBLIC,
    ("patch", "/api/users/me"): SIGNED_IN,
    ("post", "/api/users/me/avatar"): SIGNED_IN,
    ("post", "/api/users/me/password"): SIGNED_IN,  # a wrong old password: 422, past access control
    ("get", "/api/users/{user_id}"): PUBLIC,
    ("patch", "/api/users/{user_id}"): A_OR_ADMIN,  # A's profile
    ("get", "/api/users/{user_id}/avatar"): PUBLIC,
}

_names = itertools.count()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (90, 40, 200)).save(out, format="PNG")
    return out.getvalue()


def _request_body(method: str, path: str, world: dict) -> dict:
    """Keyword arguments for the test client: a valid body for the operations that need one."""
    song = world["song_id"]
    bodies = {
        ("post", "/api/admin/crawls"): {"json": {"kind": "toplists"}},
        ("post", "/api/auth/login"): {"json": {"username": "user_a", "password": "matrix-Secret-A"}},
        ("post", "/api/auth/register"): {"json": {"username": f"matrix_new_{next(_names)}", "password": "matrix-Secret-N"}},
        ("post", "/api/recommend/not-interested"): {"json": {"song_id": song}},
        ("post", "/api/recommend/onboarding"): {"json": {"song_ids": [song], "artist_ids": []}},
        ("post", "/api/recommend/train"): {"json": {}},
        ("post", "/api/sentiment/analyze"): {"json": {"text": "这首歌真好听"}},
        ("put", "/api/songs/{song_id}/rating"): {"json": {"score": 4}},
        ("patch", "/api/users/me"): {"json": {"bio": "hello"}},
        ("patch", "/api/users/{user_id}"): {"json": {"bio": "changed"}},
        ("post", "/api/users/me/avatar"): {"data": {"file": (io.BytesIO(_png()), "a.png")},
                                           "content_type": "multipart/form-data"},
        ("post", "/api/users/me/password"): {"json": {"old_password": "not-the-password",
                                                      "new_password": "another-Secret-9"}},
    }
    return bodies.get((method, path), {})


@pytest.fixture
def world(app, client, settings):
    """Users A, B and an admin, a small catalogue, A's play, A's job, a queued crawl and training job."""
    settings.register_rate_limit = "1000 per minute"
    maker = app.extensions["yinqing"]["sessionmaker"]
    with maker() as s:
        songs = seed_catalogue(s, general=4, jay=1)
        users = {role: accounts.register_user(s, f"user_{role}", f"matrix-Secret-{role.upper()}",
                                              role="admin" if role == "admin" else "user")
                 for role in ("a", "b", "admin")}
        s.flush()
        ids = {role: u.id for role, u in users.items()}
        a_job = job_records.create_job(s, "analyse", {}, ids["a"])
        crawl = job_records.create_job(s, "crawl", {}, ids["admin"])
        job_records.create_job(s, "train", {}, ids["admin"])
        s.commit()
        world = {"ids": ids, "song_id": songs[0]["id"], "album_id": songs[0]["al"]["id"],
                 "artist_id": songs[0]["ar"][0]["id"], "a_job": a_job.id, "crawl_job": crawl.id}
    a_headers = _headers(app, ids["a"])
    world["play_id"] = client.post(f"/api/songs/{world['song_id']}/plays", headers=a_headers).get_json()["id"]
    assert client.post("/api/users/me/avatar", data={"file": (io.BytesIO(_png()), "a.png")}, headers=a_headers,
                       content_type="multipart/form-data").status_code == 200
    return world


def _headers(app, user_id: int | None) -> dict:
    """A fresh token (earlier requests may have logged the user out everywhere)."""
    if user_id is None:
        return {}
    with app.app_context(), app.extensions["yinqing"]["sessionmaker"]() as s:
        return {"Authorization": f"Bearer {issue_token(s.get(User, user_id))}"}


def _url(path: str, world: dict) -> str:
    values = {"user_id": world["ids"]["a"], "song_id": world["song_id"], "album_id": world["album_id"],
              "artist_id": world["artist_id"], "play_id": world["play_id"],
              "job_id": world["crawl_job"] if path.startswith("/api/admin/crawls/") else world["a_job"]}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def test_every_operation_has_an_entry(client):
    spec = client.get("/api/openapi.json").get_json()
    operations = {(method, path) for path, item in spec["paths"].items() for method in item
                  if method in {"get", "put", "post", "patch", "delete"}}
    assert sorted(operations - set(MATRIX)) == [], "add the new operations to MATRIX"
    assert sorted(set(MATRIX) - operations) == [], "remove the operations that are gone from MATRIX"


def test_access_matrix(app, client, world):
    wrong = []
    for (method, path), expected in MATRIX.items():
        for role in ROLES:
            headers = _headers(app, None if role == "anonymous" else world["ids"][role])
            r = client.open(_url(path, world), method=method.upper(), headers=headers,
                            **_request_body(method, path, world))
            want = expected[role]
            ok = (r.status_code not in (401, 403) and r.status_code < 500) if want == ALLOWED else r.status_code == want
            if not ok:
                wrong.append(f"{method.upper()} {path} as {role}: {r.status_code}, expected {want}")
    assert wrong == []
