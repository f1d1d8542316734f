"""Seed a small real catalogue for catalogue/search tests: genuine NetEase songs from the shared mirror.

Reads `../shared/data/netease/mirror/songs.jsonl` at test time (never copied into the repo) and
inserts artists, albums, songs and song-artist links through the ORM, then builds the search index.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache

from yinqing.config import REPO_ROOT
from yinqing.models import Album, Artist, Comment, Lyric, Song, SongArtist
from yinqing.services.search import refresh_search_index

MIRROR_SONGS = REPO_ROOT.parent / "shared" / "data" / "netease" / "mirror" / "songs.jsonl"
JAY_CHOU = 6452


@lru_cache(maxsize=1)
def mirror_songs(general: int = 40, jay: int = 12) -> tuple[dict, ...]:
    """Genuine full song objects: the first `general` with a publish time, plus `jay` by 周杰伦."""
    picked: list[dict] = []
    n_general = n_jay = 0
    with open(MIRROR_SONGS, encoding="utf-8") as f:
        for line in f:
            if '"_partial"' in line or '"publishTime"' not in line:
                continue
            song = json.loads(line)
            ar, al = song.get("ar") or [], song.get("al") or {}
            if not (song.get("name") and ar and all(a.get("id") and a.get("name") for a in ar) and al.get("id")):
                continue
            is_jay = any(a["id"] == JAY_CHOU for a in ar)
            if is_jay and n_jay < jay:
                n_jay += 1
            elif not is_jay and n_general < general:
                n_general += 1
            else:
                continue
            picked.append(song)
            if n_general >= general and n_jay >= jay:
                break
    return tuple(picked)


def _time(ms) -> datetime | None:
    if not ms or ms <= 0:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(tzinfo=None)


def seed_catalogue(session, general: int = 40, jay: int = 12) -> list[dict]:
    """Insert the mirror songs (with artists and albums), index them, commit; returns the song objects."""
    songs = mirror_songs(general, jay)
    artists, albums = {}, {}
    for s in songs:
        for a in s["ar"]:
            artists.setdefault(a["id"], Artist(id=a["id"], name=a["name"], aliases=a.get("alia") or []))
        al = s["al"]
        albums.setdefault(al["id"], Album(id=al["id"], name=al.get("name"), pic_url=al.get("picUrl"),
                                          publish_time=_time(s.get("publishTime")), artist_id=s["ar"][0]["id"]))
    session.add_all(artists.values())
    session.add_all(albums.values())
    session.flush()
    for n, s in enumerate(songs):
        song = Song(id=s["id"], name=s["name"], aliases=s.get("alia") or [], translated_names=s.get("tns") or [],
                    artist_names=[a["name"] for a in s["ar"]], album_id=s["al"]["id"],
                    cover_url=s["al"].get("picUrl"), duration_ms=s.get("dt"), publish_time=_time(s.get("publishTime")),
                    # Distinct popularity and comment counts make every sort order checkable.
                    popularity=float(100 - n), fee=s.get("fee"), comment_total=(n * 7919) % 1000,
                    is_partial=False)
        song.song_artists = [SongArtist(artist_id=a["id"], position=i) for i, a in enumerate(s["ar"])]
        session.add(song)
    session.flush()
    refresh_search_index(session)
    session.commit()
    return list(songs)


def add_lyric(session, song_id: int) -> None:
    """A short LRC with a translation and a credit line."""
    lrc = ('{"t":0,"c":[{"tx":"作词: "},{"tx":"方文山"}]}\n[ti:test]\n[00:01.00]第一句\n'
           "[00:05.50][00:20.00]副歌 <b>不是标签</b>\n[00:09.120]第二句\n")
    session.add(Lyric(song_id=song_id, lrc=lrc, translated_lrc="[00:01.00]first line\n[00:09.12]second line\n"))
    session.commit()


def add_comments(session, song_id: int, hot: int = 3, latest: int = 25) -> None:
    """Hot comments with distinct like counts and latest comments with distinct times."""
    for i in range(hot):
        session.add(Comment(dedup_key=f"hot-{song_id}-{i}", song_id=song_id, content=f"热评 {i}",
                            liked_count=1000 * (i + 1), is_hot=True, time=datetime(2020, 1, 1 + i),
                            sentiment_label="positive" if i % 2 == 0 else None))
    for i in range(latest):
        session.add(Comment(dedup_key=f"new-{song_id}-{i}", song_id=song_id, content=f"最新评论 {i}",
                            liked_count=i, is_hot=False, time=datetime(2021, 1, 1, 0, i)))
    session.commit()
