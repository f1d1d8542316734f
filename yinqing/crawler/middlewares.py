"""NetEase specifics below the spider: refusals, back-off, JSON checks, what the cache keeps."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from yinqing.crawler.parsers import REFUSAL_CODES

logger = logging.getLogger(__name__)
MAX_BACKOFF = 60.0


def refusal_of(request: Request, response: Response) -> str | None:
    """Why a response is a refusal or broken ("http 405", "code -460", "bad json"), or None.

    The parsed body is left in `request.meta["body"]` so the spider does not parse it again.
    """
    if response.status != 200:
        return None
    try:
        body = json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        return "bad json"
    request.meta["body"] = body
    code = body.get("code") if isinstance(body, dict) else None
    if code in REFUSAL_CODES or (isinstance(code, str) and code.lstrip("-").isdigit() and int(code) in REFUSAL_CODES):
        return f"code {code}"
    return None


class NeteaseRetryMiddleware(RetryMiddleware):
    """Retries HTTP refusals, NetEase's JSON refusals and broken JSON with exponential back-off.

    When the site keeps refusing (`YINQING_REFUSAL_LIMIT` refusals in a row, no success between),
    the crawl stops with a message instead of hammering on.
    """

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("YINQING_BACKOFF", 2.0)
        self.refusal_limit = settings.getint("YINQING_REFUSAL_LIMIT", 30)
        self.refusals_in_a_row = 0

    async def process_request(self, request: Request, spider=None) -> None:
        """Hold a retried request until its back-off has passed (the download slot stays free)."""
        wait = request.meta.get("not_before", 0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response, spider=None):
        """Retry refusals and broken bodies; count refusals in a row; pass good answers on."""
        if request.meta.get("dont_retry"):
            return response
        reason = refusal_of(request, response)
        if response.status in self.retry_http_codes:
            reason = f"http {response.status}"
        if reason is None:
            self.refusals_in_a_row = 0
            return response
        if reason != "bad json":
            self._note_refusal(reason)
        return self._retry_later(request, reason) or response

    def process_exception(self, request: Request, exception: Exception, spider=None):
        """Timeouts and dropped connections: retry with back-off."""
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry"):
            return self._retry_later(request, type(exception).__name__)
        return None

    def _retry_later(self, request: Request, reason: str) -> Request | None:
        retry = self._retry(request, reason)
        if retry is not None:
            attempt = retry.meta.get("retry_times", 1)
            retry.meta["not_before"] = time.monotonic() + min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1))
            retry.meta.pop("body", None)
        return retry

    def _note_refusal(self, reason: str) -> None:
        self.refusals_in_a_row += 1
        stats = self.crawler.stats
        stats.inc_value("yinqing/refusals")
        if self.refusals_in_a_row == self.refusal_limit:
            message = (f"NetEase refused {self.refusals_in_a_row} requests in a row (last: {reason}); "
                       "stopping. Wait a while, lower CRAWL_RATE, and start the same crawl again to resume.")
            logger.error(message)
            stats.set_value("yinqing/stop_message", message)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="refused"))


class NeteaseCachePolicy(DummyPolicy):
    """Cache raw answers for re-parsing, but never refusals or broken bodies."""

    def should_cache_response(self, response: Response, request: Request) -> bool:
        """Only good 200 answers with valid JSON and no refusal code."""
        if not super().should_cache_response(response, request) or response.status != 200:
            return False
        try:
            body = json.loads(response.body)
        except (ValueError, UnicodeDecodeError):
            return False
        return not (isinstance(body, dict) and body.get("code") in REFUSAL_CODES)
