"""Recommender benchmark: quality on real data, speed of training, rebuilds and HTTP answers.

Quality (the README's "Recommender evaluation" tables): every method is tuned on a validation
split and evaluated once on the test split, next-item prediction ranked over the FULL catalogue.

- 30Music: train on `30music-200ks_test.0-2`, test on `.3` (consecutive 5-day slices of 2014);
  validation = train on .0-.1, validate on .2.
- NetEase playlists: all playlist files in ../shared/data/interactions; 10% of the playlists are
  held out and each next track is predicted from the playlist's prefix; validation likewise.

Speed (2-core CPU, no GPU; every figure printed next to a baseline measured in the same run):

- GRU training events/s on 1M synthetic events over 100k songs (baseline: fitting sequential
  rules on the same events); target >= 10,000 events/s.
- ItemCF rebuild on 1M interactions (baseline: building the sparse matrix); target < 30 s.
- Recommendation latency p50/p99 through the real server (waitress) with 100k songs and 1M
  playlist tracks, per algorithm, against `GET /api/health`; target p99 < 50 ms.

    .venv/bin/python bench/recsys.py [--skip-quality] [--skip-speed] [--events 1000000] [--requests 300]
        [--only gru,itemcf,http]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.liveserver import start_server
from yinqing.config import Settings
from yinqing.recsys.baselines import SequentialRules
from yinqing.recsys.data import TrainData, read_playlists, read_session_artists, read_song_features
from yinqing.recsys.evaluate import format_table, with_features
from yinqing.recsys.gru import GRU4Rec
from yinqing.recsys.knn import KNN
from yinqing.recsys.train import playlist_splits, run_comparison, sessions_splits

DATA = Settings().shared_data_dir / "interactions"
PLAYLIST_FILES = ["music163-mining_songlist2songs.train.txt", "MusicRecSys_ids_all.txt",
                  "MusicRecSys_pl_sing_id.txt", "music_recommend_popular_music_suprise_format1.txt"]
RESULTS = ROOT / "bench" / "results"
MIRROR_SONGS = Settings().shared_data_dir / "netease" / "mirror" / "songs.jsonl"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load} at start")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- quality

# Smaller grids for --quick (around the settings the full grids chose on 30Music).
QUICK_GRIDS = {
    "SR": [{"window": 3, "n_last": 3, "decay": 0.5}, {"window": 10, "n_last": 3, "decay": 0.5}],
    "ItemKNN": [{"k": 100, "shrink": 20.0, "n_last": 3, "decay": 0.5}, {"k": 100, "shrink": 20.0, "n_last": 10, "decay": 0.5}],
    "SKNN": [{"k": 50, "n_last": 5, "decay": 0.5}, {"k": 50, "n_last": 5, "decay": 0.9}, {"k": 50, "n_last": 20, "decay": 0.9}],
    "UserKNN": [{"k": 100, "shrink": 10.0, "n_last": 200}],
}


def _coverage(split, features) -> str:
    """Side-information coverage of the training events (the share of plays whose song has it)."""
    played = split.items.ids[np.concatenate(split.train.sequences)]
    return "side information on " + ", ".join(f"{name} {share:.1%}" for name, share in features.coverage(played).items())


# The GRU candidates per data set: the settings each chose before (100 units / 5 epochs / repeat
# 0.2 on 30Music; 200 units / 10 epochs on the playlists), with and without the side information,
# each scored with several weights of the sequential-rules prior (no extra fit). The full
# METHODS grid crosses both settings with both data sets: twice the fits, for candidates that
# lost on validation before.
GRIDS = {
    "30music": {"GRU4Rec": [{"hidden": 100, "epochs": 5, "repeat": 0.2, "features": f, "rules": r}
                            for f in ([], ["artist", "album"]) for r in (0.0, 0.3)]},
    "playlists": {"GRU4Rec": [{"hidden": 200, "epochs": 10, "repeat": 0.0, "features": f, "rules": r}
                              for f in ([], ["artist", "album"]) for r in (0.0, 0.5, 0.7, 0.9, 0.95)]},
}


def quality(methods: list[str] | None, datasets: list[str], valid_cases: int, quick: bool) -> dict:
    """The evaluation tables (30Music sessions, NetEase playlists)."""
    out = {}
    if "30music" in datasets:
        files = [str(DATA / f"30music-200ks_test.{i}.txt") for i in range(3)]
        valid, test = sessions_splits(files, str(DATA / "30music-200ks_test.3.txt"))
        features = read_session_artists([*files, DATA / "30music-200ks_test.3.txt"])
        features.fields["album"] = {}  # 30Music names no albums
        log(f"30Music: {test.train.n_events} training events, {test.train.n_items} songs, "
            f"{len(test.targets)} test cases; {_coverage(test, features)}")
        out["30music"] = run_comparison(with_features(valid, features), with_features(test, features), methods,
                                        valid_cases, log, {**(QUICK_GRIDS if quick else {}), **GRIDS["30music"]})
    if "playlists" in datasets:
        playlists = read_playlists([DATA / f for f in PLAYLIST_FILES])
        valid, test = playlist_splits(playlists)
        features = read_song_features(MIRROR_SONGS)
        log(f"NetEase playlists: {len(playlists)} playlists, {test.train.n_items} songs, "
            f"{len(test.targets)} test cases; {_coverage(test, features)}")
        out["playlists"] = run_comparison(with_features(valid, features), with_features(test, features), methods,
                                          valid_cases, log, {**(QUICK_GRIDS if quick else {}), **GRIDS["playlists"]})
    for name, rows in out.items():
        print(f"\n### {name}\n\n{format_table(rows)}\n")
    return out


# ---------------------------------------------------------------- synthetic data for speed

def synthetic_sequences(n_events: int, n_items: int, length: int = 100, seed: int = 0) -> list[np.ndarray]:
    """Playlist-like sequences: 70% of a list's songs from one of 1,000 taste clusters, 30% from
    a long-tailed global popularity (rank^-0.8)."""
    rng = np.random.default_rng(seed)
    n_seqs = n_events // length
    weights = 1.0 / np.arange(1, n_items + 1) ** 0.8
    cdf = np.cumsum(weights) / weights.sum()
    cluster_size = n_items // 1000
    seqs = []
    for _ in range(n_seqs):
        base = rng.integers(1000) * cluster_size
        local = base + rng.integers(cluster_size, size=length)
        popular = np.minimum(np.searchsorted(cdf, rng.random(length)), n_items - 1)
        seqs.append(np.where(rng.random(length) < 0.7, local, popular).astype(np.int64))
    return seqs


def speed_training(n_events: int) -> dict:
    """GRU events/s (one epoch) against fitting sequential rules, same events."""
    seqs = synthetic_sequences(n_events, 100_000)
    # Side information as the app has it: 10 songs an artist, 5 an album.
    items = np.arange(100_000)
    data = TrainData(100_000, seqs, np.arange(len(seqs)), item_features={"artist": items // 10, "album": items // 5})
    started = time.perf_counter()
    SequentialRules(window=10).fit(data)
    sr_rate = data.n_events / (time.perf_counter() - started)
    from yinqing.services.recommend import GRU_PARAMS

    model = GRU4Rec(**dict(GRU_PARAMS, epochs=1))  # the app's settings
    started = time.perf_counter()
    model.fit(data, progress=lambda e, n, loss, speed: log(f"  GRU epoch {e}: loss {loss:.3f}, {speed:,.0f} events/s"))
    seconds = time.perf_counter() - started
    # The previous shipped settings (100 units, no side information) on the same events.
    before = GRU4Rec(epochs=1).fit(data)
    return {"events": data.n_events, "gru_epoch_s": seconds, "gru_events_per_s": model.events_per_second,
            "sr_fit_events_per_s": sr_rate, "ratio_gru_to_sr": model.events_per_second / sr_rate,
            "gru_100_units_no_features_events_per_s": before.events_per_second,
            "ratio_to_100_units_no_features": model.events_per_second / before.events_per_second}


def speed_itemcf(n_events: int) -> dict:
    """ItemCF rebuild on 1M interactions against building the sparse matrix itself."""
    seqs = synthetic_sequences(n_events, 100_000, seed=1)
    data = TrainData(100_000, seqs, np.arange(len(seqs)))
    started = time.perf_counter()
    data.session_items()
    matrix_s = time.perf_counter() - started
    started = time.perf_counter()
    KNN("item", k=100, shrink=20.0).fit(data)
    rebuild_s = time.perf_counter() - started
    return {"interactions": data.n_events, "itemcf_rebuild_s": rebuild_s, "matrix_build_s": matrix_s,
            "ratio": rebuild_s / matrix_s}


# ---------------------------------------------------------------- latency through the real server

def seed_database(url: str, n_songs: int, n_events: int) -> None:
    """100k songs and 1M playlist tracks (10k playlists of 100 songs), bulk-inserted."""
    from yinqing.db import make_engine
    from yinqing.models import Playlist, PlaylistTrack, Song

    engine = make_engine(url)
    song_ids = np.arange(1, n_songs + 1) + 1_000_000
    with engine.begin() as conn:
        for start in range(0, n_songs, 20_000):
            conn.execute(insert(Song), [{"id": int(s), "name": f"歌曲 {s}", "popularity": float(n_songs - i),
                                        "aliases": [], "translated_names": [], "artist_names": [], "is_partial": False}
                                       for i, s in enumerate(song_ids[start:start + 20_000], start)])
        seqs = synthetic_sequences(n_events, n_songs, seed=2)
        conn.execute(insert(Playlist), [{"id": 10_000_000 + i, "name": f"歌单 {i}", "tags": []}
                                        for i in range(len(seqs))])
        rows = [{"playlist_id": 10_000_000 + i, "position": p, "song_id": int(song_ids[s])}
                for i, seq in enumerate(seqs) for p, s in enumerate(dict.fromkeys(seq.tolist()))]
        for start in range(0, len(rows), 50_000):
            conn.execute(insert(PlaylistTrack), rows[start:start + 50_000])
    engine.dispose()


def publish_small_gru(url: str, model_dir: Path) -> None:
    """A GRU over the whole catalogue, trained briefly (latency does not depend on its quality)."""
    from yinqing.db import make_engine, make_sessionmaker
    from yinqing.services import recommend

    with make_sessionmaker(make_engine(url))() as session:
        feedback = recommend.load_feedback(session)
        songs, data = recommend._gru_catalogue(session, feedback)
    params = dict(recommend.GRU_PARAMS, epochs=1)  # the shipped settings, one epoch: the serving cost is the same
    model = GRU4Rec(**params).fit(data)
    recommend._publish(model_dir, model, songs, {"n_events": feedback.n_events, "params": params,
                                                 "note": "latency benchmark"})






def percentiles(http: requests.Session, url: str, headers: dict, count: int, server_pid: int) -> dict:
    """p50/p99 of ``count`` sequential requests, and the server's CPU time per request (less
    sensitive to the other processes on the machine than the wall times)."""
    times = []
    cpu_before = server_cpu_ms(server_pid)
    for _ in range(count):
        started = time.perf_counter()
        r = http.get(url, headers=headers, timeout=120)
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
    cpu = server_cpu_ms(server_pid)
    times.sort()
    return {"p50_ms": statistics.median(times), "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))],
            "server_cpu_ms_per_request": (cpu - cpu_before) / count if cpu is not None else None}


def server_cpu_ms(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def during_rebuild(http: requests.Session, base: str, headers: dict, seconds: float) -> dict:
    """ItemCF answers while a new heart makes the server rebuild the kNN models in its background
    thread (for about as long as the first build took)."""
    http.put(f"{base}/api/songs/1000011/rating", json={"score": 5, "source": "heart"}, headers=headers)
    time.sleep(0.6)  # past the interval between checks for new feedback: the next request starts one
    times, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        http.get(f"{base}/api/recommend?algorithm=itemcf&k=10", headers=headers, timeout=120).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"requests": len(times), "p50_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))], "max_ms": times[-1]}


def speed_http(n_songs: int, n_events: int, count: int) -> dict:
    from yinqing.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="yq-bench-recsys-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        url = f"sqlite:///{instance / 'yinqing.db'}"
        upgrade(url)
        started = time.perf_counter()
        seed_database(url, n_songs, n_events)
        log(f"  seeded {n_songs} songs, ~{n_events} playlist tracks in {time.perf_counter() - started:.0f}s")
        publish_small_gru(url, instance / "models" / "recsys")
        proc, base = start_server(url, instance, {"LOGIN_RATE_LIMIT": "1000 per minute", "REGISTER_RATE_LIMIT": "1000 per minute"})
        try:
            http = requests.Session()
            r = http.post(base + "/api/auth/register", json={"username": "bench", "password": "bench-pass-123"})
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
            for song in range(1_000_001, 1_000_011):
                http.put(f"{base}/api/songs/{song}/rating", json={"score": 5, "source": "heart"}, headers=headers)
            started = time.perf_counter()
            # Above SYNC_REBUILD interactions the kNN models are built in a background thread while
            # requests get popular songs: wait for them, or the timings measure the build.
            while http.get(base + "/api/recommend?algorithm=itemcf&k=10", headers=headers,
                           timeout=600).json()["message"] is not None:
                time.sleep(1)
            build_s = time.perf_counter() - started
            log(f"  kNN models ready (loads 1M interactions, builds UserCF/ItemCF): {build_s:.1f}s")
            out: dict = {"load_average_before": os.getloadavg(), "knn_build_s": build_s}
            # The first GRU answer loads torch and the model: timed on its own, not in the percentiles.
            started = time.perf_counter()
            http.get(base + "/api/recommend?algorithm=gru&k=10", headers=headers, timeout=120).raise_for_status()
            out["gru_first_request_ms"] = (time.perf_counter() - started) * 1000
            out["health"] = percentiles(http, base + "/api/health", {}, count, proc.pid)
            for algorithm in ("gru", "usercf", "itemcf"):
                out[algorithm] = percentiles(http, f"{base}/api/recommend?algorithm={algorithm}&k=10", headers,
                                             count, proc.pid)
                for stat in ("p50", "p99"):
                    out[algorithm][f"{stat}_ratio_to_health"] = out[algorithm][f"{stat}_ms"] / out["health"][f"{stat}_ms"]
            out["itemcf_during_rebuild"] = during_rebuild(http, base, headers, build_s)
            out["load_average_after"] = os.getloadavg()
            return out
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--methods", default=None, help="comma-separated subset of the evaluated methods")
    parser.add_argument("--valid-cases", type=int, default=4000, help="validation cases used for tuning")
    parser.add_argument("--quick", action="store_true", help="smaller tuning grids for the kNN baselines")
    parser.add_argument("--datasets", default="30music,playlists", help="comma-separated: 30music, playlists")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--train-events", type=int, default=None, help="events for the GRU speed run (default --events)")
    parser.add_argument("--songs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default="gru,itemcf,http", help="comma-separated speed parts: gru, itemcf, http")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    report: dict = {"machine": machine()}
    if not args.skip_quality:
        methods = args.methods.split(",") if args.methods else None
        report["quality"] = quality(methods, args.datasets.split(","), args.valid_cases, args.quick)
    parts = set(args.only.split(",")) if not args.skip_speed else set()
    if "gru" in parts:
        report["training"] = speed_training(args.train_events or args.events)
        print("GRU training:", json.dumps(report["training"]))
    if "itemcf" in parts:
        report["itemcf"] = speed_itemcf(args.events)
        print("ItemCF rebuild:", json.dumps(report["itemcf"]))
    if "http" in parts:
        report["http"] = speed_http(args.songs, args.events, args.requests)
        print("HTTP latency:", json.dumps(report["http"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"recsys-{int(time.time())}.json").write_text(json.dumps(report, indent=2, default=float, ensure_ascii=False))


if __name__ == "__main__":
    main()
