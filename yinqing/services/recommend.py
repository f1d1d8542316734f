"""Recommendations for users: GRU (sequence), UserCF and ItemCF, with reasons, cold start,
exclusions and 不感兴趣.

Data: the user x song matrix comes from playlist membership (a crawled playlist is a real
listening list by a real NetEase user), ratings (heart = 5, stars 0-5; score/5) and plays;
the ordered sequences (playlists, each user's plays and likes) train the GRU.

Models: the GRU is trained by ``train_models`` (CLI, background job) into a new versioned folder
under ``model_dir``; ``current`` names the version in use, switched atomically, so requests keep
using the previous model while a new one trains. The kNN models are rebuilt from the database
whenever the feedback changed (a fast full recompute, at most every few seconds), and every
request reads the user's LATEST history, so a heart shows in the next answer.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import bindparam, func, literal, select, union_all
from sqlalchemy.orm import Session

from yinqing.models import Artist, NotInterested, Play, Playlist, PlaylistTrack, Rating, Song, SongArtist
from yinqing.models.types import utcnow
from yinqing.recsys.data import Events, IdMap, ItemFeatures, TrainData, preference_matrix
from yinqing.recsys.diversity import diversify
from yinqing.recsys.knn import KNN
from yinqing.services.catalog import song_cards
from yinqing.services.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from yinqing.recsys.gru import GRU4Rec

log = logging.getLogger(__name__)

ALGORITHMS = ("gru", "usercf", "itemcf")
MAX_K = 100
HISTORY = 50          # the latest events a request reads
LIKED = 3             # stars from here on count as liking a song
KNN_REFRESH_S = 2.0   # rebuild the kNN models at most this often
KNN_CHECK_S = 0.5     # look for new feedback at most this often
SYNC_REBUILD = 300_000  # below this many interactions a stale kNN is rebuilt inside the request
RETRAIN_AFTER = 50    # new feedback events that make the GRU due for retraining
KEEP_VERSIONS = 3
POOL_PER_PLACE = 3    # model candidates per place of a row, for the diversity re-ranking
FILL_POOL = 40        # popular songs added behind them, so a row can be filled by other artists
# The GRU settings tuned on the NetEase playlists' validation split (the app's data are playlists
# and its users' likes; see README, "Recommender evaluation"): side information of each song
# (artist, album) and the sequential-rules prior.
GRU_PARAMS = {"loss": "ce", "hidden": 200, "n_sample": 128, "dropout_hidden": 0.3, "epochs": 10, "history": 20,
              "train_on": "sessions", "repeat": 0.0, "features": ["artist", "album"], "rules": 0.95}
ITEMCF_PARAMS = {"k": 100, "shrink": 20.0, "n_last": 10, "decay": 0.7}
USERCF_PARAMS = {"k": 50, "shrink": 10.0, "n_last": HISTORY, "decay": 0.95}

Progress = Callable[[float, str], None]

# Why a song is recommended: (song id, reason code, the song the reason names or None). The API
# sends the code (the UI translates it) and this Chinese sentence for clients that show text as sent.
Reasoned = tuple[int, str, int | None]
REASONS = {
    "because": "因为你喜欢《{name}》",
    "after": "接着你最近听的《{name}》",
    "similar_users": "和你口味相似的用户也喜欢",
    "similar": "与你喜欢的歌曲相似",
    "artist_popular": "你喜欢的歌手的热门歌曲",
    "popular": "热门歌曲",
    "same_playlists": "经常一起出现在歌单里",
    "same_artist": "同一歌手的热门歌曲",
}


# ------------------------------------------------------------------ data from the database

@dataclass
class Feedback:
    """The database's interactions as model inputs."""

    songs: IdMap
    data: TrainData
    user_row: dict[int, int]
    n_events: int


# The background kNN rebuild reads every interaction. Fetched in one piece, a million rows held the
# GIL for over a second, stalling every request the server was answering (measured on SQLite); so
# they are fetched in chunks and kept as arrays. Even so, the stream of short-lived rows set off
# full garbage collections of everything the server holds (0.1-0.2 s each, also under the GIL):
# during a rebuild those objects are frozen out of the collector (see ``_refresh``).
CHUNK = 10_000
UNKNOWN_TIME_STEP_MS = 1_000_000  # playlists of unknown time, 1,000 s apart from 1970 on: before any real one


