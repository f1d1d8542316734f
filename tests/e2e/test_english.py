"""The language switch in a real browser: the library and a song page read in English after
clicking "English" in the header, the choice survives a reload, and "中文" brings Chinese back.

Needs the built frontend (`npm run build` in frontend/, or `make frontend`).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.catalog_seed import JAY_CHOU, mirror_songs, seed_catalogue
from yinqing.config import REPO_ROOT
from yinqing.models import Song

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"


def tid(page: Page, test_id: str):
    return page.locator(f'[data-testid="{test_id}"]')


@pytest.fixture(scope="module")
def target(live_server):
    """A Jay Chou song of the catalogue (seeded here unless another browser test module did)."""
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm run build) first")
    songs = list(mirror_songs())
    song = next(x for x in songs if any(a["id"] == JAY_CHOU for a in x["ar"]))
    with live_server.sessionmaker()() as s:
        if s.get(Song, song["id"]) is None:
            seed_catalogue(s)
    return song


def test_switch_to_english_on_library_and_song_pages(page: Page, target):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/songs")
    expect(tid(page, "song-card").first).to_be_visible()
    expect(tid(page, "search-button")).to_have_text("搜索")
    expect(tid(page, "result-total")).to_have_text(re.compile(r"^共 \d+\+? 首$"))

    tid(page, "locale-switch").click()
    expect(tid(page, "locale-switch")).to_have_text("中文")
    expect(tid(page, "search-button")).to_have_text("Search")
    expect(tid(page, "search-input")).to_have_attribute("placeholder", re.compile(r"^Search songs, artists, albums"))
    expect(tid(page, "result-total")).to_have_text(re.compile(r"^\d+\+? songs$"))
    expect(tid(page, "fee-filter")).to_contain_text("Free")
    expect(tid(page, "sort-select")).to_contain_text("Popular")

    page.reload()  # the choice is kept in localStorage
    expect(tid(page, "song-card").first).to_be_visible()
    expect(tid(page, "search-button")).to_have_text("Search")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(ARTIFACTS / "english-library.png"), full_page=True)

    page.goto("/")  # the recommender rows are named from the catalogue, not the server's Chinese
    expect(tid(page, "rec-row-usercf").locator("h2")).to_have_text("UserCF: people with your taste also like")

    page.goto(f"/songs/{target['id']}")
    expect(tid(page, "song-name")).to_contain_text(target["name"])
    expect(page.locator(".meta dt")).to_have_text(["Artist", "Album", "Length", "Released", "Popularity", "Comments"])
    expect(tid(page, "play-button")).to_have_text("Play")
    expect(tid(page, "my-rating")).to_have_text("Not rated")
    expect(tid(page, "lyrics")).to_contain_text("Lyrics")
    expect(tid(page, "comments")).to_contain_text(re.compile(r"Latest comments \d+"))
    expect(page.get_by_text(re.compile("歌词|评论|播放|未评分"))).to_have_count(0)
    expect(page.locator(".el-loading-mask:visible")).to_have_count(0)  # a screenshot worth looking at
    page.screenshot(path=str(ARTIFACTS / "english-song.png"), full_page=True)

    tid(page, "locale-switch").click()
    expect(tid(page, "play-button")).to_have_text("播放")
    expect(page.locator(".meta dt").first).to_have_text("歌手")
