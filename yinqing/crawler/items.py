"""What the spiders yield: one dataclass per stored kind. `None` always means "unknown".

Field names are the database column names, so the pipeline hands them to the ingest service as
they are. Extra fields that are not columns say how to link rows (artist ids, track ids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


@dataclass
class ArtistItem:
    kind: ClassVar[str] = "artist"
    id: int
    name: str | None = None
    aliases: list | None = None
    pic_url: str | None = None
    music_size: int | None = None
    album_size: int | None = None
    mv_size: int | None = None
    brief_desc: str | None = None
    raw: dict | None = None


@dataclass
class AlbumItem:
    kind: ClassVar[str] = "album"
    id: int
    name: str | None = None
    pic_url: str | None = None
    publish_time: datetime | None = None
    size: int | None = None
    company: str | None = None
    type: str | None = None
    artist_id: int | None = None
    raw: dict | None = None


@dataclass
class SongItem:
    kind: ClassVar[str] = "song"
    id: int
    name: str | None = None
    aliases: list | None = None
    translated_names: list | None = None
    artist_names: list | None = None
    album_id: int | None = None
    cover_url: str | None = None
    duration_ms: int | None = None
    publish_time: datetime | None = None
    popularity: float | None = None
    fee: int | None = None
    copyright: int | None = None
    origin_cover_type: int | None = None
    origin_song: dict | None = None
    no_copyright_rcmd: dict | None = None
    privilege_status: int | None = None
    privilege: dict | None = None
    mv_id: int | None = None
    comment_total: int | None = None
    is_partial: bool | None = None
    raw: dict | None = None
    # Ordered artist ids; None when the source names artists without ids (partial songs).
    artist_ids: list[int] | None = None


@dataclass
class LyricItem:
    kind: ClassVar[str] = "lyric"
    song_id: int
    lrc: str | None = None
    translated_lrc: str | None = None
    version: int | None = None


@dataclass
class PlaylistItem:
    kind: ClassVar[str] = "playlist"
    id: int
    name: str | None = None
    description: str | None = None
    tags: list | None = None
    cover_url: str | None = None
    creator_id: int | None = None
    creator_nickname: str | None = None
    play_count: int | None = None
    subscribed_count: int | None = None
    share_count: int | None = None
    comment_count: int | None = None
    track_count: int | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    is_toplist: bool | None = None
    raw: dict | None = None
    # The complete ordered track list; None when the body did not give it (unknown, not empty).
    track_ids: list[int] | None = None


@dataclass
class CommentItem:
    kind: ClassVar[str] = "comment"
    dedup_key: str
    song_id: int
    content: str
    netease_id: int | None = None
    user_id: int | None = None
    nickname: str | None = None
    liked_count: int | None = None
    reply_count: int | None = None
    time: datetime | None = None
    ip_location: str | None = None
    is_hot: bool | None = None


@dataclass
class CrawlMarkItem:
    """Progress of one unit of a crawl run (a song's lyric, a song's comments, ...).

    Written in the same transaction as the items yielded before it, so a resumed run skips
    exactly the work whose results are stored.
    """

    kind: ClassVar[str] = "mark"
    run_key: str
    unit: str
    done: bool = True
    state: dict[str, Any] | None = field(default=None)


@dataclass
class ItemBatch:
    """Every item parsed from one response, passed to the pipeline as one Scrapy item.

    Scrapy's per-item machinery costs more than parsing a song; one batch per response also means
    a response's items are written together or not at all.
    """

    kind: ClassVar[str] = "batch"
    items: list = field(default_factory=list)
