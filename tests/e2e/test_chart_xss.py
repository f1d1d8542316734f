"""Crawled names are data, never markup: hostile names on the data screen and the analysis page.

A server of its own is seeded like the dashboard tests (the mirror slice through the crawler's
parsers and the ingest service), except that every artist, album and song name, every fifth
comment and every playlist name carries HTML that runs script when parsed, and every playlist
gets a hostile tag. The browser then hovers over every chart on /dashboard and on each /analysis
tab (the mouse crosses each chart at a grid of points, so tooltips show) and checks that:

- no element with an event-handler attribute and no inline script was ever added to the page (a
  MutationObserver installed before the app's scripts records them; this holds even where a
  Content-Security-Policy would stop the handler from running);
- no handler ran (`window.__pwned` stays unset), no dialog opened, no console error;
- the hostile names did reach the tooltips, shown as text.

Needs the built frontend (`npm run build` in frontend/). Screenshots go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from playwright.sync_api import Locator, Page
from sqlalchemy import func, select

from tests.conftest import ARTIFACTS, SHARED_DATA, start_server
from tests.e2e.test_dashboard import (
    DIST_INDEX,
    VISIBLE_BOXES_SETTLED,
    mirror_items,
    open_page,
    seed_from_mirror,
    visible_boxes,
    wait_panels_settled,
)
from yinqing.crawler.items import AlbumItem, ArtistItem, CommentItem, PlaylistItem, SongItem
from yinqing.models import Comment

pytestmark = pytest.mark.e2e


def hostile(kind: str) -> str:
    """Markup that sets `window.__pwned` to `kind` if a browser ever parses it as HTML."""
    return f"\"><img src=x onerror=\"window.__pwned='{kind}'\"><script>window.__pwned='{kind}'</script>"


ALBUM_ALERT = "<img src=x onerror=\"alert('album')\">"
TOOLTIP_MARK = "onerror="

# Installed before the app runs: records added elements with an on* attribute or inline scripts,
# and the text of every chart tooltip (any DOM change inside a chart card) that shows the hostile
# markup as text.
WATCH = """
window.__injected = [];
window.__tooltips = [];
new MutationObserver((mutations) => {
  for (const m of mutations) {
    for (const node of m.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const el of [node, ...node.querySelectorAll('*')]) {
        const handler = [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on'));
        if (handler || (el.tagName === 'SCRIPT' && !el.src)) window.__injected.push(el.outerHTML.slice(0, 300));
      }
    }
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (el && el.closest('[data-testid=screen-panel], [data-testid=chart-box]') && el.textContent.includes(TOOLTIP_MARK)) {
      window.__tooltips.push(el.textContent);
    }
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
""".replace("TOOLTIP_MARK", json.dumps(TOOLTIP_MARK))

CHARTS = "[data-testid=screen-panel] .panel__chart, [data-testid=chart-box] .chart-box__chart"
# ECharts' tooltip: a div inside the chart with an inline z-index, hidden by display or opacity.
TOOLTIP_SHOWN = """(chart, mark) => [...chart.querySelectorAll('div')].some((d) =>
  d.style.zIndex && d.style.display !== 'none' && d.style.opacity !== '0' && d.innerText.includes(mark))"""


def hostile_items() -> list:
    """The mirror slice with hostile names, comments, playlist names and tags."""
    items = []
    for n, item in enumerate(mirror_items()):
        if isinstance(item, ArtistItem):
            item = dataclasses.replace(item, name=hostile("artist") + (item.name or ""))
        elif isinstance(item, AlbumItem):
            item = dataclasses.replace(item, name=ALBUM_ALERT + hostile("album") + (item.name or ""))
        elif isinstance(item, SongItem):
            item = dataclasses.replace(item, name=hostile("song") + (item.name or ""),
                                       artist_names=[hostile("artist") + a for a in item.artist_names or []])
        elif isinstance(item, CommentItem) and n % 5 == 0:
            item = dataclasses.replace(item, content=hostile("comment") + item.content)
        elif isinstance(item, PlaylistItem):
            item = dataclasses.replace(item, name=hostile("playlist") + (item.name or ""),
                                       tags=[*(item.tags or []), hostile("tag")])
        items.append(item)
    return items


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` in frontend/ first")
    server = start_server(tmp_path_factory.mktemp("xss") / "instance", {"YINQING_SHARED_DATA": str(SHARED_DATA)})
    server.seeded = seed_from_mirror(server, hostile_items())
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


def watched_page(browser, server) -> Page:
    page = open_page(browser, server)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.add_init_script(WATCH)
    return page


def hover_charts(page: Page, columns: int = 10, rows: int = 6) -> int:
    """Move the mouse across every visible chart at a grid of points; returns the charts crossed."""
    boxes = [b for b in (chart.bounding_box() for chart in page.locator(CHARTS).all()) if b and b["width"] > 0]
    for box in boxes:
        for j in range(rows):
            for i in range(columns):
                page.mouse.move(box["x"] + box["width"] * (i + 0.5) / columns,
                                box["y"] + box["height"] * (j + 0.5) / rows)
            page.wait_for_timeout(15)
    return len(boxes)


def show_tooltip(page: Page, chart: Locator, columns: int = 24, rows: int = 12) -> bool:
    """Hover over `chart` until its tooltip shows hostile markup as text (for the screenshot)."""
    box = chart.bounding_box()
    for j in range(rows):
        for i in range(columns):
            page.mouse.move(box["x"] + box["width"] * (i + 0.5) / columns, box["y"] + box["height"] * (j + 0.5) / rows)
            if chart.evaluate(TOOLTIP_SHOWN, TOOLTIP_MARK):
                return True
    return False


def kinds_seen(page: Page) -> set[str]:
    """Which hostile names showed, as text, in a tooltip."""
    texts = page.evaluate("window.__tooltips")
    return {kind for kind in ("artist", "album", "song", "comment", "playlist", "tag")
            if any(f"window.__pwned='{kind}'" in text for text in texts)}


def assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__injected") == []
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert page.console_errors == []


def test_hostile_names_stay_text_on_the_data_screen(browser, hostile_server):
    page = watched_page(browser, hostile_server)
    page.goto("/dashboard")
    assert set(wait_panels_settled(page)) == {"ready"}
    page.wait_for_timeout(2500)  # the ranking race and the word cloud lay out
    assert hover_charts(page) == 11
    shown = show_tooltip(page, page.locator("[data-testid=screen-panel][aria-label='歌手热度排行（逐年）'] .panel__chart"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "xss-dashboard.png"))
    assert_nothing_ran(page)
    assert {"artist", "song"} <= kinds_seen(page)  # the heat race and the scatter tooltips
    assert shown
    page.context.close()


ANALYSIS_TABS = ["歌曲与专辑", "热度排行", "发行时间", "版权与翻唱", "热门歌手", "流行度", "评论情感", "词云"]
ONLY_CHART = "[data-testid=chart-box] .chart-box__chart:visible"


def test_hostile_names_stay_text_on_the_analysis_page(browser, hostile_server):
    page = watched_page(browser, hostile_server)
    page.goto("/analysis")
    crossed, shown = 0, []
    for name in ANALYSIS_TABS:
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(300)
        visible_boxes(page)
        if name == "热度排行":
            page.wait_for_timeout(1500)
            crossed += hover_charts(page)
            page.locator(".el-radio-button:visible", has_text="专辑").click()
            page.wait_for_timeout(300)
            visible_boxes(page)
            page.wait_for_timeout(1500)
            shown.append(show_tooltip(page, page.locator(ONLY_CHART)))
            page.screenshot(path=str(ARTIFACTS / "xss-analysis-album-race.png"))
        if name == "流行度":
            shown.append(show_tooltip(page, page.locator(ONLY_CHART)))
            page.screenshot(path=str(ARTIFACTS / "xss-analysis-scatter.png"))
        crossed += hover_charts(page)
    # The artist filter lists the hostile names too (as option text); the charts reload filtered.
    page.locator("[data-testid=filter-artist]").click()
    page.locator(".el-select-dropdown__item:visible").first.click()
    page.wait_for_timeout(800)
    crossed += hover_charts(page)
    assert_nothing_ran(page)
    assert crossed >= 18
    assert {"artist", "album", "song", "tag"} <= kinds_seen(page)
    assert shown == [True, True]
    page.context.close()


def most_commented_song(server) -> int:
    """The song with most stored comments (one with hostile comments among them)."""
    with server.sessionmaker()() as session:
        return session.execute(select(Comment.song_id).where(Comment.content.contains(TOOLTIP_MARK))
                               .group_by(Comment.song_id).order_by(func.count().desc(), Comment.song_id)).scalars().first()


def test_hostile_names_and_comments_stay_text_on_song_pages(browser, hostile_server):
    song = most_commented_song(hostile_server)
    page = watched_page(browser, hostile_server)
    page.goto(f"/songs/{song}")
    assert "window.__pwned='song'" in page.get_by_test_id("song-name").inner_text()
    page.get_by_test_id("comment").first.wait_for()
    assert "window.__pwned='comment'" in page.get_by_test_id("comments").inner_text()
    page.goto(f"/sentiment?song={song}")
    page.wait_for_function(VISIBLE_BOXES_SETTLED)
    page.wait_for_timeout(1500)  # the word clouds lay out
    assert hover_charts(page) >= 2  # the ring and the months (and the word clouds that have words)
    page.screenshot(path=str(ARTIFACTS / "xss-sentiment.png"), full_page=True)
    assert_nothing_ran(page)
    page.context.close()
