"""Turn NetEase web-API bodies into items. Pure functions: no network, no database.

Both song schemas are handled: v3 (`ar`, `al`, `dt`, `alia`, `tns`, `pop`, `mv`) and the old
`/api` one (`artists`, `album`, `duration`, `alias`, `transNames`, `popularity`, `mvid`).
A value of the wrong type is recorded as unknown (None) and counted in the `Problems`; an object
without a valid id is skipped whole, never stored half.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from yinqing.crawler.items import AlbumItem, ArtistItem, CommentItem, LyricItem, PlaylistItem, SongItem

OK_CODES = (200,)
# Codes with which NetEase refuses a client it thinks is a robot or too fast.
REFUSAL_CODES = (-460, -462, 405, 406, 429)


class ApiError(Exception):
    """A body whose `code` is not 200 (unknown id, bad parameter, refusal)."""

    def __init__(self, code: Any, message: str = "") -> None:
        super().__init__(f"NetEase code {code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Problems:
    """Counts of what was wrong in the bodies (for logs and crawl stats)."""

    counts: Counter = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        """Count one problem of kind `what`."""
        self.counts[what] += n


# --- coercion: wrong types become None --------------------------------------------------------

def as_id(value: Any) -> int | None:
    """A positive NetEase id, from an int or a string of digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value) or None
    return None


def as_int(value: Any) -> int | None:
    """An int (floats with an integral value too), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_str(value: Any) -> str | None:
    """A string, else None."""
    return value if isinstance(value, str) else None


def as_dict(value: Any) -> dict | None:
    """A dict, else None."""
    return value if isinstance(value, dict) else None


def as_str_list(value: Any) -> list[str] | None:
    """A list of strings (other entries dropped), else None."""
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)]


def as_time(value: Any) -> datetime | None:
    """Epoch milliseconds to naive UTC; 0 and negative values mean unknown on NetEase."""
    ms = as_int(value)
    if ms is None or ms <= 0:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def check_code(body: Any) -> dict:
    """The body as a dict when its code is 200; raise ApiError otherwise."""
    if not isinstance(body, dict):
        raise ApiError(None, "body is not a JSON object")
    code = body.get("code")
    if as_int(code) not in OK_CODES:
        raise ApiError(code, str(body.get("message") or body.get("msg") or ""))
    return body


def _list_of_dicts(value: Any, problems: Problems, what: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"{what}_not_a_list")
        return []
    good = [v for v in value if isinstance(v, dict)]
    if len(good) != len(value):
        problems.add(f"{what}_bad_entry", len(value) - len(good))
    return good


# --- artists and albums -----------------------------------------------------------------------

def parse_artist_ref(obj: Any) -> ArtistItem | None:
    """An artist named inside a song or album: id and name only (aliases there are unreliable)."""
    obj = as_dict(obj) or {}
    aid = as_id(obj.get("id"))
    return ArtistItem(id=aid, name=as_str(obj.get("name"))) if aid else None


def parse_artist(obj: Any, problems: Problems) -> ArtistItem | None:
    """A full artist object (artist detail, artist search)."""
    obj = as_dict(obj)
    aid = as_id(obj.get("id")) if obj else None
    if aid is None:
        problems.add("artist_without_id")
        return None
    return ArtistItem(
        id=aid, name=as_str(obj.get("name")), aliases=as_str_list(obj.get("alias")),
        pic_url=as_str(obj.get("picUrl")), music_size=as_int(obj.get("musicSize")),
        album_size=as_int(obj.get("albumSize")), mv_size=as_int(obj.get("mvSize")),
        brief_desc=as_str(obj.get("briefDesc")), raw=obj,
    )


def parse_album(obj: Any, problems: Problems, full: bool = True) -> AlbumItem | None:
    """An album object; `full=False` for the short `al` reference inside a v3 song."""
    obj = as_dict(obj)
    aid = as_id(obj.get("id")) if obj else None
    if aid is None:
        return None
    item = AlbumItem(id=aid, name=as_str(obj.get("name")), pic_url=as_str(obj.get("picUrl")))
    if full:
        item.publish_time = as_time(obj.get("publishTime"))
        item.size = as_int(obj.get("size"))
        item.company = as_str(obj.get("company"))
        item.type = as_str(obj.get("type"))
        item.artist_id = as_id((as_dict(obj.get("artist")) or {}).get("id"))
        item.raw = {k: v for k, v in obj.items() if k != "songs"}
    return item


# --- songs ------------------------------------------------------------------------------------

def _song_fields(obj: dict) -> dict:
    """The v3 names of a song's fields, reading the old schema where v3 keys are absent."""
    old = "ar" not in obj and ("artists" in obj or "album" in obj or "duration" in obj)
    if not old:
        return obj
    mapped = dict(obj)
    for old_key, new_key in (("artists", "ar"), ("album", "al"), ("duration", "dt"), ("alias", "alia"),
                             ("transNames", "tns"), ("popularity", "pop"), ("mvid", "mv")):
        if old_key in obj and new_key not in obj:
            mapped[new_key] = obj[old_key]
    return mapped


