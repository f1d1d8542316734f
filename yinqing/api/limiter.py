"""Rate limiting (Flask-Limiter): in memory by default, Redis when REDIS_URL is set.

The client address is `request.remote_addr`: the peer's address, or (when TRUSTED_PROXIES is set,
see create_app) the address the trusted proxies put in X-Forwarded-For. Limits come from the
settings (see .env.example); each one's key says what it counts per.
"""

from __future__ import annotations

import math
import time

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from yinqing.api.deps import settings

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

# Sentiment cost: one unit per started 64 characters the model reads of each text (it reads at
# most 512), ten times that when the influential tokens are computed too (measured ~10x slower).
SENTIMENT_CHARS_PER_UNIT = 64
SENTIMENT_MODEL_CHARS = 512
EXPLAIN_FACTOR = 10


def configured(name: str):
    """A limit read from the settings at request time (tests and deployments set their own)."""
    return lambda: getattr(settings(), name)


def failed_login(response) -> bool:
    return response.status_code == 401


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _username() -> str:
    name = _body().get("username")
    return name[:64] if isinstance(name, str) else ""


def address_username_key() -> str:
    """Login attempts per (address, username): an attacker guessing one account from one address."""
    return f"{get_remote_address()}|{_username()}"


def user_key() -> str:
    """Per signed-in user (the token's user); per address when the token is missing or invalid."""
    from yinqing.api.auth_deps import optional_user

    user = optional_user()
    return f"user:{user.id}" if user is not None else f"addr:{get_remote_address()}"


def sentiment_cost() -> int:
    """What one analyze request costs, in units of SENTIMENT_CHARS_PER_UNIT characters read, capped
    at the whole budget so that the dearest valid request is still served once per window."""
    body = _body()
    texts = body.get("texts") if "texts" in body else [body.get("text")]
    texts = [t for t in texts if isinstance(t, str)] if isinstance(texts, list) else []
    units = sum(max(1, math.ceil(min(len(t), SENTIMENT_MODEL_CHARS) / SENTIMENT_CHARS_PER_UNIT)) for t in texts)
    explain = body.get("explain")
    if explain is True or (explain is None and "texts" not in body):  # a single text is explained by default
        units *= EXPLAIN_FACTOR
    return max(1, min(units, parse(settings().sentiment_rate_limit).amount))


def login_is_targeted(username: str) -> bool:
    """True when this username had too many failed logins recently, from any addresses together."""
    item = parse(settings().login_username_slowdown)
    return not limiter.limiter.test(item, "login-username", username)


def slow_down_targeted_login(username: str) -> None:
    """A username under a (distributed) guessing attack answers slowly, for everyone, but still answers:
    its owner can log in, the attacker's guesses per second drop."""
    if login_is_targeted(username):
        time.sleep(settings().login_slowdown_seconds)


def record_failed_login(username: str) -> None:
    limiter.limiter.hit(parse(settings().login_username_slowdown), "login-username", username)
