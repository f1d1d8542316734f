"""Interaction data: file readers, id maps, sparse matrices and ordered sequences.

Everything here works on plain arrays of raw ids (NetEase song ids, 30Music track ids) and
turns them into dense indexes ``0..n-1`` for the models. Unknown ids map to -1.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp


@dataclass
class Events:
    """A table of listening events: one row per (user, session, item, time)."""

    users: np.ndarray
    sessions: np.ndarray
    items: np.ndarray
    times: np.ndarray

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int, int]]) -> Events:
        """Build from (user, session, item, time) tuples."""
        arr = np.array(list(rows), dtype=np.int64).reshape(-1, 4)
        return cls(arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy(), arr[:, 3].copy())

    @classmethod
    def concat(cls, parts: Sequence[Events]) -> Events:
        """Stack several event tables."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("users", "sessions", "items", "times")))

    def take(self, mask: np.ndarray) -> Events:
        """The rows where ``mask`` is true (or the rows at the given indexes)."""
        return Events(self.users[mask], self.sessions[mask], self.items[mask], self.times[mask])

    def sorted(self) -> Events:
        """Rows ordered by user, then time, then original order (stable)."""
        order = np.lexsort((np.arange(len(self)), self.times, self.users))
        return self.take(order)


def read_sessions(path: str | Path) -> Events:
    """Read a 30Music-style tab-separated file with a header: ``UserId SessionId ItemId Time ...``.

    Malformed rows are skipped rather than failing the whole file.
    """
    rows = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        cols = [header.index(name) for name in ("UserId", "SessionId", "ItemId", "Time")]
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            try:
                rows.append(tuple(int(float(parts[c])) for c in cols))
            except (ValueError, IndexError):
                continue
    return Events.from_rows(rows)


def _parse_playlist_line(line: str) -> tuple[int, list[int]] | None:
    """One playlist line in either NetEase layout, or None if it is not one.

    Layouts: ``id<TAB>song,song,...`` (MusicRecSys) and
    ``name##tags##id##subscribers<TAB>songId::name::artists::pop<TAB>...`` (music163-mining).
    """
    parts = line.rstrip("\n").lstrip("\ufeff").split("\t")
    if len(parts) < 2:
        return None
    try:
        if "##" in parts[0]:
            pid = int(parts[0].split("##")[2])
            songs = [int(p.split("::")[0]) for p in parts[1:] if p]
        else:
            pid = int(parts[0])
            songs = [int(s) for s in parts[1].split(",") if s.strip()]
    except (ValueError, IndexError):
        return None
    return pid, songs


def read_song_features(path: str | Path) -> ItemFeatures:
    """Artist and album of each song in a JSON Lines file of NetEase song objects (the mirror's
    ``songs.jsonl``): the first artist's id, or its name where the id is unknown; the album id."""
    import json

    artist: dict[int, object] = {}
    album: dict[int, object] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                song = json.loads(line)
                sid = int(song["id"])
            except (ValueError, KeyError, TypeError):
                continue
            first = (song.get("ar") or [{}])[0] or {}
            key = first.get("id") or (f"name:{first['name']}" if first.get("name") else None)
            if key:
                artist[sid] = key
            if (song.get("al") or {}).get("id"):
                album[sid] = int(song["al"]["id"])
    return ItemFeatures({"artist": artist, "album": album})


def read_session_artists(paths: Sequence[str | Path]) -> ItemFeatures:
    """The artist of each track in 30Music-style files (``ArtistId`` column)."""
    artist: dict[int, object] = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            item_col, artist_col = header.index("ItemId"), header.index("ArtistId")
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                try:
                    artist[int(float(parts[item_col]))] = int(float(parts[artist_col]))
                except (ValueError, IndexError):
                    continue
    return ItemFeatures({"artist": artist})


def read_playlists(paths: Sequence[str | Path]) -> dict[int, list[int]]:
    """Read NetEase playlist files into ``{playlist_id: [song ids in order]}``.

    Also reads the ``playlist,song,...`` pair layout (one song per line, kept in file order).
    A playlist id seen in an earlier file wins over later copies; bad lines are skipped.
    """
    playlists: dict[int, list[int]] = {}
    for path in paths:
        pairs: dict[int, list[int]] = {}
        with open(path, encoding="utf-8-sig") as fh:
            for line in fh:
                if "\t" in line:
                    parsed = _parse_playlist_line(line)
                    if parsed and parsed[1]:
                        playlists.setdefault(parsed[0], parsed[1])
                    continue
                row = next(csv.reader([line]), [])
                try:
                    pairs.setdefault(int(row[0]), []).append(int(row[1]))
                except (ValueError, IndexError):
                    continue
        for pid, songs in pairs.items():
            playlists.setdefault(pid, songs)
    return playlists


def playlists_to_events(playlists: dict[int, list[int]]) -> Events:
    """A playlist is one user and one session; the track position is its time."""
    rows = [(pid, pid, song, pos) for pid, songs in playlists.items() for pos, song in enumerate(songs)]
    return Events.from_rows(rows)


