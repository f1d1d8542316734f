"""Song library, search, song/artist/album pages, lyrics, comments and home on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.catalog_seed import JAY_CHOU, add_comments, add_lyric, seed_catalogue
from yinqing.models import Song, SongSearch
from yinqing.recsys.diversity import obeys_rule
from yinqing.services.search import refresh_search_index, search_song_ids


@pytest.fixture
def songs(app):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        return seed_catalogue(s)


def _jay(songs):
    return [s for s in songs if any(a["id"] == JAY_CHOU for a in s["ar"])]


def _get(client, url, **params):
    r = client.get(url, query_string=params)
    assert r.status_code == 200, (url, params, r.get_json())
    return r.get_json()


def test_library_sorts_and_pages_with_stable_order(client, songs):
    first = _get(client, "/api/songs", size=20)
    second = _get(client, "/api/songs", size=20, page=2)
    assert first["total"] == len(songs) == 52
    pops = [s["popularity"] for s in first["items"] + second["items"]]
    assert pops == sorted(pops, reverse=True) and len(set(pops)) == 40
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    card = first["items"][0]
    assert card["name"] == songs[0]["name"] and card["artists"][0]["name"] == songs[0]["ar"][0]["name"]
    assert card["album"]["id"] == songs[0]["al"]["id"] and card["duration_ms"] == songs[0]["dt"]
    for sort, key in (("newest", "publish_time"), ("comments", "comment_total")):
        items = _get(client, "/api/songs", size=100, sort=sort)["items"]
        values = [s[key] for s in items if s[key] is not None]
        assert values == sorted(values, reverse=True) and len(items) == 52
        assert all(s[key] is None for s in items[len(values):])  # unknown values last on every backend


def test_library_filters(client, songs):
    jay = _get(client, "/api/songs", artist_id=JAY_CHOU, size=100)
    assert jay["total"] == len(_jay(songs)) == 12
    assert all(any(a["id"] == JAY_CHOU for a in s["artists"]) for s in jay["items"])
    album_id = songs[3]["al"]["id"]
    album = _get(client, "/api/songs", album_id=album_id)
    assert album["total"] == sum(s["al"]["id"] == album_id for s in songs) and album["total"] >= 1
    year = int(album["items"][0]["publish_time"][:4])
    by_year = _get(client, "/api/songs", year=year, size=100)["items"]
    assert by_year and all(s["publish_time"].startswith(str(year)) for s in by_year)
    free = _get(client, "/api/songs", fee="free", size=100)
    vip = _get(client, "/api/songs", fee="vip", size=100)
    assert free["total"] + vip["total"] == 52
    assert all(s["vip"] for s in vip["items"]) and not any(s["vip"] for s in free["items"])
    empty = _get(client, "/api/songs", artist_id=JAY_CHOU, year=1901)
    assert empty == {"items": [], "total": 0, "page": 1, "size": 20, "total_capped": False}


def test_counts_and_depth_are_capped(client, songs, monkeypatch):
    from yinqing.services import catalog

    monkeypatch.setattr(catalog, "COUNT_CAP", 30)
    first = _get(client, "/api/songs", size=20)
    assert first["total"] == 30 and first["total_capped"] is True and len(first["items"]) == 20
    assert len(_get(client, "/api/songs", size=20, page=2)["items"]) == 20  # rows 21-40 start inside the cap
    assert _get(client, "/api/songs", size=10, page=4)["items"] == []  # offset 30: past the cap
    jay = _get(client, "/api/songs", artist_id=JAY_CHOU)
    assert jay["total"] == 12 and jay["total_capped"] is False


def test_search_says_when_it_stopped_at_its_cap(client, songs, monkeypatch):
    from yinqing.services import catalog, search

    monkeypatch.setattr(search, "SEARCH_CAP", 5)
    monkeypatch.setattr(catalog, "SEARCH_CAP", 5)
    capped = _get(client, "/api/search", q="周杰伦", size=20)
    assert capped["total"] == 5 and capped["total_capped"] is True
    listed = _get(client, "/api/songs", q="周杰伦", size=20)
    assert listed["total"] == 5 and listed["total_capped"] is True
    monkeypatch.setattr(search, "SEARCH_CAP", 300)
    monkeypatch.setattr(catalog, "SEARCH_CAP", 300)
    assert _get(client, "/api/search", q="周杰伦", size=20)["total_capped"] is False


def test_search_pinyin_typos_and_ranking(client, songs):
    jay_ids = {s["id"] for s in _jay(songs)}
    for q in ("zjl", "周杰伦", "zhoujielun", "ZhouJieLun", "zhoujeilun"):
        found = _get(client, "/api/search", q=q, size=50)
        assert {s["id"] for s in found["items"]} == jay_ids, q
    title = _jay(songs)[4]["name"]
    hit = _get(client, "/api/search", q=title)["items"][0]
    assert hit["name"] == title
    partial = _get(client, "/api/search", q=title[:2])["items"]
    assert any(s["name"] == title for s in partial)
    assert _get(client, "/api/search", q="chenyxun")["total"] >= 30  # 陈奕迅 with a typo in the pinyin
    assert _get(client, "/api/search", q="jay chuo")["total"] == 0  # scattered bigrams are no match
    within = _get(client, "/api/songs", q="zjl", sort="comments", size=50)["items"]
    assert {s["id"] for s in within} == jay_ids
    comments = [s["comment_total"] for s in within]
    assert comments == sorted(comments, reverse=True)


@pytest.mark.parametrize("q", ["!!!", "'; DROP TABLE songs; --", "<script>alert(1)</script>", '" OR 1=1 --',
                               "%_%", "NEAR(a b)", "*", "周杰伦\" OR \"a", "x" * 200])
def test_search_metacharacters_are_harmless(client, app, songs, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200 and r.get_json()["total"] <= 12  # plain words of the query may still match
    assert "<script>" not in r.get_data(as_text=True)
    assert _get(client, "/api/songs")["total"] == 52


@pytest.mark.parametrize("url", [
    "/api/songs?size=101", "/api/songs?size=0", "/api/songs?page=0", "/api/songs?page=-1", "/api/songs?size=abc",
    "/api/songs?sort=random", "/api/songs?fee=gratis", "/api/songs?year=abc", "/api/songs?artist_id=-5",
    "/api/search?q=", "/api/search", "/api/search?q=a&size=1000", "/api/search?q=" + "x" * 10000,
    "/api/songs/186016/comments?kind=rude", "/api/songs/186016/comments?size=500", "/api/me/plays?size=101",
])
def test_bad_list_input_is_422(client, make_user, url):
    _user, headers = make_user()
    r = client.get(url, headers=headers)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["code"] == 422


@pytest.mark.parametrize("url", ["/api/songs/1", "/api/songs/99999999999999999999", "/api/songs/1/lyrics",
                                 "/api/songs/1/comments", "/api/artists/1", "/api/artists/1/songs",
                                 "/api/albums/1", "/api/albums/99999999999999999999"])
def test_unknown_ids_are_404(client, songs, url):
    r = client.get(url)
    assert r.status_code == 404 and r.get_json()["code"] == 404


def test_song_page_lyrics_and_comments(client, app, songs):
    song = _jay(songs)[0]
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        add_lyric(s, song["id"])
        add_comments(s, song["id"])
    page = _get(client, f"/api/songs/{song['id']}")
    assert page["name"] == song["name"] and page["has_lyric"] is True
    assert page["play_url"] == f"https://music.163.com/song/media/outer/url?id={song['id']}.mp3"
    assert page["hot_comment_count"] == 3 and page["latest_comment_count"] == 25
    assert page["similar"] and all(any(a["id"] == JAY_CHOU for a in x["artists"]) for x in page["similar"])
    assert song["id"] not in {x["id"] for x in page["similar"]}
    lyrics = _get(client, f"/api/songs/{song['id']}/lyrics")
    assert lyrics["has_translation"] is True
    assert [(x["time_ms"], x["text"], x["translation"]) for x in lyrics["lines"]] == [
        (None, "作词: 方文山", None), (1000, "第一句", "first line"), (5500, "副歌 <b>不是标签</b>", None),
        (9120, "第二句", "second line"), (20000, "副歌 <b>不是标签</b>", None)]
    hot = _get(client, f"/api/songs/{song['id']}/comments", kind="hot")
    assert [c["liked_count"] for c in hot["items"]] == [3000, 2000, 1000]
    assert hot["items"][0]["sentiment_label"] == "positive" and hot["items"][1]["sentiment_label"] is None
    latest = [_get(client, f"/api/songs/{song['id']}/comments", kind="latest", size=10, page=p) for p in (1, 2, 3)]
    texts = [c["content"] for page_ in latest for c in page_["items"]]
    assert texts == [f"最新评论 {i}" for i in range(24, -1, -1)] and latest[0]["total"] == 25
    no_lyric = _get(client, f"/api/songs/{songs[0]['id']}/lyrics")
    assert no_lyric == {"song_id": songs[0]["id"], "has_translation": False, "lines": []}


def test_artist_and_album_pages(client, songs):
    artist = _get(client, f"/api/artists/{JAY_CHOU}")
    assert artist["name"] == "周杰伦" and artist["song_count"] == 12 and artist["max_popularity"] is not None
    listed = _get(client, f"/api/artists/{JAY_CHOU}/songs", size=5, page=3)
    assert listed["total"] == 12 and len(listed["items"]) == 2
    album_id = songs[0]["al"]["id"]
    album = _get(client, f"/api/albums/{album_id}")
    assert album["name"] == songs[0]["al"]["name"] and album["song_count"] == len(album["songs"]) >= 1
    assert album["artist"]["id"] == songs[0]["ar"][0]["id"]


def test_home_page_rows(client, songs):
    home = _get(client, "/api/home")
    assert home["carousel"] and all(slide["image_url"] for slide in home["carousel"])
    assert [r["key"] for r in home["recommendations"]] == ["rnn", "usercf", "itemcf"]
    # No chart crawled: the rows are popular songs, re-ranked for artist diversity.
    popular = [s["id"] for s in home["popular"]]
    for row in home["recommendations"]:
        ids = [s["id"] for s in row["songs"]]
        assert row["placeholder"] and row["seed"] == "popular" and ids[0] == popular[0] and len(ids) == 12
        assert obeys_rule([{a["id"] for a in s["artists"]} for s in row["songs"]])
    assert home["popular"][0]["name"] == songs[0]["name"]
    latest = [s["publish_time"] for s in home["latest"]]
    assert latest == sorted(latest, reverse=True) and len(latest) == 12


def test_search_index_follows_renames_and_deletes(app, songs):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        song = s.get(Song, songs[3]["id"])
        song.name = "全新的名字 Lullaby Quantumly"
        s.flush()
        refresh_search_index(s, [song.id])
        s.commit()
        assert search_song_ids(s, "全新的名字") == [song.id]
        assert song.id not in search_song_ids(s, songs[3]["name"])
        # a new word is found with a typo too (PostgreSQL: the renamed song's words were added)
        assert search_song_ids(s, "lulaby quantumly") == [song.id]
        assert search_song_ids(s, "quantumyl") == [song.id]
        s.delete(song)
        s.flush()
        refresh_search_index(s, [song.id])
        s.commit()
        assert search_song_ids(s, "全新的名字") == []
        assert s.scalar(select(SongSearch).where(SongSearch.song_id == songs[3]["id"])) is None


def test_artist_finder_for_filters(client, songs):
    assert _get(client, "/api/artists", q="周杰")["items"] == [{"id": JAY_CHOU, "name": "周杰伦"}]
    for q in ("%", "_", "!", "'"):
        assert _get(client, "/api/artists", q=q)["items"] == []
    assert client.get("/api/artists", query_string={"q": "x" * 65}).status_code == 422
    assert client.get("/api/artists").status_code == 422


def test_ingested_songs_become_searchable(session):
    from yinqing.crawler.items import AlbumItem, ArtistItem, SongItem
    from yinqing.services.ingest import ingest_items

    ingest_items(session, [SongItem(id=186016, name="晴天", artist_ids=[JAY_CHOU], album_id=18905,
                                    artist_names=["周杰伦"], popularity=100.0)])
    session.commit()
    assert search_song_ids(session, "晴天") == [186016]
    assert search_song_ids(session, "叶惠美") == []  # the album is still an id-only stub
    ingest_items(session, [ArtistItem(id=JAY_CHOU, name="周杰伦", aliases=["Jay Chou"]),
                           AlbumItem(id=18905, name="叶惠美")])
    session.commit()
    for q in ("zjl", "叶惠美", "jay chou"):
        assert search_song_ids(session, q) == [186016], q


def test_search_index_command_rebuilds(session, db_url, monkeypatch):
    from click.testing import CliRunner

    from yinqing.cli import main

    seed_catalogue(session, general=3, jay=2)
    session.execute(SongSearch.__table__.delete())
    session.commit()
    assert search_song_ids(session, "zjl") == []
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(main, ["search-index"])
    assert result.exit_code == 0 and "search index: 5 songs" in result.output, result.output
    session.rollback()  # a new transaction sees what the command committed (MariaDB: repeatable read)
    session.info.clear()
    assert len(search_song_ids(session, "zjl")) == 2
