"""Accounts: registration, authentication, profile, password and avatar."""

from __future__ import annotations

import fcntl
import io
import re
import secrets
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
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
# A 2 MB upload can declare a huge canvas (a 131 KB PNG can say 6300x6300, 159 MB decoded as RGBA):
# refuse any side over this, read from the header before decoding.
AVATAR_MAX_SIDE = 4096
# Uploads decoding at once per process: each may need 4096*4096*4 bytes (64 MB). Avatars change
# rarely; the others wait their turn holding only their upload (at most 2 MB).
AVATAR_DECODE_SLOTS = 1

_hasher = PasswordHasher()
_decode_slots = threading.BoundedSemaphore(AVATAR_DECODE_SLOTS)
# Keep Pillow's freed 16 MB image blocks for reuse (up to 64 MB, one 4096x4096 RGBA canvas). Freed
# to the C allocator instead, each server thread's malloc arena kept its own copy: 8 uploads on 8
# threads, one at a time, still grew the process by 381 MB.
Image.core.set_blocks_max(4)
# Verifying against this when the user does not exist keeps login timing the same for both cases.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


# Characters that are invisible or reorder the text around them: a nickname holding them can
# impersonate another (U+202E turns "admin\u202Enimda" around) or look empty.
INVISIBLE_CHARS = frozenset("\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                            "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (lower case), from the list zxcvbn ships (Xato's leaked-password corpus)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_rules(password: str, username: str, field: str = "password") -> None:
    """Refuse passwords outside 8-128 characters, blank ones, the username itself and common passwords."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput("密码长度需为 8–128 位 / password must be 8-128 characters",
                           {field: ["password_length"]})
    if not password.strip():
        raise InvalidInput("密码不能全是空白 / password must not be only whitespace", {field: ["password_blank"]})
    if password.strip().casefold() == username.casefold():
        raise InvalidInput("密码不能与用户名相同 / password must not be the username", {field: ["password_is_username"]})
    if password.lower() in common_passwords():
        raise InvalidInput("密码太常见，容易被猜中 / password is too common", {field: ["password_common"]})


def register_user(session: Session, username: str, password: str, nickname: str | None = None,
                  role: str = "user") -> User:
    """Create an account; raises Conflict when the username is taken."""
    if not USERNAME_RE.fullmatch(username):  # match() would let "$" accept a trailing newline
        raise InvalidInput("用户名需为 3–32 位字母、数字、下划线或汉字 / invalid username",
                           {"username": ["username_format"]})
    check_password_rules(password, username)
    check_nickname(nickname or "")
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


def check_nickname(nickname: str) -> None:
    """Refuse control characters and invisible or direction-changing characters in a nickname."""
    check_plain_text("nickname", nickname)
    if any(ch in INVISIBLE_CHARS for ch in nickname):
        raise InvalidInput("昵称不能包含不可见字符或文字方向控制符 / nickname must not contain invisible or "
                           "text-direction characters", {"nickname": ["invisible_characters"]})


def update_profile(user: User, nickname: str | None = None, bio: str | None = None) -> User:
    """Change nickname and/or bio (already validated for length by the API schema)."""
    if nickname is not None:
        check_nickname(nickname)
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
    check_password_rules(new_password, user.username, "new_password")
    user.password_hash = _hasher.hash(new_password)
    user.token_version += 1
    return user


def revoke_tokens(user: User) -> None:
    """Log out everywhere: tokens carry the version they were issued with."""
    user.token_version += 1


def make_avatar(data: bytes) -> bytes:
    """Decode an uploaded image and re-encode it as a square PNG thumbnail; refuse anything else.

    Memory stays bounded: the canvas size is checked from the header before any pixel is decoded,
    JPEGs decode reduced (draft mode), the full canvas is never converted, and at most
    AVATAR_DECODE_SLOTS uploads decode at once in a process."""
    if len(data) > AVATAR_MAX_BYTES:
        raise InvalidInput("头像不能超过 2 MB / avatar must be at most 2 MB", {"file": ["too_large"]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in AVATAR_FORMATS:
                raise InvalidInput("头像只支持 PNG、JPEG、WebP / avatar must be PNG, JPEG or WebP",
                                   {"file": ["bad_format"]})
            if max(image.size) > AVATAR_MAX_SIDE:
                raise InvalidInput(f"图片尺寸不能超过 {AVATAR_MAX_SIDE}×{AVATAR_MAX_SIDE} / image dimensions "
                                   f"must be at most {AVATAR_MAX_SIDE}x{AVATAR_MAX_SIDE}", {"file": ["too_many_pixels"]})
            with _decode_slots:
                return _square_png(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise InvalidInput("无法识别的图片 / not a valid image", {"file": ["bad_image"]}) from exc


def _square_png(image: Image.Image) -> bytes:
    """The centre square, scaled to AVATAR_SIZE, as PNG bytes."""
    image.draft("RGB", (AVATAR_SIZE, AVATAR_SIZE))  # JPEG: decode at 1/2 to 1/8 scale, still >= the thumbnail
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    box = (left, top, left + side, top + side)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette, 1-bit, CMYK, 16-bit: pick pixels down to a small canvas first, so that converting
        # (to filter it properly below) never touches the full canvas.
        image = image.resize((min(side, 4 * AVATAR_SIZE),) * 2, Image.Resampling.NEAREST, box=box).convert("RGBA")
        box = None
    thumb = image.resize((AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)
    out = io.BytesIO()
    thumb.convert("RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()


@contextmanager
def avatar_lock(avatar_dir: Path) -> Iterator[None]:
    """Hold the avatar folder's lock (across processes): uploads of one user replace each other in turn,
    so reading the old file name, writing the new file and removing the old one cannot interleave."""
    avatar_dir.mkdir(parents=True, exist_ok=True)
    with open(avatar_dir.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_avatar(user: User, png: bytes, avatar_dir: Path) -> str | None:
    """Write the processed avatar under a new file name and point the user at it (call under avatar_lock).

    Returns the previous file name: the caller removes it once the change is committed."""
    name = f"{user.id}-{secrets.token_hex(8)}.png"
    (avatar_dir / name).write_bytes(png)
    old, user.avatar_path = user.avatar_path, name
    return old


def remove_avatar_file(avatar_dir: Path, name: str | None) -> None:
    """Delete a stored avatar file (the name as kept on the user row)."""
    if name:
        (avatar_dir / Path(name).name).unlink(missing_ok=True)


def avatar_file(user: User, avatar_dir: Path) -> Path:
    """The avatar's path on disk, or NotFound."""
    if not user.avatar_path:
        raise NotFound("该用户没有头像 / no avatar")
    path = avatar_dir / Path(user.avatar_path).name
    if not path.is_file():
        raise NotFound("该用户没有头像 / no avatar")
    return path
