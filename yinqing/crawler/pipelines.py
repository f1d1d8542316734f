"""The one item pipeline (batched writes through the ingest service) and the progress extension."""

from __future__ import annotations

import logging
import time
from collections import Counter

from twisted.internet import task

from yinqing.crawler.items import ItemBatch
from yinqing.db import make_engine, make_sessionmaker, session_scope
from yinqing.services import jobs as job_records
from yinqing.services.ingest import ingest_items

logger = logging.getLogger(__name__)
# Bigger batches mean fewer statements and commits per item (the write is most of a crawl's CPU);
# a killed crawl loses at most this much, and resumes after the last batch.
BATCH_ITEMS = 5000
BATCH_SECONDS = 5.0


class DatabasePipeline:
    """Buffers items and writes them in one transaction per batch: a killed crawl leaves whole
    batches or nothing, and every progress mark is committed with the items it vouches for."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.buffer: list = []
        self.last_flush = time.monotonic()
        self.write_seconds = 0.0
        self.written: Counter = Counter()

    @classmethod
    def from_crawler(cls, crawler) -> DatabasePipeline:
        """Scrapy's constructor hook."""
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        """Connect to the crawl's database."""
        spider = spider or self.crawler.spider
        self.engine = make_engine(spider.spec.database_url)
        self.factory = make_sessionmaker(self.engine)

    def process_item(self, item, spider=None):
        """Buffer the item (or a response's batch of items); write the buffer when full or old."""
        items = item.items if isinstance(item, ItemBatch) else [item]
        self.buffer.extend(items)
        self.crawler.stats.inc_value("yinqing/items", len(items))
        if len(self.buffer) >= BATCH_ITEMS or time.monotonic() - self.last_flush > BATCH_SECONDS:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffer in one transaction; on failure, item by item, skipping bad ones."""
        items, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        if not items:
            return
        started = time.perf_counter()
        try:
            with session_scope(self.factory) as session:
                self.written.update(ingest_items(session, items))
        except Exception:
            logger.exception("batch of %d items failed; writing them one by one", len(items))
            self._write_one_by_one(items)
        self.write_seconds += time.perf_counter() - started

    def _write_one_by_one(self, items: list) -> None:
        stats = self.crawler.stats
        for item in items:
            try:
                with session_scope(self.factory) as session:
                    self.written.update(ingest_items(session, [item]))
            except Exception as exc:  # noqa: BLE001
                stats.inc_value("yinqing/problems/write_error")
                logger.warning("skipped %s %s: %s", item.kind, getattr(item, "id", ""), exc)

    def close_spider(self, spider=None) -> None:
        """Write what is left."""
        stats = self.crawler.stats
        self.flush()
        for kind, n in self.written.items():
            stats.set_value(f"yinqing/written/{kind}", n)
        stats.set_value("yinqing/time/write", round(self.write_seconds, 3))
        self.engine.dispose()


class ProgressExtension:
    """Every second: progress = answered / scheduled requests, to a callback and the jobs table."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.callback = crawler.settings.get("YINQING_PROGRESS")
        self.loop = task.LoopingCall(self.report)
        self.job_factory = None

    @classmethod
    def from_crawler(cls, crawler) -> ProgressExtension:
        """Scrapy's constructor hook: start and stop with the spider."""
        from scrapy import signals

        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider) -> None:
        """Start reporting."""
        self.spec = spider.spec
        if self.spec.job_id:
            self.job_engine = make_engine(self.spec.database_url)
            self.job_factory = make_sessionmaker(self.job_engine)
        self.loop.start(1.0, now=False)

    def snapshot(self) -> dict:
        """Requests answered and scheduled, items written, problems so far."""
        stats = self.crawler.stats.get_stats()
        enqueued = stats.get("scheduler/enqueued", 0)
        answered = stats.get("response_received_count", 0) + sum(
            v for k, v in stats.items() if k.startswith("yinqing/problems/failed_"))
        items = stats.get("yinqing/items", 0)
        return {"requests": answered, "scheduled": enqueued, "items": items,
                "progress": min(0.99, answered / enqueued) if enqueued else 0.0,
                "refusals": stats.get("yinqing/refusals", 0)}

    def report(self) -> None:
        """Send the snapshot on."""
        snap = self.snapshot()
        if self.callback:
            self.callback(snap)
        if self.job_factory:
            counts = f"{snap['requests']}/{snap['scheduled']}"
            message = f"已请求 {counts}，已抓取 {snap['items']} 条 / {counts} requests, {snap['items']} items"
            low, high = self.spec.progress_span
            try:
                with session_scope(self.job_factory) as session:
                    job_records.mark_progress(job_records.get_job(session, self.spec.job_id),
                                              low + (high - low) * snap["progress"], message)
            except Exception:
                logger.exception("could not record job progress")

    def closed(self, spider, reason) -> None:
        """Stop reporting."""
        if self.loop.running:
            self.loop.stop()
        if self.callback:
            self.callback({**self.snapshot(), "progress": 1.0})
        if self.job_factory:
            self.job_engine.dispose()
