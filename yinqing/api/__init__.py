"""The Flask (APIFlask) application factory: JSON API under /api, the built SPA at /."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from apiflask import APIFlask
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from yinqing.config import Settings
from yinqing.db import make_engine, make_sessionmaker

MAX_BODY_BYTES = 8 * 1024 * 1024


class JSONProvider(DefaultJSONProvider):
    """Datetimes as ISO 8601 everywhere (Flask's default is an HTTP date), like the schemas.

    The database stores naive UTC; it goes out with its zone so a browser in China time does not
    read it as local time."""

    ensure_ascii = False

    @staticmethod
    def default(o):
        if isinstance(o, datetime):
            return (o.replace(tzinfo=UTC) if o.tzinfo is None else o).isoformat()
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)

    def loads(self, s, **kwargs):
        """Parse JSON; a document nested too deeply for the decoder is bad input (400), not a crash."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def create_app(settings: Settings | None = None) -> APIFlask:
    """Build the app for the given settings (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = APIFlask("yinqing", title="Yinqing 音情 API", version="1.0", spec_path="/api/openapi.json",
                   docs_path=None, static_folder=None)  # /api/docs: see docs_assets.py
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_AS_ASCII=False,
        AUTO_404_RESPONSE=True,
        VALIDATION_ERROR_STATUS_CODE=422,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        # Exact counts over the last period, and a refused request costs nothing (a fixed window adds a
        # refused request's cost too, and lets twice the limit through around a window boundary; a
        # sliding-window counter only approximates the count).
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.json = JSONProvider(app)
    if settings.trusted_proxies > 0:  # only then is X-Forwarded-For the client's address (rate limits)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    engine = make_engine(settings.database_url)
    app.extensions["yinqing"] = {"settings": settings, "engine": engine,
                                 "sessionmaker": make_sessionmaker(engine)}
    _init_extensions(app)
    _register_blueprints(app)
    logging.getLogger("yinqing").setLevel(logging.INFO)
    return app


def _init_extensions(app: APIFlask) -> None:
    from yinqing.api.deps import close_session
    from yinqing.api.errors import init_errors
    from yinqing.api.hardening import init_hardening
    from yinqing.api.limiter import limiter
    from yinqing.api.spec import init_spec

    init_errors(app)
    init_hardening(app)
    init_spec(app)
    limiter.init_app(app)
    app.teardown_appcontext(close_session)


def _register_blueprints(app: APIFlask) -> None:
    from yinqing.api import (
        albums,
        artists,
        auth,
        crawl,
        docs_assets,
        first_start,
        frontend,
        health,
        home,
        jobs,
        me,
        recommend,
        sentiment,
        songs,
        stats,
        users,
    )

    for module in (health, auth, users, jobs, stats, songs, artists, albums, me, home, sentiment, crawl,
                   recommend, first_start, docs_assets):
        app.register_blueprint(module.bp)
    # The SPA catch-all goes last so every /api route wins over it.
    app.register_blueprint(frontend.bp)
