"""Rate limiting (Flask-Limiter): in memory by default, Redis when REDIS_URL is set."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def username_key() -> str:
    """Key login attempts by the username tried, so one account cannot be brute-forced from many IPs."""
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return f"user:{name if isinstance(name, str) else ''}"[:80]
