"""Catalogue tables: artists, albums, songs, lyrics, playlists. Ids are NetEase's own ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yinqing.db import Base
from yinqing.models.types import Json, utcnow


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(255), index=True)
    aliases: Mapped[list] = mapped_column(Json, default=list)
    pic_url: Mapped[str | None] = mapped_column(String(1024))
    music_size: Mapped[int | None] = mapped_column(Integer)
    album_size: Mapped[int | None] = mapped_column(Integer)
    mv_size: Mapped[int | None] = mapped_column(Integer)
    brief_desc: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any] | None] = mapped_column(Json)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Album(Base):
    __tablename__ = "albums"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(512), index=True)
    pic_url: Mapped[str | None] = mapped_column(String(1024))
    publish_time: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    size: Mapped[int | None] = mapped_column(Integer)
    company: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[str | None] = mapped_column(String(64))
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artists.id", ondelete="SET NULL"), index=True)
    raw: Mapped[dict[str, Any] | None] = mapped_column(Json)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    artist: Mapped[Artist | None] = relationship()


class SongArtist(Base):
    """The ordered artist list of a song (many-to-many)."""

    __tablename__ = "song_artists"

    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    artist: Mapped[Artist] = relationship()

    __table_args__ = (Index("ix_song_artists_artist_id", "artist_id"),)


class Song(Base):
    """A song as last crawled. Unknown values stay NULL (partial songs may have only an id)."""

    __tablename__ = "songs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(512), index=True)
    aliases: Mapped[list] = mapped_column(Json, default=list)
    translated_names: Mapped[list] = mapped_column(Json, default=list)
    # Names as the source gave them; partial songs know artist names but not artist ids.
    artist_names: Mapped[list] = mapped_column(Json, default=list)
    album_id: Mapped[int | None] = mapped_column(ForeignKey("albums.id", ondelete="SET NULL"), index=True)
    cover_url: Mapped[str | None] = mapped_column(String(1024))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    publish_time: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    popularity: Mapped[float | None] = mapped_column(Float, index=True)
    fee: Mapped[int | None] = mapped_column(Integer)
    copyright: Mapped[int | None] = mapped_column(Integer)
    origin_cover_type: Mapped[int | None] = mapped_column(Integer)
    origin_song: Mapped[dict[str, Any] | None] = mapped_column(Json)
    no_copyright_rcmd: Mapped[dict[str, Any] | None] = mapped_column(Json)
    privilege_status: Mapped[int | None] = mapped_column(Integer)
    privilege: Mapped[dict[str, Any] | None] = mapped_column(Json)
    mv_id: Mapped[int | None] = mapped_column(BigInteger)
    comment_total: Mapped[int | None] = mapped_column(Integer)
    is_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict[str, Any] | None] = mapped_column(Json)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    album: Mapped[Album | None] = relationship()
    song_artists: Mapped[list[SongArtist]] = relationship(
        order_by=SongArtist.position, cascade="all, delete-orphan"
    )
    lyric: Mapped[Lyric | None] = relationship(back_populates="song", uselist=False)

    @property
    def artists(self) -> list[Artist]:
        return [sa.artist for sa in self.song_artists]


class Lyric(Base):
    __tablename__ = "lyrics"

    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True)
    lrc: Mapped[str | None] = mapped_column(Text)
    translated_lrc: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    song: Mapped[Song] = relationship(back_populates="lyric")


class Playlist(Base):
    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(512), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(Json, default=list)
    cover_url: Mapped[str | None] = mapped_column(String(1024))
    creator_id: Mapped[int | None] = mapped_column(BigInteger)
    creator_nickname: Mapped[str | None] = mapped_column(String(255))
    play_count: Mapped[int | None] = mapped_column(BigInteger)
    subscribed_count: Mapped[int | None] = mapped_column(BigInteger)
    share_count: Mapped[int | None] = mapped_column(BigInteger)
    comment_count: Mapped[int | None] = mapped_column(BigInteger)
    track_count: Mapped[int | None] = mapped_column(Integer)
    create_time: Mapped[datetime | None] = mapped_column(DateTime)
    update_time: Mapped[datetime | None] = mapped_column(DateTime)
    is_toplist: Mapped[bool] = mapped_column(Boolean, default=False)
    raw: Mapped[dict[str, Any] | None] = mapped_column(Json)
    crawled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    tracks: Mapped[list[PlaylistTrack]] = relationship(
        order_by="PlaylistTrack.position", cascade="all, delete-orphan"
    )


class PlaylistTrack(Base):
    """Ordered track list of a playlist. A track's song row may be partial (id only)."""

    __tablename__ = "playlist_tracks"

    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), index=True)

    song: Mapped[Song] = relationship()
