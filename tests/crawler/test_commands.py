"""`yinqing crawl ...`: bad requests refused with a clear message; first start from a mirror."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.crawler.crawler_helpers import assert_consistent, count
from yinqing.cli import main
from yinqing.config import REPO_ROOT
from yinqing.crawler.commands import commented_seed_playlists
from yinqing.models import Playlist, PlaylistTrack, Song


@pytest.mark.parametrize("args,message", [
    (["playlist", "0"], "not a NetEase id"),
    (["playlist", "abc"], "is not a valid integer"),
    (["playlist"], "Missing argument"),
    (["artist", "5", "--comment-pages", "100000"], "comment pages must be between 0 and 1000"),
    (["search", "   "], "needs a keyword"),
    (["search", "x", "--limit", "500"], "limit 1-100"),
    (["toplists", "--rate", "-1"], "rate must be >= 0"),
])
def test_bad_crawl_requests_are_refused(args, message, tmp_path, monkeypatch):
    monkeypatch.setenv("YINQING_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    result = CliRunner().invoke(main, ["crawl", *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "never.db").exists()


def test_first_start_fills_an_empty_database_from_the_mirror_once(db_url, session, small_mirror_dir, mirror,
                                                                  tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("the first start is the same on every backend; the crawl tests cover them")
    # The same mirror, seeded by one chart only, keeps this test short.
    folder = tmp_path / "mirror"
    folder.mkdir()
    for path in small_mirror_dir.iterdir():
        (folder / path.name).symlink_to(path)
    (folder / "seeds.json").unlink()
    (folder / "seeds.json").write_text(json.dumps({"playlists": [], "toplists": [2884035]}))
    env = {**os.environ, "DATABASE_URL": db_url, "NETEASE_MIRROR_DIR": str(folder),
           "YINQING_INSTANCE_DIR": str(tmp_path), "CRAWL_COMMENT_PAGES": "1"}
    run = subprocess.run([sys.executable, "-m", "yinqing.cli", "crawl", "first-start"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=400, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "finished in" in run.stdout
    seeds = json.loads((folder / "seeds.json").read_text())
    session.rollback()
    stored = {p for (p,) in session.execute(select(Playlist.id))}
    expected = seeds["toplists"] + commented_seed_playlists(folder, seeds["playlists"])
    assert set(expected) <= stored
    for pid in expected:
        assert count(session, PlaylistTrack, PlaylistTrack.playlist_id == pid) == len(mirror.playlists[pid]["trackIds"])
    tracks = {s for (s,) in session.execute(select(PlaylistTrack.song_id))}
    assert tracks and tracks <= {s for (s,) in session.execute(select(Song.id))}
    songs = count(session, Song)
    assert_consistent(session)

    again = subprocess.run([sys.executable, "-m", "yinqing.cli", "crawl", "first-start"], cwd=REPO_ROOT, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0 and "already holds" in again.stdout
    session.rollback()
    assert count(session, Song) == songs
