"""What the spiders yield: one dataclass per stored kind. `None` always means "unknown".

Field names are the database column names, so the pipeline hands them to the ingest service as
they are. Extra fields that are not columns say how to link rows (artist ids, track ids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Optional


@dataclass
class ArtistItem:
    kind: ClassVar[str] = "artist"
    id: int
    name: Optional[str] = None
    aliases: Optional[list] = None
    pic_url: Optional[str] = None
    music_size: Optional[int] = None
    album_size: Optional[int] = None
    mv_size: Optional[int] = None
    brief_desc: Optional[str] = None
    raw: Optional[dict] = None


@dataclass
class AlbumItem:
    kind: ClassVar[str] = "album"
    id: int
    name: Optional[str] = None
    pic_url: Optional[str] = None
    publish_time: Optional[datetime] = None
    size: Optional[int] = None
    company: Optional[str] = None
    type: Optional[str] = None
    artist_id: Optional[int] = None
    raw: Optional[dict] = None


@dataclass
class SongItem:
    kind: ClassVar[str] = "song"
    id: int
    name: Optional[str] = None
    aliases: Optional[list] = None
    translated_names: Optional[list] = None
    artist_names: Optional[list] = None
    album_id: Optional[int] = None
    cover_url: Optional[str] = None
    duration_ms: Optional[int] = None
    publish_time: Optional[datetime] = None
    popularity: Optional[float] = None
    fee: Optional[int] = None
    copyright: Optional[int] = None
    origin_cover_type: Optional[int] = None
    origin_song: Optional[dict] = None
    no_copyright_rcmd: Optional[dict] = None
    privilege_status: Optional[int] = None
    privilege: Optional[dict] = None
    mv_id: Optional[int] = None
    comment_total: Optional[int] = None
    is_partial: Optional[bool] = None
    raw: Optional[dict] = None
    # Ordered artist ids; None when the source names artists without ids (partial songs).
    artist_ids: Optional[list[int]] = None


@dataclass
class LyricItem:
    kind: ClassVar[str] = "lyric"
    song_id: int
    lrc: Optional[str] = None
    translated_lrc: Optional[str] = None
    version: Optional[int] = None


@dataclass
class PlaylistItem:
    kind: ClassVar[str] = "playlist"
    id: int
    name: Optional[str] = None
    description: Optional[str] = None
    tags: Optional[list] = None
    cover_url: Optional[str] = None
    creator_id: Optional[int] = None
    creator_nickname: Optional[str] = None
    play_count: Optional[int] = None
    subscribed_count: Optional[int] = None
    share_count: Optional[int] = None
    comment_count: Optional[int] = None
    track_count: Optional[int] = None
    create_time: Optional[datetime] = None
    update_time: Optional[datetime] = None
    is_toplist: Optional[bool] = None
    raw: Optional[dict] = None
    # The complete ordered track list; None when the body did not give it (unknown, not empty).
    track_ids: Optional[list[int]] = None


@dataclass
class CommentItem:
    kind: ClassVar[str] = "comment"
    dedup_key: str
    song_id: int
    content: str
    netease_id: Optional[int] = None
    user_id: Optional[int] = None
    nickname: Optional[str] = None
    liked_count: Optional[int] = None
    reply_count: Optional[int] = None
    time: Optional[datetime] = None
    ip_location: Optional[str] = None
    is_hot: Optional[bool] = None


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
    state: Optional[dict[str, Any]] = field(default=None)


@dataclass
class ItemBatch:
    """Every item parsed from one response, passed to the pipeline as one Scrapy item.

    Scrapy's per-item machinery costs more than parsing a song; one batch per response also means
    a response's items are written together or not at all.
    """

    kind: ClassVar[str] = "batch"
    items: list = field(default_factory=list)
