"""Crawl the mirror from the stand-in with the rate limit lifted, against a bare HTTP client.

Starts the NetEase stand-in over ../shared/data/netease/mirror in this process (it records every
request), runs a real crawl in a subprocess (Scrapy, the item pipeline, batched upserts into a
fresh database) seeded like `yinqing crawl mirror-all` (lyrics and comments of the songs the
mirror holds them for), then replays exactly the URLs the crawl fetched with a bare HTTP client
(requests, as many threads as the crawler's concurrency, also in a subprocess) against the same
stand-in. Reports items/s and requests/s, the ratio to the bare client's requests/s, the CPU
seconds each spent per request (robust to other load on the machine), and how the crawl's time
splits between fetching, parsing and writing.

    .venv/bin/python bench/crawl.py [--playlists N] [--comment-pages 2] [--every-song] [--database-url URL]

--playlists -1 (the default) crawls every seed playlist of the mirror; give a number for a
quicker run. --every-song asks for every song's lyric and comments (the request mix before the
mirror crawls named their songs: tens of thousands of small, mostly empty answers).
Machine: 2-core CPU, 24 GiB (no GPU).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.netease_standin import Mirror, StandinServer
from yinqing.config import Settings
from yinqing.crawler.run import run_in_subprocess
from yinqing.crawler.settings import CrawlSpec
from yinqing.migrate import upgrade

CONCURRENCY = 16  # the crawler's per-host concurrency when the rate limit is lifted

BARE_CLIENT = r"""
import sys, time, requests
from concurrent.futures import ThreadPoolExecutor
base, path, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
urls = [base + line.rstrip("\n") for line in open(path, encoding="utf-8")]
session = requests.Session()
adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=workers)
session.mount("http://", adapter)
def fetch(url):
    r = session.get(url, timeout=60)
    r.json()
    return len(r.content)
start = time.perf_counter()
with ThreadPoolExecutor(workers) as pool:
    total = sum(pool.map(fetch, urls))
print(time.perf_counter() - start, total)
"""


def seeds(mirror: Mirror, playlists: int) -> list[int]:
    """The charts and the first `playlists` seed playlists (-1: all), like `yinqing crawl mirror`."""
    chosen = mirror.seeds["playlists"] if playlists < 0 else mirror.seeds["playlists"][:playlists]
    return list(dict.fromkeys(mirror.seeds["toplists"] + chosen))


def main() -> None:
    """Run the crawl and the baseline, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playlists", type=int, default=-1)
    parser.add_argument("--comment-pages", type=int, default=2)
    parser.add_argument("--every-song", action="store_true", help="fetch every song's lyric and comments")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    settings = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="yq-bench-crawl-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)

    started = time.perf_counter()
    folder = settings.shared_data_dir / "netease" / "mirror"
    mirror = Mirror.load(folder)
    print(f"mirror loaded in {time.perf_counter() - started:.1f}s: {mirror.counts()}")
    server = StandinServer(mirror).start()
    server.app.config["RECORD"] = recorded = []
    ids = seeds(mirror, args.playlists)
    spec = CrawlSpec(mode="toplists", ids=ids, base_url=server.url, rate=0.0, database_url=url,
                     comment_pages=args.comment_pages, source="mirror", timeout=60.0,
                     **({} if args.every_song else {"extras_for": extra_songs(folder)})).validate()
    print(f"crawling {len(ids)} playlists and charts into {url.split('?')[0]} ...", flush=True)
    cpu_before = _children_cpu()
    code, summary = run_in_subprocess(spec, env={"YINQING_INSTANCE_DIR": str(tmp / "instance")})
    crawl_cpu = _children_cpu() - cpu_before
    if code != 0:
        raise SystemExit(f"the crawl did not finish: {summary}")
    server.app.config["RECORD"] = None  # the baseline's own requests are not part of the crawl
    urls_file = tmp / "urls.txt"
    urls_file.write_text("".join(path + "\n" for path in recorded), encoding="utf-8")
    cpu_before = _children_cpu()
    baseline = subprocess.run([sys.executable, "-c", BARE_CLIENT, server.url, str(urls_file), str(CONCURRENCY)],
                              capture_output=True, text=True, check=True)
    bare_cpu = _children_cpu() - cpu_before
    bare_seconds = float(baseline.stdout.split()[0])
    server.stop()
    report(summary, len(recorded), bare_seconds, (crawl_cpu, bare_cpu))


def extra_songs(folder: Path) -> list[int]:
    """The songs the mirror holds lyrics or comments for (imported here: --every-song also runs
    this benchmark on code from before the crawl could name them)."""
    from yinqing.crawler.commands import mirror_extra_songs

    return sorted(mirror_extra_songs(folder))


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(summary: dict, requests_made: int, bare_seconds: float, cpu: tuple[float, float]) -> None:
    """Print speeds as ratios against the bare client measured in this run."""
    seconds = summary["seconds"]
    items = sum(v for k, v in summary["written"].items() if k != "mark")
    parse, write = summary["time"].get("parse", 0.0), summary["time"].get("write", 0.0)
    # Parsing and writing run in the crawler's one reactor thread; the rest of the wall time is
    # fetching (HTTP and Scrapy's engine around it).
    fetch = max(seconds - parse - write, 0.0)
    latency = summary["time"].get("download_latency_sum", 0.0) / max(requests_made, 1)
    crawl_rps, bare_rps = requests_made / seconds, requests_made / bare_seconds
    print("\nmachine: 2-core CPU, 24 GiB, no GPU; stand-in and clients on one host (loopback)")
    print(f"requests: {requests_made} (retries {summary['retries']}); rows written: {summary['written']}")
    print(f"crawler:     {seconds:8.1f} s  {crawl_rps:8.1f} req/s  {items / seconds:8.1f} items/s")
    print(f"bare client: {bare_seconds:8.1f} s  {bare_rps:8.1f} req/s  (baseline: same URLs, {CONCURRENCY} threads)")
    print(f"crawler / bare client: {crawl_rps / bare_rps:.2f}x the baseline's request rate")
    per = [1000 * c / max(requests_made, 1) for c in cpu]
    print(f"CPU per request (the process alone, whatever else runs): crawler {per[0]:.2f} ms "
          f"(including its start, {cpu[0]:.1f} s in all), bare client {per[1]:.2f} ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"time split: fetching {fetch:.1f} s ({fetch / seconds:.0%}), parsing {parse:.1f} s "
          f"({parse / seconds:.0%}), writing {write:.1f} s ({write / seconds:.0%}); "
          f"mean download latency {latency * 1000:.1f} ms")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
