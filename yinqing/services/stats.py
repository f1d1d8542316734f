"""Dashboard statistics: SQL aggregates per chart, filters, and the precomputed tables behind them.

How it stays fast:
- every chart is one or two GROUP BY queries; nothing loads all songs or comments per request;
- `song_stats` is a narrow per-song fact table (release date in China time, duration, popularity,
  fee, availability, album, comment and sentiment counts, cover class) rebuilt by
  `refresh_stats(session)` after each crawl or analysis job; song charts read only it;
- unfiltered chart payloads and word-cloud term lists are cached in `stats_cache` (TTL
  `CACHE_TTL`); `refresh_stats` clears and re-warms them. Filtered charts run their SQL over
  `song_stats` and are kept in a bounded in-process LRU keyed by the last refresh.

So the charts show the catalogue as of the last `refresh_stats` (overview counts: at most
CACHE_TTL older). Dates are in China time (Asia/Shanghai, UTC+8): NetEase dates a release at local
midnight, which is 16:00 of the previous day in the UTC the database stores.
"""

from __future__ import annotations

import heapq
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from yinqing.config import Settings
from yinqing.models import (
    Album,
    Artist,
    Comment,
    Lyric,
    Playlist,
    PlaylistTrack,
    Song,
    SongArtist,
    SongStats,
    StatsCache,
    User,
)
from yinqing.models.types import utcnow
from yinqing.services.errors import InvalidInput, NotFound
from yinqing.services.ingest import upsert_rows
from yinqing.text import wordcloud

YEAR_MIN, YEAR_MAX = 1900, 2100
CACHE_TTL = timedelta(minutes=10)
# Filtered chart payloads kept per process (bounded: any filter combination can be asked for).
FILTERED_CACHE_SIZE = 256
_FILTERED: OrderedDict[tuple, tuple[float, dict]] = OrderedDict()
_FILTERED_LOCK = threading.Lock()
LOCAL_OFFSET = timedelta(hours=8)
REFRESHED_KEY = "meta:refreshed"
CHUNK = 2000
# Word clouds read at most this many documents per scope (the most-liked comments first): term
# shares settle long before that, and jieba costs ~0.5 ms per comment and ~7 ms per lyric.
CLOUD_DOCS = {("comments", "all"): 8000, ("comments", "artist"): 3000, ("comments", "song"): 3000,
              ("lyrics", "all"): 1500, ("lyrics", "artist"): 300, ("lyrics", "song"): 1}
CLOUD_TERMS = 200

FEE_CLASSES = {0: "free", 1: "vip", 4: "album", 8: "free_low"}
DURATION_EDGES_S = [60, 120, 180, 240, 300, 360, 480, 600]
ALBUM_SIZE_EDGES = [1, 5, 10, 15, 20, 30]
# Title/alias markers of a cover version (case-insensitive): the word "cover" (not "Discover"),
# "翻唱", "翻自", "原唱：".
COVER_MARKERS = re.compile(r"(?<![a-z])cover(?![a-z])|翻唱|翻自|原唱\s*[:：]", re.IGNORECASE)
COVER_RULE = ("originCoverType 1 = original, 2 = cover; otherwise a song with originSongSimpleData, or whose "
              "title/alias/translated title contains the word 'cover', '翻唱', '翻自' or '原唱：', is a cover; the rest "
              "is unknown")


@dataclass(frozen=True)
class Filters:
    """Song filters shared by the charts: release-year range (China time), artist, playlist/toplist."""

    year_from: int | None = None
    year_to: int | None = None
    artist_id: int | None = None
    playlist_id: int | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())


def check_filters(session: Session, f: Filters) -> None:
    """Refuse years outside 1900-2100 or inverted ranges (422) and unknown artists/playlists (404)."""
    errors = {}
    for name in ("year_from", "year_to"):
        value = getattr(f, name)
        if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
            errors[name] = [f"year must be between {YEAR_MIN} and {YEAR_MAX}"]
    if not errors and f.year_from is not None and f.year_to is not None and f.year_from > f.year_to:
        errors["year_to"] = ["year_to must not be before year_from"]
    if errors:
        raise InvalidInput("年份范围无效 / invalid year range", errors)
    if f.artist_id is not None and session.get(Artist, f.artist_id) is None:
        raise NotFound("歌手不存在 / artist not found", {"artist_id": ["unknown artist"]})
    if f.playlist_id is not None and session.get(Playlist, f.playlist_id) is None:
        raise NotFound("歌单不存在 / playlist not found", {"playlist_id": ["unknown playlist"]})


