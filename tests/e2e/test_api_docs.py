"""The API docs page (/api/docs) renders in a real browser with only this server reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_swagger_ui_renders_offline(page: Page, live_server):
    foreign: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Yinqing")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert foreign == []
    assert page.console_errors == []
