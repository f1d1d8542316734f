"""Every fault the stand-in can inject: the crawler retries or skips, counts, never writes half rows.

The per-kind tests run on SQLite only (the faults are in HTTP, not in the database); the combined
fault crawl, the kill -9 resume and the mangled bodies run on every database backend.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from tests.crawler.crawler_helpers import assert_consistent, comment_keys, count, stored_comment_keys
from yinqing.config import REPO_ROOT
from yinqing.crawler.settings import CrawlSpec
from yinqing.models import Comment, CrawlUnit, Lyric, Playlist, PlaylistTrack, Song

SONGS = [186016, 1842728629]
LYRIC_SONGS = [27808295, 28884019]  # tracks of playlist 605415618 whose lyric the mirror holds


def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("HTTP faults do not depend on the database backend")


def assert_complete(session, mirror, pages=2, size=20):
    """Everything a clean crawl of SONGS + LYRIC_SONGS stores."""
    for sid in SONGS + LYRIC_SONGS:
        assert session.get(Song, sid).name == mirror.song(sid)["name"]
    assert {s for (s,) in session.execute(select(Lyric.song_id))} == set(LYRIC_SONGS)
    for sid in SONGS:
        assert stored_comment_keys(session, sid) == comment_keys(mirror, sid, slice(0, pages * size))
    assert_consistent(session)


@pytest.mark.parametrize("kind", ["http405", "http406", "http500", "http503", "code-460", "code-462", "code405",
                                  "truncate", "malformed", "drop", "slow"])
def test_each_transient_fault_is_retried_to_a_complete_database(kind, crawl, standin, mirror, session, db_url):
    sqlite_only(db_url)
    standin.set_faults([{"kind": kind, "times": 1, "delay": 2.0}])
    code, summary = crawl(standin, "song", ids=SONGS + LYRIC_SONGS, comment_pages=2, timeout=1.0)
    assert code == 0, summary
    assert summary["retries"] >= summary["responses"] // 2 > 0
    assert summary["problems"].get("bad_json", 0) == 0
    assert_complete(session, mirror)


def test_mixed_faults_on_every_backend(crawl, standin, mirror, session):
    standin.set_faults([{"kind": "code-460", "times": 2, "path": "lyric"},
                        {"kind": "truncate", "times": 1, "path": "comments"},
                        {"kind": "drop", "times": 1, "path": "song/detail"},
                        {"kind": "http405", "rate": 0.2}], seed=3)
    code, summary = crawl(standin, "song", ids=SONGS + LYRIC_SONGS, comment_pages=2, retry_times=8)
    assert code == 0, summary
    assert summary["refusals"] > 0 and summary["retries"] > 0
    assert_complete(session, mirror)


def test_mangled_bodies_are_counted_and_never_stored_half(crawl, standin, session, db_url):
    standin.set_faults([{"kind": "mangle", "rate": 0.6}], seed=11)
    code, summary = crawl(standin, "playlist", ids=[84687600], comment_pages=1, playlist_tracks=40)
    assert code == 0, summary
    assert summary["problems"], "mangled bodies must show up in the problem counts"
    assert_consistent(session)
    for song in session.scalars(select(Song)):
        assert song.name is None or isinstance(song.name, str)
        assert song.duration_ms is None or isinstance(song.duration_ms, int)


def test_huge_answer_is_skipped_and_counted(crawl, standin, session, db_url):
    sqlite_only(db_url)
    standin.set_faults([{"kind": "huge", "times": 1, "path": "lyric"}])
    code, summary = crawl(standin, "song", ids=LYRIC_SONGS, comment_pages=0)
    assert code == 0, summary
    assert sum(v for k, v in summary["problems"].items() if k.startswith("failed_")) == len(LYRIC_SONGS)
    assert count(session, Lyric) == 0 and count(session, Song) == len(LYRIC_SONGS)
    assert_consistent(session)


def test_empty_and_overlapping_comment_pages(crawl, standin, mirror, session, db_url):
    sqlite_only(db_url)
    standin.set_faults([{"kind": "empty", "rate": 1.0, "path": "comments"}])
    code, summary = crawl(standin, "song", ids=[1842728629], comment_pages=3)
    assert code == 0 and count(session, Comment) == 0
    assert standin.hits["/api/v1/resource/comments/<thread>"] == 1  # an empty page ends the paging

    standin.set_faults([{"kind": "overlap", "rate": 1.0, "path": "comments"}])
    code, summary = crawl(standin, "song", ids=[1842728629], comment_pages=3)
    assert code == 0, summary
    # Pages repeat 5 comments of the previous page: stored once each.
    assert stored_comment_keys(session, 1842728629) == comment_keys(mirror, 1842728629, slice(0, 55))
    assert count(session, Comment) == 55


def test_a_site_that_keeps_refusing_stops_the_crawl_with_a_message(crawl, standin, session, db_url):
    sqlite_only(db_url)
    standin.set_faults([{"kind": "code-460", "rate": 1.0}])
    code, summary = crawl(standin, "song", ids=SONGS + LYRIC_SONGS, refusal_limit=6, retry_times=20)
    assert code == 3 and summary["finish_reason"] == "refused"
    assert "refused 6 requests in a row" in summary["message"]
    assert standin.hits["/api/v3/song/detail"] <= 6
    assert count(session, Song) == 0


def test_http_cache_reparses_without_refetching(crawl, standin, session, db_url, tmp_path):
    sqlite_only(db_url)
    code, first = crawl(standin, "song", ids=SONGS, comment_pages=1, http_cache=True)
    assert code == 0 and first["cache_hits"] == 0
    stored = count(session, Comment)
    standin.set_faults([{"kind": "http503", "rate": 1.0}])  # the site is down now
    code, second = crawl(standin, "song", ids=SONGS, comment_pages=1, http_cache=True)
    assert code == 0 and second["cache_hits"] == second["responses"] > 0 and second["refusals"] == 0
    assert count(session, Comment) == stored


def test_kill_minus_nine_leaves_a_consistent_database_and_the_restart_resumes(
        crawl, standin, mirror, session, db_url, tmp_path):
    fields = {"base_url": standin.url, "rate": 30.0, "concurrency": 4, "database_url": db_url, "timeout": 5.0,
              "backoff": 0.05, "comment_pages": 2, "comment_page_size": 20, "follow_artists": False,
              "follow_albums": False}
    spec = CrawlSpec(mode="playlist", ids=[84687600], **fields).validate()
    proc = subprocess.Popen([sys.executable, "-m", "yinqing.crawler.run", spec.to_json()], cwd=REPO_ROOT,
                            env={**os.environ, "YINQING_INSTANCE_DIR": str(tmp_path / "i1")},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and count(session, CrawlUnit, CrawlUnit.done.is_(True)) < 60:
        session.rollback()
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    session.rollback()
    done_before = count(session, CrawlUnit, CrawlUnit.done.is_(True))
    assert 60 <= done_before and count(session, CrawlUnit, CrawlUnit.unit == "run") == 0
    assert_consistent(session)

    code, summary = crawl(standin, "playlist", ids=[84687600], comment_pages=2, comment_page_size=20,
                          rate=0.0)
    assert code == 0 and summary["resumed"], summary
    tracks = [t["id"] for t in mirror.playlists[84687600]["trackIds"]]
    full_requests = 1 + 2 * len(tracks)  # detail, a lyric and one comment page per track
    # Only the playlist detail (one request) is fetched again; finished units are skipped.
    assert summary["requests"] <= full_requests - done_before + 1
    session.expire_all()
    assert count(session, PlaylistTrack, PlaylistTrack.playlist_id == 84687600) == len(tracks)
    assert count(session, Song, Song.id.in_(tracks)) == len(tracks) and count(session, Playlist) == 1
    assert_consistent(session)
