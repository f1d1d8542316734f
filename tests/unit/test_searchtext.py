"""Search text: normalisation, bigram tokens, pinyin, fuzzy scores."""

from yinqing.text.searchtext import (
    clean_query,
    fuzzy_score,
    grams_text,
    normalize,
    pinyin_words,
    query_phrases,
)


def test_normalize_drops_punctuation_and_folds_width_and_case():
    assert normalize("Ｈｅｌｌｏ，World!  晴天(Live)") == "hello world 晴天 live"
    assert normalize("<script>alert('x')</script>") == "script alert x script"
    assert normalize("!!!%%%") == "" and normalize(None) == ""


def test_query_phrases_match_document_tokens():
    doc = normalize("晴天 周杰伦")
    tokens = grams_text(doc).split()
    assert tokens == ["_晴天", "__天", "_周杰", "_杰伦", "__伦"]
    for query in ("晴天", "杰伦", "周杰伦"):
        (phrase,) = query_phrases(clean_query(query))
        assert " ".join(phrase) in " ".join(tokens)
    assert query_phrases("伦") == [["__伦"]]


def test_pinyin_initials_and_full():
    assert pinyin_words("周杰伦") == ("zjl", "zhoujielun")
    assert pinyin_words("Eason") == ("", "")


def test_clean_query_bounds_length():
    assert len(clean_query("a" * 10000)) == 64
    assert clean_query("  '; DROP  TABLE ") == "drop table"


def test_fuzzy_score_counts_bigrams_within_one_word():
    assert fuzzy_score("zhoujeilun", "qingtian zhoujielun") > 0.6
    assert fuzzy_score("jay chuo", "落花流水 solidays chenyixun luohualiushui") < 0.6
    assert fuzzy_score("", "x") == 0.0
