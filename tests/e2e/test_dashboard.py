"""The data screen and the analysis pages in a real browser, on real mirror data.

A server of its own gets a few hundred genuine NetEase songs (with privileges), the real comments
of the mirror's commented songs (labelled by the shipped sentiment model), the lyrics with song ids
and some playlists, all written through the crawler's parsers and the ingest service, then
`refresh_stats`. Every dashboard panel must draw a canvas, with no console error. A second, empty
server must show every panel's empty state. Screenshots go to tests/e2e/artifacts/.

Needs the built frontend (`npm run build` in frontend/).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page

from tests.conftest import ARTIFACTS, SHARED_DATA, start_server
from yinqing.config import REPO_ROOT
from yinqing.crawler.parsers import Problems, parse_comment, parse_lyric, parse_playlist, parse_song
from yinqing.services.ingest import ingest_items
from yinqing.services.stats import refresh_stats

pytestmark = pytest.mark.e2e

MIRROR = SHARED_DATA / "netease" / "mirror"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"
SONGS = 400
COMMENTS_PER_SONG = 300
PANELS = 11


def _jsonl(name: str):
    with (MIRROR / name).open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _commented_song_ids() -> set[int]:
    ids = set()
    with (MIRROR / "comments.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            found = re.match(r'\{"songId": (\d+)', line)
            if found:
                ids.add(int(found.group(1)))
    return ids


def mirror_items() -> list:
    """Crawler items for a slice of the mirror: genuine songs, the commented songs, their comments."""
    problems = Problems()
    privileges = {p["id"]: p for p in _jsonl("privileges.jsonl")}
    commented = _commented_song_ids()
    items, song_ids = [], set()
    for obj in _jsonl("songs.jsonl"):
        genuine = not obj.get("_partial") and obj.get("dt") and len(song_ids) < SONGS
        if genuine or obj["id"] in commented:
            items += parse_song(obj, problems, privileges)
            song_ids.add(obj["id"])
    per_song: dict[int, int] = {}
    for row in _jsonl("comments.jsonl"):
        sid = row["songId"]
        if per_song.get(sid, 0) < COMMENTS_PER_SONG:
            item = parse_comment(row["comment"], sid, False, problems)
            if item:
                items.append(item)
                per_song[sid] = per_song.get(sid, 0) + 1
    for row in _jsonl("lyrics.jsonl"):
        lyric = parse_lyric({"code": 200, **row}, row["id"], problems)
        if lyric:
            items.append(lyric)
    for row, _ in zip((p for p in _jsonl("playlists.jsonl") if p.get("tags")), range(60)):
        playlist = parse_playlist(row, problems)
        if playlist.track_ids is not None:
            playlist.track_ids = [t for t in playlist.track_ids if t in song_ids]
        items.append(playlist)
    return items


def seed_from_mirror(server, items: list | None = None) -> dict:
    """Ingest the mirror slice (or `items` made from it), label its comments with the shipped model,
    refresh the stats."""
    from yinqing.sentiment.predict import load_classifier
    from yinqing.services.sentiment import label_comment_batch

    factory = server.sessionmaker()
    with factory() as session:
        written = ingest_items(session, mirror_items() if items is None else items)
        classifier = load_classifier()
        while label_comment_batch(session, classifier, limit=2000):
            pass
        refresh_stats(session, SHARED_DATA / "stopwords")
        session.commit()
    return dict(written)


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory):
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` in frontend/ first")
    server = start_server(tmp_path_factory.mktemp("dashboard") / "instance", {"YINQING_SHARED_DATA": str(SHARED_DATA)})
    server.seeded = seed_from_mirror(server)
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("dashboard-empty") / "instance")
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


def open_page(browser, server, width=1920, height=1080) -> Page:
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


def wait_panels_settled(page: Page) -> list[str]:
    """Wait until no panel is loading; return each panel's state."""
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('[data-testid=screen-panel]')];"
        " return p.length > 0 && p.every(x => x.dataset.state !== 'loading') }")
    return page.eval_on_selector_all("[data-testid=screen-panel]", "els => els.map(e => e.dataset.state)")


def test_dashboard_renders_every_chart_on_mirror_data(browser, seeded_server):
    assert seeded_server.seeded["song"] >= SONGS and seeded_server.seeded["comment"] > 500
    page = open_page(browser, seeded_server)
    page.goto("/dashboard")
    states = wait_panels_settled(page)
    titles = page.eval_on_selector_all("[data-testid=screen-panel]", "els => els.map(e => e.getAttribute('aria-label'))")
    assert len(states) == PANELS
    assert states == ["ready"] * PANELS, dict(zip(titles, states))
    for panel in page.locator("[data-testid=screen-panel]").all():
        assert panel.locator("canvas").count() >= 1, panel.get_attribute("aria-label")
    counters = page.locator("[data-testid=dashboard-counters]").inner_text()
    assert "—" not in counters and "歌曲" in counters
    page.wait_for_timeout(2500)  # let the ranking race and the word cloud lay out before the picture
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
    assert page.console_errors == []
    page.context.close()


VISIBLE_BOXES_SETTLED = """() => {
  const boxes = [...document.querySelectorAll('[data-testid=chart-box]')].filter(b => b.offsetParent);
  return boxes.length > 0 && boxes.every(b => b.querySelector('canvas') || b.querySelector('[data-testid=chart-empty]'));
}"""
# Album sizes: the album objects embedded in songs carry no track count, so the mirror slice has none.
MAY_BE_EMPTY = {"专辑曲目数分布"}


def visible_boxes(page: Page) -> dict[str, bool]:
    """Title -> drew a canvas, for the chart boxes on screen."""
    page.wait_for_function(VISIBLE_BOXES_SETTLED)
    return dict(page.eval_on_selector_all(
        "[data-testid=chart-box]",
        "els => els.filter(b => b.offsetParent).map(b => [b.querySelector('.chart-box__title')?.textContent ?? '',"
        " !!b.querySelector('canvas')])"))


def test_analysis_tabs_and_filters(browser, seeded_server):
    page = open_page(browser, seeded_server, 1440, 900)
    page.goto("/analysis")
    tabs = ["歌曲与专辑", "热度排行", "发行时间", "版权与翻唱", "热门歌手", "流行度", "评论情感", "词云"]
    drawn = {}
    for name in tabs:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(300)
        drawn.update(visible_boxes(page))
        if name == "词云":
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "analysis-wordcloud.png"))
    assert len(drawn) >= 15
    assert {title for title, ok in drawn.items() if not ok} <= MAY_BE_EMPTY, drawn
    # An artist filter narrows the song charts; every chart renders or shows its empty state.
    page.get_by_role("tab", name="歌曲与专辑").click()
    page.locator("[data-testid=filter-artist]").click()
    page.locator(".el-select-dropdown__item:visible").first.click()
    page.wait_for_timeout(800)
    assert visible_boxes(page)["发行歌曲数"]
    page.screenshot(path=str(ARTIFACTS / "analysis-filtered.png"))
    assert page.console_errors == []
    page.context.close()


def test_empty_database_shows_every_empty_state(browser, empty_server):
    page = open_page(browser, empty_server, 1440, 900)
    page.goto("/dashboard")
    states = wait_panels_settled(page)
    assert states == ["empty"] * PANELS
    assert page.locator("[data-testid=screen-panel] canvas").count() == 0
    page.screenshot(path=str(ARTIFACTS / "dashboard-empty.png"))
    assert page.console_errors == []
    page.context.close()
