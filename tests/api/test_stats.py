"""Dashboard chart endpoints on every backend: each aggregate is checked against counts computed
here, independently, from the fixture rows; bad filters give 4xx; an empty database gives empty charts."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from yinqing.models import Album, Artist, Comment, Lyric, Playlist, PlaylistTrack, Song, SongArtist, User
from yinqing.services import stats

CN = timedelta(hours=8)
TAGS = [["华语", "流行"], ["欧美", "摇滚"], ["华语", "民谣", "治愈"], []]
LYRIC = "[00:00.00] 作词 : 某人\n[00:01.00] 作曲 : 某人\n[00:10.00]城市的夜晚\n[00:20.00]城市的灯光照着远方\n"
POSITIVE_TEXT = ["旋律好听 旋律", "温柔的旋律", "歌词治愈"]
NEGATIVE_TEXT = ["难听 失望", "难受 失望"]


@dataclass
class Fixture:
    songs: list[dict] = field(default_factory=list)
    song_artists: dict[int, list[int]] = field(default_factory=dict)
    comments: list[dict] = field(default_factory=list)
    albums: list[dict] = field(default_factory=list)
    playlists: list[dict] = field(default_factory=list)
    lyrics: dict[int, str] = field(default_factory=dict)

    def detailed(self):
        return [s for s in self.songs if not s["is_partial"]]


def local_year(t: datetime | None) -> int | None:
    return None if t is None else (t + CN).year


def build(session) -> Fixture:
    """Deterministic catalogue: 4 artists, 5 albums, 30 detailed + 3 partial songs, comments, lyrics."""
    rng = random.Random(7)
    fx = Fixture()
    session.add_all([Artist(id=100 + i, name=f"歌手{i}") for i in range(1, 5)])
    for i, size in enumerate([1, 3, 8, None, 25], start=1):
        fx.albums.append({"id": 200 + i, "size": size})
        session.add(Album(id=200 + i, name=f"专辑{i}", size=size, artist_id=100 + (i % 4) + 1,
                          publish_time=datetime(2015 + i, 3, 1, 4)))
    session.flush()
    for n in range(30):
        sid = 1000 + n
        year = rng.choice([2015, 2016, 2018, 2019, 2020, None])
        publish = None if year is None else datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 12))
        if n == 0:
            publish = datetime(2018, 12, 31, 17, 0)  # 2019-01-01 01:00 in China: counts as 2019
        song = {"id": sid, "name": f"歌{n}" + (" (Cover)" if n % 7 == 3 else ""), "is_partial": False,
                "publish_time": publish, "duration_ms": rng.choice([None, 45_000, 150_000, 200_000, 250_000, 700_000]),
                "popularity": rng.choice([None, 10.0, 35.0, 60.0, 95.0, 100.0]),
                "fee": rng.choice([0, 1, 4, 8, None, 32]), "privilege_status": rng.choice([0, -200, None, 1]),
                "origin_cover_type": rng.choice([1, 2, 0, None]), "album_id": 200 + rng.randint(1, 5)}
        fx.songs.append(song)
        session.add(Song(**song))
        fx.song_artists[sid] = rng.sample([101, 102, 103, 104], rng.choice([1, 1, 2]))
    for n in range(3):
        fx.songs.append({"id": 2000 + n, "name": None, "is_partial": True, "publish_time": None, "duration_ms": None,
                         "popularity": None, "fee": None, "privilege_status": None, "origin_cover_type": None,
                         "album_id": None})
        session.add(Song(id=2000 + n, is_partial=True))
    session.flush()
    for sid, artists in fx.song_artists.items():
        session.add_all([SongArtist(song_id=sid, artist_id=a, position=p) for p, a in enumerate(artists)])
    _add_comments(session, fx, rng)
    for sid in (1000, 1001, 1002):
        fx.lyrics[sid] = LYRIC
        session.add(Lyric(song_id=sid, lrc=LYRIC))
    for i, tags in enumerate(TAGS):
        tracks = [1000 + k for k in range(i, 30, 4)]
        fx.playlists.append({"id": 300 + i, "tags": tags, "tracks": tracks})
        session.add(Playlist(id=300 + i, name=f"歌单{i}", tags=tags))
        session.flush()
        session.add_all([PlaylistTrack(playlist_id=300 + i, position=p, song_id=s) for p, s in enumerate(tracks)])
    session.add(User(username="someone", password_hash="x", nickname="x"))
    session.commit()
    return fx


def _add_comments(session, fx: Fixture, rng: random.Random) -> None:
    for song in fx.detailed():
        for k in range(rng.randint(0, 5)):
            label = rng.choice(["positive", "negative", "neutral", None])
            text = rng.choice(POSITIVE_TEXT if label == "positive" else NEGATIVE_TEXT if label == "negative"
                              else ["还行吧"])
            row = {"song_id": song["id"], "label": label, "likes": rng.randint(0, 50), "content": text}
            fx.comments.append(row)
            session.add(Comment(dedup_key=f"k{song['id']}-{k}", song_id=song["id"], content=text,
                                liked_count=row["likes"], sentiment_label=label))


@pytest.fixture
def fx(session, client) -> Fixture:
    return build(session)


def get(client, path, status=200, **params):
    r = client.get(path, query_string=params)
    assert r.status_code == status, r.get_json()
    return r.get_json()


def comment_counts(fx: Fixture) -> Counter:
    return Counter(c["song_id"] for c in fx.comments)


def test_overview_counts_and_ratios(client, fx):
    body = get(client, "/api/stats/overview")
    labels = Counter(c["label"] for c in fx.comments)
    labelled = labels["positive"] + labels["negative"] + labels["neutral"]
    assert body["counts"] == {"songs": 33, "songs_detailed": 30, "artists": 4, "albums": 5, "playlists": 4,
                              "comments": len(fx.comments), "lyrics": 3, "users": 1}
    assert body["ratios"]["lyrics_share"] == {"part": 3, "whole": 30, "value": 0.1}
    assert body["ratios"]["analysed_share"]["part"] == labelled
    assert body["ratios"]["positive_share"]["value"] == round(labels["positive"] / labelled, 4)


def test_releases_by_year_month_and_filters(client, fx):
    years = Counter(local_year(s["publish_time"]) for s in fx.detailed() if s["publish_time"])
    body = get(client, "/api/stats/releases")
    assert {p["period"]: p["count"] for p in body["points"]} == {f"{y}": n for y, n in years.items()}
    assert body["unknown"] == sum(1 for s in fx.detailed() if s["publish_time"] is None)
    assert years[2019] >= 1  # the 2018-12-31 17:00 UTC song is a 2019 release in China

    months = Counter(f"{(s['publish_time'] + CN):%Y-%m}" for s in fx.detailed() if s["publish_time"])
    body = get(client, "/api/stats/releases", granularity="month")
    assert {p["period"]: p["count"] for p in body["points"]} == dict(months)
    assert [p["period"] for p in body["points"]] == sorted(months)

    body = get(client, "/api/stats/releases", year_from=2016, year_to=2019)
    assert {p["period"]: p["count"] for p in body["points"]} == {f"{y}": n for y, n in years.items() if 2016 <= y <= 2019}

    artist = Counter(local_year(s["publish_time"]) for s in fx.detailed()
                     if s["publish_time"] and 102 in fx.song_artists[s["id"]])
    body = get(client, "/api/stats/releases", artist_id=102)
    assert {p["period"]: p["count"] for p in body["points"]} == {f"{y}": n for y, n in artist.items()}

    tracks = set(fx.playlists[1]["tracks"])
    in_list = Counter(local_year(s["publish_time"]) for s in fx.detailed() if s["publish_time"] and s["id"] in tracks)
    body = get(client, "/api/stats/releases", playlist_id=301)
    assert {p["period"]: p["count"] for p in body["points"]} == {f"{y}": n for y, n in in_list.items()}


def test_release_days(client, fx):
    days = Counter(f"{(s['publish_time'] + CN):%Y-%m-%d}" for s in fx.detailed() if s["publish_time"])
    body = get(client, "/api/stats/release-days")
    first = datetime.fromisoformat(body["first"])
    dense = {f"{first + timedelta(days=i):%Y-%m-%d}": n for i, n in enumerate(body["counts"]) if n}
    assert dense == dict(days) and body["total"] == sum(days.values())
    assert body["first"] == min(days) and body["counts"][-1] > 0
    assert "2019-01-01" in days


def test_duration_and_album_size_buckets(client, fx):
    edges = [60, 120, 180, 240, 300, 360, 480, 600]
    expected = [0] * 9
    for s in fx.detailed():
        if s["duration_ms"] is not None:
            expected[sum(s["duration_ms"] >= e * 1000 for e in edges)] += 1
    body = get(client, "/api/stats/durations")
    assert [b["count"] for b in body["buckets"]] == expected
    assert body["unknown"] == sum(1 for s in fx.detailed() if s["duration_ms"] is None)

    body = get(client, "/api/stats/album-sizes")
    by_label = {b["label"]: b["count"] for b in body["buckets"]}
    assert by_label["≤1首"] == 1 and by_label["2–5首"] == 1 and by_label["6–10首"] == 1 and by_label[">30首"] == 0
    assert by_label["21–30首"] == 1 and body["unknown"] == 1


def test_copyright_and_cover_shares(client, fx):
    names = {0: "free", 1: "vip", 4: "album", 8: "free_low", None: "unknown"}
    fees = Counter(names.get(s["fee"], "other") for s in fx.detailed())
    body = get(client, "/api/stats/copyright")
    assert {x["key"]: x["count"] for x in body["fee"]} == {k: fees.get(k, 0) for k in
                                                           ("free", "vip", "album", "free_low", "other", "unknown")}
    avail = Counter("unknown" if s["privilege_status"] is None else "unavailable" if s["privilege_status"] < 0
                    else "available" for s in fx.detailed())
    assert {x["key"]: x["count"] for x in body["availability"]} == {k: avail.get(k, 0) for k in
                                                                    ("available", "unavailable", "unknown")}

    def cls(s):
        if s["origin_cover_type"] == 1:
            return "original"
        return "cover" if s["origin_cover_type"] == 2 or "Cover" in s["name"] else "unknown"

    covers = Counter(cls(s) for s in fx.detailed())
    body = get(client, "/api/stats/covers")
    assert {x["key"]: x["count"] for x in body["classes"]} == {k: covers.get(k, 0) for k in ("original", "cover", "unknown")}
    assert "翻唱" in body["rule"]


def test_heat_race_and_hot_artists(client, fx):
    totals: Counter = Counter()
    cumulative: dict[int, Counter] = {}
    dated = sorted(((local_year(s["publish_time"]), s) for s in fx.detailed() if s["publish_time"]), key=lambda p: p[0])
    for s in fx.detailed():
        for a in fx.song_artists[s["id"]]:
            totals[a] += s["popularity"] or 0
    running: Counter = Counter()
    for year, s in dated:
        for a in fx.song_artists[s["id"]]:
            running[a] += s["popularity"] or 0
        cumulative[year] = Counter(running)
    body = get(client, "/api/stats/heat", limit=3)
    assert [(i["id"], i["value"]) for i in body["top"]] == [(a, v) for a, v in
                                                            sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    assert [f["year"] for f in body["frames"]] == sorted(cumulative)
    last = body["frames"][-1]
    assert [i["value"] for i in last["items"]] == sorted(cumulative[max(cumulative)].values(), reverse=True)[:3]

    comments = comment_counts(fx)
    by_album = Counter()
    for s in fx.detailed():
        by_album[s["album_id"]] += comments[s["id"]]
    body = get(client, "/api/stats/heat", by="album", metric="comments", limit=5)
    assert {i["id"]: i["value"] for i in body["top"]} == {a: v for a, v in by_album.items() if v > 0}
    assert all(i["name"].startswith("专辑") for i in body["top"])

    songs_per_artist = Counter(a for s in fx.detailed() for a in fx.song_artists[s["id"]])
    body = get(client, "/api/stats/hot-artists", limit=2)
    top2 = [a for a, _ in sorted(songs_per_artist.items(), key=lambda kv: (-kv[1], kv[0]))[:2]]
    assert [s["id"] for s in body["series"]] == top2
    per_year = Counter((a, local_year(s["publish_time"])) for s in fx.detailed() if s["publish_time"]
                       for a in fx.song_artists[s["id"]] if a in top2)
    for series in body["series"]:
        assert series["values"] == [per_year[(series["id"], y)] for y in body["years"]]


def test_scatter_and_sentiment(client, fx):
    comments = comment_counts(fx)
    body = get(client, "/api/stats/scatter", limit=10)
    with_pop = [s for s in fx.detailed() if s["popularity"] is not None and comments[s["id"]] > 0]
    expected = sorted(with_pop, key=lambda s: (-comments[s["id"]], -s["popularity"], s["id"]))[:10]
    assert [p["id"] for p in body["points"]] == [s["id"] for s in expected]
    likes = Counter()
    for c in fx.comments:
        likes[c["song_id"]] += c["likes"]
    assert all(p["x"] == comments[p["id"]] and p["likes"] == likes[p["id"]] for p in body["points"])
    assert 3 <= sum(p["outlier"] for p in body["points"]) <= 6
    assert max(body["points"], key=lambda p: p["x"])["outlier"]
    body = get(client, "/api/stats/scatter", x="duration", limit=3000)
    expected = {s["id"]: s["duration_ms"] / 1000 for s in fx.detailed()
                if s["popularity"] is not None and s["duration_ms"] is not None}
    assert {p["id"]: p["x"] for p in body["points"]} == expected

    body = get(client, "/api/stats/sentiment", limit=3)
    labels = Counter(c["label"] for c in fx.comments)
    assert body["overall"] == {"positive": labels["positive"], "negative": labels["negative"],
                               "neutral": labels["neutral"], "unlabelled": labels[None]}
    for song in body["songs"]:
        mine = Counter(c["label"] for c in fx.comments if c["song_id"] == song["id"])
        assert (song["positive"], song["negative"], song["neutral"], song["total"]) == (
            mine["positive"], mine["negative"], mine["neutral"], sum(mine.values()))
    assert [s["total"] for s in body["songs"]] == sorted((s["total"] for s in body["songs"]), reverse=True)

    body = get(client, "/api/stats/sentiment", artist_id=101)
    mine = Counter(c["label"] for c in fx.comments if 101 in fx.song_artists[c["song_id"]])
    assert body["overall"]["positive"] == mine["positive"] and body["overall"]["negative"] == mine["negative"]


def test_playlist_tags(client, fx):
    body = get(client, "/api/stats/tags")
    tags = Counter(t for p in fx.playlists for t in p["tags"])
    assert {t["name"]: t["count"] for t in body["tags"]} == dict(tags)
    assert body["tags"][0] == {"name": "华语", "count": 2}
    assert body["untagged"] == 1 and body["playlists"] == 4


def test_filter_options(client, fx):
    body = get(client, "/api/stats/filters")
    years = [local_year(s["publish_time"]) for s in fx.detailed() if s["publish_time"]]
    assert body["years"] == {"min": min(years), "max": max(years)}
    songs_per_artist = Counter(a for s in fx.detailed() for a in fx.song_artists[s["id"]])
    assert [(a["id"], a["songs"]) for a in body["artists"]] == sorted(songs_per_artist.items(),
                                                                      key=lambda kv: (-kv[1], kv[0]))
    assert sorted(p["id"] for p in body["playlists"]) == [300, 301, 302, 303]


def test_word_clouds(client, fx):
    body = get(client, "/api/stats/wordcloud", source="lyrics")
    terms = {t["name"]: t["value"] for t in body["terms"]}
    assert terms["城市"] == 2 * len(fx.lyrics) and body["documents"] == 3
    assert "某人" not in terms and "作词" not in terms

    body = get(client, "/api/stats/wordcloud", source="lyrics", song_id=1000)
    assert {t["name"]: t["value"] for t in body["terms"]}["城市"] == 2

    positives = [c["content"] for c in fx.comments if c["label"] == "positive"]
    body = get(client, "/api/stats/wordcloud", source="comments", sentiment="positive")
    terms = {t["name"]: t["value"] for t in body["terms"]}
    assert terms.get("旋律", 0) == sum(text.count("旋律") for text in positives)
    assert "失望" not in terms and body["documents"] == len(positives)

    negatives = [c for c in fx.comments if c["label"] == "negative"]
    body = get(client, "/api/stats/wordcloud", source="comments", sentiment="negative", limit=10)
    assert {t["name"]: t["value"] for t in body["terms"]}.get("失望", 0) == sum(
        c["content"].count("失望") for c in negatives)

    song = fx.comments[0]["song_id"]
    body = get(client, "/api/stats/wordcloud", source="comments", song_id=song)
    assert body["documents"] == comment_counts(fx)[song] and body["scope"] == "song"
    get(client, "/api/stats/wordcloud", 200, source="comments", artist_id=103)


def test_cache_serves_until_refresh(client, fx, session):
    before = get(client, "/api/stats/overview")["counts"]["songs"]
    session.add(Song(id=9999, name="新歌", publish_time=datetime(2021, 5, 1, 4)))
    session.commit()
    assert get(client, "/api/stats/overview")["counts"]["songs"] == before  # cached
    assert get(client, "/api/stats/overview", year_from=2021)["counts"]["songs"] == before  # overview takes no filter
    # Filtered charts run SQL on every request, over the per-song table refreshed by refresh_stats.
    assert get(client, "/api/stats/releases", year_from=2021)["points"] == []
    summary = stats.refresh_stats(session)
    session.commit()
    assert summary["songs"] == before + 1
    assert get(client, "/api/stats/overview")["counts"]["songs"] == before + 1
    assert get(client, "/api/stats/releases", year_from=2021)["points"] == [{"period": "2021", "count": 1}]


BAD = [
    ("/api/stats/releases", {"year_from": 99999}, 422, "year_from"),
    ("/api/stats/releases", {"year_to": 1200}, 422, "year_to"),
    ("/api/stats/durations", {"year_from": 2020, "year_to": 2010}, 422, "year_to"),
    ("/api/stats/heat", {"artist_id": 424242}, 404, "artist_id"),
    ("/api/stats/covers", {"playlist_id": 424242}, 404, "playlist_id"),
    ("/api/stats/copyright", {"artist_id": "abc"}, 422, "artist_id"),
    ("/api/stats/scatter", {"artist_id": 10**30}, 422, "artist_id"),
    ("/api/stats/releases", {"granularity": "week"}, 422, "granularity"),
    ("/api/stats/heat", {"by": "song"}, 422, "by"),
    ("/api/stats/heat", {"limit": 1000}, 422, "limit"),
    ("/api/stats/scatter", {"x": "likes"}, 422, "x"),
    ("/api/stats/sentiment", {"limit": 0}, 422, "limit"),
    ("/api/stats/wordcloud", {}, 422, "source"),
    ("/api/stats/wordcloud", {"source": "lyrics", "sentiment": "positive"}, 422, "sentiment"),
    ("/api/stats/wordcloud", {"source": "comments", "song_id": 424242}, 404, "song_id"),
    ("/api/stats/wordcloud", {"source": "comments", "limit": 100000}, 422, "limit"),
]


def test_bad_filters_give_4xx(client):
    for path, params, status, field_name in BAD:
        body = get(client, path, status, **params)
        assert body["code"] == status and field_name in body.get("errors", {}), (path, params, body)


ALL = ["filters", "overview", "releases", "release-days", "durations", "album-sizes", "tags", "heat", "hot-artists",
       "copyright", "covers", "scatter", "sentiment"]


def test_empty_database_gives_empty_charts(client):
    bodies = {name: get(client, f"/api/stats/{name}") for name in ALL}
    assert set(bodies["overview"]["counts"].values()) == {0}
    assert bodies["releases"]["points"] == [] and bodies["release-days"] == {"first": None, "counts": [], "total": 0}
    assert sum(b["count"] for b in bodies["durations"]["buckets"]) == 0
    assert bodies["heat"]["top"] == [] and bodies["hot-artists"]["series"] == []
    assert bodies["scatter"]["points"] == [] and bodies["sentiment"]["songs"] == []
    assert get(client, "/api/stats/wordcloud", source="comments")["terms"] == []


def test_filter_matching_nothing_is_an_empty_chart(client, fx):
    assert get(client, "/api/stats/releases", year_from=1950, year_to=1960)["points"] == []
    assert get(client, "/api/stats/heat", year_from=1950, year_to=1960)["top"] == []
    assert get(client, "/api/stats/scatter", year_from=2100)["points"] == []


def test_filtered_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(stats, "FILTERED_CACHE_SIZE", 3)
    monkeypatch.setattr(stats, "_FILTERED", stats.OrderedDict())
    for i in range(5):
        stats._filtered_put(("k", i), {"i": i})
    assert list(stats._FILTERED) == [("k", 2), ("k", 3), ("k", 4)]
    assert stats._filtered_get(("k", 0)) is None and stats._filtered_get(("k", 4)) == {"i": 4}


def test_cli_refresh_rebuilds_song_stats(db_url, session, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from yinqing.cli import main
    from yinqing.models import SongStats

    session.add_all([Song(id=1, name="晴天", publish_time=datetime(2003, 7, 31, 16)), Song(id=2, is_partial=True)])
    session.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("YINQING_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert "refreshed 2 songs" in result.output
    row = session.get(SongStats, 1)
    assert (row.release_year, row.release_month, row.release_day) == (2003, 8, 20030801)
