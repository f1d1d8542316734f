"""The Content-Security-Policy in a real browser: the SPA and Swagger UI work under it, with no violation.

A server of its own holds a small real catalogue (covers on NetEase's image hosts, answered here by
the test with a PNG since nothing outside loopback is reachable) and its dashboard statistics.
Each page listens for `securitypolicyviolation` events from the first script on; the test visits the
SPA's main pages, runs an analysis, hovers the charts (ECharts tooltips are HTML with style
attributes), and opens /api/docs. Needs the built frontend (`npm run build` in frontend/).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.catalog_seed import add_comments, seed_catalogue
from tests.conftest import start_server
from yinqing.config import REPO_ROOT
from yinqing.services.stats import refresh_stats

pytestmark = pytest.mark.e2e

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""


def _cover() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 60), (200, 80, 80)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def csp_server(tmp_path_factory):
    if not (REPO_ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.skip("the frontend is not built (npm run build in frontend/)")
    server = start_server(tmp_path_factory.mktemp("csp") / "instance")
    with server.sessionmaker()() as s:
        song_id = seed_catalogue(s, general=30, jay=6)[0]["id"]
        add_comments(s, song_id, hot=3, latest=10)
        refresh_stats(s)
        s.commit()
    server.song_id = song_id
    yield server
    server.process.terminate()
    server.process.wait(timeout=20)


@pytest.fixture
def csp_page(browser, csp_server):
    context = browser.new_context(base_url=csp_server.url, viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    netease: list[str] = []

    def netease_image(route):
        netease.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=_cover())

    page.route("**/*.music.126.net/**", netease_image)
    page.console_errors, page.netease_images = errors, netease
    yield page
    context.close()


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp")


def _hover_charts(page: Page) -> None:
    for canvas in page.locator("canvas").all()[:6]:
        box = canvas.bounding_box()
        if box and box["width"] > 40:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(300)


def test_spa_pages_run_under_the_policy(csp_page: Page, csp_server):
    page = csp_page
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#app *").first).to_be_visible()
    page.goto("/songs")
    expect(page.locator("img").first).to_be_visible()
    page.goto(f"/songs/{csp_server.song_id}")
    page.wait_for_load_state("networkidle")
    page.goto("/sentiment")
    page.locator('[data-testid="sentiment-input"]').fill("这首歌太好听了，单曲循环一整天")
    page.locator('[data-testid="sentiment-submit"]').click()
    expect(page.locator('[data-testid="sentiment-result"]')).to_be_visible(timeout=30000)
    for route in ("/dashboard", "/analysis"):
        page.goto(route)
        page.wait_for_load_state("networkidle")
        expect(page.locator("canvas").first).to_be_visible(timeout=30000)
        _hover_charts(page)
    assert page.netease_images, "no cover was requested from NetEase's image hosts"
    assert _violations(page) == []
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_swagger_ui_runs_under_the_policy(csp_page: Page):
    page = csp_page
    response = page.goto("/api/docs")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Yinqing", timeout=30000)
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert _violations(page) == []
    assert page.console_errors == []
