"""Shared fixtures: real databases (SQLite, PostgreSQL, MariaDB), the app, the live server, a browser.

`YINQING_TEST_DBS` (default "sqlite,postgresql,mysql") chooses the backends the database fixtures
run on; every test that uses `session`, `app` or `client` runs once per backend. Each test run
creates its own databases and drops them at the end.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tools import liveserver
from yinqing.config import REPO_ROOT, Settings
from yinqing.db import make_engine, make_sessionmaker
from yinqing.migrate import upgrade
from yinqing.models import Base

BACKENDS = [b.strip() for b in os.environ.get("YINQING_TEST_DBS", "sqlite,postgresql,mysql").split(",") if b.strip()]
PG_ADMIN = os.environ.get("YINQING_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN = os.environ.get("YINQING_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _create_database(backend: str, name: str, tmp: Path) -> tuple[str, callable]:
    """Create an empty database and return its URL and a function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'test.db'}", lambda: None
    if backend == "postgresql":
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    elif backend == "mysql":
        admin = create_engine(MYSQL_ADMIN)
        with admin.connect() as c:
            c.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        url = MYSQL_ADMIN.rstrip("/") + f"/{name}?charset=utf8mb4"
        drop = f"DROP DATABASE IF EXISTS `{name}`"
    else:
        raise ValueError(f"unknown test backend {backend!r}")

    def _drop() -> None:
        with admin.connect() as c:
            c.execute(text(drop))
            c.commit()
        admin.dispose()

    return url, _drop


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request, tmp_path_factory) -> str:
    """A migrated, empty database on one backend (SQLite file, PostgreSQL or MariaDB)."""
    backend = request.param
    name = f"yq_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url, drop = _create_database(backend, name, tmp_path_factory.mktemp(f"db-{backend}"))
    upgrade(url)
    yield url
    drop()


@pytest.fixture(scope="session")
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def clean_tables(engine) -> None:
    """Delete every row of every table (children first), keeping the schema."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def clean_db(engine):
    """Guarantees the test starts and ends with empty tables."""
    clean_tables(engine)
    yield engine
    clean_tables(engine)


@pytest.fixture
def session(clean_db):
    """A session on a clean database; tests commit when they need to."""
    factory = make_sessionmaker(clean_db)
    s = factory()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def settings(tmp_path, db_url) -> Settings:
    """Settings for one test: own instance folder, the backend's database, a fixed secret."""
    s = Settings(instance_dir=tmp_path / "instance")
    s.instance_dir.mkdir(parents=True, exist_ok=True)
    s.database_url = db_url
    s.secret_key = "test-secret-" + uuid.uuid4().hex + uuid.uuid4().hex
    s.shared_data_dir = SHARED_DATA
    return s


@pytest.fixture
def app(settings, clean_db):
    from yinqing.api import create_app

    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["yinqing"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(client):
    """Register a user through the API and return (user json, auth headers)."""

    def _make(username: str | None = None, password: str = "correct-horse-1", **extra):
        username = username or f"u{uuid.uuid4().hex[:10]}"
        r = client.post("/api/auth/register", json={"username": username, "password": password, **extra})
        assert r.status_code == 201, r.get_json()
        body = r.get_json()
        return body["user"], {"Authorization": f"Bearer {body['token']}"}

    return _make


# ---------------------------------------------------------------- live server and browser

@dataclass
class LiveServer:
    url: str
    database_url: str
    instance_dir: Path
    process: subprocess.Popen

    def sessionmaker(self):
        """A sessionmaker on the server's own database (to seed or check rows)."""
        return make_sessionmaker(make_engine(self.database_url))


def start_server(instance_dir: Path, extra_env: dict | None = None) -> LiveServer:
    """Migrate a fresh SQLite database and start `yinqing serve` (with its job worker) on a free
    loopback port."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{instance_dir / 'yinqing.db'}"
    upgrade(database_url)
    env = {"LOGIN_RATE_LIMIT": "200 per minute", "REGISTER_RATE_LIMIT": "200 per minute",
           "LOGIN_ADDRESS_RATE_LIMIT": "200 per minute", **(extra_env or {})}
    proc, url = liveserver.start_server(database_url, instance_dir, env, worker=True)
    return LiveServer(url, database_url, instance_dir, proc)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real server (waitress) on a free loopback port with its own fresh SQLite database."""
    server = start_server(tmp_path_factory.mktemp("live") / "instance")
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page on the live server; collects console errors; saves a final screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900},
                                  locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    finally:
        context.close()
