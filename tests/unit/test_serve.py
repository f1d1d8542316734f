"""`yinqing serve` stops its background-job worker when it is stopped (no orphaned consumers)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.conftest import start_server


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.time() + seconds
    while time.time() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    return [p for p in pids if _alive(p)]


def test_sigterm_stops_the_worker(tmp_path):
    server = start_server(tmp_path / "instance")
    workers = _children(server.process.pid)
    assert workers, "serve started no worker"
    server.process.terminate()
    server.process.wait(timeout=30)
    assert _wait_gone(workers) == []


def test_sigkill_of_the_server_still_stops_the_worker(tmp_path):
    server = start_server(tmp_path / "instance")
    workers = _children(server.process.pid)
    assert workers
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    assert _wait_gone(workers) == []
