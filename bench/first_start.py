"""The first start from an empty database: time to serving and to all done, step by step.

Runs what `make run` runs after its install steps, on a fresh SQLite database in a temporary
instance folder, over the mirror in ../shared/data/netease/mirror (or NETEASE_MIRROR_DIR):
`yinqing db upgrade`, `yinqing bootstrap` (the first slice: crawl, analyse, stats, train) and
`yinqing serve` (the API answers, and its job worker runs the rest of the first start: every
mirror playlist, comment labels, dashboard, recommenders). Prints each step's seconds (the
bootstrap's from its own output, the background job's from its Job row) and the two totals
against the targets (served within 60 s, all done within 300 s). Timing only: no assertions.

    .venv/bin/python bench/first_start.py [--timeout 900] [--keep]

Machine: 2-core CPU, 24 GiB (no GPU); the figures depend on what else runs (the load average is
printed at the start and the end).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yinqing.db import make_engine, make_sessionmaker, session_scope
from yinqing.services import jobs as job_records

SERVE_TARGET_S, DONE_TARGET_S = 60, 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict, *args: str) -> tuple[float, str]:
    """Run `yinqing ARGS` to the end; (seconds, output)."""
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "yinqing.cli", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=False)
    if run.returncode:
        raise SystemExit(f"yinqing {' '.join(args)} failed ({run.returncode}):\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return time.monotonic() - started, run.stdout


def get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def main() -> None:
    """Time the first start and print the breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=900, help="give up waiting for all done after this")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yq-bench-first-start-"))
    url = f"sqlite:///{tmp / 'yinqing.db'}"
    env = {**os.environ, "DATABASE_URL": url, "YINQING_INSTANCE_DIR": str(tmp / "instance")}
    env.pop("REDIS_URL", None)
    print(f"load average at start: {os.getloadavg()[0]:.1f}; instance: {tmp}", flush=True)
    steps: dict[str, float] = {}
    started = time.monotonic()
    steps["db upgrade"], _ = cli(env, "db", "upgrade")
    _, output = cli(env, "bootstrap")
    for name, took in re.findall(r"step '([^']+)' took ([\d.]+) s", output):
        steps[f"slice: {name}"] = float(took)
    print(output[-1500:])
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "yinqing.cli", "serve", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        serve_started = time.monotonic()
        while get_json(f"{base}/api/health") is None:
            time.sleep(0.2)
        steps["serve (until /api/health answers)"] = time.monotonic() - serve_started
        served = time.monotonic() - started
        print(f"served after {served:.1f} s", flush=True)
        state = wait_for_first_start(base, started, args.timeout)
        done = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    job = first_start_job(url)
    for name, took in (job.get("seconds") or {}).items():
        steps[f"background: {name}"] = took
    report(steps, served, done, state, job)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def wait_for_first_start(base: str, started: float, timeout: float) -> dict:
    """Poll /api/first-start (what the home page reads) until the job is no longer active."""
    last = ""
    while True:
        state = get_json(f"{base}/api/first-start") or {}
        if state.get("status") and not state.get("active"):
            return state
        line = f"{state.get('progress', 0):.0%} {state.get('message', '')}"
        if line != last:
            print(f"  {time.monotonic() - started:6.1f} s  {line}", flush=True)
            last = line
        if time.monotonic() - started > timeout:
            return {**state, "status": "timed out"}
        time.sleep(2)


def first_start_job(url: str) -> dict:
    """The background job's result (steps' seconds, crawl summary, training result)."""
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        job = job_records.latest_job(session, "first_start")
        result = dict(job.result or {}) if job else {}
    engine.dispose()
    return result


def report(steps: dict[str, float], served: float, done: float, state: dict, job: dict) -> None:
    """The breakdown and the totals against the targets."""
    print("\nmachine: 2-core CPU, 24 GiB, no GPU; SQLite; mirror via the stand-in on loopback")
    for name, took in steps.items():
        print(f"  {name:<42} {took:7.1f} s")
    print(f"served after  {served:6.1f} s (target {SERVE_TARGET_S} s)")
    print(f"all done after {done:6.1f} s (target {DONE_TARGET_S} s), job status {state.get('status')}")
    crawl = job.get("crawl") or {}
    print(f"background crawl: {crawl.get('requests')} requests in {crawl.get('seconds')} s; written {crawl.get('written')}")
    print(f"training: {json.dumps(job.get('train'), ensure_ascii=False, default=str)[:600]}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
