"""The ingest service on the real databases: upserts by NetEase id, unknown never beats known."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tests.crawler.crawler_helpers import count
from yinqing.crawler.items import AlbumItem, ArtistItem, CommentItem, LyricItem, PlaylistItem, SongItem
from yinqing.models import Album, Artist, Comment, Lyric, Playlist, PlaylistTrack, Song, SongArtist
from yinqing.services.ingest import catalogue_counts, ingest_items


def full_song(**over) -> SongItem:
    base = {"id": 186016, "name": "晴天", "artist_names": ["周杰伦"], "artist_ids": [6452], "album_id": 18905, "duration_ms": 269000,
                "fee": 8, "copyright": 1, "popularity": 100.0, "is_partial": False, "raw": {"id": 186016, "name": "晴天"},
                "publish_time": datetime(2003, 7, 31), "privilege_status": 0}
    base.update(over)
    return SongItem(**base)


def test_second_write_adds_nothing_and_updates_counts(session):
    items = [full_song(), ArtistItem(id=6452, name="周杰伦"), AlbumItem(id=18905, name="叶惠美"),
             PlaylistItem(id=1, name="p", play_count=10, track_ids=[186016, 5, 186016]),
             CommentItem(dedup_key="c:1", song_id=186016, content="好听", liked_count=3, netease_id=1)]
    ingest_items(session, items)
    session.commit()
    first = catalogue_counts(session)
    items[3].play_count = 11
    items[4].liked_count = 9
    ingest_items(session, items)
    session.commit()
    assert catalogue_counts(session) == first
    session.expire_all()
    assert session.get(Playlist, 1).play_count == 11
    assert session.scalar(select(Comment.liked_count)) == 9
    # Tracks are replaced whole, unknown track songs become id-only stubs.
    assert [t.song_id for t in session.get(Playlist, 1).tracks] == [186016, 5, 186016]
    stub = session.get(Song, 5)
    assert stub.is_partial and stub.name is None and stub.raw is None


def test_unknown_never_overwrites_known(session):
    ingest_items(session, [full_song(), ArtistItem(id=6452, name="周杰伦", aliases=["Jay"], raw={"id": 6452})])
    session.commit()
    # A partial object of the same song, and a bare artist reference, arrive later.
    partial = SongItem(id=186016, name="晴天", artist_names=["周杰伦"], popularity=99.0, is_partial=True,
                       raw={"id": 186016, "name": "晴天"})
    ingest_items(session, [partial, ArtistItem(id=6452, name="周杰伦")])
    session.commit()
    session.expire_all()
    song = session.get(Song, 186016)
    assert song.is_partial is False and song.duration_ms == 269000 and song.fee == 8 and song.album_id == 18905
    assert song.popularity == 99.0  # a known new value does replace the old one
    assert [a.artist_id for a in song.song_artists] == [6452]
    artist = session.get(Artist, 6452)
    assert artist.aliases == ["Jay"] and artist.raw == {"id": 6452}


def test_partial_then_full_upgrades_the_row(session):
    ingest_items(session, [SongItem(id=7, name=None, is_partial=True, raw={"id": 7, "name": None})])
    session.commit()
    ingest_items(session, [full_song(id=7, name="七里香")])
    session.commit()
    session.expire_all()
    song = session.get(Song, 7)
    assert song.name == "七里香" and song.is_partial is False and song.raw["id"] == 186016


def test_hot_flag_is_sticky_and_batches_deduplicate(session):
    hot = CommentItem(dedup_key="c:9", song_id=3, content="x", netease_id=9, is_hot=True, liked_count=1)
    latest = CommentItem(dedup_key="c:9", song_id=3, content="x", netease_id=9, is_hot=False, liked_count=2)
    ingest_items(session, [hot, latest, latest])
    session.commit()
    ingest_items(session, [latest])
    session.commit()
    assert count(session, Comment) == 1
    row = session.scalar(select(Comment))
    assert row.is_hot is True and row.liked_count == 2
    assert session.get(Song, 3).is_partial  # the comment's song exists as a stub


def test_odd_values_are_clipped_not_fatal(session):
    long_name = "名" * 2000
    ingest_items(session, [SongItem(id=11, name=long_name, duration_ms=10**15, is_partial=True),
                           LyricItem(song_id=11, lrc="[00:01]la"),
                           CommentItem(dedup_key="h:x", song_id=11, content="😀" * 3, ip_location="x" * 300)])
    session.commit()
    song = session.get(Song, 11)
    assert song.name == long_name[:512] and song.duration_ms is None
    assert session.get(Lyric, 11).lrc == "[00:01]la"
    assert session.scalar(select(Comment.content)) == "😀😀😀"


def test_song_artists_follow_the_latest_full_list(session):
    ingest_items(session, [full_song(artist_ids=[1, 2, 1])])
    session.commit()
    assert [(r.artist_id, r.position) for r in session.scalars(select(SongArtist).order_by(SongArtist.position))] == [(1, 0), (2, 1)]
    ingest_items(session, [full_song(artist_ids=[2])])
    session.commit()
    assert [r.artist_id for r in session.scalars(select(SongArtist))] == [2]
    assert count(session, Artist) == 2 and count(session, Album) == 1 and count(session, PlaylistTrack) == 0
