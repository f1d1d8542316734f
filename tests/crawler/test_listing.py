"""Playlist discovery through the site's listing (`/api/playlist/list`): parser, stand-in route, crawl,
command line and admin API."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from tests.crawler.conftest import MIRROR
from tests.crawler.crawler_helpers import assert_consistent, count
from yinqing.cli import main
from yinqing.crawler import parsers as P
from yinqing.crawler.settings import CrawlRequestError, CrawlSpec
from yinqing.models import Playlist, PlaylistTrack

DATA = MIRROR.parent
# Genuine bodies that hold a page of playlist objects with their count (searches of type 1000).
GENUINE_PAGES = ["api-samples/cloudsearch_type1000_playlists__fxzer.json",
                 "api-samples/search_type1000_playlists_rock__AndyZhang1999.json",
                 "api-samples/search_type1000_playlists_folk__AndyZhang1999.json",
                 "more/kirikaTowa__FarawayPlayer/YueDanBean.json"]


def genuine(name: str) -> dict:
    path = DATA / name
    if not path.exists():
        pytest.skip("shared/data/netease is not available")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", GENUINE_PAGES)
def test_listing_parser_reads_genuine_pages_of_playlists(name):
    body = genuine(name)
    problems = P.Problems()
    page = P.parse_playlist_listing(body, problems)
    objects = body["result"]["playlists"]
    assert [p.id for p in page.playlists] == [o["id"] for o in objects] and page.playlists
    assert page.total == body["result"]["playlistCount"] and page.more is False
    for item, obj in zip(page.playlists, objects, strict=True):
        assert item.name == obj["name"] and item.track_ids is None
        assert item.play_count == obj.get("playCount") and item.track_count == obj.get("trackCount")
        assert item.creator_id == (obj.get("creator") or {}).get("userId", obj.get("userId"))
    assert not problems.counts


def test_listing_parser_reads_the_listing_shape_and_refuses_errors(standin):
    import requests

    body = requests.get(f"{standin.url}/api/playlist/list", params={"cat": "全部", "limit": 1}, timeout=10).json()
    page = P.parse_playlist_listing(body, P.Problems())
    assert [p.id for p in page.playlists] == [body["playlists"][0]["id"]]
    assert page.total == body["total"] == 2 and page.more is True
    with pytest.raises(P.ApiError):
        P.parse_playlist_listing({"code": 400, "msg": "参数错误"}, P.Problems())
    broken = P.Problems()
    assert P.parse_playlist_listing({"code": 200, "playlists": "x", "total": 3}, broken).playlists == []
    assert broken.counts["playlists_not_a_list"] == 1


def test_standin_lists_real_playlists_by_tag_hot_or_new():
    from tools.netease_standin import Mirror

    if not MIRROR.exists():
        pytest.skip("shared/data/netease/mirror is not available")
    with (MIRROR / "playlists.jsonl").open(encoding="utf-8") as fh:
        playlists = {p["id"]: p for p in map(json.loads, islice(fh, 400))}
    mirror = Mirror(playlists=playlists)
    known = [p for p in playlists.values() if "trackIds" in p]
    hot = mirror.listing("全部", "hot")
    assert {p["id"] for p in hot} == {p["id"] for p in known}
    plays = [p.get("playCount") or 0 for p in hot]
    assert plays == sorted(plays, reverse=True) and plays[0] > plays[-1]
    created = [p.get("createTime") or 0 for p in mirror.listing("全部", "new")]
    assert created == sorted(created, reverse=True) and created[0] > 0
    tag = next(t for p in known for t in p.get("tags") or [])
    assert {p["id"] for p in mirror.listing(tag, "hot")} == {p["id"] for p in known if tag in (p.get("tags") or [])}


def test_standin_listing_pages_and_refuses_bad_parameters(standin):
    import requests

    def listing(**params):
        return requests.get(f"{standin.url}/api/playlist/list", params=params, timeout=10).json()

    first, second = listing(limit=1), listing(limit=1, offset=1)
    assert first["more"] is True and second["more"] is False and first["cat"] == "全部"
    assert [first["playlists"][0]["id"], second["playlists"][0]["id"]] == [605415618, 84687600]
    assert "trackIds" not in first["playlists"][0] and "tracks" not in first["playlists"][0]
    assert [p["id"] for p in listing(cat="华语")["playlists"]] == [605415618]
    assert listing(cat="爵士") == {"playlists": [], "total": 0, "code": 200, "more": False, "cat": "爵士"}
    for bad in ({"order": "best"}, {"limit": "x"}, {"limit": 0}, {"offset": -1}):
        assert listing(**bad)["code"] == 400, bad


def test_listing_crawl_pages_through_the_standin_and_stores_every_track(crawl, standin, mirror, session):
    standin.app.config["RECORD"] = recorded = []
    try:
        code, summary = crawl(standin, "playlists", category="全部", order="new", listing_limit=2,
                              listing_page_size=1, comment_pages=0)
    finally:
        standin.app.config["RECORD"] = None
    assert code == 0, summary
    pages = sorted(parse_qs(urlsplit(u).query)["offset"][0] for u in recorded if u.startswith("/api/playlist/list"))
    assert pages == ["0", "1"]
    assert all("cat=%E5%85%A8%E9%83%A8&order=new" in u for u in recorded if u.startswith("/api/playlist/list"))
    assert standin.hits["/api/v6/playlist/detail"] == 2
    for pid in (605415618, 84687600):
        tracks = [t["id"] for t in mirror.playlists[pid]["trackIds"]]
        assert count(session, PlaylistTrack, PlaylistTrack.playlist_id == pid) == len(tracks)
        assert session.get(Playlist, pid).name == mirror.playlists[pid]["name"]
    assert count(session, Playlist, Playlist.id == 2884035) == 0  # charts are not in the listing
    assert_consistent(session)


@pytest.mark.parametrize("fields,message", [
    ({"category": "不存在"}, "unknown playlist category"),
    ({"order": "best"}, "order must be one of hot, new"),
    ({"listing_limit": 0}, "between 1 and 5000"),
    ({"listing_limit": 10**6}, "between 1 and 5000"),
    ({"listing_page_size": 500}, "1 to 100 playlists"),
])
def test_bad_listing_specs_say_what_is_wrong(fields, message):
    with pytest.raises(CrawlRequestError, match=message):
        CrawlSpec(mode="playlists", **fields).validate()


@pytest.mark.parametrize("args,message", [
    (["--category", "不存在"], "unknown playlist category"),
    (["--order", "best"], "'best' is not one of"),
    (["--limit", "0"], "between 1 and 5000"),
    (["--limit", "many"], "is not a valid integer"),
])
def test_bad_listing_commands_are_refused(args, message, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("YINQING_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    result = CliRunner().invoke(main, ["crawl", "playlists", *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "never.db").exists()
