"""Search, library page and song page through the real server, against `GET /api/health`.

Seeds a fresh database with 100,000 songs, 20,000 artists, 10,000 albums, 10,000 users and
1,000,000 ratings (song and artist names are real NetEase names from ../shared/data/netease/mirror,
cycled; numbers drawn at random), builds the search index (timed), starts `yinqing serve`
(waitress) on a free loopback port and measures, per endpoint:

- latency: bounded sequential requests, p50 / p99 in ms and the p50 ratio to /api/health;
- throughput: the same endpoint from 4 client threads, requests/s and the ratio to /api/health;
- typo recall: 150 words with one typo and a known target, searched directly (typo_recall).

    .venv/bin/python bench/catalog.py [--backend sqlite|postgresql|mysql|both|all] [--songs 100000] [--requests 400]

("both": SQLite and PostgreSQL; "all" adds MariaDB/MySQL.)

Target: search p99 under 50 ms on 100k songs. Machine: 2-core CPU, 24 GiB (no GPU); client and
server share the two cores, so the throughput figures are a lower bound.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import requests
from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.liveserver import start_server
from yinqing.config import Settings
from yinqing.db import make_engine, make_sessionmaker
from yinqing.migrate import upgrade
from yinqing.models import Album, Artist, Rating, Song, SongArtist, SongSearch, User
from yinqing.services.search import refresh_search_index, search_song_ids
from yinqing.text.searchtext import pinyin_words

MIRROR = Settings().shared_data_dir / "netease" / "mirror"
PG_ADMIN = os.environ.get("YINQING_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("YINQING_BENCH_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")
CHUNK = 20_000
BACKENDS = ("sqlite", "postgresql", "mysql")
THREADS = 4


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()}-core {model}, Python {platform.python_version()}"


def real_names() -> tuple[list[str], list[str]]:
    """Distinct real song names and artist names from the mirror."""
    songs, artists = [], []
    with (MIRROR / "songs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            name = json.loads(line).get("name")
            if name:
                songs.append(name)
    with (MIRROR / "artists.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            name = json.loads(line).get("name")
            if name:
                artists.append(name)
    return list(dict.fromkeys(songs)), list(dict.fromkeys(artists))


def bulk_insert(engine, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL (1M rows in seconds), chunked executemany elsewhere."""
    if not rows:
        return
    if engine.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                                    for v in row.values()])
            raw.commit()
        finally:
            raw.close()
        return
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(table), rows[start:start + CHUNK])


def seed(engine, n_songs: int, n_artists: int, n_users: int, n_ratings: int) -> dict:
    """Insert the synthetic catalogue and ratings; returns what the request mix needs."""
    rng = random.Random(7)
    song_names, artist_names = real_names()
    artist_names = artist_names[:n_artists]
    artist_ids = list(range(1, len(artist_names) + 1))
    base = datetime(2000, 1, 1)
    bulk_insert(engine, Artist.__table__, [{"id": i, "name": n, "aliases": [], "crawled_at": base}
                                           for i, n in zip(artist_ids, artist_names)])
    n_albums = n_songs // 10
    bulk_insert(engine, Album.__table__, [
        {"id": i, "name": f"{song_names[(i * 7) % len(song_names)]}", "artist_id": rng.choice(artist_ids),
         "publish_time": base + timedelta(days=rng.randrange(9000)), "pic_url": None, "crawled_at": base}
        for i in range(1, n_albums + 1)])
    songs, links = [], []
    for i in range(1, n_songs + 1):
        song_artists = rng.sample(artist_ids, 2 if rng.random() < 0.15 else 1)
        songs.append({"id": i, "name": song_names[i % len(song_names)], "aliases": [], "translated_names": [],
                      "artist_names": [artist_names[a - 1] for a in song_artists], "album_id": 1 + i % n_albums,
                      "duration_ms": rng.randrange(120_000, 360_000), "popularity": float(rng.randrange(101)),
                      "publish_time": base + timedelta(days=rng.randrange(9000)), "fee": rng.choice((0, 8, 8, 1, 4)),
                      "comment_total": int(rng.paretovariate(1.2) * 10), "is_partial": False, "crawled_at": base})
        links += [{"song_id": i, "artist_id": a, "position": p} for p, a in enumerate(song_artists)]
    bulk_insert(engine, Song.__table__, songs)
    bulk_insert(engine, SongArtist.__table__, links)
    bulk_insert(engine, User.__table__, [{"id": u, "username": f"bench{u}", "password_hash": "-", "nickname": f"u{u}",
                                          "bio": "", "role": "user", "token_version": 0, "created_at": base}
                                         for u in range(1, n_users + 1)])
    bulk_insert(engine, Rating.__table__, _ratings(n_songs, n_users, n_ratings, base))
    return {"songs": songs, "artists": artist_names}


