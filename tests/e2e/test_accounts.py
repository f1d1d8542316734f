"""Accounts in a real browser against the real server: register, log in, edit the profile and
avatar, change the password, log out, log in again; wrong passwords show an error on the page.

Needs the built frontend (`npm run build` in frontend/, or `make frontend`).
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from yinqing.config import REPO_ROOT
from yinqing.models import User

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"


@pytest.fixture(autouse=True)
def _built_frontend():
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm run build) first")


def shot(page: Page, name: str) -> None:
    """Save a screenshot to look at (tests/e2e/artifacts/, not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"accounts-{name}.png"), full_page=True)


def tid(page: Page, test_id: str):
    return page.locator(f'[data-testid="{test_id}"]')


def png_bytes(width: int = 320, height: int = 200) -> bytes:
    """A small non-square PNG with two colour halves (the server crops it to a 256x256 square)."""
    image = Image.new("RGB", (width, height), (212, 60, 51))
    image.paste((40, 90, 200), (width // 2, 0, width, height))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def db_user(live_server, username: str) -> User:
    with live_server.sessionmaker()() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None, f"{username} not in the database"
        session.expunge(user)
        return user


def login(page: Page, username: str, password: str) -> None:
    tid(page, "login-username").fill(username)
    tid(page, "login-password").fill(password)
    tid(page, "login-submit").click()


def logout(page: Page) -> None:
    tid(page, "user-menu").click()
    tid(page, "logout").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(tid(page, "nav-login").or_(tid(page, "login-form"))).to_be_visible()


def unexpected_console_errors(page: Page) -> list[str]:
    # Chromium logs every 4xx response as "Failed to load resource"; those are the tested failures.
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def test_register_profile_password_round_trip(page: Page, live_server):
    username = f"乐迷_{uuid.uuid4().hex[:8]}"
    first_password, new_password = "first-pass-123", "second-pass-456"

    # A page that needs a login sends a visitor to /login and back afterwards.
    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/login\?redirect=(/|%2F)profile"))
    expect(tid(page, "login-form")).to_be_visible()
    expect(page.get_by_text("欢迎回来")).to_be_visible()
    shot(page, "01-login")

    # Register: the client refuses a short password and mismatched confirmation without a request.
    tid(page, "mode-register").click()
    expect(tid(page, "register-form")).to_be_visible()
    tid(page, "register-username").fill(username)
    tid(page, "register-nickname").fill("初来乍到")
    tid(page, "register-password").fill("short")
    tid(page, "register-confirm").fill("other")
    tid(page, "register-submit").click()
    expect(page.get_by_text("密码长度需为 8–128 位")).to_be_visible()
    expect(page.get_by_text("两次输入的密码不一致")).to_be_visible()
    shot(page, "02-register-invalid")
    with live_server.sessionmaker()() as session:
        assert session.scalar(select(User).where(User.username == username)) is None

    tid(page, "register-password").fill(first_password)
    tid(page, "register-confirm").fill(first_password)
    tid(page, "register-submit").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(tid(page, "nav-nickname")).to_have_text("初来乍到")
    assert db_user(live_server, username).nickname == "初来乍到"

    # Log out, then log in through the login form.
    logout(page)
    login(page, username, first_password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(tid(page, "nav-nickname")).to_have_text("初来乍到")
    expect(tid(page, "main-nav")).to_contain_text("首页")
    shot(page, "03-home-logged-in")

    # Profile: nickname and bio.
    page.goto("/profile")
    tid(page, "profile-nickname-input").fill("夜听网易云")
    tid(page, "profile-bio-input").fill("喜欢民谣和后摇")
    tid(page, "profile-save").click()
    expect(tid(page, "profile-status")).to_contain_text("资料已保存")
    expect(tid(page, "nav-nickname")).to_have_text("夜听网易云")
    stored = db_user(live_server, username)
    assert (stored.nickname, stored.bio) == ("夜听网易云", "喜欢民谣和后摇")

    # Avatar: a wrong type is refused on the page; a PNG is previewed, then uploaded.
    tid(page, "avatar-input").set_input_files(files=[{"name": "a.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}])
    expect(tid(page, "avatar-status")).to_contain_text("头像只支持 PNG、JPEG、WebP 格式")
    expect(tid(page, "avatar-upload")).to_be_disabled()
    tid(page, "avatar-input").set_input_files(files=[{"name": "me.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(tid(page, "avatar-preview-tag")).to_be_visible()
    expect(tid(page, "avatar-image").locator("img")).to_have_attribute("src", re.compile(r"^blob:"))
    shot(page, "04-profile-avatar-preview")
    tid(page, "avatar-upload").click()
    expect(tid(page, "avatar-status")).to_contain_text("头像已更新")
    nav_img = tid(page, "nav-avatar").locator("img")
    expect(nav_img).to_have_attribute("src", re.compile(r"^/api/users/\d+/avatar"))
    avatar = requests.get(live_server.url + nav_img.get_attribute("src"), timeout=10)
    assert avatar.status_code == 200 and avatar.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(avatar.content)).size == (256, 256)
    assert page.evaluate("() => document.querySelector('[data-testid=nav-avatar] img').naturalWidth") == 256

    # Password: a wrong old password is reported; the right one switches to a new token.
    tid(page, "password-old").fill("not-my-password")
    tid(page, "password-new").fill(new_password)
    tid(page, "password-confirm").fill(new_password)
    tid(page, "password-submit").click()
    expect(tid(page, "password-status")).to_contain_text("原密码错误")
    tid(page, "password-old").fill(first_password)
    tid(page, "password-new").fill(new_password)
    tid(page, "password-confirm").fill(new_password)
    tid(page, "password-submit").click()
    expect(tid(page, "password-status")).to_contain_text("密码已修改")
    shot(page, "05-profile-saved")
    page.reload()  # the new token (kept in localStorage) still works after a reload
    expect(tid(page, "profile-page")).to_be_visible()
    expect(tid(page, "nav-nickname")).to_have_text("夜听网易云")

    # Log out; the old password now fails with a message on the page; the new one works.
    logout(page)
    login(page, username, first_password)
    expect(tid(page, "login-error")).to_be_visible()
    expect(tid(page, "login-error")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/login"))
    shot(page, "06-login-wrong-password")
    login(page, username, new_password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(tid(page, "nav-nickname")).to_have_text("夜听网易云")
    assert unexpected_console_errors(page) == []


def test_logged_out_visitor_sees_login_button_and_english_switch(page: Page, live_server):
    page.goto("/")
    expect(tid(page, "nav-login")).to_be_visible()
    expect(tid(page, "main-nav")).to_contain_text("数据大屏")
    shot(page, "07-home-logged-out")
    tid(page, "locale-switch").click()
    expect(tid(page, "main-nav")).to_contain_text("Dashboard")
    expect(tid(page, "nav-login")).to_have_text("Log in")
    shot(page, "08-home-english")
    # The choice is remembered across reloads.
    page.reload()
    expect(tid(page, "main-nav")).to_contain_text("Songs")
    tid(page, "nav-login").click()
    login(page, "nobody_here", "whatever-123")
    expect(tid(page, "login-error")).to_contain_text("wrong username or password")
    assert unexpected_console_errors(page) == []


def test_revoked_token_ends_the_session_and_returns_to_login(page: Page, live_server):
    username = f"revoked_{uuid.uuid4().hex[:8]}"
    answer = requests.post(live_server.url + "/api/auth/register",
                           json={"username": username, "password": "old-pass-123"}, timeout=10)
    assert answer.status_code == 201
    token = answer.json()["token"]

    # The app picks up a stored token on start-up.
    page.goto("/login")
    page.evaluate("token => localStorage.setItem('yinqing.token', token)", token)
    page.goto("/profile")
    expect(tid(page, "profile-page")).to_be_visible()
    expect(tid(page, "nav-nickname")).to_have_text(username)

    # Elsewhere the password changes, which revokes this tab's token; its next request gets a 401.
    changed = requests.post(live_server.url + "/api/users/me/password", timeout=10,
                            headers={"Authorization": f"Bearer {token}"},
                            json={"old_password": "old-pass-123", "new_password": "new-pass-456"})
    assert changed.status_code == 200
    tid(page, "profile-nickname-input").fill("新名字")
    tid(page, "profile-save").click()
    expect(page).to_have_url(re.compile(r"/login\?redirect=(/|%2F)profile"))
    expect(page.get_by_text("登录已过期，请重新登录")).to_be_visible()
    assert page.evaluate("() => localStorage.getItem('yinqing.token')") is None
    assert db_user(live_server, username).nickname == username

    # Logging in again returns to the page that needed it.
    login(page, username, "new-pass-456")
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(tid(page, "profile-page")).to_be_visible()