def parse_song(obj: Any, problems: Problems, privileges: dict[int, dict] | None = None) -> list:
    """A song object (either schema) -> [SongItem, its ArtistItems, its AlbumItem]."""
    obj = as_dict(obj)
    sid = as_id(obj.get("id")) if obj else None
    if sid is None:
        problems.add("song_without_id")
        return []
    f = _song_fields(obj)
    ar = _list_of_dicts(f.get("ar"), problems, "song_ar") if "ar" in f else None
    artists = [a for a in (parse_artist_ref(x) for x in ar or []) if a]
    al = as_dict(f.get("al"))
    album = parse_album(al, problems, full="publishTime" in (al or {}))
    privilege = as_dict(obj.get("privilege")) or (privileges or {}).get(sid)
    song = SongItem(
        id=sid, name=as_str(f.get("name")), aliases=as_str_list(f.get("alia")),
        translated_names=as_str_list(f.get("tns")),
        artist_names=[as_str(a.get("name")) for a in ar] if ar is not None else None,
        album_id=album.id if album else None, cover_url=as_str((al or {}).get("picUrl")),
        duration_ms=as_int(f.get("dt")), publish_time=as_time(f.get("publishTime")),
        popularity=_as_float(f.get("pop")), fee=as_int(f.get("fee")),
        copyright=as_int(f.get("copyright")), origin_cover_type=as_int(f.get("originCoverType")),
        origin_song=as_dict(f.get("originSongSimpleData")), no_copyright_rcmd=as_dict(f.get("noCopyrightRcmd")),
        privilege_status=as_int((privilege or {}).get("st")), privilege=privilege,
        mv_id=as_int(f.get("mv")), raw=obj,
        artist_ids=_artist_ids(ar, artists),
    )
    song.is_partial = song.artist_ids is None or album is None or song.duration_ms is None
    if song.name is None and f.get("name") is not None:
        problems.add("song_bad_name")
    return [song, *artists, *([album] if album else [])]


def _artist_ids(ar: list[dict] | None, artists: list[ArtistItem]) -> list[int] | None:
    """Known artist ids in order; None when the source names artists without ids (partial rows).

    Id 0 is how NetEase marks an artist that has no page: the song is still complete.
    """
    if not ar or any("id" not in a for a in ar):
        return None
    return [a.id for a in artists]


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    return float(value) if isinstance(value, (int, float)) else None


def privilege_map(body: dict, problems: Problems) -> dict[int, dict]:
    """`privileges[]` of a body keyed by song id."""
    out = {}
    for p in _list_of_dicts(body.get("privileges"), problems, "privileges"):
        pid = as_id(p.get("id"))
        if pid:
            out[pid] = p
    return out


def parse_songs(objs: Iterable[Any], problems: Problems, privileges: dict[int, dict] | None = None) -> list:
    """Items for a list of song objects."""
    items: list = []
    for obj in objs:
        items.extend(parse_song(obj, problems, privileges))
    return items


def parse_song_detail(body: Any, problems: Problems) -> list:
    """`/api/v3/song/detail`: {songs, privileges}."""
    body = check_code(body)
    songs = _list_of_dicts(body.get("songs"), problems, "songs")
    return parse_songs(songs, problems, privilege_map(body, problems))


# --- playlists --------------------------------------------------------------------------------