def _song_where(f: Filters) -> list:
    """WHERE clauses on `song_stats` (the per-song fact table) for the filters."""
    clauses = []
    if f.year_from is not None:
        clauses.append(SongStats.release_year >= f.year_from)
    if f.year_to is not None:
        clauses.append(SongStats.release_year <= f.year_to)
    if f.artist_id is not None:
        clauses.append(SongStats.song_id.in_(select(SongArtist.song_id).where(SongArtist.artist_id == f.artist_id)))
    if f.playlist_id is not None:
        clauses.append(SongStats.song_id.in_(
            select(PlaylistTrack.song_id).where(PlaylistTrack.playlist_id == f.playlist_id)))
    return clauses


DETAILED = SongStats.is_partial.is_(False)


# ---------------------------------------------------------------- cache

def _cache_get(session: Session, key: str, ttl: timedelta | None = CACHE_TTL) -> Any:
    row = session.execute(select(StatsCache.payload, StatsCache.computed_at).where(StatsCache.key == key)).first()
    if row is None or (ttl is not None and utcnow() - row.computed_at > ttl):
        return None
    return row.payload


def _cache_put(session: Session, key: str, payload: Any) -> None:
    upsert_rows(session, StatsCache.__table__, [{"key": key, "payload": payload, "computed_at": utcnow()}], ("key",))


# Keys under this prefix hold results other jobs computed (the recommender evaluation): a
# dashboard refresh keeps them.
KEPT_PREFIX = "recsys:"


def cached_payload(session: Session, key: str) -> Any:
    """A stored payload however old, or None."""
    return _cache_get(session, key, ttl=None)


def store_payload(session: Session, key: str, payload: Any) -> None:
    """Store a payload under ``key`` (replacing the previous one)."""
    _cache_put(session, key, payload)


def cached(session: Session, key: str, compute: Callable[[], Any], ttl: timedelta | None = CACHE_TTL) -> Any:
    """The payload cached under `key` if fresh, else `compute()` stored there (caller commits)."""
    payload = _cache_get(session, key, ttl)
    if payload is None:
        payload = compute()
        _cache_put(session, key, payload)
    return payload


# ---------------------------------------------------------------- precomputed tables

def cover_class(name: str | None, aliases: list | None, translated: list | None, origin_cover_type: int | None,
                has_origin_song: bool) -> str:
    """'original', 'cover' or 'unknown' by the rule in COVER_RULE."""
    if origin_cover_type == 1:
        return "original"
    if origin_cover_type == 2 or has_origin_song:
        return "cover"
    titles = [name or ""] + [str(a) for a in (aliases or [])] + [str(t) for t in (translated or [])]
    return "cover" if any(COVER_MARKERS.search(t) for t in titles) else "unknown"


def _comment_aggregates(session: Session) -> dict[int, tuple]:
    label = Comment.sentiment_label
    stmt = (select(Comment.song_id, func.count(), func.coalesce(func.sum(Comment.liked_count), 0),
                   func.sum(case((label == "positive", 1), else_=0)),
                   func.sum(case((label == "negative", 1), else_=0)),
                   func.sum(case((label == "neutral", 1), else_=0)))
            .group_by(Comment.song_id))
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in session.execute(stmt)}


def refresh_song_stats(session: Session) -> int:
    """Rebuild `song_stats` from songs and comments; returns the number of rows written."""
    aggregates = _comment_aggregates(session)
    session.execute(delete(SongStats))
    stmt = select(Song.id, Song.name, Song.aliases, Song.translated_names, Song.origin_cover_type,
                  Song.origin_song.is_not(None).label("has_origin"), Song.publish_time, Song.is_partial, Song.duration_ms,
                  Song.popularity, Song.fee, Song.privilege_status, Song.album_id)
    rows, written = [], 0
    for song in session.execute(stmt).yield_per(CHUNK):
        rows.append(_fact_row(song, aggregates.get(song.id, (0, 0, 0, 0, 0))))
        if len(rows) >= CHUNK:
            written += _insert(session, rows)
    return written + _insert(session, rows)