def _columns(session: Session, stmt, kinds: str) -> list[np.ndarray]:
    """The statement's columns as arrays, ``CHUNK`` rows at a time. ``kinds``: one letter per
    column, "i" integer, "f" float, "t" datetime (as POSIX seconds)."""
    parts: list[list[np.ndarray]] = [[] for _ in kinds]
    for chunk in session.execute(stmt.execution_options(yield_per=CHUNK)).partitions():
        for column, kind, values in zip(parts, kinds, zip(*chunk), strict=True):
            if kind == "t":
                column.append(np.fromiter((t.timestamp() for t in values), np.float64, len(values)))
            else:
                column.append(np.array(values, dtype=np.int64 if kind == "i" else np.float64))
    return [np.concatenate(column) if column else np.zeros(0, dtype=np.int64 if kind == "i" else np.float64)
            for column, kind in zip(parts, kinds, strict=True)]


def _playlist_tracks(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """(playlist ids, song ids), by playlist and position."""
    return tuple(_columns(session, select(PlaylistTrack.playlist_id, PlaylistTrack.song_id)
                          .order_by(PlaylistTrack.playlist_id, PlaylistTrack.position), "ii"))


def _user_events(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(users, songs, weights, times) of likes/stars (score/5) and plays (1.0), by user, oldest first."""
    r_users, r_songs, scores, r_times = _columns(
        session, select(Rating.user_id, Rating.song_id, Rating.score, Rating.updated_at).where(Rating.score > 0), "ifft")
    p_users, p_songs, p_times = _columns(session, select(Play.user_id, Play.song_id, Play.played_at), "iit")
    users, songs = np.concatenate([r_users, p_users]), np.concatenate([r_songs, p_songs])
    weights, times = np.concatenate([scores / 5.0, np.ones(len(p_users))]), np.concatenate([r_times, p_times])
    order = np.lexsort((times, users))  # stable: a rating before a play of the same instant
    return users[order], songs[order], weights[order], times[order]


def load_feedback(session: Session) -> Feedback:
    """Build the song id map, sequences and the user x song preference matrix."""
    pids, track_songs = _playlist_tracks(session)
    users, event_songs, weights, _ = _user_events(session)
    raw = np.concatenate([track_songs, event_songs])
    uniq, first, inverse = np.unique(raw, return_index=True, return_inverse=True)
    by_appearance = np.argsort(first, kind="stable")
    songs = IdMap(uniq[by_appearance])  # indexes in order of first appearance
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[by_appearance] = np.arange(len(uniq))
    codes = rank[inverse]
    track_codes, event_codes = codes[: len(pids)], codes[len(pids):]
    playlists, playlist_rows = np.unique(pids, return_inverse=True)
    user_ids, user_rows = np.unique(users, return_inverse=True)
    user_rows = user_rows + len(playlists)
    liked = (weights >= LIKED / 5.0) | (weights == 1.0)
    seqs = _split_by(track_codes, pids) + _split_by(event_codes[liked], users[liked])
    owners = np.concatenate([np.arange(len(playlists)), np.unique(user_rows[liked])]).astype(np.int64)
    matrix = preference_matrix(np.concatenate([user_rows, playlist_rows]), np.concatenate([event_codes, track_codes]),
                               np.concatenate([np.where(weights == 1.0, np.log1p(weights), weights), np.ones(len(pids))]),
                               len(playlists) + len(user_ids), len(songs))
    data = TrainData(len(songs), seqs, owners, matrix.tocsr())
    user_row = {int(u): len(playlists) + i for i, u in enumerate(user_ids)}
    return Feedback(songs, data, user_row, len(pids) + len(users))


def _split_by(values: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """``values`` cut where the (grouped) ``keys`` change."""
    if not len(values):
        return []
    return np.split(values, np.flatnonzero(np.diff(keys)) + 1)


def database_events(session: Session) -> Events:
    """All interactions as an event table for ``yinqing evaluate``, in milliseconds: a playlist
    is a user (negative id) whose tracks happen at the playlist's creation time (else its last
    update), one millisecond apart in track order. Playlists of unknown time come first (the
    distant past), in id order (NetEase ids grow with time). They used to be numbered by id
    alone, so the test split held the largest ids whatever their real age."""
    pids, track_songs = _playlist_tracks(session)
    users, songs, _, times = _user_events(session)
    created = dict(session.execute(select(Playlist.id, func.coalesce(Playlist.create_time, Playlist.update_time))).all())
    first = np.r_[0, np.flatnonzero(np.diff(pids)) + 1] if len(pids) else np.zeros(0, dtype=np.int64)
    lengths = np.diff(np.r_[first, len(pids)])
    unknown = float(UNKNOWN_TIME_STEP_MS)
    starts = [created[p].replace(tzinfo=UTC).timestamp() * 1000 if created.get(p) else rank * unknown
              for rank, p in enumerate(pids[first].tolist())]
    positions = np.arange(len(pids)) - np.repeat(first, lengths)
    starts = np.repeat(np.array(starts, dtype=np.float64), lengths)
    track_times = (starts + positions).astype(np.int64)
    return Events(np.concatenate([-pids, users]), np.concatenate([-pids, users]), np.concatenate([track_songs, songs]),
                  np.concatenate([track_times, (times * 1000).astype(np.int64)]))


def song_features(session: Session) -> ItemFeatures:
    """Side information of every song for the GRU: its first artist (the id, or the name of a
    song crawled from a track list without artist ids) and its album."""
    artist: dict[int, object] = {}
    for song, artist_id in session.execute(select(SongArtist.song_id, SongArtist.artist_id)
                                           .order_by(SongArtist.song_id, SongArtist.position.desc())):
        artist[song] = artist_id  # the last written per song is position 0: the first artist
    album: dict[int, object] = {}
    for song, album_id, names in session.execute(select(Song.id, Song.album_id, Song.artist_names)):
        if album_id is not None:
            album[song] = album_id
        if song not in artist and names and names[0]:
            artist[song] = f"name:{names[0]}"
    return ItemFeatures({"artist": artist, "album": album})


def _signature(session: Session) -> tuple:
    """Changes whenever a rating, play or playlist is added, changed or removed. Cheap on
    big tables: index lookups (max id) rather than counting a million playlist tracks."""
    return (
        tuple(session.execute(select(func.count(Rating.id), func.max(Rating.updated_at), func.sum(Rating.score))).one()),
        session.scalar(select(func.max(Play.id))),
        tuple(session.execute(select(func.count(Playlist.id), func.max(Playlist.crawled_at))).one()),
    )


# ------------------------------------------------------------------ model state (per model dir)

@dataclass
class _Models:
    lock: threading.Lock = field(default_factory=threading.Lock)
    signature: tuple | None = None
    built_at: float = 0.0
    feedback: Feedback | None = None
    itemcf: KNN | None = None
    usercf: KNN | None = None
    rebuilding: bool = False
    checked_at: float = -1e9
    gru_version: str | None = None
    gru_mtime: float = -1.0
    gru: GRU4Rec | None = None
    gru_songs: IdMap | None = None


_STATE: dict[str, _Models] = {}
_STATE_LOCK = threading.Lock()


def _state(model_dir: Path) -> _Models:
    with _STATE_LOCK:
        return _STATE.setdefault(str(Path(model_dir).resolve()), _Models())


def _build_knn(state: _Models, feedback: Feedback, signature: tuple) -> None:
    itemcf = KNN("item", rows="sessions", **ITEMCF_PARAMS).fit(feedback.data)
    usercf = KNN("user", rows="users", **USERCF_PARAMS).fit(feedback.data)
    with state.lock:
        state.feedback, state.itemcf, state.usercf = feedback, itemcf, usercf
        state.signature, state.built_at = signature, time.monotonic()


def _refresh(state: _Models, session: Session) -> None:
    """Rebuild the kNN models if the feedback changed, at most every ``KNN_REFRESH_S``."""
    signature = _signature(session)
    recent = time.monotonic() - state.built_at < KNN_REFRESH_S
    if state.feedback is not None and (state.signature == signature or recent):
        return
    gc.freeze()  # see CHUNK; unfrozen afterwards, so nothing escapes collection for good
    try:
        _build_knn(state, load_feedback(session), signature)
    finally:
        gc.unfreeze()


def _refresh_in_background(state: _Models, bind) -> None:
    def work() -> None:
        try:
            with Session(bind) as own:
                _refresh(state, own)
        except Exception:  # the models in use keep serving; the next check retries
            log.exception("kNN refresh failed")
        finally:
            state.rebuilding = False

    with state.lock:  # one check or rebuild at a time, however many requests ask
        if state.rebuilding:
            return
        state.rebuilding = True
    threading.Thread(target=work, daemon=True, name="yinqing-knn-refresh").start()


def knn_models(session: Session, model_dir: Path) -> _Models:
    """The kNN models, rebuilt when the feedback changed. Small data: checked (three aggregate
    queries) and rebuilt inside the request. Above ``SYNC_REBUILD`` interactions both happen in a
    background thread while the previous models keep serving, so no request waits for them;
    until the first build is done ``feedback`` stays None and callers fall back."""
    state = _state(model_dir)
    now = time.monotonic()
    if state.feedback is not None and now - state.checked_at < KNN_CHECK_S:
        return state  # checked a moment ago
    state.checked_at = now
    if state.rebuilding:
        return state
    size = state.feedback.n_events if state.feedback is not None else _interaction_count(session)
    if size > SYNC_REBUILD:
        _refresh_in_background(state, session.get_bind())
    else:
        _refresh(state, session)
    return state


def _interaction_count(session: Session) -> int:
    return sum(session.scalar(select(func.count()).select_from(table)) or 0
               for table in (PlaylistTrack, Rating, Play))


def _current_version(model_dir: Path) -> tuple[str | None, float]:
    pointer = Path(model_dir) / "current"
    try:
        return pointer.read_text().strip() or None, pointer.stat().st_mtime
    except OSError:
        return None, -1.0


def gru_model(model_dir: Path) -> _Models:
    """The state with the GRU of the current version loaded (unchanged if already loaded).

    A missing or unreadable model leaves ``gru`` None: callers fall back with a message.
    """
    state = _state(model_dir)
    version, mtime = _current_version(model_dir)
    if version == state.gru_version and mtime == state.gru_mtime:
        return state
    folder = Path(model_dir) / str(version)
    from yinqing.recsys.gru import GRU4Rec  # torch loads on first use, not at server start

    try:
        meta = json.loads((folder / "meta.json").read_text())
        gru = GRU4Rec.from_bytes((folder / "gru.pt").read_bytes())
        songs = IdMap(np.array(meta["song_ids"], dtype=np.int64))
        if len(songs) != gru.n_items:
            raise ValueError("catalogue size does not match the model")
    except Exception:  # noqa: BLE001 - a missing, truncated or foreign file: serve without the GRU
        gru, songs = None, None
    with state.lock:
        state.gru, state.gru_songs, state.gru_version, state.gru_mtime = gru, songs, version, mtime
    return state


# ------------------------------------------------------------------ training

def model_info(model_dir: Path) -> dict | None:
    """The current GRU version's metadata, or None."""
    version, _ = _current_version(model_dir)
    try:
        meta = json.loads((Path(model_dir) / str(version) / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    meta.pop("song_ids", None)
    return meta


def needs_retraining(session: Session, model_dir: Path, min_new: int = RETRAIN_AFTER) -> bool:
    """True when no model exists or at least ``min_new`` feedback events arrived since it trained."""
    info = model_info(model_dir)
    total = (session.scalar(select(func.count(Rating.id))) or 0) + (session.scalar(select(func.count(Play.id))) or 0)
    tracks = session.scalar(select(func.count()).select_from(PlaylistTrack)) or 0
    if info is None:
        return total + tracks > 0
    return total + tracks - int(info.get("n_events", 0)) >= min_new


def train_models(session: Session, model_dir: Path, progress: Progress | None = None,
                 epochs: int | None = None) -> dict:
    """Train the GRU on every sequence in the database and publish it as a new version."""
    progress = progress or (lambda fraction, message="": None)
    progress(0.02, "读取交互数据 / loading interactions")
    feedback = load_feedback(session)
    if feedback.data.n_items < 2 or not any(len(s) >= 2 for s in feedback.data.sequences):
        raise Conflict("交互数据太少，无法训练（至少需要两首歌和一条有序序列）/ not enough interactions to train")
    params = dict(GRU_PARAMS, **({"epochs": epochs} if epochs else {}))
    from yinqing.recsys.gru import GRU4Rec

    model = GRU4Rec(**params)
    songs, data = _gru_catalogue(session, feedback)
    curve: list[dict] = []

    def epoch_done(epoch: int, total: int, loss: float, speed: float) -> None:
        curve.append({"epoch": epoch, "loss": round(loss, 4), "events_per_second": round(speed)})
        progress(0.05 + 0.9 * epoch / total, f"GRU 第 {epoch}/{total} 轮 loss={loss:.3f} ({speed:,.0f} 事件/秒)")

    model.fit(data, progress=epoch_done)
    version = _publish(Path(model_dir), model, songs, {"n_events": feedback.n_events, "params": params, "curve": curve})
    progress(1.0, f"模型 {version} 已发布 / published")
    return {"version": version, "songs": data.n_items, "events": feedback.n_events,
            "sequences": len(feedback.data.sequences), "events_per_second": round(model.events_per_second)}


def _gru_catalogue(session: Session, feedback: Feedback) -> tuple[IdMap, TrainData]:
    """The GRU's songs and training data: every song with interactions, then every other song
    whose artist or album is known (ranked through them, never heard in training), with the
    side information attached."""
    features = song_features(session)
    known = set(feedback.songs.ids.tolist())
    extra = sorted({s for values in features.fields.values() for s in values} - known)
    songs = IdMap(np.concatenate([feedback.songs.ids, np.array(extra, dtype=np.int64)]))
    data = TrainData(len(songs), feedback.data.sequences, feedback.data.seq_users,
                     item_features=features.codes(songs.ids))
    return songs, data


def _publish(model_dir: Path, model: GRU4Rec, songs: IdMap, info: dict) -> str:
    """Write a new version folder, then switch ``current`` to it atomically; prune old versions."""
    model_dir.mkdir(parents=True, exist_ok=True)
    version = utcnow().strftime("v%Y%m%d-%H%M%S-%f")
    folder = model_dir / version
    folder.mkdir()
    (folder / "gru.pt").write_bytes(model.to_bytes())
    meta = {"version": version, "created_at": utcnow().isoformat(), "n_songs": len(songs),
            "song_ids": songs.ids.tolist(), "events_per_second": model.events_per_second, **info}
    (folder / "meta.json").write_text(json.dumps(meta))
    tmp = model_dir / "current.tmp"
    tmp.write_text(version)
    os.replace(tmp, model_dir / "current")
    versions = sorted(p for p in model_dir.iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in versions[:-KEEP_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)
    return version


# ------------------------------------------------------------------ recommending

def _validate(algorithm: str, k: int) -> None:
    if algorithm not in ALGORITHMS:
        raise InvalidInput(f"未知的推荐算法 / unknown algorithm: {algorithm}", {"algorithm": [f"one of {ALGORITHMS}"]})
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k 需在 1–{MAX_K} 之间 / k must be 1-{MAX_K}", {"k": ["range"]})


_PLAYED, _HIDDEN = -1, -2  # the score column's marks for plays and 不感兴趣 in ``_FEEDBACK``


def _feedback_statement():
    """A user's ratings, latest ``HISTORY`` plays and 不感兴趣 as (song, score or mark, time)."""
    user = bindparam("user_id")
    plays = (select(Play.song_id, Play.played_at).where(Play.user_id == user)
             .order_by(Play.played_at.desc(), Play.id.desc()).limit(HISTORY).subquery())
    return union_all(
        select(Rating.song_id, Rating.score, Rating.updated_at).where(Rating.user_id == user),
        select(plays.c.song_id, literal(_PLAYED), plays.c.played_at),
        select(NotInterested.song_id, literal(_HIDDEN), NotInterested.created_at).where(NotInterested.user_id == user),
    )


_FEEDBACK = _feedback_statement()  # built once: building and keying it cost more than running it


def user_feedback(session: Session, user_id: int) -> tuple[list[int], set[int]]:
    """The user's history (latest liked (score >= 3) and played songs, oldest first) and the songs
    never to recommend to them (every rated song and every 不感兴趣), in one round trip."""
    rows = session.execute(_FEEDBACK, {"user_id": user_id}).all()
    liked = sorted((r for r in rows if r[1] >= LIKED), key=lambda r: r[2], reverse=True)[:HISTORY]
    events = sorted(liked + [r for r in rows if r[1] == _PLAYED], key=lambda r: r[2])[-HISTORY:]
    return [r[0] for r in events], {r[0] for r in rows if r[1] != _PLAYED}


def _ranked(scores: np.ndarray, songs: IdMap, exclude: set[int], k: int, positive_only: bool) -> list[int]:
    # A partial sort of the few hundred best: a full sort of a 100k-song catalogue costs ~10 ms.
    m = min(len(scores), k + len(exclude) + 50)
    best = np.argpartition(-scores, m - 1)[:m] if m < len(scores) else np.arange(len(scores))
    order = best[np.argsort(-scores[best], kind="stable")]
    picked = []
    for idx in order:
        if positive_only and scores[idx] <= 0:
            break
        song = int(songs.ids[idx])
        if song not in exclude:
            picked.append(song)
            if len(picked) == k:
                break
    return picked


def _cf_items(state: _Models, algorithm: str, history: list[int], exclude: set[int], k: int) -> list[Reasoned]:
    fb = state.feedback
    context = fb.songs.encode(history)
    context = context[context >= 0]
    if not len(context):
        return []
    model = state.itemcf if algorithm == "itemcf" else state.usercf
    picked = _ranked(model.score([context])[0], fb.songs, exclude, k, positive_only=True)
    if algorithm == "usercf":
        return [(s, "similar_users", None) for s in picked]
    because = model.explain(context, [fb.songs.index(song) for song in picked])
    return [(song, "because", int(fb.songs.ids[b])) if b >= 0 else (song, "similar", None)
            for song, b in zip(picked, because, strict=True)]


def _gru_items(state: _Models, history: list[int], exclude: set[int], k: int) -> list[Reasoned]:
    context = state.gru_songs.encode(history)
    context = context[context >= 0]
    if not len(context):
        return []
    ids = state.gru_songs.ids[state.gru.top_items(context, k + len(exclude))]
    picked = [int(s) for s in ids if int(s) not in exclude][:k]
    last = int(state.gru_songs.ids[context[-1]])
    return [(s, "after", last) for s in picked]


def popular_songs(session: Session, exclude: set[int], k: int, artist_ids: list[int] | None = None) -> list[int]:
    """The most popular songs (optionally by the given artists), skipping ``exclude``."""
    stmt = select(Song.id).where(Song.name.is_not(None))
    if artist_ids:
        stmt = stmt.join(SongArtist, SongArtist.song_id == Song.id).where(SongArtist.artist_id.in_(artist_ids))
    stmt = stmt.order_by(Song.popularity.desc(), Song.comment_total.desc(), Song.id).limit(k + len(exclude) + 10)
    return [s for s in dict.fromkeys(session.scalars(stmt)) if s not in exclude][:k]


def _taste_fill(session: Session, history: list[int], exclude: set[int], k: int) -> list[Reasoned]:
    """Popular songs by the artists of the user's history (the picked styles), then popular songs
    of everyone: several times ``k`` of them, since the top of a catalogue is often one artist's
    and the diversity rule lets only a few of theirs into a row."""
    artists = list(dict.fromkeys(session.scalars(
        select(SongArtist.artist_id).where(SongArtist.song_id.in_(history[-20:]))))) if history else []
    out = [(s, "artist_popular", None) for s in popular_songs(session, exclude, k, artists)] if artists else []
    taken = exclude | {s for s, _, _ in out}
    return out + [(s, "popular", None) for s in popular_songs(session, taken, 5 * k)]


def recommend(session: Session, user_id: int, algorithm: str, k: int, model_dir: Path) -> dict:
    """Top-k songs for a user by one algorithm, each with a reason; never an empty row while the
    catalogue has songs. Cold start (no history) answers popular songs and asks for onboarding."""
    _validate(algorithm, k)
    history, exclude = user_feedback(session, user_id)
    return {"algorithm": algorithm, "cold_start": not history,
            **recommend_for_history(session, history, exclude, algorithm, k, model_dir)}


def recommend_for_history(session: Session, history: list[int], exclude: set[int], algorithm: str, k: int,
                          model_dir: Path) -> dict:
    """Top-k songs after ``history`` (song ids, oldest first), skipping ``exclude``: the model's
    candidates, topped up with popular songs of the history's artists and then of everyone,
    re-ranked for artist diversity (``yinqing.recsys.diversity``). Returns the message, model
    version and the song cards with their reasons."""
    message, version = None, None
    items: list[Reasoned] = []
    pool = POOL_PER_PLACE * k  # candidates enough for the diversity rule to choose from
    if history:
        if algorithm == "gru":
            state = gru_model(model_dir)
            if state.gru is None:
                message = "GRU 模型尚未训练或已过期，暂用 ItemCF 推荐 / GRU model not ready: showing ItemCF"
                algorithm_used = "itemcf"
            else:
                algorithm_used, version = "gru", state.gru_version
                items = _gru_items(state, history, exclude, pool)
        else:
            algorithm_used = algorithm
        if not items:
            state = knn_models(session, model_dir)
            if state.feedback is None:
                message = "推荐模型正在构建中，先为你推荐热门歌曲 / models are being built: popular songs for now"
            else:
                items = _cf_items(state, algorithm_used, history, exclude, pool)
    artists = artist_keys(session, [s for s, _, _ in items])
    row = diversify(items, lambda item: artists.get(item[0], ()), k)
    if len(row) < k:  # the popular fill (several queries) only where the model's songs run short
        taken = exclude | {s for s, _, _ in items}
        fill = _taste_fill(session, history, taken, pool + FILL_POOL)
        artists.update(artist_keys(session, [s for s, _, _ in fill]))  # the candidates' are known
        row = diversify(items + fill, lambda item: artists.get(item[0], ()), k)
    items = row
    # Every rated song is excluded, so no card has a rating to look up (``my_rating`` stays None).
    return {"message": message, "model_version": version, "items": _with_cards(session, None, items)}


CHART_ROWS_TTL_S = 60.0
_chart_rows_cache: dict[tuple, tuple[float, list[dict]]] = {}
CHART_ROW_KEYS = (("gru", "rnn"), ("usercf", "usercf"), ("itemcf", "itemcf"))


def chart_rows(session: Session, model_dir: Path, k: int, titles: dict[str, str]) -> list[dict]:
    """The home page's recommender rows: each algorithm's answer to a listener whose history is
    the top of the charts (``chart_history``); popular songs (``placeholder``) while no chart is
    crawled or the models are not built. The same for every visitor, so kept for
    ``CHART_ROWS_TTL_S`` (per process: a cache, not state)."""
    key = (str(model_dir), k, _current_version(model_dir)[0])
    cached = _chart_rows_cache.get(key)
    if cached and time.monotonic() < cached[0]:
        return cached[1]
    history = chart_history(session)
    rows = []
    for algorithm, row_key in CHART_ROW_KEYS:
        result = recommend_for_history(session, history, set(history), algorithm, k, model_dir)
        note = result["message"] or ("根据排行榜推荐" if history else "暂无排行榜，先展示热门歌曲")
        rows.append({"key": row_key, "title": titles[row_key], "placeholder": not history or bool(result["message"]),
                     "note": note, "seed": "charts" if history else "popular",
                     "songs": [item["song"] for item in result["items"]]})
    _chart_rows_cache.clear()  # one entry: an older version's rows are of no use
    _chart_rows_cache[key] = (time.monotonic() + CHART_ROWS_TTL_S, rows)
    return rows


def artist_keys(session: Session, song_ids: list[int]) -> dict[int, set]:
    """Each song's artists for the diversity rule: artist ids, or the artist names of a song
    crawled without ids (a partial song from a track list)."""
    keys: dict[int, set] = {}
    if not song_ids:
        return keys
    unique = list(dict.fromkeys(song_ids))
    for song, artist in session.execute(select(SongArtist.song_id, SongArtist.artist_id)
                                        .where(SongArtist.song_id.in_(unique))):
        keys.setdefault(song, set()).add(artist)
    missing = [s for s in unique if s not in keys]
    if missing:
        for song, names in session.execute(select(Song.id, Song.artist_names).where(Song.id.in_(missing))):
            keys[song] = {f"name:{n}" for n in names or () if n}
    return keys


def chart_history(session: Session, limit: int = 20) -> list[int]:
    """The seed of the logged-out home rows: the top of the charts (toplists), a few songs of
    each chart in turn, oldest first as a history is read (so the charts' No. 1s weigh most)."""
    charts = list(session.scalars(select(Playlist.id).where(Playlist.is_toplist.is_(True)).order_by(Playlist.id)))
    if not charts:
        return []
    rows = session.execute(select(PlaylistTrack.playlist_id, PlaylistTrack.song_id)
                           .where(PlaylistTrack.playlist_id.in_(charts), PlaylistTrack.position < limit)
                           .order_by(PlaylistTrack.position, PlaylistTrack.playlist_id)).all()
    return list(reversed(list(dict.fromkeys(song for _, song in rows))[:limit]))


def _with_cards(session: Session, user_id: int | None, items: list[Reasoned]) -> list[dict]:
    """Song cards with their reasons: a code the UI translates, the song the reason names (if
    any), and the Chinese sentence for clients that show the text as sent."""
    named = [ref for _, _, ref in items if ref is not None]
    # The songs the reasons name come with the cards: one query fewer.
    cards = {c["id"]: c for c in song_cards(session, list(dict.fromkeys([s for s, _, _ in items] + named)), user_id)}
    out = []
    for song, code, ref in items:
        if song not in cards:
            continue  # a song deleted since the model was built
        name = cards[ref]["name"] if ref in cards else None
        out.append({"song": cards[song], "reason": REASONS[code].format(name=name or "某首歌"),
                    "reason_code": code, "reason_song": {"id": ref, "name": name} if ref is not None else None})
    return out


def mark_not_interested(session: Session, user_id: int, song_id: int) -> dict:
    """Hide a song from this user's recommendations for good (idempotent)."""
    if session.get(Song, song_id) is None:
        raise NotFound("歌曲不存在 / song not found")
    if session.get(NotInterested, (user_id, song_id)) is None:
        session.add(NotInterested(user_id=user_id, song_id=song_id))
        session.flush()
    return {"song_id": song_id, "not_interested": True}


def similar_songs(session: Session, song_id: int, k: int, model_dir: Path, user_id: int | None = None) -> dict:
    """Songs similar to one song by ItemCF; popular songs by the same artists when it has none."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k 需在 1–{MAX_K} 之间 / k must be 1-{MAX_K}", {"k": ["range"]})
    if session.get(Song, song_id) is None:
        raise NotFound("歌曲不存在 / song not found")
    state = knn_models(session, model_dir)
    idx = state.feedback.songs.index(song_id) if state.feedback is not None else -1
    items = [(int(state.feedback.songs.ids[j]), "same_playlists", None)
             for j, _ in state.itemcf.neighbours_of(idx, k)] if idx >= 0 else []
    if len(items) < k:
        artists = list(session.scalars(select(SongArtist.artist_id).where(SongArtist.song_id == song_id)))
        taken = {song_id} | {s for s, _, _ in items}
        items += [(s, "same_artist", None)
                  for s in popular_songs(session, taken, k - len(items), artists)] if artists else []
    return {"song_id": song_id, "items": _with_cards(session, user_id, items)}


def onboarding_options(session: Session, k: int = 12) -> dict:
    """Popular songs and artists for a new user to pick from."""
    songs = popular_songs(session, set(), k)
    artist_rows = session.execute(
        select(Artist.id, Artist.name, Artist.pic_url, func.count(SongArtist.song_id).label("n"))
        .join(SongArtist, SongArtist.artist_id == Artist.id).where(Artist.name.is_not(None))
        .group_by(Artist.id, Artist.name, Artist.pic_url).order_by(func.count(SongArtist.song_id).desc(), Artist.id)
        .limit(k)).all()
    return {"songs": song_cards(session, songs),
            "artists": [{"id": a, "name": n, "pic_url": p} for a, n, p, _ in artist_rows]}


def apply_onboarding(session: Session, user_id: int, song_ids: list[int], artist_ids: list[int]) -> dict:
    """Heart the picked songs and the most popular song of each picked artist."""
    from yinqing.services.feedback import HEART, set_rating

    known = set(session.scalars(select(Song.id).where(Song.id.in_(song_ids)))) if song_ids else set()
    picked = [s for s in dict.fromkeys(song_ids) if s in known]
    for artist in dict.fromkeys(artist_ids):
        top = popular_songs(session, set(picked), 1, [artist])
        picked += top
    if not picked:
        raise InvalidInput("请至少选择一首歌或一位歌手 / pick at least one known song or artist",
                           {"song_ids": ["empty"], "artist_ids": ["empty"]})
    for song in picked:
        set_rating(session, user_id, song, HEART, "heart")
    return {"hearted": picked}
