"""Avatar uploads and server memory: how much resident memory 8 concurrent worst-case uploads add.

The worst case is a small PNG (about 131 KB) that declares a 6300x6300 canvas: decoded in full it
needs 119 MB as RGB and 159 MB more as RGBA, per request. The benchmark starts `yinqing serve`
(waitress, 8 threads, no job worker) on a fresh SQLite database on loopback, sends one small
upload to warm up, resets the process's peak-RSS counter (/proc/PID/clear_refs), sends the
uploads at once from N users and reads the peak (VmHWM) minus the resident memory before.
The baseline in the same run is the same measurement with ordinary 800x600 photos; the largest
canvas still accepted (4096x4096) is measured too.

    .venv/bin/python bench/avatar_memory.py [--concurrent 8] [--compare-source DIR]

`--compare-source DIR` measures another checkout too (for example the parent commit, exported
with `git archive HEAD~1 | tar -x -C DIR`), in the same run. Target: under 300 MB added.
Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.liveserver import start_server

# Generous limits: the benchmark measures memory, not the rate limiter.
SERVER_ENV = {"LOGIN_RATE_LIMIT": "1000 per minute", "REGISTER_RATE_LIMIT": "1000 per minute"}


def png(width: int, height: int, noise: bool = False) -> bytes:
    """A PNG of the given canvas: flat colour compresses a huge canvas into a small file."""
    image = Image.effect_noise((width, height), 64).convert("RGB") if noise else Image.new("RGB", (width, height), (40, 90, 160))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def migrate(source: Path, database_url: str) -> None:
    """Create the schema with the migrations of the tree under test (it may be an older checkout)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "yinqing.cli", "db", "upgrade"], cwd=source, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def register(base: str, n: int) -> list[dict]:
    headers = []
    for i in range(n):
        r = requests.post(f"{base}/api/auth/register", timeout=30,
                          json={"username": f"bench_avatar_{i}", "password": "bench-Avatar-pass-7"})
        r.raise_for_status()
        headers.append({"Authorization": f"Bearer {r.json()['token']}"})
    return headers


def upload(base: str, headers: dict, data: bytes) -> int:
    files = {"file": ("avatar.png", data, "image/png")}
    return requests.post(f"{base}/api/users/me/avatar", headers=headers, files=files, timeout=120).status_code


def measure(base: str, pid: int, users: list[dict], data: bytes) -> tuple[float, list[int]]:
    """MB of resident memory the concurrent uploads added at their peak, and the status codes."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = rss_kb(pid, "VmRSS")
    with ThreadPoolExecutor(len(users)) as pool:
        codes = list(pool.map(lambda h: upload(base, h, data), users))
    return (rss_kb(pid, "VmHWM") - before) / 1024, codes


def run_tree(source: Path, n: int, bomb: bytes, photo: bytes, largest: bytes) -> dict:
    """Start a server from `source`, measure the photo baseline, the worst case and the largest accepted canvas."""
    with tempfile.TemporaryDirectory(prefix="yq-avatar-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        url = f"sqlite:///{instance / 'bench.db'}"
        migrate(source, url)
        proc, base = start_server(url, instance, SERVER_ENV, source=source)
        try:
            users = register(base, n)
            upload(base, users[0], png(64, 64))  # warm-up: imports and first-use allocations
            time.sleep(0.5)
            photo_mb, photo_codes = measure(base, proc.pid, users, photo)
            bomb_mb, bomb_codes = measure(base, proc.pid, users, bomb)
            largest_mb, largest_codes = measure(base, proc.pid, users, largest)
            files = len(list((instance / "avatars").glob("*.png")))
            return {"photo_mb": photo_mb, "photo_codes": photo_codes, "bomb_mb": bomb_mb, "bomb_codes": bomb_codes,
                    "largest_mb": largest_mb, "largest_codes": largest_codes, "avatar_files": files, "users": n}
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def report(name: str, r: dict) -> None:
    print(f"{name}: {r['users']} concurrent 800x600 photos add {r['photo_mb']:.0f} MB (codes {sorted(set(r['photo_codes']))}); "
          f"{r['users']} concurrent 6300x6300 PNGs add {r['bomb_mb']:.0f} MB (codes {sorted(set(r['bomb_codes']))}), "
          f"{r['bomb_mb'] / max(r['photo_mb'], 1):.1f}x the photo baseline; {r['users']} concurrent 4096x4096 PNGs "
          f"(the largest accepted canvas) add {r['largest_mb']:.0f} MB (codes {sorted(set(r['largest_codes']))}); "
          f"avatar files on disk: {r['avatar_files']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--compare-source", type=Path, help="another checkout to measure in the same run")
    args = parser.parse_args()
    bomb, photo, largest = png(6300, 6300), png(800, 600, noise=True), png(4096, 4096)
    print(f"worst-case upload: {len(bomb) / 1024:.0f} KB PNG, 6300x6300 canvas; photo: {len(photo) / 1024:.0f} KB")
    if args.compare_source:
        report(f"compare ({args.compare_source})", run_tree(args.compare_source.resolve(), args.concurrent, bomb, photo, largest))
    result = run_tree(ROOT, args.concurrent, bomb, photo, largest)
    report("this tree", result)
    print(f"target: under 300 MB added -> {'met' if result['bomb_mb'] < 300 else 'MISSED'}")


if __name__ == "__main__":
    main()
