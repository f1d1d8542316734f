"""JWT bearer tokens: issuing and checking, and the `auth` object views require."""

from __future__ import annotations

import time

import jwt
from apiflask import HTTPTokenAuth
from apiflask.exceptions import HTTPError

from yinqing.api.deps import db_session, settings
from yinqing.models import User
from yinqing.models.types import MAX_ID

auth = HTTPTokenAuth(scheme="Bearer", description="JWT from POST /api/auth/login")

_ALGORITHM = "HS256"


def issue_token(user: User) -> str:
    """A signed token carrying the user id and the user's current token version."""
    now = int(time.time())
    claims = {"sub": str(user.id), "ver": user.token_version, "iat": now,
              "exp": now + settings().jwt_ttl_seconds}
    return jwt.encode(claims, settings().secret_key, algorithm=_ALGORITHM)


@auth.verify_token
def _verify(token: str) -> User | None:
    try:
        claims = jwt.decode(token, settings().secret_key, algorithms=[_ALGORITHM],
                            options={"require": ["sub", "exp", "ver"]})
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    if not 0 < user_id <= MAX_ID:  # no such row, and the id column cannot even hold it
        return None
    user = db_session().get(User, user_id)
    if user is None or user.token_version != claims["ver"]:
        return None
    return user


def optional_user() -> User | None:
    """The user of a valid bearer token, or None (for endpoints open to everyone)."""
    from flask import request

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return _verify(header[7:].strip())


def require_admin(user: User) -> None:
    """Refuse non-admins with 403."""
    if user.role != "admin":
        raise HTTPError(403, "需要管理员权限 / admin only")
