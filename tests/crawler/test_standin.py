"""The stand-in serves the real routes, schemas, paging and batching, and injects faults."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
import requests

from yinqing.config import REPO_ROOT


def get(server, path, **params):
    return requests.get(server.url + path, params=params, timeout=10)


def test_playlist_detail_has_complete_track_ids_and_truncated_tracks(standin, mirror):
    body = get(standin, "/api/v6/playlist/detail", id=84687600, n=10).json()
    stored = mirror.playlists[84687600]
    assert body["code"] == 200
    assert [t["id"] for t in body["playlist"]["trackIds"]] == [t["id"] for t in stored["trackIds"]]
    assert [s["id"] for s in body["playlist"]["tracks"]] == [t["id"] for t in stored["trackIds"][:10]]
    assert not any(k.startswith("_") for k in body["playlist"])
    assert get(standin, "/api/v6/playlist/detail", id=1).json()["code"] == 404


def test_song_detail_batches_and_leaves_out_unknown_ids(standin, mirror):
    ids = [t["id"] for t in mirror.playlists[84687600]["trackIds"][:3]] + [1]
    body = get(standin, "/api/v3/song/detail", c=json.dumps([{"id": i} for i in ids])).json()
    assert [s["id"] for s in body["songs"]] == ids[:3]
    assert get(standin, "/api/v3/song/detail", c="not json").json()["code"] == 400


def test_comment_paging_limit_offset_before(standin, mirror):
    hot, latest = mirror.comments[186016]
    first = get(standin, "/api/v1/resource/comments/R_SO_4_186016", limit=5, offset=0).json()
    assert len(first["hotComments"]) == min(15, len(hot)) and first["total"] == len(hot) + len(latest)
    deep = get(standin, "/api/v1/resource/comments/R_SO_4_447926067", limit=500, offset=0).json()
    assert len(deep["comments"]) == 100 and deep["more"] is True and "hotComments" in deep
    before = deep["comments"][-1]["time"]
    nxt = get(standin, "/api/v1/resource/comments/R_SO_4_447926067", limit=100, before=before).json()
    assert all(c["time"] < before for c in nxt["comments"]) and "hotComments" not in nxt
    empty = get(standin, "/api/v1/resource/comments/R_SO_4_1", limit=20).json()
    assert empty["comments"] == [] and empty["total"] == 0 and empty["more"] is False


def test_artist_album_lyric_search_toplist(standin, mirror):
    song = mirror.song(84687600) or mirror.song(mirror.playlists[84687600]["trackIds"][0]["id"])
    artist_id, album_id = song["ar"][0]["id"], song["al"]["id"]
    artist = get(standin, f"/api/artist/{artist_id}").json()
    assert artist["artist"]["id"] == artist_id and all(
        artist_id in [a.get("id") for a in s["ar"]] for s in artist["hotSongs"])
    album = get(standin, f"/api/v1/album/{album_id}").json()
    assert album["album"]["id"] == album_id and song["id"] in [s["id"] for s in album["songs"]]
    assert get(standin, "/api/artist/1").json()["code"] == 404
    lyric_id = next(iter(mirror.lyrics))
    assert get(standin, "/api/song/lyric", id=lyric_id, lv=-1, kv=-1, tv=-1).json()["lrc"]["lyric"]
    assert "lrc" not in get(standin, "/api/song/lyric", id=1).json()
    hits = get(standin, "/api/search/get/web", s="晴天", type=1, limit=5).json()["result"]
    assert 186016 in [s["id"] for s in hits["songs"]] and hits["songCount"] >= 1
    assert get(standin, "/api/search/get/web", s="", type=1).json()["code"] == 400
    assert len(get(standin, "/api/toplist").json()["list"]) == len(mirror.toplists["list"])


@pytest.mark.parametrize("kind,check", [
    ("http405", lambda r: r.status_code == 405),
    ("http503", lambda r: r.status_code == 503),
    ("code-460", lambda r: r.json()["code"] == -460),
    ("code405", lambda r: r.json()["code"] == 405 and "频繁" in r.json()["msg"]),
    ("truncate", lambda r: _not_json(r.content)),
    ("malformed", lambda r: _not_json(r.content)),
    ("huge", lambda r: len(r.content) > 10 * 1024 * 1024 and r.json()["code"] == 200),
    ("empty", lambda r: r.json()["list"] == []),
])
def test_faults_fire_once_per_url_then_clear(standin, kind, check):
    standin.set_faults([{"kind": kind, "times": 1, "path": "^/api/toplist"}])
    assert check(get(standin, "/api/toplist"))
    ok = get(standin, "/api/toplist")
    assert ok.status_code == 200 and ok.json()["list"]


def test_dropped_connection_and_slow_answer(standin):
    standin.set_faults([{"kind": "drop", "times": 1, "path": "^/api/toplist"}, {"kind": "slow", "times": 1, "delay": 1.5, "path": "lyric"}])
    with pytest.raises(requests.ConnectionError):
        get(standin, "/api/toplist")
    with pytest.raises(requests.Timeout):
        requests.get(standin.url + "/api/song/lyric?id=1", timeout=0.5)


def test_command_line_starts_on_a_free_port(small_mirror_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "tools.netease_standin", "--data", str(small_mirror_dir),
                             "--port", str(port)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert f"127.0.0.1:{port}" in proc.stdout.readline()
        assert requests.get(f"http://127.0.0.1:{port}/api/toplist", timeout=10).json()["code"] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = subprocess.run([sys.executable, "-m", "tools.netease_standin", "--data", "/nonexistent"], cwd=REPO_ROOT,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "not found" in bad.stderr


def _not_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return True
    return False