def _fact_row(song, aggregates: tuple) -> dict:
    count, likes, pos, neg, neu = aggregates
    local = song.publish_time + LOCAL_OFFSET if song.publish_time else None
    return {
        "song_id": song.id, "is_partial": bool(song.is_partial), "release_year": local.year if local else None,
        "release_month": local.month if local else None,
        "release_day": local.year * 10000 + local.month * 100 + local.day if local else None,
        "duration_ms": song.duration_ms, "popularity": song.popularity, "fee": song.fee,
        "privilege_status": song.privilege_status, "album_id": song.album_id, "comment_count": count,
        "liked_sum": likes, "positive": pos, "negative": neg, "neutral": neu,
        "cover_class": cover_class(song.name, song.aliases, song.translated_names, song.origin_cover_type,
                                   bool(song.has_origin)),
    }


def _insert(session: Session, rows: list[dict]) -> int:
    count = len(rows)
    if rows:
        session.execute(SongStats.__table__.insert(), rows)
        rows.clear()
    return count


def default_stopword_dir() -> Path:
    """The shared stop-word folder (YINQING_SHARED_DATA or ../shared/data beside the checkout)."""
    shared = os.environ.get("YINQING_SHARED_DATA") or str(Settings().shared_data_dir)
    return Path(shared) / "stopwords"


def refresh_stats(session: Session, stopwords_dir: Path | None = None) -> dict:
    """Rebuild every precomputed table and re-warm the dashboard's cache. Call after each crawl or
    analysis (sentiment) job, in the job's transaction; never commits. Returns a small summary."""
    started = time.perf_counter()
    songs = refresh_song_stats(session)
    session.execute(delete(StatsCache).where(StatsCache.key.not_like(f"{KEPT_PREFIX}%")))
    for name, params in WARM_CHARTS:
        chart(session, name, Filters(), **params)
    for source, sentiment in (("lyrics", None), ("comments", None), ("comments", "positive"),
                              ("comments", "negative")):
        word_cloud(session, source, sentiment=sentiment, stopwords_dir=stopwords_dir)
    _cache_put(session, REFRESHED_KEY, {"at": utcnow().isoformat(), "songs": songs})
    return {"songs": songs, "charts": len(WARM_CHARTS), "seconds": round(time.perf_counter() - started, 3)}


def ensure_fresh(session: Session) -> None:
    """Build the precomputed tables once if they never were (a fresh install before any job ran)."""
    if _cache_get(session, REFRESHED_KEY, ttl=None) is None:
        refresh_song_stats(session)
        _cache_put(session, REFRESHED_KEY, {"at": utcnow().isoformat() + "-lazy"})


# ---------------------------------------------------------------- charts

def chart(session: Session, name: str, f: Filters, **params) -> dict:
    """One chart's payload: unfiltered ones from `stats_cache`; filtered ones computed by SQL over
    `song_stats` and kept in a small in-process LRU until the next refresh (or CACHE_TTL)."""
    compute = CHARTS[name]
    if f.is_empty():
        key = "chart:" + name + "".join(f":{k}={params[k]}" for k in sorted(params))
        return cached(session, key, lambda: compute(session, f, **params))
    key = (str(session.get_bind().url), _refresh_stamp(session), name, f, tuple(sorted(params.items())))
    payload = _filtered_get(key)
    if payload is None:
        payload = compute(session, f, **params)
        _filtered_put(key, payload)
    return payload


def _refresh_stamp(session: Session) -> str:
    payload = _cache_get(session, REFRESHED_KEY, ttl=None)
    return payload["at"] if payload else ""


def _filtered_get(key: tuple) -> dict | None:
    with _FILTERED_LOCK:
        hit = _FILTERED.get(key)
        if hit is None or time.monotonic() - hit[0] > CACHE_TTL.total_seconds():
            return None
        _FILTERED.move_to_end(key)
        return hit[1]


