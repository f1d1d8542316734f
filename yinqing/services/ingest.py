"""Write crawled items: batch upserts by NetEase id on SQLite, PostgreSQL and MySQL/MariaDB.

Rules:
- an unknown value (None) never overwrites a known one: a row's None fields are left out of
  both the INSERT and the UPDATE, and rows are grouped by the set of fields they know;
- `is_partial` only ever goes from True to False, `is_hot` only from False to True, and the raw
  JSON of a partial song never replaces a full one;
- rows that other rows point at (artists of songs, albums, songs of playlists and comments) are
  created as id-only stubs when missing, so a batch never fails on a foreign key;
- a song's artist list and a playlist's track list are replaced whole when the item knows them.
Functions take a Session and never commit: the caller's transaction makes a batch all-or-nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Table, delete, func, select
from sqlalchemy.orm import Session

from yinqing.models import Album, Artist, Comment, CrawlUnit, Lyric, Playlist, PlaylistTrack, Song, SongArtist
from yinqing.models.types import utcnow
from yinqing.services.search import refresh_search_index

CHUNK = 500


def _insert_for(session: Session, table: Table):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table), name


def upsert_rows(session: Session, table: Table, rows: list[dict[str, Any]], keys: tuple[str, ...],
                insert_only: Iterable[str] = ()) -> int:
    """Insert or update `rows` of `table` by `keys`, never writing None over a value.

    `insert_only` columns are written when a row is created and left alone on update. Each row
    may also carry `_insert_only` (a tuple) to extend that set for itself.
    """
    merged: dict[tuple, dict] = {}
    limits = _column_limits(table)
    for row in rows:
        only = frozenset(row.get("_insert_only", ()))
        target = merged.setdefault(tuple(row[k] for k in keys), {"_insert_only": only})
        target["_insert_only"] &= only
        for k, v in _clean(row, limits).items():
            if not (k in only and k in target):
                target[k] = v
    groups: dict[tuple, list[dict]] = {}
    for row in merged.values():
        only = frozenset(insert_only) | row.pop("_insert_only")
        groups.setdefault((frozenset(row), only), []).append(row)
    has_stamp = "crawled_at" in table.c
    for (columns, only), group in groups.items():
        updates = sorted(columns - set(keys) - only)
        for start in range(0, len(group), CHUNK):
            _upsert_chunk(session, table, group[start:start + CHUNK], keys, updates, has_stamp)
    return len(merged)


def _column_limits(table: Table) -> dict[str, tuple[str, int]]:
    """Per column: ("str", max length) or ("int", max value), so one odd value cannot fail a batch."""
    limits = {}
    for col in table.c:
        length = getattr(col.type, "length", None)
        if isinstance(col.type, String) and length:
            limits[col.name] = ("str", length)
        elif isinstance(col.type, Integer) and not isinstance(col.type, BigInteger):
            limits[col.name] = ("int", 2**31 - 1)
        elif isinstance(col.type, BigInteger):
            limits[col.name] = ("int", 2**63 - 1)
    return limits


def _clean(row: dict, limits: dict[str, tuple[str, int]]) -> dict:
    """The row's known values, strings clipped to their column, out-of-range integers unknown."""
    out = {}
    for k, v in row.items():
        if v is None or k == "_insert_only":
            continue
        kind, limit = limits.get(k, ("", 0))
        if kind == "str" and isinstance(v, str) and len(v) > limit:
            v = v[:limit]
        elif kind == "int" and isinstance(v, int) and not -limit <= v <= limit:
            continue
        out[k] = v
    return out


def _upsert_chunk(session: Session, table: Table, rows: list[dict], keys: tuple[str, ...],
                  updates: list[str], has_stamp: bool) -> None:
    stmt, dialect = _insert_for(session, table)
    if dialect in ("mysql", "mariadb"):
        new = stmt.inserted
        values = {c: new[c] for c in updates} or {keys[0]: table.c[keys[0]]}
        if updates and has_stamp:
            # A SQL expression, not a bound value: PyMySQL's executemany cannot bind in this clause.
            values["crawled_at"] = func.utc_timestamp()
        stmt = stmt.on_duplicate_key_update(**values)
    elif updates:
        values = {c: stmt.excluded[c] for c in updates}
        if has_stamp:
            values["crawled_at"] = utcnow()
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=values)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    session.execute(stmt, rows)


def _stubs(ids: Iterable[int], extra: dict | None = None) -> list[dict]:
    return [{"id": i, **(extra or {})} for i in dict.fromkeys(ids) if i]


