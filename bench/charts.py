"""Chart endpoints' latency through the real server, against `GET /api/health` in the same run.

Seeds a fresh database with 100,000 songs and 1,000,000 comments (names, comment texts and lyrics
sampled from the real mirror data in ../shared/data/netease/mirror; numbers drawn at random),
runs `refresh_stats` (timed), starts `yinqing serve` (waitress) on a free loopback port and sends
bounded sequential requests to each chart endpoint: p50/p99 in ms and the ratio to the health
endpoint's p50. Unfiltered charts are served from the precomputed cache; filtered ones run SQL live.

    .venv/bin/python bench/charts.py [--songs 100000] [--comments 1000000] [--requests 200] [--database-url URL]

Target: every chart endpoint's p99 under 100 ms. Machine: 2-core CPU, 24 GiB (no GPU).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.liveserver import start_server
from yinqing.config import Settings
from yinqing.db import make_engine, make_sessionmaker
from yinqing.migrate import upgrade
from yinqing.models import Album, Artist, Comment, Lyric, Playlist, PlaylistTrack, Song, SongArtist
from yinqing.services.stats import refresh_stats

MIRROR = Settings().shared_data_dir / "netease" / "mirror"
CHUNK = 10_000


def read_jsonl(path: Path, limit: int) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) >= limit:
                break
    return out


def real_texts() -> dict[str, list]:
    """Song names, comment texts, LRC lyrics and playlist tags from the mirror (bounded reads)."""
    songs = [s["name"] for s in read_jsonl(MIRROR / "songs.jsonl", 40_000) if s.get("name")]
    comments = [c["comment"]["content"] for c in read_jsonl(MIRROR / "comments.jsonl", 60_000)
                if (c.get("comment") or {}).get("content")]
    lyrics = [(x.get("lrc") or {}).get("lyric") for x in read_jsonl(MIRROR / "lyrics_unassigned.jsonl", 1200)]
    tags = [p.get("tags") or [] for p in read_jsonl(MIRROR / "playlists.jsonl", 3000)]
    return {"songs": songs, "comments": comments, "lyrics": [x for x in lyrics if x], "tags": tags}


def seed(url: str, n_songs: int, n_comments: int) -> None:
    """Fill an empty database with a realistic catalogue of the requested size."""
    rng = random.Random(42)
    texts = real_texts()
    engine = make_engine(url)
    n_artists, n_albums = max(10, n_songs // 20), max(10, n_songs // 10)
    with engine.begin() as conn:
        _bulk(conn, Artist, ({"id": i, "name": f"歌手{i}", "aliases": []} for i in range(1, n_artists + 1)))
        _bulk(conn, Album, ({"id": i, "name": f"专辑{i}", "size": rng.choice([1, 1, 4, 8, 10, 12, 14, 20, None]),
                             "artist_id": rng.randint(1, n_artists),
                             "publish_time": datetime(1990, 1, 1) + timedelta(days=rng.randint(0, 12500))}
                            for i in range(1, n_albums + 1)))
        _bulk(conn, Song, (_song(rng, i, texts["songs"], n_albums) for i in range(1, n_songs + 1)))
        _bulk(conn, SongArtist, ({"song_id": s, "artist_id": a, "position": p} for s in range(1, n_songs + 1)
                                 for p, a in enumerate(rng.sample(range(1, n_artists + 1), rng.choice([1, 1, 1, 2])))))
        _bulk(conn, Lyric, ({"song_id": i, "lrc": texts["lyrics"][i % len(texts["lyrics"])]}
                            for i in range(1, min(n_songs, 5000) + 1)))
        _bulk(conn, Playlist, ({"id": i, "name": f"歌单{i}", "tags": texts["tags"][i % len(texts["tags"])],
                                "is_toplist": i <= 4, "play_count": rng.randint(0, 10**7)} for i in range(1, 501)))
        _bulk(conn, PlaylistTrack, ({"playlist_id": p, "position": k, "song_id": rng.randint(1, n_songs)}
                                    for p in range(1, 501) for k in range(50)))
        _bulk(conn, Comment, (_comment(rng, i, texts["comments"], n_songs) for i in range(1, n_comments + 1)))
    engine.dispose()


def _song(rng: random.Random, i: int, names: list[str], n_albums: int) -> dict:
    publish = None if rng.random() < 0.1 else datetime(1985, 1, 1) + timedelta(days=rng.randint(0, 14600),
                                                                               hours=rng.choice([0, 16]))
    return {"id": i, "name": rng.choice(names) + ("(Cover)" if rng.random() < 0.05 else ""), "aliases": [],
            "translated_names": [], "artist_names": [], "album_id": rng.randint(1, n_albums), "is_partial": False,
            "duration_ms": rng.choice([None, rng.randint(30_000, 720_000)]), "publish_time": publish,
            "popularity": rng.choice([None, float(rng.randint(0, 100))]), "fee": rng.choice([0, 1, 4, 8, 8, None]),
            "privilege_status": rng.choice([0, 0, 0, -200, None]), "origin_cover_type": rng.choice([0, 1, 2, None])}


def _comment(rng: random.Random, i: int, texts: list[str], n_songs: int) -> dict:
    # Comments concentrate on popular songs, as on NetEase: a power-law choice of song.
    song = min(n_songs, int(n_songs ** rng.random()))
    return {"dedup_key": f"b{i}", "song_id": song, "content": rng.choice(texts), "liked_count": int(rng.paretovariate(1.2)),
            "is_hot": False, "sentiment_label": rng.choice(["positive", "positive", "negative", "neutral", None]),
            "time": datetime(2015, 1, 1) + timedelta(minutes=rng.randint(0, 5_000_000))}


def _bulk(conn, model, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            conn.execute(insert(model), batch)
            batch = []
    if batch:
        conn.execute(insert(model), batch)






def measure(http: requests.Session, url: str, n: int) -> tuple[float, float, float]:
    """p50, p99 and the first request's latency in ms over n sequential requests."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = http.get(url, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {r.status_code} {r.text[:200]}")
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], times[0]


