"""The parsers on the genuine NetEase response bodies of shared/data/netease/api-samples/."""

from __future__ import annotations

import copy
import json
import random
from datetime import datetime
from pathlib import Path

import pytest

from tools.netease_standin.faults import mangle
from yinqing.crawler import parsers as P
from yinqing.crawler.items import AlbumItem, ArtistItem, PlaylistItem, SongItem

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "netease" / "api-samples"


def sample(name: str) -> dict:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("shared/data/netease/api-samples is not available")
    return json.loads(path.read_text(encoding="utf-8"))


def of(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_playlist_detail_v6_keeps_complete_track_order_and_raw_song_fields():
    body = sample("playlist_detail__boyan01.json")
    problems = P.Problems()
    page = P.parse_playlist_detail(body, problems)
    playlist = page.playlist
    assert playlist.id == body["playlist"]["id"] and playlist.name == body["playlist"]["name"]
    assert playlist.track_ids == [t["id"] for t in body["playlist"]["trackIds"]]
    assert playlist.play_count == body["playlist"]["playCount"] and playlist.creator_id == body["playlist"]["creator"]["userId"]
    assert "tracks" not in playlist.raw and "trackIds" not in playlist.raw
    songs = of(page.items, SongItem)
    assert [s.id for s in songs] == [t["id"] for t in body["playlist"]["tracks"]]
    # trackIds are complete, tracks are not: the rest is fetched through song detail.
    assert page.missing_song_ids == [t for t in playlist.track_ids if t not in {s.id for s in songs}]
    first, raw = songs[0], body["playlist"]["tracks"][0]
    assert first.fee == raw["fee"] and first.duration_ms == raw["dt"] and first.raw is raw
    assert first.artist_ids == [a["id"] for a in raw["ar"]] and first.album_id == raw["al"]["id"]
    privileges = {p["id"]: p for p in body["privileges"]}
    assert first.privilege == privileges[first.id] and first.privilege_status == privileges[first.id]["st"]
    assert not problems.counts


def test_old_playlist_route_maps_the_old_song_schema():
    body = sample("api_playlist_detail_605415618__Eggwardhan.json")
    page = P.parse_playlist_detail(body, P.Problems())
    tracks = body["result"]["tracks"]
    assert page.playlist.track_ids == [t["id"] for t in tracks] and page.missing_song_ids == []
    song = of(page.items, SongItem)[0]
    old = tracks[0]
    assert song.duration_ms == old["duration"] and song.artist_names == [a["name"] for a in old["artists"]]
    assert song.album_id == old["album"]["id"] and song.mv_id == old["mvid"] and song.popularity == old["popularity"]
    # The old album object is a full album (its publishTime is the album's, not the song's).
    album = of(page.items, AlbumItem)[0]
    assert album.publish_time is not None and song.publish_time is None


def test_song_detail_keeps_the_fields_later_charts_need():
    body = sample("song_detail_songs_privileges__fxzer.json")
    items = P.parse_song_detail(body, P.Problems())
    songs = of(items, SongItem)
    assert len(songs) == len(body["songs"])
    for song, raw in zip(songs, body["songs"]):
        assert song.copyright == raw["copyright"] and song.origin_cover_type == raw["originCoverType"]
        assert song.origin_song == raw["originSongSimpleData"] and song.no_copyright_rcmd == raw["noCopyrightRcmd"]
        assert song.publish_time == (P.as_time(raw["publishTime"])) and song.raw == raw
        assert song.is_partial is False
    assert {a.id for a in of(items, ArtistItem)} == {a["id"] for s in body["songs"] for a in s["ar"]}


def test_lyric_comments_artist_album_toplist():
    lyric = P.parse_lyric(sample("song_lyric__fxzer.json"), 7, P.Problems())
    body = sample("song_lyric__fxzer.json")
    assert lyric.lrc == body["lrc"]["lyric"] and lyric.translated_lrc == (body["tlyric"]["lyric"] or None)
    assert lyric.version == body["lrc"]["version"]

    body = sample("comment_music_R_SO_4__boyan01.json")
    page = P.parse_comments(body, 186016, P.Problems())
    assert len(page.comments) == len(body["hotComments"]) + len(body["comments"])
    assert sum(c.is_hot for c in page.comments) == len(body["hotComments"])
    first = page.comments[0]
    assert first.dedup_key == f"c:{body['hotComments'][0]['commentId']}" and first.liked_count == body["hotComments"][0]["likedCount"]
    assert page.total == body["total"] and page.more is True and page.oldest_time_ms == body["comments"][-1]["time"]

    body = sample("artist_detail__boyan01.json")
    artist, items = P.parse_artist_detail(body, P.Problems())
    assert artist.id == body["artist"]["id"] and artist.music_size == body["artist"]["musicSize"]
    assert len(of(items, SongItem)) == len(body["hotSongs"])

    body = sample("album_detail__boyan01.json")
    album, items = P.parse_album_detail(body, P.Problems())
    assert album.id == body["album"]["id"] and album.artist_id == body["album"]["artist"]["id"]
    assert isinstance(album.publish_time, datetime) and "songs" not in album.raw
    assert album.artist_id in {a.id for a in of(items, ArtistItem)}

    charts = P.parse_toplist(sample("toplist__fxzer.json"), P.Problems())
    assert {3778678, 3779629, 19723756, 2884035} <= {c.id for c in charts}
    assert all(c.is_toplist and c.track_ids is None for c in charts)


@pytest.mark.parametrize("name,kind,cls", [
    ("cloudsearch_type1_songs__fxzer.json", 1, SongItem),
    ("cloudsearch_type100_artists__fxzer.json", 100, ArtistItem),
    ("cloudsearch_type1000_playlists__fxzer.json", 1000, PlaylistItem),
    ("search_type1000_playlists_folk__AndyZhang1999.json", 1000, PlaylistItem),
])
def test_search_bodies(name, kind, cls):
    body = sample(name)
    items, total = P.parse_search(body, kind, P.Problems())
    key = P.SEARCH_KEYS[kind][0]
    assert [i.id for i in of(items, cls)] == [h["id"] for h in body["result"][key]]
    assert total == body["result"][P.SEARCH_KEYS[kind][1]]


def test_error_codes_raise_and_unknown_lyric_is_none():
    with pytest.raises(P.ApiError) as err:
        P.parse_playlist_detail({"code": 404, "msg": "歌单不存在"}, P.Problems())
    assert err.value.code == 404
    with pytest.raises(P.ApiError):
        P.parse_song_detail(["not", "an", "object"], P.Problems())
    assert P.parse_lyric({"code": 200, "nolyric": True}, 1, P.Problems()) is None


def test_partial_song_keeps_unknowns_unknown():
    problems = P.Problems()
    items = P.parse_song({"id": 447926067, "name": "鼓楼", "ar": [{"name": "赵雷"}], "pop": 100}, problems)
    song = items[0]
    assert song.is_partial and song.artist_names == ["赵雷"] and song.artist_ids is None
    assert song.album_id is None and song.duration_ms is None and song.fee is None and len(items) == 1


@pytest.mark.parametrize("seed", range(8))
def test_mangled_bodies_never_crash_and_never_yield_invalid_ids(seed):
    """Wrong types and missing fields: counted, skipped or unknown; ids always valid."""
    rng = random.Random(seed)
    body = mangle(copy.deepcopy(sample("playlist_detail__boyan01.json")), rng)
    problems = P.Problems()
    try:
        page = P.parse_playlist_detail(body, problems)
    except P.ApiError:
        return
    for item in [page.playlist, *page.items]:
        assert isinstance(item.id, int) and item.id > 0
        if isinstance(item, SongItem):
            assert item.name is None or isinstance(item.name, str)
            assert item.duration_ms is None or isinstance(item.duration_ms, int)
            assert all(isinstance(a, int) for a in item.artist_ids or [])