def _ratings(n_songs: int, n_users: int, n_ratings: int, base: datetime) -> list[dict]:
    """Per user a set of distinct songs drawn from a long-tailed popularity (Zipf-like)."""
    gen = np.random.default_rng(11)
    per_user = n_ratings // n_users
    weights = 1.0 / np.arange(1, n_songs + 1) ** 0.8
    weights /= weights.sum()
    rows = []
    for user in range(1, n_users + 1):
        picks = np.unique(gen.choice(n_songs, size=per_user * 2, p=weights))[:per_user] + 1
        scores = gen.integers(0, 6, size=len(picks))
        rows += [{"user_id": user, "song_id": int(s), "score": int(v), "source": "heart" if v == 5 else "stars",
                  "updated_at": base} for s, v in zip(picks, scores)]
    return rows


def queries(data: dict, n: int = 300) -> list[str]:
    """A realistic search mix: titles, title fragments, artists, pinyin initials, typos, one character."""
    rng = random.Random(3)
    songs = data["songs"]
    out = []
    for _ in range(n):
        song = rng.choice(songs)
        title, artist = song["name"], song["artist_names"][0]
        kind = rng.randrange(6)
        if kind == 0:
            out.append(title)
        elif kind == 1:
            out.append(title[:2])
        elif kind == 2:
            out.append(artist)
        elif kind == 3:
            out.append(pinyin_words(artist)[0] or artist[:3])
        elif kind == 4:
            full = pinyin_words(artist)[1] or title.lower()
            i = rng.randrange(max(1, len(full) - 1))
            out.append(full[:i] + full[i + 1:i + 2] + full[i:i + 1] + full[i + 2:])  # two letters swapped
        else:
            out.append(rng.choice(title))
    return [q for q in out if q.strip()] or ["a"]


def typo_recall(session, n: int = 150) -> tuple[int, int]:
    """Typo'd words with a known target: (found, asked).

    For every 97th indexed song (shuffled, seed 99) one of its Latin words of 8+ letters gets one
    typo (two letters swapped, one left out, or one changed); found when a song holding the
    target word is among the first 20 results of the mistyped word.
    """
    rng = random.Random(99)
    rows = session.execute(text("SELECT song_id, doc FROM song_search WHERE MOD(song_id, 97) = 3 "
                                "ORDER BY song_id")).all()
    rng.shuffle(rows)
    cases = []
    for _song_id, doc in rows:
        long_words = [w for w in doc.split() if len(w) >= 8 and w.isascii()]
        if long_words:
            target = rng.choice(long_words)
            cases.append((_typo(target, rng), target))
        if len(cases) >= n:
            break
    found = 0
    for q, target in cases:
        ids = search_song_ids(session, q)[:20]
        docs = session.scalars(select(SongSearch.doc).where(SongSearch.song_id.in_(ids))).all() if ids else []
        found += any(target in doc.split() for doc in docs)
    return found, len(cases)


def _typo(word: str, rng: random.Random) -> str:
    kind, i = rng.randrange(3), rng.randrange(1, len(word) - 1)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + rng.choice("aeiounst") + word[i + 1:]






