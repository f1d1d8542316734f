"""/api/admin/crawls: admin only, bad requests refused with 422, a crawl runs as a Huey job."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.crawler.crawler_helpers import count
from yinqing import jobs
from yinqing.models import Playlist, PlaylistTrack, Song, User
from yinqing.services import jobs as job_records


@pytest.fixture
def admin_headers(make_user, app):
    user, headers = make_user()
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        s.execute(update(User).where(User.id == user["id"]).values(role="admin"))
        s.commit()
    return headers


@pytest.fixture
def immediate_huey():
    jobs.huey.immediate = True
    yield jobs.huey
    jobs.huey.immediate = False


def test_only_admins_may_crawl(client, make_user):
    _, headers = make_user()
    assert client.post("/api/admin/crawls", json={"kind": "toplists"}).status_code == 401
    r = client.post("/api/admin/crawls", json={"kind": "toplists"}, headers=headers)
    assert r.status_code == 403 and r.get_json()["code"] == 403
    assert client.get("/api/admin/crawls", headers=headers).status_code == 403


@pytest.mark.parametrize("body,field", [
    ({"kind": "everything"}, "kind"),
    ({"kind": "playlist", "ids": [0]}, "crawl"),
    ({"kind": "playlist"}, "crawl"),
    ({"kind": "playlist", "ids": ["abc"]}, "ids"),
    ({"kind": "artist", "ids": [5], "comment_pages": 100000}, "comment_pages"),
    ({"kind": "search", "keyword": "  "}, "crawl"),
    ({"kind": "search", "keyword": "x", "limit": 0}, "limit"),
])
def test_bad_crawl_requests_are_refused(client, admin_headers, body, field):
    r = client.post("/api/admin/crawls", json=body, headers=admin_headers)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["errors"] and r.get_json()["message"]


def test_a_crawl_runs_as_a_job_and_reports_its_result(client, admin_headers, app, settings, db_url, standin,
                                                      immediate_huey):
    settings.netease_base_url, settings.crawl_rate = standin.url, 0.0
    jobs.use_database(db_url)
    r = client.post("/api/admin/crawls", json={"kind": "song", "ids": [186016, 1842728629], "comment_pages": 0,
                                               "follow_artists": False, "follow_albums": False},
                    headers=admin_headers)
    assert r.status_code == 202, r.get_json()
    job = r.get_json()
    assert job["kind"] == "crawl" and "database_url" not in job["params"]
    detail = client.get(f"/api/admin/crawls/{job['id']}", headers=admin_headers).get_json()
    assert detail["status"] == "done" and detail["progress"] == 1.0, detail
    assert detail["result"]["written"]["song"] == 2 and detail["result"]["finish_reason"] == "finished"
    listed = client.get("/api/admin/crawls", headers=admin_headers).get_json()
    assert [j["id"] for j in listed["items"]] == [job["id"]]
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        assert count(s, Song) == 2
        other = job_records.create_job(s, "train", {})
        queued = job_records.create_job(s, "crawl", {})
        s.commit()
        other_id = other.id
    assert client.get(f"/api/admin/crawls/{other_id}", headers=admin_headers).status_code == 404
    # One crawl at a time: the site's rate limit is per host, not per job.
    r = client.post("/api/admin/crawls", json={"kind": "toplists"}, headers=admin_headers)
    assert r.status_code == 409 and queued.id



@pytest.mark.parametrize("body,field", [
    ({"kind": "playlists", "category": "不存在"}, "category"),
    ({"kind": "playlists", "order": "best"}, "order"),
    ({"kind": "playlists", "playlists": 0}, "playlists"),
    ({"kind": "playlists", "playlists": "many"}, "playlists"),
])
def test_bad_listing_crawls_are_refused(client, admin_headers, body, field):
    r = client.post("/api/admin/crawls", json=body, headers=admin_headers)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["errors"]


def test_an_admin_starts_a_listing_crawl(client, admin_headers, app, settings, db_url, standin, immediate_huey):
    settings.netease_base_url, settings.crawl_rate = standin.url, 0.0
    jobs.use_database(db_url)
    categories = client.get("/api/admin/crawls", headers=admin_headers).get_json()["categories"]
    assert categories[0] == "全部" and "华语" in categories
    r = client.post("/api/admin/crawls", json={"kind": "playlists", "category": "华语", "order": "new",
                                               "playlists": 5, "comment_pages": 0, "follow_artists": False,
                                               "follow_albums": False}, headers=admin_headers)
    assert r.status_code == 202, r.get_json()
    job = client.get(f"/api/admin/crawls/{r.get_json()['id']}", headers=admin_headers).get_json()
    assert job["status"] == "done", job
    assert job["params"]["category"] == "华语" and job["params"]["listing_limit"] == 5
    assert job["result"]["finish_reason"] == "finished" and standin.hits["/api/playlist/list"] == 1
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        assert count(s, Playlist) == 1  # the one 华语 playlist of the mirror, with every track
        assert count(s, PlaylistTrack, PlaylistTrack.playlist_id == 605415618) == 98
