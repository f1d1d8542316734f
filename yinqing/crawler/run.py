"""Run one crawl in this process (CLI) or as `python -m yinqing.crawler.run SPEC_JSON` (jobs, tests).

The Twisted reactor lives only here: the web server and the job worker start crawls as a
subprocess, so they never host a reactor.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from yinqing.config import REPO_ROOT, Settings
from yinqing.crawler.settings import CrawlSpec, scrapy_settings
from yinqing.db import make_engine, make_sessionmaker, session_scope

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 3


def run_crawl(spec: CrawlSpec, settings: Settings | None = None,
              progress: Callable[[dict], None] | None = None, log_level: str = "INFO") -> dict:
    """Crawl as `spec` says and return a summary (stats, written rows, problems, finish reason)."""
    from scrapy.crawler import CrawlerProcess

    from yinqing.crawler.spiders.netease import NeteaseSpider

    settings = settings or Settings.from_env()
    spec.database_url = spec.database_url or settings.database_url
    spec.validate()
    scrapy_conf = scrapy_settings(spec, settings)
    scrapy_conf["LOG_LEVEL"] = log_level
    scrapy_conf["YINQING_PROGRESS"] = progress
    process = CrawlerProcess(scrapy_conf)
    crawler = process.create_crawler(NeteaseSpider)
    started = time.monotonic()
    process.crawl(crawler, spec=spec.to_json())
    process.start()
    stats = crawler.stats.get_stats()
    reason = stats.get("finish_reason", "unknown")
    if reason == "finished":
        _mark_run_finished(spec)
    return summarise(stats, reason, time.monotonic() - started)


def _mark_run_finished(spec: CrawlSpec) -> None:
    """The next crawl with the same key starts afresh (and fetches only newer comments)."""
    from yinqing.crawler.items import CrawlMarkItem
    from yinqing.crawler.state import RUN_UNIT
    from yinqing.services.ingest import ingest_items

    engine = make_engine(spec.database_url)
    with session_scope(make_sessionmaker(engine)) as session:
        ingest_items(session, [CrawlMarkItem(run_key=spec.run_key, unit=RUN_UNIT, done=True)])
    engine.dispose()


def summarise(stats: dict, reason: str, seconds: float) -> dict:
    """The parts of the Scrapy stats a person wants to see."""
    def group(prefix: str) -> dict:
        return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}

    return {
        "finish_reason": reason, "seconds": round(seconds, 2),
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("response_received_count", 0),
        "retries": stats.get("retry/count", 0), "refusals": stats.get("yinqing/refusals", 0),
        "cache_hits": stats.get("httpcache/hit", 0),
        "written": group("yinqing/written/"), "problems": group("yinqing/problems/"),
        "time": group("yinqing/time/"), "resumed": bool(stats.get("yinqing/resumed")),
        "message": stats.get("yinqing/stop_message", ""),
    }


def die_with_parent() -> None:
    """Called in a child process (Linux): get SIGTERM when the parent dies, even by SIGKILL, so a stopped
    server leaves no crawl or stand-in running behind it (a restart resumes the crawl instead)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the parent's own clean-up still stops its children on a normal exit


def mirror_dir(settings: Settings) -> Path | None:
    """NETEASE_MIRROR_DIR, else ../shared/data/netease/mirror, when it holds a mirror."""
    folder = Path(settings.netease_mirror_dir) if settings.netease_mirror_dir else (
        settings.shared_data_dir / "netease" / "mirror")
    return folder if (folder / "songs.jsonl").exists() else None


@contextmanager
def standin_process(folder: Path) -> Iterator[str]:
    """Run the stand-in (tools/netease_standin, a repository tool) over `folder`; yields its URL."""
    if not (REPO_ROOT / "tools" / "netease_standin").is_dir():
        raise RuntimeError("tools/netease_standin is not here (it ships with the repository only)")
    proc = subprocess.Popen([sys.executable, "-m", "tools.netease_standin", "--data", str(folder), "--port", "0",
                             "--die-with-parent"], cwd=str(REPO_ROOT), stdout=subprocess.PIPE, text=True)
    try:
        found = re.search(r" on (http://\S+)", proc.stdout.readline())
        if not found:
            raise RuntimeError(f"the stand-in did not start (exit {proc.poll()})")
        yield found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_in_subprocess(spec: CrawlSpec, env: dict | None = None, timeout: float | None = None) -> tuple[int, dict]:
    """Run the crawl in a child Python process; returns (exit code, summary)."""
    cmd = [sys.executable, "-m", "yinqing.crawler.run", spec.to_json()]
    proc = subprocess.run(cmd, cwd=str(REPO_ROOT), env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout, check=False)
    summary = {}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    if not summary:
        summary = {"finish_reason": "crashed", "message": proc.stderr[-2000:]}
    return proc.returncode, summary


def exit_code(summary: dict) -> int:
    """0 when the crawl finished, 3 when the site kept refusing, 1 otherwise."""
    reason = summary.get("finish_reason")
    return EXIT_OK if reason == "finished" else EXIT_REFUSED if reason == "refused" else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    """Subprocess entry point: one JSON spec in, one JSON summary line out."""
    argv = sys.argv[1:] if argv is None else argv
    die_with_parent()
    spec = CrawlSpec.from_json(argv[0])
    summary = run_crawl(spec, log_level=os.environ.get("YINQING_CRAWL_LOG", "WARNING"))
    print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    return exit_code(summary)


if __name__ == "__main__":
    sys.exit(main())
