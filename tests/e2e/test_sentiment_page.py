"""情感分析 in a real browser against the real server: type a sentence, see the label, the
probability and the influential words; a seeded song shows its ring, months and extremes.

Needs the built frontend (`npm run build` in frontend/, or `make frontend`).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from yinqing.config import REPO_ROOT
from yinqing.models import Comment, Song

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
DIST_INDEX = REPO_ROOT / "frontend" / "dist" / "index.html"
SONG_ID = 990_000_017


@pytest.fixture(autouse=True)
def _built_frontend():
    if not DIST_INDEX.is_file():
        pytest.fail("frontend/dist is missing: run `make frontend` (npm run build) first")


def tid(page: Page, test_id: str):
    return page.locator(f'[data-testid="{test_id}"]')


def _seed_song(live_server) -> None:
    with live_server.sessionmaker()() as s:
        if s.get(Song, SONG_ID) is not None:
            return
        s.add(Song(id=SONG_ID, name="情感测试歌"))
        s.flush()
        rows = [("好听到哭，爱了爱了", "positive", (0.96, 0.03, 0.01)), ("温暖治愈，谢谢你的歌", "positive", (0.9, 0.06, 0.04)),
                ("难听，抄袭的垃圾", "negative", (0.04, 0.16, 0.8))]
        for i, (text, label, (pos, neu, neg)) in enumerate(rows):
            s.add(Comment(dedup_key=f"e2e-sent-{i}", song_id=SONG_ID, content=text, sentiment_label=label,
                          sentiment_score=pos, sentiment_neutral=neu, sentiment_negative=neg,
                          sentiment_model="e2e", time=datetime(2021, 5 + i, 1)))
        s.commit()


def test_type_a_sentence_and_see_the_result(page: Page, live_server):
    _seed_song(live_server)
    page.goto(f"/sentiment?song={SONG_ID}")
    # the first summary loads jieba in the server: allow for a slow, busy machine
    expect(tid(page, "song-sentiment-summary")).to_contain_text("已分析 3 条", timeout=90_000)
    confidence = tid(page, "song-sentiment-confidence")
    expect(confidence.locator('[data-testid="class-prob-positive"]')).to_contain_text("93.0%")  # (0.96 + 0.9) / 2
    expect(confidence.locator('[data-testid="class-prob-neutral"]')).to_contain_text("–")  # no neutral comment
    expect(confidence.locator('[data-testid="class-prob-negative"]')).to_contain_text("80.0%")
    tid(page, "sentiment-input").fill("这首歌太好听了，单曲循环一整天，超级喜欢")
    tid(page, "sentiment-submit").click()
    expect(tid(page, "sentiment-result")).to_be_visible(timeout=60_000)
    expect(tid(page, "sentiment-label")).to_have_text("积极")
    expect(tid(page, "sentiment-probability")).to_have_text(re.compile(r"置信度 \d+\.\d%"))
    typed = tid(page, "sentiment-probs")
    probs = [float(typed.locator(f'[data-testid="class-prob-{label}"]').inner_text().split()[-1].rstrip("%"))
             for label in ("positive", "neutral", "negative")]
    assert probs[0] > max(probs[1:]) and abs(sum(probs) - 100) < 0.5
    expect(tid(page, "sentiment-tokens")).to_contain_text("喜欢")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sentiment-positive.png"), full_page=True)

    tid(page, "sentiment-input").fill("难听死了，垃圾歌，浪费时间")
    tid(page, "sentiment-submit").click()
    expect(tid(page, "sentiment-label")).to_have_text("消极")

    tid(page, "sentiment-input").fill("😀😀😀")
    tid(page, "sentiment-submit").click()
    expect(tid(page, "sentiment-label")).to_have_text("中性")
    expect(tid(page, "sentiment-result")).to_contain_text("没有可分析的文字")
    page.screenshot(path=str(ARTIFACTS / "sentiment-neutral.png"), full_page=True)
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]
