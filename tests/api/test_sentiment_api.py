"""/api/sentiment/analyze and /api/songs/<id>/sentiment against the real app and databases."""

from __future__ import annotations

from datetime import datetime

from yinqing.models import Comment, Song


def test_analyze_one_text_with_explanation(client):
    r = client.post("/api/sentiment/analyze", json={"text": "这首歌太好听了，超级喜欢，单曲循环"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["label"] == "positive" and body["probability"] > 0.5
    probs = body["probs"]
    assert set(probs) == {"positive", "neutral", "negative"} and abs(sum(probs.values()) - 1) < 1e-3
    assert body["probability"] == probs["positive"] and body["confidence"] == max(probs.values())
    assert body["model"] and body["neutral_band"] is None  # the three-class model needs no band
    assert body["tokens"] and all({"token", "weight"} <= set(t) for t in body["tokens"])


def test_analyze_batch_of_texts_keeps_order(client):
    texts = ["难听死了，垃圾", "这首歌太好听了，超级喜欢", ""]
    r = client.post("/api/sentiment/analyze", json={"texts": texts})
    assert r.status_code == 200
    items = r.get_json()["results"]
    assert [i["label"] for i in items] == ["negative", "positive", "neutral"]
    assert "tokens" not in items[0]


def test_analyze_defined_results_for_odd_texts(client):
    odd = ["", "😀😂👍", "\x00\x01\ufffd\x7f", "This is great", "好" * 100_000]
    r = client.post("/api/sentiment/analyze", json={"texts": odd})
    assert r.status_code == 200
    items = r.get_json()["results"]
    assert [i["label"] for i in items[:3]] == ["neutral"] * 3
    assert [i["probs"] for i in items[:3]] == [None] * 3  # nothing was judged
    assert items[3]["reason"] == "not_chinese"
    assert items[4]["truncated"] is True


def test_analyze_rejects_bad_requests_with_json_errors(client):
    cases = [
        {},
        {"text": "a", "texts": ["b"]},
        {"texts": []},
        {"texts": ["x"] * 101},
        {"text": 5},
        {"texts": ["ok", None]},
        {"text": "好" * 100_001},
        {"text": "ok", "explain": "maybe"},
    ]
    for body in cases:
        r = client.post("/api/sentiment/analyze", json=body)
        assert r.status_code == 422, (body if len(str(body)) < 200 else "long", r.status_code)
        err = r.get_json()
        assert err["code"] == 422 and err["message"]
    r = client.post("/api/sentiment/analyze", data=b"\xff\xfe{not json", content_type="application/json")
    assert 400 <= r.status_code < 500 and r.get_json()["code"] == r.status_code
    r = client.post("/api/sentiment/analyze", json=["a list"])
    assert 400 <= r.status_code < 500


def _seed(app):
    with app.extensions["yinqing"]["sessionmaker"]() as s:
        s.add(Song(id=447926067, name="鼓楼"))
        s.flush()
        # (text, label, (P(positive), P(neutral), P(negative)), time)
        rows = [("好听好听，爱了", "positive", (0.97, 0.02, 0.01), datetime(2020, 1, 3)),
                ("温暖的歌，喜欢鼓楼", "positive", (0.91, 0.05, 0.04), datetime(2020, 1, 20)),
                ("难听，垃圾抄袭", "negative", (0.05, 0.05, 0.9), datetime(2020, 2, 1)),
                ("好难过好孤独", "negative", (0.02, 0.28, 0.7), datetime(2020, 2, 9)),
                ("在鼓楼", "neutral", (0.2, 0.6, 0.2), datetime(2020, 2, 10)),
                ("未标注", None, (None, None, None), None)]
        for i, (text, label, (pos, neu, neg), time) in enumerate(rows):
            s.add(Comment(dedup_key=f"k{i}", song_id=447926067, content=text, sentiment_label=label,
                          sentiment_score=pos, sentiment_neutral=neu, sentiment_negative=neg,
                          sentiment_model="m1" if label else None, time=time, liked_count=10 - i))
        s.commit()


def test_song_sentiment_summary(client, app):
    _seed(app)
    r = client.get("/api/songs/447926067/sentiment?top=1")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["labelled"] == 5 and body["unlabelled"] == 1 and body["total_comments"] == 6
    assert body["counts"] == {"positive": 2, "neutral": 1, "negative": 2}
    assert body["shares"]["positive"] == 0.4
    # mean probability of each label on the comments with that label; and of each class overall
    assert body["confidence"] == {"positive": 0.94, "neutral": 0.6, "negative": 0.8}
    assert body["mean_probs"] == {"positive": 0.43, "neutral": 0.2, "negative": 0.37}
    assert [m["month"] for m in body["by_month"]] == ["2020-01", "2020-02"]
    assert body["by_month"][1] == {"month": "2020-02", "total": 3, "positive": 0, "neutral": 1,
                                   "negative": 2, "positive_share": 0.0}
    assert [c["content"] for c in body["most_positive"]] == ["好听好听，爱了"]
    assert [c["content"] for c in body["most_negative"]] == ["难听，垃圾抄袭"]
    assert body["most_negative"][0]["probs"] == {"positive": 0.05, "neutral": 0.05, "negative": 0.9}
    neg_words = {w["name"] for w in body["words"]["negative"]}
    assert {"难过", "孤独", "垃圾"} & neg_words
    assert body["model_versions"] == ["m1"]


def test_song_sentiment_of_unknown_song_is_404(client):
    for path in ("/api/songs/1/sentiment", "/api/songs/99999999999999999999/sentiment"):
        r = client.get(path)
        assert r.status_code == 404 and r.get_json()["code"] == 404
    assert client.get("/api/songs/1/sentiment?top=0").status_code == 422
