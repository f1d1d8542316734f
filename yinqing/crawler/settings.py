"""Scrapy settings for crawling NetEase politely, built from Yinqing's Settings and a CrawlSpec."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from yinqing.config import Settings

DEFAULT_TOPLISTS = (3778678, 3779629, 19723756, 2884035)  # 热歌榜, 新歌榜, 飙升榜, 原创榜
MODES = ("toplists", "playlist", "playlists", "artist", "album", "search", "song")
# The categories of NetEase's playlist listing (its /playlist/catlist), 全部 = every playlist.
PLAYLIST_CATEGORIES = (
    "全部", "华语", "欧美", "日语", "韩语", "粤语", "小语种",
    "流行", "摇滚", "民谣", "电子", "舞曲", "说唱", "轻音乐", "爵士", "乡村", "R&B/Soul", "古典", "民族", "英伦",
    "金属", "朋克", "蓝调", "雷鬼", "世界音乐", "拉丁", "另类/独立", "New Age", "古风", "后摇", "Bossa Nova",
    "清晨", "夜晚", "学习", "工作", "午休", "下午茶", "地铁", "驾车", "运动", "旅行", "散步", "酒吧",
    "怀旧", "清新", "浪漫", "性感", "伤感", "治愈", "放松", "孤独", "感动", "兴奋", "快乐", "安静", "思念",
    "综艺", "影视原声", "ACG", "儿童", "校园", "游戏", "70后", "80后", "90后", "00后", "网络歌曲", "KTV", "经典",
    "翻唱", "吉他", "钢琴", "器乐", "榜单",
)
PLAYLIST_ORDERS = ("hot", "new")
MAX_LISTED_PLAYLISTS = 5000
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36")
MAX_IDS = 5000
MAX_COMMENT_PAGES = 1000


class CrawlRequestError(ValueError):
    """A crawl request that makes no sense (bad id, absurd page count); the message says why."""


@dataclass
class CrawlSpec:
    """What to crawl and how: everything a crawl run needs, serialisable to JSON for a subprocess."""

    mode: str
    ids: list[int] = field(default_factory=list)
    keyword: str = ""
    comment_pages: int = 2
    comment_page_size: int = 100
    playlist_tracks: int = 1000  # `n`: tracks embedded in a playlist detail (the rest via song detail)
    deep_offset: int = 5000  # beyond this offset the site wants `before=` paging
    search_type: int = 1
    search_limit: int = 30
    category: str = "全部"     # playlists: the listing's category, order and how many playlists
    order: str = "hot"
    listing_limit: int = 100
    listing_page_size: int = 35  # what the site's own playlist pages ask for
    # Songs whose lyric and comments are fetched; None = every crawled song. A mirror crawl names
    # the songs the mirror holds them for, instead of asking for tens of thousands of empty pages.
    extras_for: list[int] | None = None
    # Stop a song's comment paging at comments stored before (incremental); False: page on to
    # `comment_pages` (the first start's background crawl goes deeper than its slice did).
    stop_at_stored_comments: bool = True
    follow_artists: bool = True
    follow_albums: bool = True
    base_url: str = "https://music.163.com"
    rate: float = 2.0
    concurrency: int = 4
    http_cache: bool = False
    timeout: float = 20.0
    retry_times: int = 4
    backoff: float = 2.0
    refusal_limit: int = 30
    job_id: int | None = None
    progress_span: tuple[float, float] = (0.0, 1.0)  # the share of the job's progress bar this crawl fills
    database_url: str = ""
    # "site": crawl base_url; "mirror": the job starts the stand-in over the mirror folder.
    source: str = "site"

    def validate(self) -> CrawlSpec:
        """Refuse nonsense with a clear message; returns self."""
        if self.mode not in MODES:
            raise CrawlRequestError(f"unknown crawl kind {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.mode in ("playlist", "artist", "album", "song") and not self.ids:
            raise CrawlRequestError(f"crawl {self.mode} needs at least one NetEase id")
        if len(self.ids) > MAX_IDS:
            raise CrawlRequestError(f"at most {MAX_IDS} ids per crawl")
        bad = [i for i in self.ids if isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**53]
        if bad:
            raise CrawlRequestError(f"not a NetEase id: {bad[0]!r} (ids are positive integers)")
        if self.mode == "playlists":
            self._validate_listing()
        if self.extras_for is not None and any(isinstance(i, bool) or not isinstance(i, int) for i in self.extras_for):
            raise CrawlRequestError("extras_for holds song ids (integers)")
        if self.mode == "search" and not self.keyword.strip():
            raise CrawlRequestError("crawl search needs a keyword")
        if len(self.keyword) > 100:
            raise CrawlRequestError("the search keyword is longer than 100 characters")
        if not 0 <= self.comment_pages <= MAX_COMMENT_PAGES:
            raise CrawlRequestError(f"comment pages must be between 0 and {MAX_COMMENT_PAGES}")
        if not 1 <= self.comment_page_size <= 100:
            raise CrawlRequestError("a comment page holds 1 to 100 comments (the site's limit)")
        if self.search_type not in (1, 10, 100, 1000) or not 1 <= self.search_limit <= 100:
            raise CrawlRequestError("search type must be 1, 10, 100 or 1000 and the limit 1-100")
        if not 1 <= self.playlist_tracks <= 100000 or self.deep_offset < 0:
            raise CrawlRequestError("playlist_tracks must be 1-100000 and deep_offset >= 0")
        if self.source not in ("site", "mirror"):
            raise CrawlRequestError("source must be 'site' or 'mirror'")
        if self.rate < 0 or self.concurrency < 1:
            raise CrawlRequestError("rate must be >= 0 (0 = unlimited) and concurrency >= 1")
        return self

    def _validate_listing(self) -> None:
        if self.category not in PLAYLIST_CATEGORIES:
            raise CrawlRequestError(f"unknown playlist category {self.category!r}; "
                                    f"NetEase lists: {' '.join(PLAYLIST_CATEGORIES)}")
        if self.order not in PLAYLIST_ORDERS:
            raise CrawlRequestError(f"order must be one of {', '.join(PLAYLIST_ORDERS)}, not {self.order!r}")
        if isinstance(self.listing_limit, bool) or not isinstance(self.listing_limit, int) or not (
                1 <= self.listing_limit <= MAX_LISTED_PLAYLISTS):
            raise CrawlRequestError(f"the playlist limit must be between 1 and {MAX_LISTED_PLAYLISTS}")
        if not 1 <= self.listing_page_size <= 100:
            raise CrawlRequestError("a listing page holds 1 to 100 playlists")

    @property
    def run_key(self) -> str:
        """Names the crawl by what it fetches, so a restart of the same crawl resumes it."""
        what = json.dumps([self.mode, sorted(self.ids), self.keyword.strip(), self.comment_pages,
                           self.comment_page_size, self.search_type, self.search_limit,
                           self.follow_artists, self.follow_albums,
                           "mirror" if self.source == "mirror" else self.base_url]
                          # Appended only when set, so the keys of older kinds of crawl stay the same.
                          + ([self.category, self.order, self.listing_limit] if self.mode == "playlists" else [])
                          + ([sorted(self.extras_for)] if self.extras_for is not None else [])
                          + ([] if self.stop_at_stored_comments else ["past stored comments"]))
        return f"{self.mode}:{hashlib.sha1(what.encode()).hexdigest()[:24]}"

    def to_json(self) -> str:
        """JSON for the crawl subprocess."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CrawlSpec:
        """The spec back from JSON."""
        fields = json.loads(text)
        fields["progress_span"] = tuple(fields.get("progress_span") or (0.0, 1.0))
        return cls(**fields)

    @classmethod
    def from_settings(cls, settings: Settings, mode: str, **kwargs: Any) -> CrawlSpec:
        """A spec with the site, rate, comment pages and database from the environment's settings."""
        base = {"base_url": settings.netease_base_url, "rate": settings.crawl_rate,
                "comment_pages": settings.comment_pages, "database_url": settings.database_url}
        base.update({k: v for k, v in kwargs.items() if v is not None})
        return cls(mode=mode, **base)