@dataclass
class IdMap:
    """Raw id <-> dense index."""

    ids: np.ndarray
    _index: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {int(v): i for i, v in enumerate(self.ids)}

    @classmethod
    def from_ids(cls, raw: Iterable[int]) -> IdMap:
        """Indexes in order of first appearance."""
        return cls(np.array(list(dict.fromkeys(int(x) for x in raw)), dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    def encode(self, raw: Iterable[int]) -> np.ndarray:
        """Dense indexes; -1 for ids not in the map."""
        get = self._index.get
        return np.fromiter((get(int(x), -1) for x in raw), dtype=np.int64)

    def index(self, raw: int) -> int:
        """The dense index of one raw id, or -1."""
        return self._index.get(int(raw), -1)


@dataclass
class TrainData:
    """What every recommender is fitted on.

    ``sequences`` are ordered item-index arrays (listening sessions, playlists, a user's
    play/like history); ``seq_users`` gives each sequence's user row. ``user_items`` is the
    user x item preference matrix (None: built from the sequences). ``item_features`` holds
    side information per field name (artist, album, ...): one value code per item, -1 for none.
    """

    n_items: int
    sequences: list[np.ndarray]
    seq_users: np.ndarray
    user_items: sp.csr_matrix | None = None
    item_features: dict[str, np.ndarray] | None = None
    item_pop: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        counts = np.zeros(self.n_items, dtype=np.float64)
        for seq in self.sequences:
            np.add.at(counts, seq, 1.0)
        self.item_pop = counts
        if self.user_items is None:
            self.user_items = rows_matrix(self.sequences, self.n_items, self.seq_users)

    @property
    def n_events(self) -> int:
        return int(sum(len(s) for s in self.sequences))

    def user_sequences(self) -> list[np.ndarray]:
        """Consecutive sequences of the same user joined into one history (in the given order)."""
        if not self.sequences:
            return []
        bounds = np.flatnonzero(np.diff(self.seq_users)) + 1
        groups = np.split(np.arange(len(self.sequences)), bounds)
        return [np.concatenate([self.sequences[i] for i in g]) for g in groups]

    def session_items(self) -> sp.csr_matrix:
        """The binary sequence x item matrix (one row per sequence)."""
        return rows_matrix(self.sequences, self.n_items)


def rows_matrix(sequences: Sequence[np.ndarray], n_items: int, row_of: np.ndarray | None = None) -> sp.csr_matrix:
    """A binary row x item matrix; sequence i goes to row ``row_of[i]`` (default i)."""
    rows = np.arange(len(sequences)) if row_of is None else np.asarray(row_of)
    n_rows = int(rows.max()) + 1 if len(rows) else 0
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    r = np.repeat(rows, lengths)
    c = np.concatenate(sequences) if len(sequences) else np.zeros(0, dtype=np.int64)
    m = sp.csr_matrix((np.ones(len(c), dtype=np.float32), (r, c)), shape=(n_rows, n_items))
    m.data[:] = 1.0  # duplicates were summed: keep presence only
    return m


def preference_matrix(
    user_idx: np.ndarray, item_idx: np.ndarray, weights: np.ndarray, n_users: int, n_items: int
) -> sp.csr_matrix:
    """A user x item matrix of summed weights (ratings, plays, playlist membership)."""
    return sp.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (np.asarray(user_idx), np.asarray(item_idx))),
        shape=(n_users, n_items),
    )


def sequences_by(events: Events, key: str, items: IdMap, users: IdMap) -> tuple[list[np.ndarray], np.ndarray]:
    """Split time-ordered events into item-index sequences per ``key`` ('sessions' or 'users').

    Items unknown to ``items`` are dropped; sequences shorter than one item are dropped.
    """
    ev = events.sorted()
    keys = getattr(ev, key)
    idx = items.encode(ev.items)
    order = np.lexsort((np.arange(len(ev)), ev.times, keys))
    keys, idx, uids = keys[order], idx[order], users.encode(ev.users[order])
    bounds = np.flatnonzero(np.diff(keys)) + 1
    times = ev.times[order]
    seqs, owners, starts = [], [], []
    for seg_items, seg_users, seg_times in zip(
        np.split(idx, bounds), np.split(uids, bounds), np.split(times, bounds)
    ):
        seg = seg_items[seg_items >= 0]
        if len(seg):
            seqs.append(seg)
            owners.append(seg_users[0])
            starts.append(seg_times[0])
    # Order by owner, then start time, so a user's sequences follow each other in time.
    by_owner = np.lexsort((np.array(starts, dtype=np.int64), np.array(owners, dtype=np.int64)))
    return [seqs[i] for i in by_owner], np.array(owners, dtype=np.int64)[by_owner]


def build_train_data(events: Events, split_by: str = "sessions",
                     extra_items: np.ndarray | None = None) -> tuple[TrainData, IdMap, IdMap]:
    """Id maps and TrainData from training events. The catalogue is the items seen in training,
    then ``extra_items`` never seen (songs the app holds: rankable by models that know them
    through side information)."""
    ev = events.sorted()
    extra = () if extra_items is None else (int(i) for i in extra_items)
    items = IdMap.from_ids(itertools.chain(ev.items.tolist(), extra))
    users = IdMap.from_ids(ev.users)
    seqs, owners = sequences_by(ev, split_by, items, users)
    return TrainData(len(items), seqs, owners), items, users


class ItemFeatures:
    """Side information by raw item id: for each field (artist, album, ...), a value key per
    item (any hashable: an artist id, an artist name). ``codes`` turns it into the dense codes
    ``TrainData.item_features`` holds, numbered over the given catalogue."""

    def __init__(self, fields: dict[str, dict[int, object]]) -> None:
        self.fields = fields

    def codes(self, item_ids: np.ndarray) -> dict[str, np.ndarray]:
        """Per field, each item's value code (0..n-1 in order of first appearance), -1 for none."""
        out = {}
        for name, values in self.fields.items():
            numbering: dict[object, int] = {}
            keys = (values.get(int(i)) for i in item_ids)
            out[name] = np.fromiter((-1 if k is None else numbering.setdefault(k, len(numbering)) for k in keys),
                                    dtype=np.int64, count=len(item_ids))
        return out

    def coverage(self, item_ids: np.ndarray) -> dict[str, float]:
        """Per field, the share of the given items (repeats count) that have a value."""
        n = max(len(item_ids), 1)
        return {name: sum(int(i) in values for i in item_ids) / n for name, values in self.fields.items()}
