"""Recommendations in a real browser against the real server: a new user sees popular songs,
hearts one in the ItemCF row, and the row changes to songs found with it in playlists, each
with its reason; 不感兴趣 removes a song from the 推荐 page for good.

Needs the built frontend (`npm run build` in frontend/, or `make frontend`).
"""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.catalog_seed import mirror_songs, seed_catalogue
from yinqing.config import REPO_ROOT
from yinqing.models import NotInterested, Playlist, PlaylistTrack, Song

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"
FIRST_PLAYLIST = 7_700_000


@pytest.fixture(scope="module")
def planted(live_server):
    """The catalogue (shared with other browser tests) plus playlists that always hold the five
    most popular songs together, and the next five together."""
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm run build) first")
    factory = live_server.sessionmaker()
    with factory() as s:
        if s.get(Song, mirror_songs()[0]["id"]) is None:
            seed_catalogue(s)
        popular = list(s.scalars(select(Song.id).order_by(Song.popularity.desc(), Song.id).limit(10)))
        if s.get(Playlist, FIRST_PLAYLIST) is None:
            for copy in range(6):
                for g, group in enumerate((popular[:5], popular[5:10])):
                    pid = FIRST_PLAYLIST + copy * 2 + g
                    s.add(Playlist(id=pid, name=f"e2e 歌单 {pid}"))
                    s.flush()
                    s.add_all(PlaylistTrack(playlist_id=pid, position=i, song_id=x) for i, x in enumerate(group))
            s.commit()
    return {"factory": factory, "popular": popular}


@pytest.fixture
def user_page(page: Page, live_server, planted):
    name = f"rec{uuid.uuid4().hex[:8]}"
    r = requests.post(live_server.url + "/api/auth/register", json={"username": name, "password": "recommend-pass-1"},
                      timeout=10)
    assert r.status_code == 201, r.text
    body = r.json()
    page.add_init_script(f"localStorage.setItem('yinqing.token', {body['token']!r})")
    page.user_id = body["user"]["id"]
    return page


def row_song_ids(row) -> list[int]:
    return [int(x) for x in row.locator('[data-testid="song-card"]').evaluate_all(
        "cards => cards.map(c => c.getAttribute('data-song-id'))")]


def test_heart_a_recommended_song_and_the_row_changes(user_page: Page, planted):
    page, popular = user_page, planted["popular"]
    page.goto("/")
    row = page.locator('[data-testid="rec-row-itemcf"]')
    expect(row.locator('[data-testid="placeholder-note"]')).to_be_visible()  # cold start: popular songs
    expect(row.locator('[data-testid="song-card"]')).to_have_count(4)
    before = row_song_ids(row)
    assert before == popular[:4]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "recommend-01-cold-home.png"), full_page=True)

    row.locator(f'[data-song-id="{popular[0]}"] [data-testid="heart"]').click()
    expect(row.locator('[data-testid="placeholder-note"]')).to_have_count(0)
    expect(row.locator(f'[data-song-id="{popular[0]}"]')).to_have_count(0)  # rated songs are excluded
    expect(row.locator('[data-testid="rec-reason"]').first).to_contain_text("因为你喜欢《")
    after = row_song_ids(row)
    # The songs planted with it, as far as the artist rule (at most 2 of one artist in 4) lets them in.
    assert after != before and len(set(after) & set(popular[1:5])) >= 3
    page.screenshot(path=str(ARTIFACTS / "recommend-02-after-heart.png"), full_page=True)


def test_recommend_page_tabs_and_not_interested(user_page: Page, planted):
    page, popular = user_page, planted["popular"]
    page.goto("/recommend?algorithm=itemcf")
    expect(page.locator('[data-testid="onboarding"]')).to_be_visible()
    listing = page.locator('[data-testid="rec-item"]')
    expect(listing.first).to_be_visible()
    page.locator(f'[data-testid="rec-item"]:has([data-song-id="{popular[5]}"]) [data-testid="heart"]').click()
    target = page.locator(f'[data-testid="rec-item"]:has([data-song-id="{popular[6]}"])')
    expect(target.locator('[data-testid="rec-reason"]')).to_contain_text("因为你喜欢《")
    target.locator('[data-testid="not-interested"]').click()
    expect(page.locator(f'[data-testid="rec-item"]:has([data-song-id="{popular[6]}"])')).to_have_count(0)
    with planted["factory"]() as s:
        assert s.get(NotInterested, (page.user_id, popular[6])) is not None
    page.reload()
    expect(page.locator('[data-testid="rec-item"]').first).to_be_visible()
    expect(page.locator(f'[data-testid="rec-item"]:has([data-song-id="{popular[6]}"])')).to_have_count(0)
    page.locator('[data-testid="algorithm-tabs"] label', has_text="UserCF").click()
    expect(page.locator('[data-testid="rec-reason"]').first).to_contain_text("和你口味相似的用户也喜欢")
    page.screenshot(path=str(ARTIFACTS / "recommend-03-page.png"), full_page=True)