def scrapy_settings(spec: CrawlSpec, settings: Settings) -> dict[str, Any]:
    """Scrapy settings: at most `rate` requests a second to the host, AutoThrottle, retries."""
    polite = spec.rate > 0
    return {
        "BOT_NAME": "yinqing",
        "SPIDER_MODULES": ["yinqing.crawler.spiders"],
        "ROBOTSTXT_OBEY": False,  # the JSON API has no robots.txt; politeness is the rate limit
        "USER_AGENT": USER_AGENT,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "application/json, text/plain, */*",
            "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
            "Referer": spec.base_url.rstrip("/") + "/",
        },
        "COOKIES_ENABLED": False,
        # A response yields one item batch and a few requests; Scrapy starts this many workers
        # per response, so the default (100) costs more than the parsing.
        "CONCURRENT_ITEMS": 4,
        "CONCURRENT_REQUESTS": 16 if polite else 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": spec.concurrency if polite else 16,
        # One request per 1/rate seconds per host; not randomised, so the cap is a real cap.
        "DOWNLOAD_DELAY": 1.0 / spec.rate if polite else 0,
        "DOWNLOAD_DELAY_JITTER": 0,
        "AUTOTHROTTLE_ENABLED": polite,
        "AUTOTHROTTLE_START_DELAY": 1.0 / spec.rate if polite else 0,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": spec.timeout,
        "DOWNLOAD_MAXSIZE": 8 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 4 * 1024 * 1024,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": spec.retry_times,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429, 405, 406],
        "YINQING_BACKOFF": spec.backoff,
        "YINQING_REFUSAL_LIMIT": spec.refusal_limit,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "yinqing.crawler.middlewares.NeteaseRetryMiddleware": 550,
        },
        "ITEM_PIPELINES": {"yinqing.crawler.pipelines.DatabasePipeline": 300},
        "EXTENSIONS": {"yinqing.crawler.pipelines.ProgressExtension": 500},
        "HTTPCACHE_ENABLED": spec.http_cache,
        "HTTPCACHE_DIR": str(settings.instance_dir / "httpcache"),
        "HTTPCACHE_EXPIRATION_SECS": 0,
        "HTTPCACHE_POLICY": "yinqing.crawler.middlewares.NeteaseCachePolicy",
        "HTTPCACHE_IGNORE_HTTP_CODES": [405, 406, 408, 429, 500, 502, 503, 504],
        "LOG_LEVEL": "INFO",
        "LOGSTATS_INTERVAL": 30.0,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
    }
