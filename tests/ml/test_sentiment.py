"""The pure sentiment package: tokenising, training on a tiny corpus, saving/loading, bad inputs."""

from __future__ import annotations

import os
import time

import pytest
import torch

from yinqing.sentiment import DEFAULT_MODEL_PATH, ModelLoadError, load_classifier
from yinqing.sentiment.models import ModelConfig
from yinqing.sentiment.tokenize import MAX_CHARS, char_ngrams, has_content, normalise, word_grams
from yinqing.sentiment.train import TrainOptions, binary_metrics, classification_metrics, fit, fit_multinomial

POSITIVE = ["太好听了我超级喜欢", "好听好听单曲循环", "喜欢这首歌温暖治愈", "旋律真美太棒了", "超喜欢超好听",
            "这歌真好听爱了", "温暖又好听喜欢", "太棒了循环一百遍", "好喜欢这个声音", "真美真好听"]
NEGATIVE = ["难听死了垃圾歌", "太难听了不喜欢", "垃圾抄袭恶心", "真难听浪费时间", "恶心的歌难听",
            "好难过好孤独想哭", "烂歌垃圾难听", "讨厌这首歌难听", "心碎了好难过", "垃圾垃圾难听死"]
# Questions, requests and plain statements: neutral by the labelling rules of MODEL.md.
NEUTRAL = ["请问这首歌叫什么名字", "求伴奏谁有", "歌手是哪里人", "这是哪一年发行的", "请问原唱是谁",
           "求歌词翻译", "几点更新下一首", "这是哪部电视剧的插曲", "求吉他谱谁有", "请问哪里能下载"]
SMALL = ModelConfig(kind="linear", ngram_buckets=1 << 12)
SMALL_THREE = ModelConfig(kind="linear", ngram_buckets=1 << 12, word_ngrams=True, classes=3)
SMALL_CNN = ModelConfig(kind="cnn", char_buckets=1 << 10, embed_dim=16, channels=16)


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny models train faster on one thread than with a second one fighting for the CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_model(cfg: ModelConfig = SMALL, epochs: int = 30):
    texts = POSITIVE + NEGATIVE
    labels = [1] * len(POSITIVE) + [0] * len(NEGATIVE)
    return fit(cfg, texts, labels, opts=TrainOptions(epochs=epochs, batch_size=8, lr=0.05))


def test_normalise_folds_width_case_repeats_and_junk():
    assert normalise("ＡＢＣ好好好好好好！！！！") == "abc好好好!!!"
    assert normalise("a\x00b\ufeff\u200bc") == "abc"
    assert normalise(None) == ""
    assert len(normalise("好" * 100_000 + "坏")) <= MAX_CHARS


def test_has_content_rejects_emoji_and_punctuation():
    assert not has_content(normalise("😀😂👍"))
    assert not has_content(normalise("？！。，…"))
    assert has_content(normalise("好"))


def test_char_ngrams_mark_text_edges():
    assert char_ngrams("好听", (1, 2)) == ["^", "好", "听", "$", "^好", "好听", "听$"]


def test_word_grams_join_a_negation_to_the_next_word():
    grams = word_grams("我不喜欢")
    assert "w|不喜欢" in grams and "w|喜欢" not in grams
    assert "w|我|不喜欢" in grams  # bigrams across the joined word


SMALL_WORDS = ModelConfig(kind="linear", ngram_buckets=1 << 12, word_ngrams=True)


@pytest.mark.parametrize("cfg", [SMALL, SMALL_CNN, SMALL_WORDS], ids=["linear", "cnn", "linear-words"])
def test_training_on_a_tiny_corpus_learns_the_direction(cfg):
    torch.manual_seed(0)
    clf = tiny_model(cfg)
    out = clf.predict(["真好听我喜欢", "难听垃圾"])
    assert out[0]["probability"] > 0.6 and out[0]["label"] == "positive"
    assert out[1]["probability"] < 0.4 and out[1]["label"] == "negative"


def tiny_three_class_model():
    texts = NEGATIVE + NEUTRAL + POSITIVE
    labels = [0] * len(NEGATIVE) + [1] * len(NEUTRAL) + [2] * len(POSITIVE)  # models.CLASSES order
    return fit_multinomial(SMALL_THREE, texts, labels, l2=1e-3)


