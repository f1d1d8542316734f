"""The admin page 模型评估 in a real browser: on a server whose playlists plant a listening
pattern, an administrator retrains the recommenders from the page, watches the job, and sees the
evaluation table (the three recommenders and the two references) and the GRU's training curve;
a plain user only sees that the page is for administrators.

Needs the built frontend (`npm run build` in frontend/).
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.catalog_seed import seed_catalogue
from tests.conftest import ARTIFACTS, start_server
from tests.e2e.test_admin_crawl import PASSWORD, create_admin, logged_in
from yinqing.models import Playlist, PlaylistTrack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def planted_server(tmp_path_factory):
    """A live server with 12 songs and 48 playlists that repeat two orders (A->B->C->D, E->F->G->H)."""
    server = start_server(tmp_path_factory.mktemp("eval-live") / "instance")
    with server.sessionmaker()() as s:
        songs = [x["id"] for x in seed_catalogue(s, general=10, jay=2)]
        for n in range(48):
            group = songs[0:4] if n % 2 else songs[4:8]
            s.add(Playlist(id=8_000_000 + n, name=f"歌单 {n}"))
            s.flush()
            s.add_all(PlaylistTrack(playlist_id=8_000_000 + n, position=i, song_id=x) for i, x in enumerate(group))
        s.commit()
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


def new_page(browser, server):
    context = browser.new_context(base_url=server.url, viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_admin_retrains_and_reads_the_evaluation(browser, planted_server):
    name = f"admin{uuid.uuid4().hex[:6]}"
    create_admin(planted_server, name)
    context, page = new_page(browser, planted_server)
    logged_in(page, planted_server, name)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("nav-evaluation").click()
    expect(page).to_have_url(f"{planted_server.url}/admin/evaluation")
    expect(page.get_by_test_id("eval-empty")).to_be_visible()
    page.get_by_test_id("retrain").click()
    table = page.get_by_test_id("eval-table")
    expect(table).to_be_visible(timeout=180_000)  # the job trains the GRU, then evaluates all five
    for method in ("RNN (GRU4Rec)", "UserCF", "ItemCF", "SR", "Popularity"):
        expect(table).to_contain_text(method)
    expect(page.get_by_test_id("eval-facts")).to_contain_text("共 192 条交互")
    expect(page.get_by_test_id("gru-facts")).to_contain_text("192 条交互")
    expect(page.get_by_test_id("training-curve").locator("canvas")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "admin-evaluation.png"), full_page=True)
    assert errors == []
    context.close()


def test_plain_users_are_told_the_page_is_for_admins(browser, planted_server):
    import requests

    name = f"user{uuid.uuid4().hex[:6]}"
    requests.post(f"{planted_server.url}/api/auth/register", json={"username": name, "password": PASSWORD},
                  timeout=10).raise_for_status()
    context, page = new_page(browser, planted_server)
    logged_in(page, planted_server, name)
    page.goto("/admin/evaluation")
    expect(page.get_by_test_id("not-admin")).to_be_visible()
    expect(page.get_by_test_id("eval-table")).to_have_count(0)
    context.close()
