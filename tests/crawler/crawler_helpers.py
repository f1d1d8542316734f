"""Database checks shared by the crawler tests."""

from __future__ import annotations

from sqlalchemy import func, select

from yinqing.models import Comment, Lyric, Playlist, PlaylistTrack, Song


def count(session, model, *where) -> int:
    """Rows of a model matching the conditions."""
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def assert_consistent(session) -> None:
    """No half records: tracks contiguous and pointing at songs, full songs whole, comments whole."""
    for (pid,) in session.execute(select(Playlist.id)):
        positions = [p for (p,) in session.execute(
            select(PlaylistTrack.position).where(PlaylistTrack.playlist_id == pid).order_by(PlaylistTrack.position))]
        assert positions == list(range(len(positions))), f"playlist {pid} has gaps in its track list"
    # A song that is not partial came from a full object: it has its raw JSON, album and artists.
    full_without_parts = session.scalar(select(func.count()).select_from(Song).where(
        Song.is_partial.is_(False), (Song.raw.is_(None)) | (Song.album_id.is_(None))))
    assert full_without_parts == 0
    for song in session.scalars(select(Song).where(Song.is_partial.is_(False))):
        raw = song.raw.get("ar") or song.raw.get("artists") or []
        expected = list(dict.fromkeys(a["id"] for a in raw if isinstance(a.get("id"), int) and a["id"] > 0))
        assert [sa.artist_id for sa in song.song_artists] == expected, f"song {song.id} lost its artist rows"
    assert count(session, Comment, (Comment.content.is_(None)) | (Comment.song_id.is_(None))) == 0
    assert count(session, Lyric, Lyric.lrc.is_(None)) == 0


def comment_keys(mirror, song_id: int, latest_slice: slice) -> set[str]:
    """The dedup keys of a song's hot comments (first page) and a slice of its latest comments."""
    from yinqing.crawler.parsers import Problems, parse_comment

    hot, latest = mirror.comments.get(song_id, ([], []))
    items = [parse_comment(c, song_id, True, Problems()) for c in hot[:15]]
    items += [parse_comment(c, song_id, False, Problems()) for c in latest[latest_slice]]
    return {i.dedup_key for i in items if i}


def stored_comment_keys(session, song_id: int) -> set[str]:
    """The dedup keys stored for a song."""
    return set(session.scalars(select(Comment.dedup_key).where(Comment.song_id == song_id)))


def is_full(song: dict) -> bool:
    """Whether a mirror song object is complete enough to be stored as not partial."""
    ar = song.get("ar")
    return bool(ar) and all(isinstance(a, dict) and "id" in a for a in ar) and bool(
        (song.get("al") or {}).get("id")) and song.get("dt") is not None
