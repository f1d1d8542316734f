"""`yinqing sentiment predict|evaluate` on CSV files and the `analyse comments` job on real databases."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from yinqing import jobs
from yinqing.cli import main
from yinqing.models import Comment, Job, Song
from yinqing.sentiment import load_classifier
from yinqing.services import jobs as job_records
from yinqing.services import sentiment as service


def _csv(path, rows, header=("id", "text", "gold")):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


ROWS = [(1, "这首歌太好听了，超级喜欢", "1"), (2, "难听死了，垃圾", "0"), (3, "", "pos"),
        (4, "多行\n文本，很好听", "pos"), (5, "😀😀", "neg"), (6, "恶心，抄袭的烂歌", "neg")]


def test_predict_adds_label_and_probability_columns(tmp_path):
    path = _csv(tmp_path / "in.csv", ROWS)
    result = CliRunner().invoke(main, ["sentiment", "predict", str(path), "--column", "text"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert rows[0]["label"] == "positive" and rows[1]["label"] == "negative"
    assert rows[2]["label"] == "neutral" and rows[4]["label"] == "neutral"
    assert rows[3]["text"] == "多行\n文本，很好听"
    assert all(0.0 <= float(r["probability"]) <= 1.0 for r in rows)


def test_evaluate_prints_accuracy_f1_and_confusion(tmp_path):
    path = _csv(tmp_path / "gold.csv", ROWS + [(7, "x", "maybe")])
    result = CliRunner().invoke(main, ["sentiment", "evaluate", str(path), "--column", "text",
                                       "--label-column", "gold"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 6 and report["skipped_rows"] == 1
    assert sum(map(sum, report["confusion"])) == 6
    assert 0.0 <= report["accuracy"] <= 1.0 and 0.0 <= report["macro_f1"] <= 1.0


def test_unknown_column_is_a_clear_error(tmp_path):
    path = _csv(tmp_path / "in.csv", ROWS)
    result = CliRunner().invoke(main, ["sentiment", "predict", str(path), "--column", "nope"])
    assert result.exit_code != 0 and "nope" in result.output


def test_missing_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("YINQING_SENTIMENT_MODEL", str(tmp_path / "missing.pt"))
    path = _csv(tmp_path / "in.csv", ROWS)
    result = CliRunner().invoke(main, ["sentiment", "predict", str(path), "--column", "text"])
    assert result.exit_code != 0 and "yinqing train sentiment" in result.output


def _seed(session, texts):
    session.add(Song(id=4242, name="测试歌"))
    session.flush()
    for i, text in enumerate(texts):
        session.add(Comment(dedup_key=f"t:{i}", song_id=4242, content=text, liked_count=i))
    session.commit()


class _Renamed:
    """The same model under another version string, as a retrained model would be."""

    def __init__(self, clf, version):
        self._clf, self.version = clf, version

    def predict(self, texts, explain=False):
        return self._clf.predict(texts, explain)


def test_analyse_job_labels_pending_comments_and_relabels_for_a_new_model(session, db_url):
    jobs.use_database(db_url)
    _seed(session, ["这首歌太好听了，超级喜欢", "难听死了，垃圾", "", "😀", "还行吧"] * 5)
    job = job_records.create_job(session, "analyse", {})
    session.commit()
    result = jobs.analyse_comments_task.call_local(job.id, 4)
    assert result["labelled"] == 25
    assert result["stats"]["songs"] == 1  # the dashboard's tables were refreshed after labelling
    session.rollback()  # a new transaction: MySQL would otherwise keep its old snapshot
    session.expire_all()
    assert session.get(Job, job.id).status == "done"
    clf = load_classifier()
    rows = session.scalars(select(Comment).order_by(Comment.id)).all()
    assert {c.sentiment_model for c in rows} == {clf.version}
    assert rows[0].sentiment_label == "positive" and rows[1].sentiment_label == "negative"
    assert rows[2].sentiment_label == "neutral" and rows[2].sentiment_score == 0.5
    assert rows[2].sentiment_neutral is None  # no text: nothing judged
    for c in (rows[0], rows[1]):  # the three class probabilities are stored (float32 on MariaDB)
        assert abs(c.sentiment_score + c.sentiment_neutral + c.sentiment_negative - 1) < 1e-3
    assert service.count_pending(session, clf.version) == 0
    assert jobs.analyse_comments(lambda *_: None, 10)["labelled"] == 0

    newer = _Renamed(clf, "linear-next")
    assert jobs.analyse_comments(lambda *_: None, 10, classifier=newer)["labelled"] == 25
    session.rollback()  # a new transaction: MySQL would otherwise keep its old snapshot
    session.expire_all()
    assert {c.sentiment_model for c in session.scalars(select(Comment))} == {"linear-next"}


def test_comments_of_an_older_model_are_relabelled_with_the_default(session, db_url):
    """Comments labelled by the binary model of the third run get the three-class default's labels."""
    jobs.use_database(db_url)
    texts = ["这首歌太好听了，超级喜欢", "难听死了，垃圾", "请问这首歌的伴奏哪里有？", "在鼓楼"]
    session.add(Song(id=4243, name="旧标签"))
    session.flush()
    for i, text in enumerate(texts):
        session.add(Comment(dedup_key=f"old:{i}", song_id=4243, content=text, sentiment_label="negative",
                            sentiment_score=0.3, sentiment_model="linear-2026-11-28-6aadf338"))
    session.commit()
    clf = load_classifier()
    assert service.count_pending(session, clf.version) == len(texts)
    assert jobs.analyse_comments(lambda *_: None, 3)["labelled"] == len(texts)
    session.rollback()  # a new transaction: MySQL would otherwise keep its old snapshot
    session.expire_all()
    rows = session.scalars(select(Comment).order_by(Comment.id)).all()
    expected = clf.predict(texts)
    assert [c.sentiment_model for c in rows] == [clf.version] * len(texts)
    assert [c.sentiment_label for c in rows] == [r["label"] for r in expected]
    assert [c.sentiment_label for c in rows[:3]] == ["positive", "negative", "neutral"]
    for c, r in zip(rows, expected):
        assert abs(c.sentiment_negative - r["probs"]["negative"]) < 1e-3
        assert abs(c.sentiment_neutral - r["probs"]["neutral"]) < 1e-3
    assert service.count_pending(session, clf.version) == 0


def test_analyse_command_runs_in_the_foreground(session, db_url, monkeypatch):
    _seed(session, ["好听", "难听"])
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(main, ["analyse", "comments", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert '"labelled": 2' in result.output
    session.rollback()  # a new transaction: MySQL would otherwise keep its old snapshot
    session.expire_all()
    assert all(c.sentiment_label for c in session.scalars(select(Comment)))


@pytest.fixture(autouse=True)
def _reset_job_database():
    yield
    jobs._factory = None
