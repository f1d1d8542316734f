"""The library in a real browser against the real server: search a song (pinyin initials), open it,
play it, heart it, rate it, find it in 我的音乐, remove it; comments and lyrics stay plain text.

Needs the built frontend (`npm run build` in frontend/, or `make frontend`).
"""

from __future__ import annotations

import io
import re
import uuid
import wave

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.catalog_seed import JAY_CHOU, add_comments, add_lyric, mirror_songs, seed_catalogue
from yinqing.config import REPO_ROOT
from yinqing.models import Comment, Play, Rating, Song
from yinqing.services.search import refresh_search_index

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"
INJECTION = '<img src=x onerror="window.__pwned=1"><b>粗体</b>'


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"library-{name}.png"), full_page=True)


def tid(page: Page, test_id: str):
    return page.locator(f'[data-testid="{test_id}"]')


def silent_wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


@pytest.fixture(scope="module")
def catalogue(live_server):
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm run build) first")
    factory = live_server.sessionmaker()
    songs = list(mirror_songs())
    target = next(x for x in songs if any(a["id"] == JAY_CHOU for a in x["ar"]))
    with factory() as s:
        # The live server is shared by every browser test module: seed once, and only if no
        # other module already stored these (real, hence shared) song ids.
        if s.get(Song, target["id"]) is None:
            seed_catalogue(s)
        else:
            refresh_search_index(s)
            s.commit()
        if s.scalar(select(Comment.id).where(Comment.song_id == target["id"]).limit(1)) is None:
            add_lyric(s, target["id"])
            add_comments(s, target["id"])
            s.add(Comment(dedup_key=f"inj-{target['id']}", song_id=target["id"], content=INJECTION, liked_count=99999,
                          is_hot=True))
            s.commit()
    return {"factory": factory, "target": target}


@pytest.fixture
def user_page(page: Page, live_server, catalogue):
    """A page logged in as a fresh user (token from the real API, stored where the SPA keeps it)."""
    name = f"e2e{uuid.uuid4().hex[:8]}"
    r = requests.post(live_server.url + "/api/auth/register", json={"username": name, "password": "library-pass-1"},
                      timeout=10)
    assert r.status_code == 201, r.text
    body = r.json()
    page.add_init_script(f"localStorage.setItem('yinqing.token', {body['token']!r})")
    page.user_id = body["user"]["id"]
    return page


def rating_of(catalogue, user_id: int, song_id: int):
    with catalogue["factory"]() as s:
        row = s.execute(select(Rating.score, Rating.source)
                        .where(Rating.user_id == user_id, Rating.song_id == song_id)).first()
        return tuple(row) if row else None


def plays_of(catalogue, page, tries: int = 20) -> list[int]:
    """The user's played song ids, waiting briefly for the request the page sends on `playing`."""
    for _ in range(tries):
        with catalogue["factory"]() as s:
            plays = s.scalars(select(Play.song_id).where(Play.user_id == page.user_id)).all()
        if plays:
            return plays
        page.wait_for_timeout(100)
    return []


def test_search_open_play_heart_rate_and_remove(user_page: Page, catalogue):
    page, target = user_page, catalogue["target"]
    page.route("https://music.163.com/**", lambda route: route.fulfill(status=200, content_type="audio/wav",
                                                                         body=silent_wav()))
    page.goto("/songs")
    expect(tid(page, "song-card").first).to_be_visible()
    shot(page, "01-library")

    tid(page, "search-input").fill("zjl")
    tid(page, "search-input").press("Enter")
    page.wait_for_url("**/songs?q=zjl")
    expect(tid(page, "result-total")).to_have_text(re.compile(r"共 \d+ 首"))
    card = page.locator(f'[data-testid="song-card"][data-song-id="{target["id"]}"]')
    expect(card).to_be_visible()
    expect(page.locator(".results > .el-loading-mask")).to_have_count(0)
    shot(page, "02-search-zjl")

    card.locator('[data-testid="song-title"]').click()
    page.wait_for_url(f"**/songs/{target['id']}")
    expect(tid(page, "song-name")).to_contain_text(target["name"])
    expect(tid(page, "lyrics")).to_contain_text("first line")  # the translation under its line
    comments = tid(page, "comments")
    expect(comments).to_contain_text("<b>粗体</b>")  # shown as text, never as markup
    assert comments.locator("b, img").count() == 0 and page.evaluate("window.__pwned") is None

    tid(page, "play-button").click()
    expect(tid(page, "play-button")).to_contain_text("暂停")
    assert plays_of(catalogue, page) == [target["id"]]

    head = page.locator(".head")
    head.locator('[data-testid="heart"]').click()
    expect(tid(page, "my-rating")).to_have_text("我的评分：5 星")
    assert rating_of(catalogue, page.user_id, target["id"]) == (5, "heart")
    head.locator('[data-testid="stars"] .el-rate__item').nth(2).click()
    expect(tid(page, "my-rating")).to_have_text("我的评分：3 星")
    assert rating_of(catalogue, page.user_id, target["id"]) == (3, "stars")
    head.locator('[data-testid="heart"]').click()
    expect(tid(page, "my-rating")).to_have_text("我的评分：5 星")
    shot(page, "03-song-page")

    page.goto("/me/music")
    liked = tid(page, "rated-song")
    expect(liked).to_have_count(1)
    expect(liked).to_have_text(target["name"])
    shot(page, "04-my-music")
    tid(page, "remove-rating").click()
    expect(tid(page, "rated-song")).to_have_count(0)
    assert rating_of(catalogue, page.user_id, target["id"]) is None

    page.get_by_role("tab", name="播放历史").click()
    expect(tid(page, "plays-table")).to_contain_text(target["name"])
    tid(page, "remove-play").click()
    expect(tid(page, "plays-table")).not_to_contain_text(target["name"])
    assert plays_of(catalogue, page) == []
    # Covers come from NetEase's image host, which this machine cannot reach: only those may fail.
    assert all("Failed to load resource" in e for e in page.console_errors), page.console_errors


def test_home_artist_album_and_card_heart(user_page: Page, catalogue):
    page = user_page
    page.goto("/")
    expect(tid(page, "carousel")).to_be_visible()
    for key in ("rnn", "usercf", "itemcf"):
        row = tid(page, f"rec-row-{key}")
        expect(row.locator('[data-testid="placeholder-note"]')).to_contain_text("热门歌曲")
        expect(row.locator('[data-testid="song-card"]')).to_have_count(4)  # the recommenders' rows
    first = tid(page, "latest-row").locator('[data-testid="song-card"]').first
    song_id = int(first.get_attribute("data-song-id"))
    heart = first.locator('[data-testid="heart"]')
    # The heart turns at once (optimistic) and stays disabled until the server has answered.
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    expect(heart).to_be_enabled()
    assert rating_of(catalogue, page.user_id, song_id) == (5, "heart")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "false")
    expect(heart).to_be_enabled()
    assert rating_of(catalogue, page.user_id, song_id) is None
    shot(page, "05-home")

    page.goto(f"/artists/{JAY_CHOU}")
    expect(tid(page, "artist-name")).to_have_text("周杰伦")
    expect(page.locator(f'[data-testid="song-card"][data-song-id="{catalogue["target"]["id"]}"]')).to_be_visible()
    shot(page, "06-artist")
    tid(page, "song-card").first.locator(".song-card__album a").click()
    expect(tid(page, "album-name")).to_be_visible()
    expect(page.locator(".el-loading-mask")).to_have_count(0)
    shot(page, "07-album")
    page.goto("/songs/1")
    expect(tid(page, "song-page")).to_contain_text("歌曲不存在")
