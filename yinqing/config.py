"""Settings read from the environment (see .env.example for each variable)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _instance_dir() -> Path:
    return Path(_env("YINQING_INSTANCE_DIR", str(REPO_ROOT / "instance"))).resolve()


@dataclass
class Settings:
    """One immutable-by-convention bundle of settings, built from the environment."""

    instance_dir: Path = field(default_factory=_instance_dir)
    database_url: str = ""
    secret_key: str = ""
    jwt_ttl_seconds: int = 7 * 24 * 3600
    redis_url: str = ""
    login_rate_limit: str = "10 per minute"
    login_address_rate_limit: str = "30 per minute"
    login_username_slowdown: str = "10 per minute"
    login_slowdown_seconds: float = 1.0
    register_rate_limit: str = "10 per hour"
    password_rate_limit: str = "10 per hour"
    play_rate_limit: str = "60 per minute"
    sentiment_rate_limit: str = "1000 per minute"
    trusted_proxies: int = 0
    netease_base_url: str = "https://music.163.com"
    netease_mirror_dir: str = ""
    crawl_rate: float = 2.0
    comment_pages: int = 2
    shared_data_dir: Path = field(default_factory=lambda: REPO_ROOT.parent / "shared" / "data")

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from environment variables, with safe defaults."""
        s = cls()
        s.database_url = _env("DATABASE_URL", f"sqlite:///{s.instance_dir / 'yinqing.db'}")
        s.secret_key = _env("SECRET_KEY", "") or _load_or_create_secret(s.instance_dir)
        s.jwt_ttl_seconds = int(_env("JWT_TTL_SECONDS", str(s.jwt_ttl_seconds)))
        s.redis_url = _env("REDIS_URL", "")
        for name in ("login_rate_limit", "login_address_rate_limit", "login_username_slowdown",
                     "register_rate_limit", "password_rate_limit", "play_rate_limit", "sentiment_rate_limit"):
            setattr(s, name, _env(name.upper(), getattr(s, name)))
        s.login_slowdown_seconds = float(_env("LOGIN_SLOWDOWN_SECONDS", str(s.login_slowdown_seconds)))
        s.trusted_proxies = int(_env("TRUSTED_PROXIES", str(s.trusted_proxies)))
        s.netease_base_url = _env("NETEASE_BASE_URL", s.netease_base_url).rstrip("/")
        s.netease_mirror_dir = _env("NETEASE_MIRROR_DIR", "")
        s.crawl_rate = float(_env("CRAWL_RATE", str(s.crawl_rate)))
        s.comment_pages = int(_env("CRAWL_COMMENT_PAGES", str(s.comment_pages)))
        s.shared_data_dir = Path(_env("YINQING_SHARED_DATA", str(s.shared_data_dir))).resolve()
        return s

    @property
    def avatar_dir(self) -> Path:
        return self.instance_dir / "avatars"

    @property
    def model_dir(self) -> Path:
        return self.instance_dir / "models"


def _load_or_create_secret(instance_dir: Path) -> str:
    """A random per-installation secret kept in the instance folder, never in the repository."""
    import secrets

    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
