"""The mirror data store: JSON Lines of real NetEase objects, indexed for the stand-in's routes."""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """The object without the build's annotations (top-level keys starting with `_`)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


class LazyComments(Mapping):
    """song id -> (hot comments, other comments newest first), parsed on the first request for a song.

    The comment file is most of the mirror (tens of MB for a handful of songs); indexing its lines
    by song id and parsing a song's lines only when asked keeps the stand-in's start short.
    """

    SONG_ID = re.compile(r'\{"songId": (\d+)')

    def __init__(self, lines: dict[int, list[str]] | None = None) -> None:
        self._lines = lines or {}
        self._parsed: dict[int, tuple[list[dict], list[dict]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def read(cls, path: Path) -> LazyComments:
        """Index a comments.jsonl file by song id (rows without one are skipped)."""
        lines: dict[int, list[str]] = defaultdict(list)
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    found = cls.SONG_ID.match(line)
                    if found:
                        lines[int(found.group(1))].append(line)
        return cls(dict(lines))

    def __getitem__(self, song_id: int) -> tuple[list[dict], list[dict]]:
        if song_id not in self._lines:
            raise KeyError(song_id)
        with self._lock:
            if song_id not in self._parsed:
                hot, latest = [], []
                for row in map(json.loads, self._lines[song_id]):
                    (hot if row.get("hot") else latest).append(row["comment"])
                latest.sort(key=lambda c: c.get("time") or 0, reverse=True)
                self._parsed[song_id] = (hot, latest)
            return self._parsed[song_id]

    def __setitem__(self, song_id: int, value: tuple[list[dict], list[dict]]) -> None:
        """Replace a song's comments (tests change what the site "has" while it runs)."""
        with self._lock:
            self._lines.setdefault(song_id, [])
            self._parsed[song_id] = value

    def __iter__(self) -> Iterator[int]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def total(self) -> int:
        """How many comments there are (without parsing them)."""
        return sum(len(rows) for rows in self._lines.values())


@dataclass
class Mirror:
    """Every object of a mirror folder, keyed by NetEase id, with the indexes the routes need."""

    songs: dict[int, dict] = field(default_factory=dict)
    privileges: dict[int, dict] = field(default_factory=dict)
    playlists: dict[int, dict] = field(default_factory=dict)
    lyrics: dict[int, dict] = field(default_factory=dict)
    artists: dict[int, dict] = field(default_factory=dict)
    albums: dict[int, dict] = field(default_factory=dict)
    # song id -> (hot comments, other comments newest first)
    comments: LazyComments = field(default_factory=LazyComments)
    toplists: dict[str, Any] = field(default_factory=lambda: {"code": 200, "list": []})
    seeds: dict[str, list[int]] = field(default_factory=lambda: {"playlists": [], "toplists": []})
    album_songs: dict[int, list[int]] = field(default_factory=dict)
    artist_songs: dict[int, list[int]] = field(default_factory=dict)
    _listings: dict[tuple[str, str], list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: str | Path) -> Mirror:
        """Read a mirror folder (see shared/data/netease/mirror/README.md for its layout)."""
        root = Path(folder)
        if not root.is_dir():
            raise FileNotFoundError(f"mirror folder not found: {root}")
        m = cls()
        m.songs = {s["id"]: s for s in _read_jsonl(root / "songs.jsonl")}
        m.privileges = {p["id"]: public(p) for p in _read_jsonl(root / "privileges.jsonl")}
        m.playlists = {p["id"]: p for p in _read_jsonl(root / "playlists.jsonl")}
        m.lyrics = {x["id"]: public(x) for x in _read_jsonl(root / "lyrics.jsonl") if "id" in x}
        m.artists = {a["id"]: a for a in _read_jsonl(root / "artists.jsonl")}
        m.albums = {a["id"]: a for a in _read_jsonl(root / "albums.jsonl")}
        m.comments = LazyComments.read(root / "comments.jsonl")
        if (root / "toplists.json").exists():
            m.toplists = json.loads((root / "toplists.json").read_text(encoding="utf-8"))
        if (root / "seeds.json").exists():
            m.seeds = json.loads((root / "seeds.json").read_text(encoding="utf-8"))
        m._index_songs()
        return m

    def _index_songs(self) -> None:
        """Album and artist song lists, for album detail and artist hot songs."""
        by_album: dict[int, list[int]] = defaultdict(list)
        by_artist: dict[int, list[int]] = defaultdict(list)
        for sid, song in self.songs.items():
            al = song.get("al")
            if isinstance(al, dict) and al.get("id"):
                by_album[al["id"]].append(sid)
            for ar in song.get("ar") or []:
                if isinstance(ar, dict) and ar.get("id"):
                    by_artist[ar["id"]].append(sid)
        for aid, album in self.albums.items():
            by_album[aid] = list(album.get("_songIds") or sorted(by_album.get(aid, []), key=self._track_no))
        for aid, artist in self.artists.items():
            ranked = sorted(by_artist.get(aid, []), key=lambda s: -(self.songs[s].get("pop") or 0))
            by_artist[aid] = list(artist.get("_hotSongIds") or ranked[:50])
        self.album_songs = dict(by_album)
        self.artist_songs = dict(by_artist)

    def _track_no(self, song_id: int) -> tuple[int, int]:
        return (self.songs[song_id].get("no") or 0, song_id)

    def listing(self, category: str, order: str) -> list[dict]:
        """Playlists with a known track list (charts left out) in a tag, `hot` (play count, then
        subscriptions) or `new` (creation time) first; cached per (category, order)."""
        key = (category, order)
        if key not in self._listings:
            charts = {c.get("id") for c in self.toplists.get("list") or []}
            pool = [p for p in self.playlists.values() if "trackIds" in p and p["id"] not in charts
                    and (category == "全部" or category in (p.get("tags") or []))]
            if order == "new":
                pool.sort(key=lambda p: (-(p.get("createTime") or 0), p["id"]))
            else:
                pool.sort(key=lambda p: (-(p.get("playCount") or 0), -(p.get("subscribedCount") or 0), p["id"]))
            self._listings[key] = pool
        return self._listings[key]

    def song(self, song_id: int) -> dict | None:
        """The song object as the API serves it, or None when unknown."""
        song = self.songs.get(song_id)
        return public(song) if song is not None else None

    def counts(self) -> dict[str, int]:
        """How many objects of each kind the mirror holds."""
        return {
            "songs": len(self.songs), "playlists": len(self.playlists), "artists": len(self.artists),
            "albums": len(self.albums), "lyrics": len(self.lyrics),
            "comments": self.comments.total(),
        }