def test_three_class_model_on_a_tiny_corpus_learns_each_class():
    clf = tiny_three_class_model()
    assert clf.neutral_band is None  # it predicts neutral itself, no band on P(positive)
    texts = {"positive": "真好听我喜欢", "negative": "难听垃圾", "neutral": "请问这首歌的原唱是谁"}
    out = dict(zip(texts, clf.predict(list(texts.values()))))
    for label, res in out.items():
        assert res["label"] == label, (label, res)
        assert res["neutral"] == (label == "neutral")
        assert abs(sum(res["probs"].values()) - 1) < 1e-3
        assert res["probs"][label] == max(res["probs"].values()) == res["confidence"]
        assert res["probs"][label] > 0.5
        assert res["probability"] == res["probs"]["positive"]
    # unseen texts: the class words decide
    assert [r["label"] for r in clf.predict(["温暖治愈", "恶心抄袭", "求歌名"])] == ["positive", "negative", "neutral"]


def test_binary_model_reports_no_neutral_probability():
    res = tiny_model().predict(["真好听我喜欢"])[0]
    assert res["probs"]["neutral"] == 0.0 and res["probs"]["positive"] == res["probability"]


@pytest.mark.parametrize("make", [lambda: tiny_model(SMALL), lambda: tiny_model(SMALL_WORDS), tiny_three_class_model],
                         ids=["chars", "words", "three-class"])
def test_save_and_load_round_trip(tmp_path, make):
    clf = make()
    clf.meta["version"] = "linear-test"
    path = clf.save(tmp_path / "m.pt")
    again = load_classifier(path)
    assert again.version == "linear-test"
    texts = ["好听", "难听", "一般般吧"]
    # float16 storage: equal to about three decimals
    for a, b in zip(clf.probabilities(texts), again.probabilities(texts)):
        assert abs(a - b) < 2e-3


def test_missing_model_names_the_rebuild_command(tmp_path):
    with pytest.raises(ModelLoadError, match="yinqing train sentiment"):
        load_classifier(tmp_path / "nope.pt")


def test_corrupt_model_names_the_rebuild_command(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(os.urandom(2048))
    with pytest.raises(ModelLoadError, match="corrupt.*yinqing train sentiment"):
        load_classifier(bad)
    other = tmp_path / "other.pt"
    torch.save({"something": 1}, other)
    with pytest.raises(ModelLoadError, match="yinqing train sentiment"):
        load_classifier(other)


def test_committed_default_model_is_small_and_sane():
    assert DEFAULT_MODEL_PATH.is_file()
    assert DEFAULT_MODEL_PATH.stat().st_size < 5_000_000
    clf = load_classifier()
    assert clf.cfg.classes == 3 and clf.neutral_band is None
    pos, neg, neu = clf.predict(["这首歌太好听了，单曲循环一百遍，超级喜欢", "难听死了，垃圾歌，抄袭",
                                 "请问这首歌的伴奏哪里有？"])
    assert pos["label"] == "positive" and neg["label"] == "negative" and neu["label"] == "neutral"


def test_bad_inputs_get_defined_results():
    clf = load_classifier()
    junk = bytes(range(256)).decode("latin-1")
    texts = ["", "   ", "😀😂👍🎵", "好" * 100_000, junk, "This song is wonderful", "\x00\x01\x02", "？？？"]
    start = time.perf_counter()
    out = clf.predict(texts, explain=True)
    assert time.perf_counter() - start < 10
    assert len(out) == len(texts)
    for res in out:
        assert res["label"] in {"positive", "negative", "neutral"}
        assert 0.0 <= res["probability"] <= 1.0
    for i in (0, 1, 2, 6, 7):
        assert out[i]["label"] == "neutral" and out[i]["reason"] == "no_text" and out[i]["confidence"] == 0.0
        assert out[i]["probs"] is None
    assert out[5]["reason"] == "not_chinese" and out[5]["neutral"]


def test_explanations_name_the_words_that_pushed():
    clf = load_classifier()
    res = clf.predict(["旋律很美但是歌词太垃圾了"], explain=True)[0]
    tokens = {t["token"]: t["weight"] for t in res["tokens"]}
    assert "垃圾" in tokens and tokens["垃圾"] < 0


def test_metrics():
    m = binary_metrics([0.9, 0.2, 0.7, 0.4], [1, 0, 0, 1])
    assert m["accuracy"] == 0.5 and m["confusion"] == [[1, 1], [1, 1]]
    m3 = classification_metrics(["a", "b", "b"], ["a", "b", "a"], ["a", "b"])
    assert m3["confusion"] == [[1, 1], [0, 1]]
    assert m3["macro_f1"] == round((2 / 3 + 2 / 3) / 2, 4)