def _filtered_put(key: tuple, payload: dict) -> None:
    with _FILTERED_LOCK:
        _FILTERED[key] = (time.monotonic(), payload)
        while len(_FILTERED) > FILTERED_CACHE_SIZE:
            _FILTERED.popitem(last=False)


def overview(session: Session, f: Filters) -> dict:
    """Row counts of the main tables and three ratios for the liquid-fill gauge."""
    def count(model, *where):
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    counts = {"songs": count(Song), "songs_detailed": count(Song, Song.is_partial.is_(False)),
              "artists": count(Artist), "albums": count(Album), "playlists": count(Playlist),
              "comments": count(Comment), "lyrics": count(Lyric, Lyric.lrc.is_not(None)), "users": count(User)}
    labels = session.execute(select(func.coalesce(func.sum(SongStats.positive), 0),
                                    func.coalesce(func.sum(SongStats.negative), 0),
                                    func.coalesce(func.sum(SongStats.neutral), 0))).one()
    positive, labelled = int(labels[0]), int(sum(labels))
    ratios = {
        "lyrics_share": _ratio(counts["lyrics"], counts["songs_detailed"]),
        "analysed_share": _ratio(labelled, counts["comments"]),
        "positive_share": _ratio(positive, labelled),
    }
    return {"counts": counts, "ratios": ratios}


def _ratio(part: int, whole: int) -> dict:
    return {"part": part, "whole": whole, "value": round(part / whole, 4) if whole else None}


def releases(session: Session, f: Filters, granularity: str = "year") -> dict:
    """Songs per release year (or year-month), China time, from the precomputed release year/month;
    `unknown` counts detailed songs without a date."""
    keys = [SongStats.release_year] + ([SongStats.release_month] if granularity == "month" else [])
    stmt = (select(*keys, func.count()).where(SongStats.release_year.is_not(None), *_song_where(f))
            .group_by(*keys).order_by(*keys))
    points = []
    for row in session.execute(stmt):
        period = f"{int(row[0]):04d}" + (f"-{int(row[1]):02d}" if granularity == "month" else "")
        points.append({"period": period, "count": int(row[-1])})
    unknown = session.scalar(select(func.count()).select_from(SongStats)
                             .where(SongStats.release_year.is_(None), DETAILED, *_song_where(f)))
    return {"granularity": granularity, "points": points, "unknown": int(unknown or 0)}