def parse_playlist(obj: Any, problems: Problems, is_toplist: bool | None = None) -> PlaylistItem | None:
    """A playlist object (v6 detail, old /api/playlist/detail `result`, search hit, toplist entry)."""
    obj = as_dict(obj)
    pid = as_id(obj.get("id")) if obj else None
    if pid is None:
        problems.add("playlist_without_id")
        return None
    creator = as_dict(obj.get("creator")) or {}
    item = PlaylistItem(
        id=pid, name=as_str(obj.get("name")), description=as_str(obj.get("description")),
        tags=as_str_list(obj.get("tags")), cover_url=as_str(obj.get("coverImgUrl")),
        creator_id=as_id(creator.get("userId")) or as_id(obj.get("userId")),
        creator_nickname=as_str(creator.get("nickname")), play_count=as_int(obj.get("playCount")),
        subscribed_count=as_int(obj.get("subscribedCount")), share_count=as_int(obj.get("shareCount")),
        comment_count=as_int(obj.get("commentCount")), track_count=as_int(obj.get("trackCount")),
        create_time=as_time(obj.get("createTime")), update_time=as_time(obj.get("updateTime")),
        is_toplist=True if (is_toplist or obj.get("ToplistType")) else None,
        raw={k: v for k, v in obj.items() if k not in ("tracks", "trackIds")},
    )
    item.track_ids = _track_ids(obj, problems)
    return item


def _track_ids(obj: dict, problems: Problems) -> list[int] | None:
    """The complete track order: `trackIds`, else the order of `tracks` (old route); None if unknown."""
    source = obj.get("trackIds") if "trackIds" in obj else obj.get("tracks")
    if not isinstance(source, list):
        return None
    ids = [as_id(t.get("id")) if isinstance(t, dict) else as_id(t) for t in source]
    if any(i is None for i in ids):
        problems.add("track_id_invalid", sum(i is None for i in ids))
    return [i for i in ids if i is not None]


@dataclass
class PlaylistPage:
    """A parsed playlist detail: the playlist, the items of its embedded tracks, missing song ids."""

    playlist: PlaylistItem
    items: list
    missing_song_ids: list[int]


def parse_playlist_detail(body: Any, problems: Problems) -> PlaylistPage:
    """`/api/v6/playlist/detail` (or the old route's `result`): tracks may be truncated."""
    body = check_code(body)
    obj = as_dict(body.get("playlist")) or as_dict(body.get("result"))
    playlist = parse_playlist(obj, problems)
    if playlist is None:
        raise ApiError(body.get("code"), "playlist detail without a playlist")
    tracks = _list_of_dicts(obj.get("tracks"), problems, "tracks")
    items = parse_songs(tracks, problems, privilege_map(body, problems))
    have = {i.id for i in items if isinstance(i, SongItem)}
    missing = list(dict.fromkeys(t for t in playlist.track_ids or [] if t not in have))
    return PlaylistPage(playlist, items, missing)


def parse_toplist(body: Any, problems: Problems) -> list[PlaylistItem]:
    """`/api/toplist`: the list of charts (no tracks)."""
    body = check_code(body)
    out = []
    for obj in _list_of_dicts(body.get("list"), problems, "toplist"):
        item = parse_playlist(obj, problems, is_toplist=True)
        if item:
            item.track_ids = None  # the toplist list never carries the tracks
            out.append(item)
    return out


@dataclass
class ListingPage:
    """One page of a playlist listing: the playlists (metadata, no tracks), the total, whether more follow."""

    playlists: list[PlaylistItem]
    total: int | None
    more: bool


def parse_playlist_listing(body: Any, problems: Problems) -> ListingPage:
    """`/api/playlist/list?cat=&order=&offset=&limit=&total=true`: {playlists, total, more, cat}.

    A search for playlists answers a page of the same playlist objects under `result`, counted by
    `playlistCount`; such a body reads the same way (more = the count goes past this page).
    """
    body = check_code(body)
    page = body if "playlists" in body else as_dict(body.get("result")) or {}
    items = [p for p in (parse_playlist(o, problems) for o in _list_of_dicts(page.get("playlists"), problems,
                                                                             "playlists")) if p]
    for item in items:
        item.track_ids = None  # a listing carries no track list
    if "total" in page or "more" in page:
        return ListingPage(items, as_int(page.get("total")), page.get("more") is True)
    return ListingPage(items, as_int(page.get("playlistCount")), False)


# --- lyrics, comments -------------------------------------------------------------------------

def parse_lyric(body: Any, song_id: int, problems: Problems) -> LyricItem | None:
    """`/api/song/lyric`: None when the site has no lyric (nolyric, uncollected, empty)."""
    body = check_code(body)
    lrc = as_dict(body.get("lrc")) or {}
    text = as_str(lrc.get("lyric"))
    if not text:
        if "lrc" in body:
            problems.add("lyric_bad_lrc")
        return None
    return LyricItem(song_id=song_id, lrc=text, translated_lrc=as_str((as_dict(body.get("tlyric")) or {}).get("lyric")) or None,
                     version=as_int(lrc.get("version")))


