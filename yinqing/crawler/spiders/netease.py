"""The NetEase spider: from toplists, playlists, artists, albums, songs or a search, follow to
songs, artists, albums, lyrics and N pages of comments. It only parses and yields items; the
pipeline writes them.
"""

from __future__ import annotations

import json
import time
from calendar import timegm
from urllib.parse import urlencode

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from yinqing.crawler import parsers as P
from yinqing.crawler.items import AlbumItem, ArtistItem, CrawlMarkItem, ItemBatch, SongItem
from yinqing.crawler.settings import DEFAULT_TOPLISTS, CrawlSpec
from yinqing.crawler.state import CrawlState

SONG_BATCH = 100          # the site's limit for /api/v3/song/detail


class NeteaseSpider(scrapy.Spider):
    """One spider for every kind of crawl; `spec` (a CrawlSpec as JSON) says what to crawl."""

    name = "netease"

    def __init__(self, spec: str = "", *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spec = CrawlSpec.from_json(spec)
        self.base = self.spec.base_url.rstrip("/")
        self.problems = P.Problems()
        self.state = CrawlState(self.spec.database_url, self.spec.run_key)
        self.requested: set[str] = set()
        self.listed: set[int] = set()  # playlists a listing crawl has taken (pages may overlap)
        self.extras = set(self.spec.extras_for) if self.spec.extras_for is not None else None
        self.parse_seconds = 0.0
        self.fetch_seconds = 0.0  # summed download latency (requests overlap, so it exceeds wall time)

    # --- requests -----------------------------------------------------------------------------

    def api(self, path: str, params: dict, callback, **meta) -> scrapy.Request:
        """A request to a web-API route of the configured site."""
        url = f"{self.base}{path}" + (f"?{urlencode(params)}" if params else "")
        return scrapy.Request(url, callback=callback, errback=self.failed, meta=meta)

    def once(self, unit: str) -> bool:
        """True the first time a unit is asked for in this run, unless the run already did it."""
        if unit in self.requested or self.state.done(unit):
            return False
        self.requested.add(unit)
        return True

    async def start(self):
        """The first requests of the crawl kind."""
        spec, ids = self.spec, self.spec.ids
        if spec.mode == "toplists":
            yield self.api("/api/toplist", {}, self.parse_toplist)
            for pid in ids or DEFAULT_TOPLISTS:
                yield self.playlist_request(pid)
        elif spec.mode == "playlist":
            for pid in ids:
                yield self.playlist_request(pid)
        elif spec.mode == "playlists":
            yield self.listing_request(0)
        elif spec.mode == "artist":
            for aid in ids:
                yield self.api(f"/api/artist/{aid}", {}, self.parse_artist, follow=True, unit=f"artist:{aid}")
        elif spec.mode == "album":
            for aid in ids:
                yield self.api(f"/api/v1/album/{aid}", {}, self.parse_album, follow=True, unit=f"album:{aid}")
        elif spec.mode == "song":
            for request in self.song_detail_requests(ids):
                yield request
        elif spec.mode == "search":
            params = {"s": spec.keyword.strip(), "type": spec.search_type, "limit": spec.search_limit, "offset": 0}
            yield self.api("/api/search/get/web", params, self.parse_search)

    def playlist_request(self, pid: int) -> scrapy.Request:
        """Playlist detail (re-fetched on resume: it is one request and carries the track order)."""
        return self.api("/api/v6/playlist/detail", {"id": pid, "n": self.spec.playlist_tracks}, self.parse_playlist,
                        unit=f"playlist:{pid}")

    def listing_request(self, offset: int) -> scrapy.Request:
        """A page of the site's playlist listing (a category, hot or new first)."""
        spec = self.spec
        params = {"cat": spec.category, "order": spec.order, "offset": offset,
                  "limit": min(spec.listing_page_size, spec.listing_limit - offset), "total": "true"}
        return self.api("/api/playlist/list", params, self.parse_listing, offset=offset)

    def song_detail_requests(self, song_ids: list[int]):
        """Song detail in batches of 100, for songs this run has not fetched yet."""
        todo = [i for i in dict.fromkeys(song_ids) if self.once(f"song:{i}")]
        for start in range(0, len(todo), SONG_BATCH):
            batch = todo[start:start + SONG_BATCH]
            c = json.dumps([{"id": i} for i in batch], separators=(",", ":"))
            yield self.api("/api/v3/song/detail", {"c": c}, self.parse_song_detail, ids=batch)

    def follow_songs(self, songs: list[SongItem]):
        """Lyrics, comments, artists and albums of songs in the crawl's scope."""
        spec = self.spec
        wanted = [s for s in songs if self.extras is None or s.id in self.extras]
        incremental = spec.comment_pages and wanted and spec.stop_at_stored_comments
        since = self.state.newest_comment_ms([s.id for s in wanted]) if incremental else {}
        for song in wanted:
            if self.once(f"lyric:{song.id}"):
                yield self.api("/api/song/lyric", {"id": song.id, "lv": -1, "kv": -1, "tv": -1}, self.parse_lyric,
                               song_id=song.id, unit=f"lyric:{song.id}")
            if spec.comment_pages and self.once(f"comments:{song.id}"):
                cursor = self.state.cursor(f"comments:{song.id}") or {"page": 0, "since": since.get(song.id)}
                yield self.comments_request(song.id, cursor)
        for song in songs:
            for aid in (song.artist_ids or []) if spec.follow_artists else []:
                if self.once(f"artist:{aid}"):
                    yield self.api(f"/api/artist/{aid}", {}, self.parse_artist, follow=False, unit=f"artist:{aid}")
            if spec.follow_albums and song.album_id and self.once(f"album:{song.album_id}"):
                yield self.api(f"/api/v1/album/{song.album_id}", {}, self.parse_album, follow=False,
                               unit=f"album:{song.album_id}")

    def skip_embedded_albums(self, items: list) -> None:
        """Albums a body already gave in full (old-schema songs embed them): no detail request."""
        for item in items:
            if isinstance(item, AlbumItem) and item.raw is not None:
                self.requested.add(f"album:{item.id}")

    def comments_request(self, song_id: int, cursor: dict) -> scrapy.Request:
        """The next comment page: offset paging near the top, `before=` paging deeper down."""
        size = self.spec.comment_page_size
        offset = cursor["page"] * size
        params = {"limit": size, "offset": offset}
        if offset >= self.spec.deep_offset and cursor.get("before"):
            params = {"limit": size, "offset": 0, "before": cursor["before"]}
        return self.api(f"/api/v1/resource/comments/R_SO_4_{song_id}", params, self.parse_comments,
                        song_id=song_id, cursor=cursor, unit=f"comments:{song_id}")

    # --- callbacks ----------------------------------------------------------------------------

    def body(self, response):
        """The JSON body (parsed once by the retry middleware)."""
        if "body" in response.meta:
            return response.meta["body"]
        return json.loads(response.body)

    def guarded(parse):
        """Count and skip a body that cannot be used; keep the crawl going. The items of a
        response go to the pipeline as one batch, and only when the whole body parsed."""

        def wrapper(self, response):
            started = time.perf_counter()
            self.fetch_seconds += response.meta.get("download_latency", 0.0)
            batch, requests = ItemBatch(), []
            try:
                body = self.body(response)
                outputs = list(parse(self, response, body))
                requests = [o for o in outputs if isinstance(o, scrapy.Request)]
                batch.items = [o for o in outputs if not isinstance(o, scrapy.Request)]
            except P.ApiError as exc:
                self.api_error(response, exc)
            except (ValueError, UnicodeDecodeError):
                self.problems.add("bad_json")
                self.logger.warning("unparseable body from %s", response.url)
            except (TypeError, AttributeError, KeyError) as exc:
                self.problems.add("bad_shape")
                self.logger.warning("unexpected body shape from %s: %r", response.url, exc)
            self.parse_seconds += time.perf_counter() - started
            yield from requests
            if batch.items:
                yield batch
        wrapper.__name__ = parse.__name__
        wrapper.__doc__ = parse.__doc__
        return wrapper

    def api_error(self, response, exc: P.ApiError) -> None:
        """Unknown ids are done (the site has nothing); refusals are left for a resumed run."""
        self.problems.add(f"api_code_{exc.code}")
        self.logger.info("NetEase answered %s for %s: %s", exc.code, response.url, exc.message)

    def failed(self, failure) -> None:
        """Requests that failed after every retry: counted and skipped."""
        request = failure.request
        if failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        else:
            kind = type(failure.value).__name__
        self.problems.add(f"failed_{kind}")
        self.logger.warning("giving up on %s: %s", request.url, kind)
        self.logger.debug("%s", failure.getTraceback())

    def mark(self, unit: str, done: bool = True, state: dict | None = None) -> CrawlMarkItem:
        """A progress mark, stored with the items yielded before it."""
        return CrawlMarkItem(run_key=self.spec.run_key, unit=unit, done=done, state=state)

    @guarded
    def parse_toplist(self, response, body):
        """The chart list: store every chart's metadata."""
        yield from P.parse_toplist(body, self.problems)

    @guarded
    def parse_listing(self, response, body):
        """A page of the playlist listing: store the playlists, crawl each; the first page schedules the rest."""
        page = P.parse_playlist_listing(body, self.problems)
        offset, spec = response.meta["offset"], self.spec
        for playlist in page.playlists:
            if len(self.listed) < spec.listing_limit and playlist.id not in self.listed:
                self.listed.add(playlist.id)
                yield playlist
                yield self.playlist_request(playlist.id)
        end = min(spec.listing_limit, page.total) if page.total is not None else spec.listing_limit
        if offset == 0 and page.total is not None:
            for start in range(spec.listing_page_size, end, spec.listing_page_size):
                yield self.listing_request(start)
        elif page.total is None and page.more and page.playlists and offset + spec.listing_page_size < end:
            yield self.listing_request(offset + spec.listing_page_size)

    @guarded
    def parse_playlist(self, response, body):
        """A playlist: store it with its track order and embedded tracks; fetch the other tracks."""
        page = P.parse_playlist_detail(body, self.problems)
        yield page.playlist
        yield from page.items
        yield from self.song_detail_requests(page.missing_song_ids)
        songs = [i for i in page.items if isinstance(i, SongItem)]
        for i in songs:
            self.requested.add(f"song:{i.id}")
        self.skip_embedded_albums(page.items)
        yield from self.follow_songs([s for s in songs if s.id in set(page.playlist.track_ids or [])])
        yield self.mark(response.meta["unit"])

    @guarded
    def parse_song_detail(self, response, body):
        """A batch of songs (unknown ids are simply absent, as on the real site)."""
        items = P.parse_song_detail(body, self.problems)
        songs = [i for i in items if isinstance(i, SongItem)]
        missing = set(response.meta["ids"]) - {s.id for s in songs}
        if missing:
            self.problems.add("song_unknown", len(missing))
        self.skip_embedded_albums(items)
        yield from items
        yield from self.follow_songs(songs)
        for sid in response.meta["ids"]:
            yield self.mark(f"song:{sid}")

    @guarded
    def parse_lyric(self, response, body):
        """A song's lyric; none is stored when the site has none."""
        lyric = P.parse_lyric(body, response.meta["song_id"], self.problems)
        if lyric:
            yield lyric
        yield self.mark(response.meta["unit"])

    @guarded
    def parse_comments(self, response, body):
        """A comment page; the next one until N pages, the end, or comments stored before."""
        song_id, cursor = response.meta["song_id"], dict(response.meta["cursor"])
        page = P.parse_comments(body, song_id, self.problems)
        yield from page.comments
        latest = [c for c in page.comments if not c.is_hot]
        since = cursor.get("since")
        reached_stored = since is not None and any(c.time and _ms(c.time) <= since for c in latest)
        cursor.update(page=cursor["page"] + 1, before=page.oldest_time_ms or cursor.get("before"))
        more = (page.more and bool(latest) and not reached_stored and cursor["page"] < self.spec.comment_pages)
        yield self.mark(response.meta["unit"], done=not more, state=cursor)
        if more:
            yield self.comments_request(song_id, cursor)

    @guarded
    def parse_artist(self, response, body):
        """An artist, with its hot songs when the artist is what was asked for (an artist met
        through a song adds only itself: its other songs are outside the crawl)."""
        artist, items = P.parse_artist_detail(body, self.problems)
        yield artist
        if response.meta.get("follow"):
            yield from items
            yield from self.follow_songs([i for i in items if isinstance(i, SongItem)])
        yield self.mark(response.meta["unit"])

    @guarded
    def parse_album(self, response, body):
        """An album and its artists, with its songs when the album is what was asked for (an album
        met through a song adds only itself and its artists)."""
        album, items = P.parse_album_detail(body, self.problems)
        yield album
        if response.meta.get("follow"):
            yield from items
            yield from self.follow_songs([i for i in items if isinstance(i, SongItem)])
        else:
            yield from (i for i in items if isinstance(i, ArtistItem))
        yield self.mark(response.meta["unit"])

    @guarded
    def parse_search(self, response, body):
        """Search hits: songs get their full detail, artists/albums/playlists are crawled."""
        items, _total = P.parse_search(body, self.spec.search_type, self.problems)
        kind = self.spec.search_type
        if kind == 1:
            yield from self.song_detail_requests([i.id for i in items if isinstance(i, SongItem)])
            return
        yield from items
        for item in items:
            if kind == 1000:
                yield self.playlist_request(item.id)
            elif kind == 100 and self.once(f"artist:{item.id}"):
                yield self.api(f"/api/artist/{item.id}", {}, self.parse_artist, follow=True, unit=f"artist:{item.id}")
            elif kind == 10 and self.once(f"album:{item.id}"):
                yield self.api(f"/api/v1/album/{item.id}", {}, self.parse_album, follow=True, unit=f"album:{item.id}")

    def closed(self, reason: str) -> None:
        """Publish the problem counts in the crawl stats."""
        stats = self.crawler.stats
        for what, n in self.problems.counts.items():
            stats.set_value(f"yinqing/problems/{what}", n)
        stats.set_value("yinqing/time/parse", round(self.parse_seconds, 3))
        stats.set_value("yinqing/time/download_latency_sum", round(self.fetch_seconds, 3))
        stats.set_value("yinqing/resumed", self.state.resumed)
        self.state.close()


def _ms(dt) -> int:
    return timegm(dt.timetuple()) * 1000 + dt.microsecond // 1000