def release_days(session: Session, f: Filters) -> dict:
    """Songs released per day (China time), for the big time chart: a dense list of daily counts
    from `first` (YYYY-MM-DD) on, zeros included; ~15,000 small integers for 40 years, so the
    payload stays small however many songs there are."""
    day = SongStats.release_day
    stmt = select(day, func.count()).where(day.is_not(None), *_song_where(f)).group_by(day).order_by(day)
    per_day = {date(d // 10000, d // 100 % 100, d % 100): int(n) for d, n in session.execute(stmt)}
    if not per_day:
        return {"first": None, "counts": [], "total": 0}
    first, last = min(per_day), max(per_day)
    counts = [per_day.get(first + timedelta(days=i), 0) for i in range((last - first).days + 1)]
    return {"first": first.isoformat(), "counts": counts, "total": sum(per_day.values())}


def _bucket_case(column, edges: list[int], scale: int = 1):
    """SQL CASE numbering the bucket of `column`: 0 below edges[0] ... len(edges) at or above the last."""
    whens = [(column < edge * scale, i) for i, edge in enumerate(edges)]
    return case(*whens, else_=len(edges))


def _buckets(session: Session, column, edges: list[int], where: list, scale: int = 1) -> list[int]:
    bucket = _bucket_case(column, edges, scale)
    counts = [0] * (len(edges) + 1)
    stmt = select(bucket, func.count()).where(column.is_not(None), *where).group_by(bucket)
    for index, n in session.execute(stmt):
        counts[int(index)] = int(n)
    return counts


def durations(session: Session, f: Filters) -> dict:
    """Songs per duration bucket (minutes); `unknown` counts detailed songs without a duration."""
    counts = _buckets(session, SongStats.duration_ms, DURATION_EDGES_S, _song_where(f), scale=1000)
    unknown = session.scalar(select(func.count()).select_from(SongStats).where(
        SongStats.duration_ms.is_(None), DETAILED, *_song_where(f)))
    labels = _edge_labels([e // 60 for e in DURATION_EDGES_S], unit="分钟")
    return {"unit": "minutes", "buckets": [{"label": lb, "count": n} for lb, n in zip(labels, counts)],
            "unknown": int(unknown or 0)}


def _edge_labels(edges: list[int], unit: str) -> list[str]:
    labels = [f"<{edges[0]}{unit}"]
    labels += [f"{lo}–{hi}{unit}" for lo, hi in pairwise(edges)]
    return labels + [f"≥{edges[-1]}{unit}"]


def album_sizes(session: Session, f: Filters) -> dict:
    """Albums per track-count bucket; filters keep the albums of the filtered songs."""
    where = [] if f.is_empty() else [Album.id.in_(select(SongStats.album_id).where(*_song_where(f)))]
    edges = [e + 1 for e in ALBUM_SIZE_EDGES]  # bucket i holds sizes below edges[i]
    counts = _buckets(session, Album.size, edges, where)
    labels = ["≤1首"] + [f"{lo + 1}–{hi}首" for lo, hi in pairwise(ALBUM_SIZE_EDGES)]
    labels.append(f">{ALBUM_SIZE_EDGES[-1]}首")
    unknown = session.scalar(select(func.count()).select_from(Album).where(Album.size.is_(None), *where))
    buckets = [{"label": lb, "count": n} for lb, n in zip(labels, counts)]
    return {"unit": "tracks", "buckets": buckets, "unknown": int(unknown or 0)}


def playlist_tags(session: Session, f: Filters) -> dict:
    """Playlist tag shares (style, language, mood). Reads only the tags column of the playlists."""
    where = [] if f.playlist_id is None else [Playlist.id == f.playlist_id]
    counts: dict[str, int] = {}
    untagged = total = 0
    for (tags,) in session.execute(select(Playlist.tags).where(*where)).yield_per(CHUNK):
        total += 1
        names = {str(t).strip() for t in (tags or []) if str(t).strip()}
        untagged += not names
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"tags": [{"name": n, "count": c} for n, c in ranked], "untagged": untagged, "playlists": total}


def _metric_column(metric: str):
    return func.coalesce(SongStats.popularity, 0) if metric == "popularity" else SongStats.comment_count


def heat(session: Session, f: Filters, by: str = "artist", metric: str = "popularity", limit: int = 10) -> dict:
    """Top artists/albums by summed song popularity or stored comments, with one ranking frame per
    release year (cumulative up to that year) for the ranking-race chart."""
    key = SongArtist.artist_id if by == "artist" else SongStats.album_id
    value = func.sum(_metric_column(metric))
    year = SongStats.release_year
    stmt = select(key, year, value).select_from(SongStats)
    if by == "artist":
        stmt = stmt.join(SongArtist, SongArtist.song_id == SongStats.song_id)
    stmt = stmt.where(key.is_not(None), *_song_where(f)).group_by(key, year)
    totals: dict[int, float] = {}
    by_year: dict[int, list[tuple[int, float]]] = {}
    for entity, yr, v in session.execute(stmt):
        v = float(v or 0)
        totals[entity] = totals.get(entity, 0.0) + v
        if yr is not None:
            by_year.setdefault(int(yr), []).append((entity, v))
    frames, running = [], {}
    for yr in sorted(by_year):
        for entity, v in by_year[yr]:
            running[entity] = running.get(entity, 0.0) + v
        frames.append((yr, heapq.nlargest(limit, running.items(), key=lambda kv: (kv[1], -kv[0]))))
    top = heapq.nlargest(limit, totals.items(), key=lambda kv: (kv[1], -kv[0]))
    frames = frames[-30:]
    names = _names(session, by, {e for _, items in frames for e, _ in items} | {e for e, _ in top})
    def items(pairs):
        return [{"id": e, "name": names.get(e) or str(e), "value": round(v, 2)} for e, v in pairs if v > 0]
    return {"by": by, "metric": metric, "top": items(top),
            "frames": [{"year": yr, "items": items(pairs)} for yr, pairs in frames]}


def _names(session: Session, by: str, ids: set[int]) -> dict[int, str]:
    model = Artist if by == "artist" else Album
    out: dict[int, str] = {}
    ids_list = list(ids)
    for start in range(0, len(ids_list), 500):
        rows = session.execute(select(model.id, model.name).where(model.id.in_(ids_list[start:start + 500])))
        out.update({i: n for i, n in rows if n})
    return out


def hot_artists(session: Session, f: Filters, limit: int = 5, metric: str = "songs") -> dict:
    """The `limit` artists with most songs, and per release year their song count (or mean popularity)."""
    base = select(SongArtist.artist_id).join(SongStats, SongStats.song_id == SongArtist.song_id).where(*_song_where(f))
    top_stmt = (base.add_columns(func.count()).group_by(SongArtist.artist_id)
                .order_by(func.count().desc(), SongArtist.artist_id).limit(limit))
    top = [int(a) for a, _ in session.execute(top_stmt)]
    if not top:
        return {"metric": metric, "years": [], "series": []}
    year = SongStats.release_year
    value = func.count() if metric == "songs" else func.avg(SongStats.popularity)
    stmt = (select(SongArtist.artist_id, year, value).join(SongStats, SongStats.song_id == SongArtist.song_id)
            .where(SongArtist.artist_id.in_(top), year.is_not(None), *_song_where(f))
            .group_by(SongArtist.artist_id, year))
    cells = {(int(a), int(y)): float(v or 0) for a, y, v in session.execute(stmt)}
    years = sorted({y for _, y in cells})
    names = _names(session, "artist", set(top))
    series = [{"id": a, "name": names.get(a) or str(a),
               "values": [round(cells.get((a, y), 0.0), 2) for y in years]} for a in top]
    return {"metric": metric, "years": years, "series": series}


def copyright_shares(session: Session, f: Filters) -> dict:
    """Detailed songs per fee class and per availability (privilege `st`), with honest unknowns."""
    fee = case(*[(SongStats.fee == code, name) for code, name in FEE_CLASSES.items()],
               (SongStats.fee.is_(None), "unknown"), else_="other")
    where = [DETAILED, *_song_where(f)]
    fees = {k: int(n) for k, n in session.execute(select(fee, func.count()).where(*where).group_by(fee))}
    status = case((SongStats.privilege_status.is_(None), "unknown"), (SongStats.privilege_status < 0, "unavailable"),
                  else_="available")
    avail = {k: int(n) for k, n in session.execute(select(status, func.count()).where(*where).group_by(status))}
    fee_order = [*FEE_CLASSES.values(), "other", "unknown"]
    return {"fee": [{"key": k, "count": fees.get(k, 0)} for k in fee_order],
            "availability": [{"key": k, "count": avail.get(k, 0)} for k in ("available", "unavailable", "unknown")]}


def covers(session: Session, f: Filters) -> dict:
    """Detailed songs per cover class (original / cover / unknown), see COVER_RULE."""
    stmt = (select(SongStats.cover_class, func.count()).where(DETAILED, *_song_where(f))
            .group_by(SongStats.cover_class))
    counts = {k: int(n) for k, n in session.execute(stmt)}
    return {"classes": [{"key": k, "count": counts.get(k, 0)} for k in ("original", "cover", "unknown")],
            "rule": COVER_RULE}


def popularity_scatter(session: Session, f: Filters, x: str = "comments", limit: int = 1000) -> dict:
    """Songs as points (popularity vs stored comments or duration, size by likes), outliers flagged.

    Points are the `limit` songs with most comments (then popularity); against comments, only songs
    whose comments were crawled (a zero there means "not crawled", not "unloved"). Outliers: the 3
    largest x values and the 3 points farthest from the least-squares line of popularity on log(1 + x)."""
    x_col = SongStats.comment_count if x == "comments" else SongStats.duration_ms
    crawled = [SongStats.comment_count > 0] if x == "comments" else []
    stmt = (select(Song.id, Song.name, SongStats.popularity, x_col, SongStats.liked_sum)
            .join(Song, Song.id == SongStats.song_id)
            .where(SongStats.popularity.is_not(None), x_col.is_not(None), *crawled, *_song_where(f))
            .order_by(SongStats.comment_count.desc(), SongStats.popularity.desc(), SongStats.song_id).limit(limit))
    points = [{"id": i, "name": n or str(i), "popularity": float(p),
               "x": (int(v) if x == "comments" else round(int(v) / 1000, 1)), "likes": int(lk or 0),
               "outlier": False} for i, n, p, v, lk in session.execute(stmt)]
    _flag_outliers(points)
    return {"x": x, "unit": "comments" if x == "comments" else "seconds", "points": points}


def _flag_outliers(points: list[dict]) -> None:
    if len(points) < 3:
        return
    for p in heapq.nlargest(3, points, key=lambda p: p["x"]):
        p["outlier"] = True
    xs = [math.log1p(max(p["x"], 0)) for p in points]
    ys = [p["popularity"] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((v - mx) ** 2 for v in xs)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / var if var else 0.0
    residuals = [abs(b - (my + slope * (a - mx))) for a, b in zip(xs, ys)]
    for index in heapq.nlargest(3, range(len(points)), key=lambda i: residuals[i]):
        points[index]["outlier"] = True


def sentiment(session: Session, f: Filters, limit: int = 10) -> dict:
    """Comment sentiment shares overall and for the `limit` most-commented songs with labels."""
    cols = (func.coalesce(func.sum(SongStats.positive), 0), func.coalesce(func.sum(SongStats.negative), 0),
            func.coalesce(func.sum(SongStats.neutral), 0), func.coalesce(func.sum(SongStats.comment_count), 0))
    stmt = select(*cols).where(*_song_where(f))
    pos, neg, neu, total = (int(v) for v in session.execute(stmt).one())
    overall = {"positive": pos, "negative": neg, "neutral": neu, "unlabelled": total - pos - neg - neu}
    labelled = SongStats.positive + SongStats.negative + SongStats.neutral
    songs_stmt = (select(Song.id, Song.name, SongStats.positive, SongStats.negative, SongStats.neutral,
                         SongStats.comment_count).join(Song, Song.id == SongStats.song_id)
                  .where(labelled > 0, *_song_where(f))
                  .order_by(SongStats.comment_count.desc(), SongStats.song_id).limit(limit))
    songs = [{"id": i, "name": n or str(i), "positive": p, "negative": ng, "neutral": nu, "total": t}
             for i, n, p, ng, nu, t in session.execute(songs_stmt)]
    return {"overall": overall, "songs": songs}


def filter_options(session: Session, f: Filters) -> dict:
    """Choices for the analysis pages' filters: release-year span, top artists, toplists and playlists."""
    lo, hi = session.execute(select(func.min(SongStats.release_year), func.max(SongStats.release_year))).one()
    artists = session.execute(
        select(Artist.id, Artist.name, func.count()).join(SongArtist, SongArtist.artist_id == Artist.id)
        .where(Artist.name.is_not(None)).group_by(Artist.id, Artist.name)
        .order_by(func.count().desc(), Artist.id).limit(100))
    playlists = session.execute(
        select(Playlist.id, Playlist.name, Playlist.is_toplist).where(Playlist.name.is_not(None))
        .where(Playlist.id.in_(select(PlaylistTrack.playlist_id)))
        .order_by(Playlist.is_toplist.desc(), func.coalesce(Playlist.play_count, 0).desc(), Playlist.id).limit(100))
    return {"years": {"min": int(lo) if lo is not None else None, "max": int(hi) if hi is not None else None},
            "artists": [{"id": i, "name": n, "songs": int(c)} for i, n, c in artists],
            "playlists": [{"id": i, "name": n, "toplist": bool(t)} for i, n, t in playlists]}


CHARTS: dict[str, Callable[..., dict]] = {
    "filters": filter_options,
    "overview": overview, "releases": releases, "release_days": release_days, "durations": durations,
    "album_sizes": album_sizes, "tags": playlist_tags, "heat": heat, "hot_artists": hot_artists,
    "copyright": copyright_shares, "covers": covers, "scatter": popularity_scatter, "sentiment": sentiment,
}

# The unfiltered charts the dashboard and the analysis pages ask for (their parameters exactly),
# warmed by refresh_stats so no visitor waits for a cold aggregate.
WARM_CHARTS: list[tuple[str, dict]] = [
    ("filters", {}), ("overview", {}), ("releases", {"granularity": "year"}), ("releases", {"granularity": "month"}),
    ("release_days", {}), ("durations", {}), ("album_sizes", {}), ("tags", {}), ("copyright", {}), ("covers", {}),
    ("heat", {"by": "artist", "metric": "popularity", "limit": 10}),
    *[("heat", {"by": by, "metric": metric, "limit": 15})
      for by in ("artist", "album") for metric in ("popularity", "comments")],
    ("hot_artists", {"limit": 5, "metric": "songs"}), ("hot_artists", {"limit": 8, "metric": "songs"}),
    ("hot_artists", {"limit": 8, "metric": "popularity"}),
    ("scatter", {"x": "comments", "limit": 1000}), ("scatter", {"x": "duration", "limit": 800}),
    ("scatter", {"x": "comments", "limit": 1500}),
    ("scatter", {"x": "duration", "limit": 1500}), ("sentiment", {"limit": 10}), ("sentiment", {"limit": 15}),
]


# ---------------------------------------------------------------- word clouds

def word_cloud(session: Session, source: str, artist_id: int | None = None, song_id: int | None = None,
               sentiment: str | None = None, limit: int = 100, stopwords_dir: Path | None = None) -> dict:
    """Top terms of lyrics or comments (all, one artist's songs, or one song; comments optionally by
    sentiment label). Term counts are cached per scope; `limit` only slices the cached list."""
    if source == "lyrics" and sentiment:
        raise InvalidInput("歌词没有情感标签 / lyrics have no sentiment", {"sentiment": ["comments only"]})
    scope, scope_id = ("song", song_id) if song_id else ("artist", artist_id) if artist_id else ("all", None)
    if scope != "all" and session.get(Song if scope == "song" else Artist, scope_id) is None:
        raise NotFound(f"{scope} not found / 歌曲或歌手不存在", {f"{scope}_id": [f"unknown {scope}"]})
    key = f"wc:{source}:{scope}:{scope_id or ''}:{sentiment or ''}"

    def compute() -> dict:
        texts = _cloud_texts(session, source, scope, scope_id, sentiment)
        stop = wordcloud.load_stopwords(str(stopwords_dir or default_stopword_dir()))
        count = wordcloud.lyric_term_counts if source == "lyrics" else wordcloud.term_counts
        terms = count(texts, stop, CLOUD_TERMS)
        return {"documents": len(texts), "terms": [{"name": t, "value": n} for t, n in terms]}

    payload = cached(session, key, compute)
    return {"source": source, "scope": scope, "id": scope_id, "sentiment": sentiment,
            "documents": payload["documents"], "terms": payload["terms"][:limit]}


def _cloud_texts(session: Session, source: str, scope: str, scope_id: int | None, label: str | None) -> list[str]:
    by_artist = select(SongArtist.song_id).where(SongArtist.artist_id == scope_id)
    if source == "lyrics":
        stmt = select(Lyric.lrc).where(Lyric.lrc.is_not(None))
        if scope == "song":
            stmt = stmt.where(Lyric.song_id == scope_id)
        elif scope == "artist":
            stmt = stmt.where(Lyric.song_id.in_(by_artist))
        return [t for (t,) in session.execute(stmt.order_by(Lyric.song_id).limit(CLOUD_DOCS[source, scope]))]
    stmt = select(Comment.content)
    if scope == "song":
        stmt = stmt.where(Comment.song_id == scope_id)
    elif scope == "artist":
        stmt = stmt.where(Comment.song_id.in_(by_artist))
    if label:
        stmt = stmt.where(Comment.sentiment_label == label)
    stmt = stmt.order_by(Comment.liked_count.desc(), Comment.id).limit(CLOUD_DOCS[source, scope])
    return [t for (t,) in session.execute(stmt)]
