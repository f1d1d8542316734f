"""Does a burst of sentiment analysis starve the song library? `GET /api/songs` latency during a burst.

Starts `yinqing serve` (waitress, 8 threads, no job worker) on loopback with a small real catalogue,
measures `GET /api/songs` sequentially while idle (the baseline, same run), then again while
`--concurrent` clients from this one address each send one `POST /api/sentiment/analyze` with
`--texts` real NetEase comments (joined to about `--chars` characters each). Prints p50 / p99 / max
of the library requests during the burst as ratios to the idle p50, the burst's wall time and the
status codes the burst got (429: refused by the cost-based rate limit).

    .venv/bin/python bench/sentiment_burst.py [--concurrent 16] [--texts 100] [--chars 500] [--explain]
                                              [--compare-source DIR]

`--compare-source DIR` measures another checkout too (for example the parent commit, exported with
`git archive HEAD~1 | tar -x -C DIR`), in the same run. Every request is bounded (120 s timeout).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.catalog_seed import seed_catalogue
from tools.liveserver import start_server
from yinqing.config import Settings
from yinqing.db import make_engine, make_sessionmaker
from yinqing.sentiment.data import iter_mirror_comments


def real_texts(n: int, chars: int) -> list[str]:
    """`n` texts of about `chars` characters, each made of consecutive real comments."""
    comments = (text for _key, _song, text in iter_mirror_comments(Settings().shared_data_dir))
    texts = []
    for _ in range(n):
        parts, size = [], 0
        for text in comments:
            parts.append(text)
            size += len(text)
            if size >= chars:
                break
        texts.append(" ".join(parts)[:chars])
    return texts


def prepare(source: Path, instance: Path) -> str:
    """A migrated (by the tree under test) SQLite database holding a small real catalogue."""
    url = f"sqlite:///{instance / 'bench.db'}"
    subprocess.run([sys.executable, "-m", "yinqing.cli", "db", "upgrade"], cwd=source, check=True,
                   env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        seed_catalogue(session, general=40, jay=12)
    engine.dispose()
    return url


def probe(base: str, stop: threading.Event | None, count: int = 0) -> list[float]:
    """Sequential `GET /api/songs` latencies in ms: `count` of them, or until `stop` is set."""
    latencies = []
    for i in itertools.count():
        if (stop is not None and stop.is_set()) or (stop is None and i >= count):
            return latencies
        start = time.perf_counter()
        requests.get(f"{base}/api/songs", params={"page": 1, "size": 20}, timeout=120).raise_for_status()
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(0.02)


def burst(base: str, body: dict, n: int) -> tuple[Counter, float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        codes = Counter(pool.map(lambda _: requests.post(f"{base}/api/sentiment/analyze", json=body,
                                                          timeout=120).status_code, range(n)))
    return codes, time.perf_counter() - start


def run_tree(source: Path, body: dict, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="yq-burst-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        proc, base = start_server(prepare(source, instance), instance, source=source)
        try:
            probe(base, None, 10)  # warm-up
            idle = probe(base, None, 40)
            stop = threading.Event()
            with ThreadPoolExecutor(1) as pool:
                during = pool.submit(probe, base, stop)
                time.sleep(0.1)
                codes, wall = burst(base, body, n)
                stop.set()
                busy = during.result()
            return {"idle": idle, "busy": busy, "codes": codes, "wall": wall}
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def report(name: str, r: dict) -> None:
    base = statistics.median(r["idle"])
    busy = r["busy"]
    print(f"{name}: idle GET /api/songs p50 {base:.1f} ms; during the burst ({len(busy)} requests) "
          f"p50 {statistics.median(busy):.1f} ms ({statistics.median(busy) / base:.1f}x), "
          f"p99 {p(busy, 99):.1f} ms ({p(busy, 99) / base:.1f}x), max {max(busy):.0f} ms; "
          f"burst took {r['wall']:.1f} s, statuses {dict(sorted(r['codes'].items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrent", type=int, default=16)
    parser.add_argument("--texts", type=int, default=100)
    parser.add_argument("--chars", type=int, default=500)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--compare-source", type=Path, help="another checkout to measure in the same run")
    args = parser.parse_args()
    body = {"texts": real_texts(args.texts, args.chars), "explain": args.explain}
    print(f"burst: {args.concurrent} concurrent requests of {args.texts} texts x ~{args.chars} chars, "
          f"explain={args.explain}, from one address")
    if args.compare_source:
        report(f"compare ({args.compare_source})", run_tree(args.compare_source.resolve(), body, args.concurrent))
    report("this tree", run_tree(ROOT, body, args.concurrent))


if __name__ == "__main__":
    main()
