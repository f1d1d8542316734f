"""The LRC parser: time tags, repeated tags, metadata, credits, translations, junk."""

from yinqing.text.lrc import LyricLine, merge_lyrics, parse_lrc


def test_time_tags_are_parsed_and_sorted():
    text = "[ar:周杰伦]\n[00:20.00]B\n[00:01.5]A\n[01:02.345]C\n[00:03:20]D\n"
    assert parse_lrc(text) == [(1500, "A"), (3200, "D"), (20000, "B"), (62345, "C")]


def test_repeated_tags_and_untimed_lines():
    text = '{"t":0,"c":[{"tx":"作曲: "},{"tx":"周杰伦"}]}\n纯文本\n[00:10.00][00:30.00]副歌\n[00:20.00]\n'
    assert parse_lrc(text) == [(None, "作曲: 周杰伦"), (None, "纯文本"), (10000, "副歌"), (20000, ""), (30000, "副歌")]


def test_translation_joins_by_time():
    lines = merge_lyrics("[00:01.00]晴天\n[00:02.00]故事的小黄花", "[00:01.00]Sunny day\n[00:09.00]orphan")
    assert lines == [LyricLine(1000, "晴天", "Sunny day"), LyricLine(2000, "故事的小黄花", None)]


def test_empty_and_junk_input():
    assert parse_lrc(None) == [] and parse_lrc("") == []
    assert merge_lyrics("{not json\n[xx:yy]z", None) == [LyricLine(None, "[xx:yy]z", None)]
    assert len(parse_lrc("[00:01.00]x\n" * 10000)) == 2000  # bounded work for huge input
