"""Accounts: registration, authentication, profile, password and avatar."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import warnings
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yinqing.models import User
from yinqing.models.types import MAX_ID
from yinqing.services.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized

USERNAME_RE = re.compile(r"^[A-Za-z0-9_\u4e00-\u9fff]{3,32}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_FORMATS = {"PNG", "JPEG", "WEBP"}
AVATAR_SIZE = 256
# A 2 MB upload can still declare a huge canvas (a "JPEG bomb"); refuse anything over 40 MP.
AVATAR_MAX_PIXELS = 40_000_000

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps login timing the same for both cases.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse passwords outside 8-128 characters."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("密码长度需为 8–128 位 / password must be 8-128 characters",
                           {field: ["password_length"]})


def register_user(session: Session, username: str, password: str, nickname: str | None = None,
                  role: str = "user") -> User:
    """Create an account; raises Conflict when the username is taken."""
    if not USERNAME_RE.fullmatch(username):  # match() would let "$" accept a trailing newline
        raise InvalidInput("用户名需为 3–32 位字母、数字、下划线或汉字 / invalid username",
                           {"username": ["username_format"]})
    check_password_rules(password)
    check_plain_text("nickname", nickname or "")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("用户名已被占用 / username already taken", {"username": ["username_taken"]})
    user = User(username=username, password_hash=_hasher.hash(password),
                nickname=(nickname or username).strip() or username, bio="", role=role, token_version=0)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("用户名已被占用 / username already taken", {"username": ["username_taken"]}) from exc
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """Return the user whose password matches, else raise Unauthorized (same message for both cases)."""
    # No username holds a NUL, and PostgreSQL refuses one in a query parameter: skip the lookup, not the hash.
    user = session.scalar(select(User).where(User.username == username)) if "\x00" not in username else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise Unauthorized("用户名或密码错误 / wrong username or password")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    # An id past BIGINT cannot exist, and SQLite overflows on it: answer NotFound before querying.
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound("用户不存在 / user not found")
    return user


def check_can_edit(actor: User, target: User) -> None:
    """Only the user themself or an admin may change an account."""
    if actor.id != target.id and actor.role != "admin":
        raise Forbidden("不能修改其他用户 / you cannot change another user's account")


def check_plain_text(field: str, value: str, allowed: str = "") -> None:
    """Refuse control characters (PostgreSQL cannot even store NUL); `allowed` lists the ones that may stay."""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise InvalidInput("不能包含控制字符 / must not contain control characters", {field: ["control_characters"]})


def update_profile(user: User, nickname: str | None = None, bio: str | None = None) -> User:
    """Change nickname and/or bio (already validated for length by the API schema)."""
    if nickname is not None:
        check_plain_text("nickname", nickname)
    if bio is not None:
        check_plain_text("bio", bio, allowed="\n\t")
    if nickname is not None:
        if not nickname.strip():
            raise InvalidInput("昵称不能为空 / nickname must not be empty", {"nickname": ["required"]})
        user.nickname = nickname.strip()
    if bio is not None:
        user.bio = bio
    return user


def change_password(user: User, old_password: str, new_password: str) -> User:
    """Set a new password after checking the old one; every earlier token stops working."""
    try:
        _hasher.verify(user.password_hash, old_password)
    except (VerificationError, InvalidHashError):
        raise InvalidInput("原密码错误 / old password is wrong", {"old_password": ["wrong_password"]}) from None
    check_password_rules(new_password, "new_password")
    user.password_hash = _hasher.hash(new_password)
    user.token_version += 1
    return user


def revoke_tokens(user: User) -> None:
    """Log out everywhere: tokens carry the version they were issued with."""
    user.token_version += 1


def make_avatar(data: bytes) -> bytes:
    """Decode an uploaded image and re-encode it as a square PNG thumbnail; refuse anything else."""
    if len(data) > AVATAR_MAX_BYTES:
        raise InvalidInput("头像不能超过 2 MB / avatar must be at most 2 MB", {"file": ["too_large"]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in AVATAR_FORMATS:
                raise InvalidInput("头像只支持 PNG、JPEG、WebP / avatar must be PNG, JPEG or WebP",
                                   {"file": ["bad_format"]})
            if image.width * image.height > AVATAR_MAX_PIXELS:
                raise InvalidInput("图片尺寸过大 / image dimensions too large", {"file": ["too_many_pixels"]})
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise InvalidInput("无法识别的图片 / not a valid image", {"file": ["bad_image"]}) from exc
    return _square_png(image)


def _square_png(image: Image.Image) -> bytes:
    image = image.convert("RGBA")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize((AVATAR_SIZE, AVATAR_SIZE),
                                                                    Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_avatar(user: User, data: bytes, avatar_dir: Path) -> User:
    """Store the processed avatar on disk (new file name each time, old file removed)."""
    png = make_avatar(data)
    avatar_dir.mkdir(parents=True, exist_ok=True)
    name = f"{user.id}-{secrets.token_hex(8)}.png"
    (avatar_dir / name).write_bytes(png)
    old = user.avatar_path
    user.avatar_path = name
    if old and old != name:
        (avatar_dir / old).unlink(missing_ok=True)
    return user


def avatar_file(user: User, avatar_dir: Path) -> Path:
    """The avatar's path on disk, or NotFound."""
    if not user.avatar_path:
        raise NotFound("该用户没有头像 / no avatar")
    path = avatar_dir / Path(user.avatar_path).name
    if not path.is_file():
        raise NotFound("该用户没有头像 / no avatar")
    return path