def measure(url: str, paths: list[str], count: int) -> dict:
    """Sequential latency (p50/p99 ms) and 4-thread throughput (req/s) over `paths`, cycled."""
    http = requests.Session()
    for path in paths[:20]:  # warm the server's caches and the connection pool
        http.get(url + path, timeout=30)
    latencies = []
    for i in range(count):
        start = time.perf_counter()
        r = http.get(url + paths[i % len(paths)], timeout=30)
        latencies.append((time.perf_counter() - start) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{paths[i % len(paths)]} -> {r.status_code}: {r.text[:200]}")
    latencies.sort()
    done = 0
    lock = threading.Lock()

    def worker(offset: int) -> None:
        nonlocal done
        session = requests.Session()
        for i in range(offset, count, THREADS):
            session.get(url + paths[i % len(paths)], timeout=30)
            with lock:
                done += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rps = done / (time.perf_counter() - start)
    return {"p50": statistics.median(latencies), "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "rps": rps}


def run_backend(backend: str, args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"yq-bench-{backend}-"))
    drop = None
    db_name = f"yq_bench_{os.getpid()}"
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
    elif backend == "postgresql":
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{db_name}" ENCODING \'UTF8\' TEMPLATE template0'))
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{db_name}"

        def drop() -> None:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    else:
        admin = create_engine(MYSQL_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE `{db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        url = MYSQL_ADMIN.rstrip("/") + f"/{db_name}?charset=utf8mb4"

        def drop() -> None:
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS `{db_name}`"))
    proc = None
    try:
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        data = seed(engine, args.songs, args.artists, args.users, args.ratings)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        with make_sessionmaker(engine)() as session:
            indexed = refresh_search_index(session)
            session.commit()
        if backend == "postgresql":
            # After a bulk load: set hint bits and the visibility map now, not during the timing
            # (and keep autovacuum from starting on the fresh tables in the middle of it).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        elif backend == "mysql":
            with engine.connect() as c:
                for table in ("songs", "song_search", "song_artists", "artists", "albums", "ratings"):
                    c.execute(text(f"ANALYZE TABLE {table}")).all()
        index_time = time.perf_counter() - t0
        with make_sessionmaker(engine)() as session:
            found, asked = typo_recall(session)
        engine.dispose()
        print(f"\n== {backend}: seeded {args.songs:,} songs, {args.artists:,} artists, {args.ratings:,} ratings "
              f"in {seeded:.0f} s; search index of {indexed:,} songs built in {index_time:.0f} s")
        print(f"typo recall@20 (one typo in a word of 8+ letters): {found}/{asked}")
        proc, server = start_server(url, workdir)
        rng = random.Random(5)
        ids = [s["id"] for s in data["songs"]]
        sorts = ("popularity", "newest", "comments")
        mixes = {
            "health (baseline)": ["/api/health"],
            "search": [f"/api/search?q={requests.utils.quote(q)}" for q in queries(data)],
            "library page": [f"/api/songs?page={rng.randrange(1, 50)}&size=24&sort={rng.choice(sorts)}"
                             + ("&fee=vip" if rng.random() < 0.2 else "") for _ in range(200)],
            "song page": [f"/api/songs/{rng.choice(ids)}" for _ in range(200)],
        }
        results = {name: measure(server, paths, args.requests) for name, paths in mixes.items()}
        # Other work on the machine inflates every figure; the ratios to /api/health absorb part of it.
        print("load average (1, 5, 15 min) after the timing: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        base = results["health (baseline)"]
        print(f"{'endpoint':<18} {'p50 ms':>8} {'p99 ms':>8} {'p50 / health':>13} {'req/s (4 thr)':>14} "
              f"{'req/s / health':>15}")
        for name, r in results.items():
            print(f"{name:<18} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['p50'] / base['p50']:>12.1f}x "
                  f"{r['rps']:>14.0f} {r['rps'] / base['rps']:>14.2f}x")
        verdict = "met" if results["search"]["p99"] < 50 else "NOT met"
        print(f"target search p99 < 50 ms: {verdict} ({results['search']['p99']:.1f} ms)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if drop is not None:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=(*BACKENDS, "both", "all"), default="both")
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--artists", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint and pass")
    args = parser.parse_args()
    print(f"Catalogue benchmark on {machine()}")
    chosen = {"both": BACKENDS[:2], "all": BACKENDS}.get(args.backend, (args.backend,))
    for backend in chosen:
        run_backend(backend, args)


if __name__ == "__main__":
    main()
