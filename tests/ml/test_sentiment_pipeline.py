"""The training recipe end to end on a tiny shared-data folder built in a temp dir."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from yinqing.cli import main
from yinqing.sentiment import load_classifier
from yinqing.sentiment.data import LABELS_FILE, read_music_labels, read_test_annotations
from yinqing.sentiment.labelling import adjudicate, append_labels, unlabelled_draw
from yinqing.sentiment.pipeline import Recipe, load_corpus, train_and_compare
from yinqing.sentiment.train import TrainOptions

POSITIVE = ["太好听了我超级喜欢", "好听好听单曲循环", "喜欢这首歌温暖治愈", "旋律真美太棒了", "超喜欢超好听",
            "这歌真好听爱了", "温暖又好听喜欢", "太棒了循环一百遍", "好喜欢这个声音", "真美真好听"]
NEGATIVE = ["难听死了垃圾歌", "太难听了不喜欢", "垃圾抄袭恶心", "真难听浪费时间", "恶心的歌难听",
            "好难过好孤独想哭", "烂歌垃圾难听", "讨厌这首歌难听", "心碎了好难过", "垃圾垃圾难听死"]
NEUTRAL = ["请问这首歌叫什么名字", "求伴奏谁有", "歌手是哪里人", "这是哪一年发行的", "请问原唱是谁",
           "求歌词翻译", "几点更新下一首", "这是哪部电视剧的插曲"]


def _write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def tiny_shared(tmp_path):
    """waimai, shopping (two categories), a mirror with comments, and a labels file."""
    root = tmp_path / "data"
    (root / "sentiment").mkdir(parents=True)
    (root / "netease" / "mirror").mkdir(parents=True)
    (root / "netease" / "comments" / "Adydio_DataAnalysis_CloudMusic").mkdir(parents=True)
    reviews = [(1, t) for t in POSITIVE] + [(0, t) for t in NEGATIVE]
    _write_csv(root / "sentiment" / "waimai_10k.csv", ["label", "review"], reviews * 3)
    _write_csv(root / "sentiment" / "online_shopping_10_cats.no_hotel.csv", ["cat", "label", "review"],
               [("书籍", lab, t) for lab, t in reviews] + [("衣服", lab, t + "衣服") for lab, t in reviews])
    comments = [(i + 1, t) for i, t in enumerate(POSITIVE + NEGATIVE + ["你好吗", "哈哈哈今天开心", "好难过"] + NEUTRAL)]
    with open(root / "netease" / "mirror" / "comments.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"songId": 7, "comment": {"commentId": cid, "content": text},
                                 "_source": "x.csv", "_row": cid}, ensure_ascii=False) + "\n" for cid, text in comments)
    (root / "netease" / "mirror" / "comments_unassigned.jsonl").write_text("")
    labels = tmp_path / "labels.csv"
    rows = [(f"c:{cid}", "pos" if cid <= 10 else "neg", "test" if cid % 4 == 0 else "train") for cid, _ in comments[:20]]
    rows.append(("c:21", "neu", "test"))
    rows += [(f"c:{cid}", "neu", "test" if cid % 4 == 0 else "train") for cid, _ in comments[23:]]
    _write_csv(labels, ["source_key", "label", "split"], rows)
    return root, labels


def test_recipe_trains_compares_and_reports(tmp_path):
    shared, labels = tiny_shared(tmp_path)
    quick = TrainOptions(epochs=5, batch_size=8, lr=0.05)
    recipe = Recipe(kinds=("linear",), pseudo_per_class=2, options={"linear": quick})
    corpus = load_corpus(shared, labels, recipe)
    test_texts = set(corpus.music["test"][0])
    assert test_texts and not test_texts & set(corpus.unlabelled)  # test comments never train
    assert all(t.endswith("衣服") for t in corpus.review["holdout"][0])

    clf, report = train_and_compare(shared, recipe, labels_path=labels)
    assert report["default"] == "linear"
    metrics = report["models"]["linear"]
    for split in ("review_test", "review_holdout_衣服", "music_test", "music_test_3class"):
        assert 0.0 <= metrics[split]["accuracy"] <= 1.0
    assert metrics["music_test"]["n"] == 5
    assert sum(map(sum, metrics["music_test_3class"]["confusion"])) == 5 + 1 + 2  # pos/neg, c:21, neutral
    assert set(metrics["dev"]) == {"music_3class", "music_macro_f1", "music", "review"}
    assert clf.cfg.classes == 3 and "neutral_band" not in clf.meta
    # a binary model (here the characters-only linear one of the third run) gets a neutral band
    binary, _report = train_and_compare(shared, Recipe(kinds=("linear",), configs={}, pseudo_per_class=2,
                                                       options={"linear": quick}), labels_path=labels)
    assert binary.cfg.classes == 1
    assert binary.meta["neutral_band"][0] <= 0.5 <= binary.meta["neutral_band"][1]


def test_train_command_writes_a_loadable_model_and_report(tmp_path, monkeypatch):
    shared, _labels = tiny_shared(tmp_path)
    monkeypatch.setenv("YINQING_SHARED_DATA", str(shared))
    out, report = tmp_path / "model.pt", tmp_path / "report.json"
    result = CliRunner().invoke(main, ["train", "sentiment", "--kinds", "linear", "--out", str(out),
                                       "--report", str(report), "--keep-candidates", str(tmp_path / "cands")])
    assert result.exit_code == 0, result.output
    clf = load_classifier(out)
    assert clf.version.startswith("linear-") and len(clf.version.split("-")[-1]) == 8
    assert json.loads(report.read_text())["default"] == "linear"
    assert (tmp_path / "cands" / "linear.pt").is_file()


def test_train_command_without_data_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("YINQING_SHARED_DATA", str(tmp_path / "nothing"))
    result = CliRunner().invoke(main, ["train", "sentiment", "--out", str(tmp_path / "m.pt")])
    assert result.exit_code != 0 and "training data not found" in result.output


def test_labelling_draw_continues_the_sample_and_appends_to_train(tmp_path):
    shared, labels = tiny_shared(tmp_path)
    # the text of a labelled comment under another key must not be drawn again
    (shared / "netease" / "mirror" / "comments_unassigned.jsonl").write_text(
        json.dumps({"comment": {"commentId": 99, "content": POSITIVE[0]}}, ensure_ascii=False) + "\n")
    drawn = list(unlabelled_draw(shared, labels))
    assert drawn == list(unlabelled_draw(shared, labels))  # seeded: the same order every time
    assert sorted(key for key, _ in drawn) == ["c:22", "c:23"]

    append_labels([(drawn[0][0], "pos")], labels)
    assert read_music_labels(labels)[drawn[0][0]] == ("pos", "train")
    assert list(unlabelled_draw(shared, labels)) == drawn[1:]  # continues where it stopped
    with pytest.raises(ValueError):
        append_labels([(drawn[0][0], "neg")], labels)  # never relabel
    with pytest.raises(ValueError):
        append_labels([(drawn[1][0], "positive")], labels)


def test_committed_labels_keep_the_fixed_test_set():
    with open(LABELS_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = [r["source_key"] for r in rows]
    assert len(keys) == len(set(keys))
    assert {r["label"] for r in rows} == {"pos", "neg", "neu"}
    assert [r["split"] for r in rows[:500]] == ["test"] * 500  # the test set comes first ...
    assert all(r["split"] == "train" for r in rows[500:])  # ... and never grows


def test_adjudication_rule():
    assert adjudicate("pos", "pos", None) == "pos"
    assert adjudicate("pos", "neg", "neg") == "neg"
    assert adjudicate("neu", "pos", "neu") == "neu"
    assert adjudicate("pos", "neg", "neu") == "neu"  # no majority: mixed feelings
    with pytest.raises(ValueError):
        adjudicate("pos", "neg", None)


def test_test_labels_are_the_adjudicated_annotations():
    annotations = read_test_annotations()
    test = {key: label for key, (label, split) in read_music_labels().items() if split == "test"}
    assert set(annotations) == set(test) and len(test) == 500
    for key, row in annotations.items():
        assert row["third"] == "" or row["first"] != row["second"]  # a third look only where needed
        assert test[key] == row["label"] == adjudicate(row["first"], row["second"], row["third"] or None)
