"""Crawler fixtures: a small real mirror, the stand-in on a free loopback port, crawl runs, DB checks.

The small mirror is a subset of `shared/data/netease/mirror` (real objects, nothing invented):
three playlists with every track, the songs that carry comments and lyrics, their artists and
albums. Crawls run in a subprocess, like the job worker runs them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from yinqing.crawler.run import run_in_subprocess
from yinqing.crawler.settings import CrawlSpec

MIRROR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "netease" / "mirror"
PLAYLISTS = [84687600, 605415618, 2884035]     # genuine v6 detail, old-route detail, a chart
COMMENTED = [186016, 447926067, 1842728629]    # hot + latest (genuine body), no ids, ms times
SECONDARY_LIMIT = 3000                          # comments kept per song in the small mirror


def _jsonl(path: Path):
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield line, json.loads(line)


def build_small_mirror(dest: Path) -> Path:
    """Write the subset mirror folder and return it."""
    if not MIRROR.exists():
        pytest.skip("shared/data/netease/mirror is not available")
    dest.mkdir(parents=True, exist_ok=True)
    playlists = {p["id"]: line for line, p in _jsonl(MIRROR / "playlists.jsonl") if p["id"] in PLAYLISTS}
    song_ids = set(COMMENTED)
    for line in playlists.values():
        song_ids.update(t["id"] for t in json.loads(line).get("trackIds", []))
    lyrics = [line for line, x in _jsonl(MIRROR / "lyrics.jsonl") if x.get("id") in song_ids]
    songs, artist_ids, album_ids = [], set(), set()
    for line, s in _jsonl(MIRROR / "songs.jsonl"):
        if s["id"] in song_ids:
            songs.append(line)
            artist_ids.update(a.get("id") for a in s.get("ar") or [] if isinstance(a, dict))
            album_ids.add((s.get("al") or {}).get("id"))
    _write(dest / "songs.jsonl", songs)
    _write(dest / "playlists.jsonl", playlists.values())
    _write(dest / "lyrics.jsonl", lyrics)
    _write(dest / "artists.jsonl", (l for l, a in _jsonl(MIRROR / "artists.jsonl") if a["id"] in artist_ids))
    _write(dest / "albums.jsonl", (l for l, a in _jsonl(MIRROR / "albums.jsonl") if a["id"] in album_ids))
    _write(dest / "privileges.jsonl", (l for l, p in _jsonl(MIRROR / "privileges.jsonl") if p["id"] in song_ids))
    kept: dict[int, int] = {}
    comments = []
    for line, c in _jsonl(MIRROR / "comments.jsonl"):
        sid = c["songId"]
        if sid in COMMENTED and kept.get(sid, 0) < SECONDARY_LIMIT:
            kept[sid] = kept.get(sid, 0) + 1
            comments.append(line)
    _write(dest / "comments.jsonl", comments)
    shutil.copy(MIRROR / "toplists.json", dest / "toplists.json")
    (dest / "seeds.json").write_text(json.dumps({"playlists": PLAYLISTS[:2], "toplists": PLAYLISTS[2:]}))
    return dest


def _write(path: Path, lines) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line if line.endswith("\n") else line + "\n")


@pytest.fixture(scope="session")
def small_mirror_dir(tmp_path_factory) -> Path:
    """The subset mirror folder (built once per test session)."""
    return build_small_mirror(tmp_path_factory.mktemp("mirror"))


@pytest.fixture(scope="session")
def standin_server(small_mirror_dir):
    """The stand-in over the small mirror, on a free loopback port, in this process."""
    from tools.netease_standin import Mirror, StandinServer

    server = StandinServer(Mirror.load(small_mirror_dir)).start()
    yield server
    server.stop()


@pytest.fixture
def standin(standin_server):
    """The stand-in with no faults and fresh request counters; faults are cleared after the test."""
    standin_server.set_faults([])
    yield standin_server
    standin_server.set_faults([])


@pytest.fixture
def mirror(standin_server):
    """The mirror the stand-in serves (for expected values)."""
    return standin_server.app.config["MIRROR"]


@pytest.fixture
def crawl(db_url, session, tmp_path):
    """Run a crawl against a server in a subprocess; returns (exit code, summary).

    The test's session is rolled back after each crawl: on MariaDB (REPEATABLE READ) an open
    transaction would keep showing the rows as they were before the crawl.
    """

    def _crawl(server, mode: str, env: dict | None = None, **fields):
        defaults = {"base_url": server.url, "rate": 0.0, "database_url": db_url, "timeout": 3.0,
                    "backoff": 0.05, "retry_times": 4, "comment_pages": 1, "comment_page_size": 20,
                    "follow_artists": False, "follow_albums": False}
        spec = CrawlSpec(mode=mode, **{**defaults, **fields}).validate()
        code, summary = run_in_subprocess(spec, env={"YINQING_INSTANCE_DIR": str(tmp_path / "instance"),
                                                     **(env or {})}, timeout=240)
        session.rollback()
        return code, summary

    return _crawl
