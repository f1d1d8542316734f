"""The admin crawl page (管理 · 数据抓取) in a real browser: an administrator made with the real
`yinqing create-admin` command starts a crawl of two songs from the NetEase stand-in on loopback,
watches the job finish, and the songs are in the library; bad ids are refused on the page; a
plain user only sees that the page is for administrators.

Needs the built frontend (`npm run build` in frontend/).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS, start_server
from tests.crawler.conftest import build_small_mirror
from yinqing.config import REPO_ROOT

pytestmark = pytest.mark.e2e

SONGS = [186016, 1842728629]   # real mirror songs with comments
PASSWORD = "admin-pass-123"


@pytest.fixture(scope="module")
def crawl_server(tmp_path_factory):
    """A live server (with its job worker) whose crawler talks to the stand-in."""
    from tools.netease_standin import Mirror, StandinServer

    standin = StandinServer(Mirror.load(build_small_mirror(tmp_path_factory.mktemp("mirror")))).start()
    server = start_server(tmp_path_factory.mktemp("crawl-live") / "instance",
                          {"NETEASE_BASE_URL": standin.url, "CRAWL_RATE": "0"})
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)
    standin.stop()


def logged_in(page: Page, server, username: str) -> Page:
    r = requests.post(f"{server.url}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=10)
    r.raise_for_status()
    page.add_init_script(f"localStorage.setItem('yinqing.token', {r.json()['token']!r})")
    return page


def create_admin(server, username: str) -> None:
    env = {**os.environ, "DATABASE_URL": server.database_url, "YINQING_INSTANCE_DIR": str(server.instance_dir)}
    subprocess.run([sys.executable, "-m", "yinqing.cli", "create-admin", "--username", username,
                    "--password", PASSWORD], env=env, check=True, timeout=60, cwd=REPO_ROOT,
                   capture_output=True)


@pytest.fixture
def crawl_page(browser, crawl_server):
    context = browser.new_context(base_url=crawl_server.url, viewport={"width": 1440, "height": 900},
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_admin_crawls_two_songs_from_the_page(crawl_page, crawl_server):
    name = f"admin{uuid.uuid4().hex[:6]}"
    create_admin(crawl_server, name)
    page = logged_in(crawl_page, crawl_server, name)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/admin/crawls")
    page.get_by_test_id("crawl-kind").click()
    page.locator(".el-select-dropdown__item", has_text="歌曲").first.click()
    ids = page.get_by_test_id("crawl-ids")
    ids.fill("12, abc")
    page.get_by_test_id("crawl-start").click()
    expect(page.get_by_test_id("crawl-error")).to_contain_text("ID 必须是正整数")
    ids.fill(", ".join(map(str, SONGS)))
    page.get_by_test_id("crawl-start").click()
    job = page.get_by_test_id("crawl-job").first
    expect(job).to_contain_text("已完成", timeout=120_000)
    expect(job.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(job.locator(".job__message")).to_have_text("完成")   # the Chinese half of "完成 / done"
    page.screenshot(path=str(ARTIFACTS / "admin-crawl-done.png"), full_page=True)
    # Album and artist detail (followed by default) add the album and artist, not their other tracks.
    listed = requests.get(f"{crawl_server.url}/api/songs", params={"size": 50}, timeout=10).json()
    assert {s["id"] for s in listed["items"]} == set(SONGS)
    expect(job).to_contain_text(f"歌曲 {listed['total']}")
    assert errors == []


def test_plain_users_see_that_the_page_is_for_admins(crawl_page, crawl_server):
    name = f"user{uuid.uuid4().hex[:6]}"
    requests.post(f"{crawl_server.url}/api/auth/register", json={"username": name, "password": PASSWORD},
                  timeout=10).raise_for_status()
    page = logged_in(crawl_page, crawl_server, name)
    page.goto("/admin/crawls")
    expect(page.get_by_test_id("admin-crawl-page")).to_contain_text("只有管理员可以启动抓取")
    expect(page.get_by_test_id("crawl-start")).to_have_count(0)
