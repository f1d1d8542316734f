"""Word-cloud text processing: LRC cleaning, stop words (shared and packaged), term counting."""

from __future__ import annotations

from pathlib import Path

from yinqing.config import REPO_ROOT
from yinqing.services.stats import cover_class
from yinqing.text import wordcloud

SHARED_STOPWORDS = REPO_ROOT.parent / "shared" / "data" / "stopwords"

LRC = """[ti:平淡日子里的刺]
[ar:宋冬野]
[by:someone]
[00:00.00] 作曲 : 宋冬野
[00:01.00] 作词 : 韩寒
[00:02.00]编曲：某人
[00:03.50]Producer: Somebody
[00:31.61]在歌舞升平的城市
[00:35.581][01:35.5]忍不住回头看我的城池
[02:00.00]
[03:00.00]未经著作权人书面许可，不得以任何方式使用
"""


def test_clean_lrc_drops_timestamps_tags_credits_and_notices():
    assert wordcloud.clean_lrc(LRC).splitlines() == ["在歌舞升平的城市", "忍不住回头看我的城池"]


def test_clean_lrc_keeps_plain_text_and_handles_empty():
    assert wordcloud.clean_lrc("没有时间轴的歌词\n第二行") == "没有时间轴的歌词\n第二行"
    assert wordcloud.clean_lrc(None) == "" and wordcloud.clean_lrc("") == ""


def test_packaged_stopwords_work_without_shared_data(tmp_path):
    stop = wordcloud.load_stopwords(str(tmp_path / "missing"))
    assert {"我们", "什么", "哈哈"} <= stop and "城市" not in stop
    assert "#" not in "".join(stop)


def test_shared_lists_extend_the_packaged_one():
    packaged = wordcloud.load_stopwords(None)
    shared = wordcloud.load_stopwords(str(SHARED_STOPWORDS))
    assert packaged < shared
    # A word only the shared lists have (cn_stopwords.txt starts with 一些, 一何 ...).
    assert "一何" in shared and "一何" not in packaged


def test_own_list_file(tmp_path: Path):
    (tmp_path / "extra.txt").write_text("\ufeff城市\n# comment\n\nLOVE\n", encoding="utf-8")
    stop = wordcloud.load_stopwords(str(tmp_path))
    assert "城市" in stop and "love" in stop and "# comment" not in stop


def test_tokenize_filters_stopwords_single_chars_digits_and_punctuation():
    stop = wordcloud.load_stopwords(None)
    tokens = wordcloud.tokenize("我们在北京的城市里唱歌！！2019年 Love you 123", stop)
    assert "北京" in tokens and "城市" in tokens and "love" in tokens
    assert not {"我们", "的", "在", "！！", "123", "2019", "you"} & set(tokens)
    assert all(len(t) >= 2 for t in tokens)


def test_term_counts_orders_by_count_then_term_and_limits():
    stop = wordcloud.load_stopwords(None)
    texts = ["北京 北京 上海", "上海 北京 广州", "广州", "", "深圳"]
    assert wordcloud.term_counts(texts, stop, limit=3) == [("北京", 3), ("上海", 2), ("广州", 2)]
    assert wordcloud.term_counts([], stop) == []


def test_lyric_term_counts_ignore_credits():
    stop = wordcloud.load_stopwords(None)
    terms = dict(wordcloud.lyric_term_counts([LRC, "[00:01.00]作曲：宋冬野\n[00:02.00]城市的夜"], stop))
    assert terms["城市"] == 2
    assert "宋冬野" not in terms and "韩寒" not in terms and "producer" not in terms


def test_cover_class_rule():
    assert cover_class("晴天", [], [], 1, False) == "original"
    assert cover_class("晴天", [], [], 2, False) == "cover"
    assert cover_class("晴天", [], [], 0, True) == "cover"
    assert cover_class("晴天 (Cover 周杰伦)", [], [], None, False) == "cover"
    assert cover_class("晴天", ["翻自 周杰伦"], [], None, False) == "cover"
    assert cover_class("晴天", [], ["原唱：周杰伦"], 0, False) == "cover"
    assert cover_class("晴天", ["电影《不能说的秘密》插曲"], None, None, False) == "unknown"
    assert cover_class(None, None, None, None, False) == "unknown"
    assert cover_class("Discover", [], [], None, False) == "unknown"
    assert cover_class("Love Story (cover)", [], [], None, False) == "cover"
    # An explicit "original" flag wins over a misleading title.
    assert cover_class("Discover", [], [], 1, False) == "original"
