"""The first start's banner on 首页 in a real browser: a progress bar while the background job runs,
a short note when it ends. Needs the built frontend (`npm run build` in frontend/)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS
from yinqing.services import jobs as job_records


def test_home_page_shows_the_first_start_progress_then_its_end(page: Page, live_server):
    factory = live_server.sessionmaker()
    with factory() as s:
        job = job_records.create_job(s, "first_start", {"mode": "toplists"})
        job_records.mark_running(job)
        job_records.mark_progress(job, 0.42, "抓取全部歌单（已请求 10/20） / crawling every playlist")
        s.commit()
        job_id = job.id
    try:
        page.goto("/")
        banner = page.get_by_test_id("first-start-banner")
        expect(banner).to_contain_text("首次启动：正在载入全部歌单")
        expect(banner).to_contain_text("抓取全部歌单（已请求 10/20）")
        expect(banner.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "42")
        page.screenshot(path=str(ARTIFACTS / "first-start-banner.png"))
    finally:
        with factory() as s:
            job_records.mark_done(job_records.get_job(s, job_id))
            s.commit()
    expect(page.get_by_test_id("first-start-done")).to_contain_text("首次启动完成", timeout=10_000)
    expect(page.get_by_test_id("first-start-banner")).to_have_count(0)