ENDPOINTS = [
    "filters", "overview", "releases", "releases?granularity=month", "release-days", "durations", "album-sizes", "tags",
    "heat", "heat?by=album&metric=comments&limit=15", "hot-artists", "copyright", "covers", "scatter",
    "scatter?x=duration&limit=800", "sentiment",
    "wordcloud?source=lyrics", "wordcloud?source=comments", "wordcloud?source=comments&sentiment=negative",
    # Filtered: live SQL on every request.
    "releases?year_from=2005&year_to=2015", "durations?artist_id=7", "heat?year_from=2000&year_to=2010",
    "hot-artists?playlist_id=1", "copyright?year_from=2010&year_to=2012", "covers?artist_id=7",
    "scatter?year_from=2010&year_to=2011", "sentiment?artist_id=7",
    # Per-song / per-artist clouds: computed on the first request, then cached.
    "wordcloud?source=comments&song_id=1", "wordcloud?source=lyrics&artist_id=7",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default="", help="an EMPTY database (default: a new SQLite file)")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="yq-bench-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.db'}"
    print(f"machine: 2-core CPU, 24 GiB; database: {url.split('://')[0]}; "
          f"{args.songs:,} songs, {args.comments:,} comments", flush=True)
    upgrade(url)
    started = time.perf_counter()
    seed(url, args.songs, args.comments)
    print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        summary = refresh_stats(session)
        session.commit()
    engine.dispose()
    print(f"refresh_stats: {summary['seconds']:.1f} s ({summary['songs']:,} song_stats rows, "
          f"{summary['charts']} charts + 4 word clouds warmed)", flush=True)
    proc, base = start_server(url, instance)
    try:
        report(base, args.requests)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def report(base: str, n: int) -> None:
    http = requests.Session()
    measure(http, base + "/api/health", 20)  # warm the connection and the interpreter
    h50, h99, _ = measure(http, base + "/api/health", n)
    print(f"\n{'endpoint':58} {'first':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/health':>11}")
    print(f"{'GET /api/health (baseline)':58} {'':>8} {h50:8.2f} {h99:8.2f} {1.0:11.1f}")
    worst = 0.0
    for path in ENDPOINTS:
        p50, p99, first = measure(http, f"{base}/api/stats/{path}", n)
        worst = max(worst, p99)
        flag = "" if p99 < 100 else "  > 100 ms target"
        print(f"{'/api/stats/' + path:58} {first:8.1f} {p50:8.2f} {p99:8.2f} {p50 / h50:11.1f}{flag}", flush=True)
    print(f"\nworst p99: {worst:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