@dataclass
class CommentPage:
    """One page of a song's comments."""

    comments: list[CommentItem]
    total: int | None
    more: bool
    oldest_time_ms: int | None  # for `before=` paging


def parse_comment(obj: Any, song_id: int, is_hot: bool, problems: Problems) -> CommentItem | None:
    """One comment; its identity is NetEase's commentId, or a hash when the source lacks it."""
    obj = as_dict(obj)
    content = as_str(obj.get("content")) if obj else None
    if content is None:
        problems.add("comment_without_content")
        return None
    cid = as_id(obj.get("commentId"))
    user = as_dict(obj.get("user")) or {}
    time_ms = as_int(obj.get("time"))
    key = f"c:{cid}" if cid else "h:" + hashlib.sha1(
        f"{song_id}|{user.get('userId')}|{time_ms}|{content}".encode()).hexdigest()
    return CommentItem(
        dedup_key=key, song_id=song_id, content=content, netease_id=cid, user_id=as_id(user.get("userId")),
        nickname=as_str(user.get("nickname")), liked_count=as_int(obj.get("likedCount")),
        reply_count=as_int(obj.get("replyCount")), time=as_time(time_ms),
        ip_location=as_str((as_dict(obj.get("ipLocation")) or {}).get("location")) or None, is_hot=is_hot,
    )


def parse_comments(body: Any, song_id: int, problems: Problems) -> CommentPage:
    """`/api/v1/resource/comments/R_SO_4_{id}`: hot comments (first page) and latest comments."""
    body = check_code(body)
    items: list[CommentItem] = []
    for key, hot in (("hotComments", True), ("topComments", True), ("comments", False)):
        for obj in _list_of_dicts(body.get(key), problems, "comments"):
            item = parse_comment(obj, song_id, hot, problems)
            if item:
                items.append(item)
    latest = [as_int(c.get("time")) for c in _list_of_dicts(body.get("comments"), Problems(), "c")]
    times = [t for t in latest if t]
    more = body.get("more")
    return CommentPage(items, as_int(body.get("total")), more is True, min(times) if times else None)


# --- artist, album, search --------------------------------------------------------------------

def parse_artist_detail(body: Any, problems: Problems) -> tuple[ArtistItem, list]:
    """`/api/artist/{id}`: the artist and its hot songs."""
    body = check_code(body)
    artist = parse_artist(body.get("artist"), problems)
    if artist is None:
        raise ApiError(body.get("code"), "artist detail without an artist")
    songs = _list_of_dicts(body.get("hotSongs"), problems, "hotSongs")
    return artist, parse_songs(songs, problems)


def parse_album_detail(body: Any, problems: Problems) -> tuple[AlbumItem, list]:
    """`/api/v1/album/{id}`: the album, its artists and its songs."""
    body = check_code(body)
    obj = as_dict(body.get("album"))
    album = parse_album(obj, problems, full=True)
    if album is None:
        raise ApiError(body.get("code"), "album detail without an album")
    refs = [parse_artist_ref(a) for a in _list_of_dicts(obj.get("artists"), problems, "album_artists")]
    if album.artist_id:
        refs.append(parse_artist_ref(obj.get("artist")))
    songs = _list_of_dicts(body.get("songs"), problems, "songs")
    return album, [*(r for r in refs if r), *parse_songs(songs, problems)]


SEARCH_KEYS = {1: ("songs", "songCount"), 10: ("albums", "albumCount"), 100: ("artists", "artistCount"),
               1000: ("playlists", "playlistCount")}


def parse_search(body: Any, search_type: int, problems: Problems) -> tuple[list, int | None]:
    """`/api/search/get/web` (and cloudsearch bodies): items of the hits and the total count."""
    body = check_code(body)
    key, count_key = SEARCH_KEYS[search_type]
    result = as_dict(body.get("result")) or {}
    hits = _list_of_dicts(result.get(key), problems, key)
    if search_type == 1:
        items = parse_songs(hits, problems)
    elif search_type == 10:
        items = [a for a in (parse_album(h, problems) for h in hits) if a]
    elif search_type == 100:
        items = [a for a in (parse_artist(h, problems) for h in hits) if a]
    else:
        items = [p for p in (parse_playlist(h, problems) for h in hits) if p]
        for p in items:
            p.track_ids = None  # a search hit carries no track list
    return items, as_int(result.get(count_key))