def ingest_items(session: Session, items: Iterable[Any]) -> Counter:
    """Write a batch of crawler items (see yinqing.crawler.items); returns rows written per kind."""
    by_kind: dict[str, list] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    written: Counter = Counter()
    songs = [_row(i) for i in by_kind.get("song", [])]
    playlists = [_row(i) for i in by_kind.get("playlist", [])]
    comments = [_row(i) for i in by_kind.get("comment", [])]
    lyrics = [_row(i) for i in by_kind.get("lyric", [])]
    albums = [_row(i) for i in by_kind.get("album", [])]
    artists = [_row(i) for i in by_kind.get("artist", [])]

    artist_ids = [a for s in songs for a in s.get("artist_ids") or []] + [a["artist_id"] for a in albums]
    written["artist"] = upsert_rows(session, Artist.__table__, _stubs(artist_ids) + artists, ("id",))
    album_ids = [s["album_id"] for s in songs]
    written["album"] = upsert_rows(session, Album.__table__, _stubs(album_ids) + albums, ("id",))
    song_refs = [t for p in playlists for t in p.get("track_ids") or []]
    song_refs += [c["song_id"] for c in comments] + [x["song_id"] for x in lyrics]
    known = {s["id"] for s in songs}
    stubs = _stubs((i for i in song_refs if i not in known), {"is_partial": True})
    written["song"] = upsert_rows(session, Song.__table__, stubs + [_song_row(s) for s in songs], ("id",))
    _replace_song_artists(session, songs)
    refresh_search_index(session, known, artist_ids=[a["id"] for a in artists],
                         album_ids=[a["id"] for a in albums])
    written["lyric"] = upsert_rows(session, Lyric.__table__, lyrics, ("song_id",))
    written["playlist"] = upsert_rows(session, Playlist.__table__,
                                      [{k: v for k, v in p.items() if k != "track_ids"} for p in playlists], ("id",))
    _replace_tracks(session, playlists)
    written["comment"] = upsert_rows(session, Comment.__table__, [_comment_row(c) for c in comments], ("dedup_key",))
    marks = [{**_row(m), "updated_at": utcnow()} for m in by_kind.get("mark", [])]
    written["mark"] = upsert_rows(session, CrawlUnit.__table__, marks, ("run_key", "unit"))
    return +written


def _row(item: Any) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in fields(item)}


def _song_row(song: dict) -> dict:
    row = {k: v for k, v in song.items() if k != "artist_ids"}
    if row.get("is_partial"):
        # A partial object knows less than a full one stored earlier: never replace that.
        row["_insert_only"] = ("is_partial", "raw")
    return row


def _comment_row(comment: dict) -> dict:
    if not comment.get("is_hot"):
        return {**comment, "_insert_only": ("is_hot",)}
    return comment


def _replace_song_artists(session: Session, songs: list[dict]) -> None:
    known = {s["id"]: s["artist_ids"] for s in songs if s.get("artist_ids") is not None}
    if not known:
        return
    ids = list(known)
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(SongArtist).where(SongArtist.song_id.in_(ids[start:start + CHUNK])))
    rows = []
    for song_id, artist_ids in known.items():
        for position, artist_id in enumerate(dict.fromkeys(artist_ids)):
            rows.append({"song_id": song_id, "artist_id": artist_id, "position": position})
    if rows:
        session.execute(SongArtist.__table__.insert(), rows)


def _replace_tracks(session: Session, playlists: list[dict]) -> None:
    known = {p["id"]: p["track_ids"] for p in playlists if p.get("track_ids") is not None}
    if not known:
        return
    ids = list(known)
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(PlaylistTrack).where(PlaylistTrack.playlist_id.in_(ids[start:start + CHUNK])))
    rows = [{"playlist_id": pid, "position": pos, "song_id": sid}
            for pid, track_ids in known.items() for pos, sid in enumerate(track_ids)]
    for start in range(0, len(rows), 5000):
        session.execute(PlaylistTrack.__table__.insert(), rows[start:start + 5000])


# --- reads the crawler needs ------------------------------------------------------------------

def crawl_units(session: Session, run_key: str) -> dict[str, tuple[bool, dict | None]]:
    """Every unit recorded for a run: unit -> (done, state)."""
    rows = session.execute(select(CrawlUnit.unit, CrawlUnit.done, CrawlUnit.state).where(CrawlUnit.run_key == run_key))
    return {unit: (bool(done), state) for unit, done, state in rows}


def forget_run(session: Session, run_key: str) -> None:
    """Drop a run's progress so the next crawl with this key starts afresh."""
    session.execute(delete(CrawlUnit).where(CrawlUnit.run_key == run_key))


def newest_comment_times(session: Session, song_ids: list[int]) -> dict[int, Any]:
    """Per song, the time of the newest stored comment from the latest list (None: none stored)."""
    out: dict[int, Any] = {}
    for start in range(0, len(song_ids), CHUNK):
        chunk = song_ids[start:start + CHUNK]
        rows = session.execute(select(Comment.song_id, func.max(Comment.time))
                               .where(Comment.song_id.in_(chunk), Comment.is_hot.is_(False))
                               .group_by(Comment.song_id))
        out.update({sid: t for sid, t in rows})
    return out


def catalogue_counts(session: Session) -> dict[str, int]:
    """Rows per catalogue table (for progress displays and the first-start check)."""
    tables = {"songs": Song, "artists": Artist, "albums": Album, "playlists": Playlist, "lyrics": Lyric,
              "comments": Comment}
    return {name: session.scalar(select(func.count()).select_from(model)) or 0 for name, model in tables.items()}
