"""Database checks shared by the crawler tests."""

from __future__ import annotations

from sqlalchemy import func, select

from yinqing.models import Comment, Lyric, Playlist, PlaylistTrack, Song, SongArtist


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
    orphans = session.scalar(select(func.count()).select_from(Song).where(
        Song.is_partial.is_(False), ~select(SongArtist.song_id).where(SongArtist.song_id == Song.id).exists()))
    assert orphans == 0, "full songs without their artist rows"
    assert count(session, Comment, (Comment.content.is_(None)) | (Comment.song_id.is_(None))) == 0
    assert count(session, Lyric, Lyric.lrc.is_(None)) == 0
