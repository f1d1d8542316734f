"""Start the real server (`yinqing serve`, waitress) on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, instance_dir: Path, extra_env: dict | None = None, worker: bool = False,
                 timeout: float = 180, source: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """Serve the app for an already migrated database; returns the process and its base URL.

    `source` is the source tree whose `yinqing` package runs (benchmarks compare another checkout).
    The server's output goes to `instance_dir / "server.log"`."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "YINQING_INSTANCE_DIR": str(instance_dir), "DATABASE_URL": database_url,
           "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    command = [sys.executable, "-m", "yinqing.cli", "serve", "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    log = open(instance_dir / "server.log", "w")  # noqa: SIM115 - the server writes to it until it stops
    proc = subprocess.Popen(command, env=env, cwd=source, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            if requests.get(base + "/api/health", timeout=1).ok:
                return proc, base
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start; see {instance_dir / 'server.log'}")
