"""Comment sentiment: batch labelling with the model version, and per-song summaries.

Functions take the session first and never commit; the caller (CLI, job) commits per batch.
A comment is pending when it has no label or was labelled by another model version, so a
newly trained default model re-labels everything on the next `yinqing analyse comments`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yinqing.models import Comment, Song
from yinqing.services.errors import NotFound
from yinqing.text.wordcloud import load_stopwords, term_counts

LABELS = ("positive", "neutral", "negative")
# Word clouds segment at most this many comments per side (the most liked ones) to stay fast.
CLOUD_SAMPLE = 2000


def _pending(version: str):
    return or_(Comment.sentiment_model.is_(None), Comment.sentiment_model != version)


def count_pending(session: Session, version: str) -> int:
    """How many comments are unlabelled or labelled by another model version."""
    return session.scalar(select(func.count()).select_from(Comment).where(_pending(version))) or 0


def label_comment_batch(session: Session, classifier, limit: int = 1000) -> int:
    """Label up to `limit` pending comments (lowest ids first); return how many were labelled."""
    version = classifier.version
    rows = session.scalars(select(Comment).where(_pending(version)).order_by(Comment.id).limit(limit)).all()
    if not rows:
        return 0
    for comment, result in zip(rows, classifier.predict([c.content or "" for c in rows])):
        probs = result.get("probs") or {}
        comment.sentiment_label = result["label"]
        comment.sentiment_score = result["probability"]
        comment.sentiment_neutral = probs.get("neutral")
        comment.sentiment_negative = probs.get("negative")
        comment.sentiment_model = version
    session.flush()
    return len(rows)


def _comment_json(c: Comment) -> dict:
    return {
        "id": c.id,
        "content": c.content,
        "nickname": c.nickname,
        "liked_count": c.liked_count,
        "time": c.time.isoformat() if c.time else None,
        "label": c.sentiment_label,
        "probability": c.sentiment_score,
        "probs": _probs(c.sentiment_score, c.sentiment_neutral, c.sentiment_negative),
    }


def _probs(positive: float | None, neutral: float | None, negative: float | None) -> dict | None:
    """The three class probabilities, or None where the model gave none (older model, no text)."""
    if positive is None or neutral is None or negative is None:
        return None
    return {"positive": round(positive, 4), "neutral": round(neutral, 4), "negative": round(negative, 4)}


def _extremes(session: Session, song_id: int, label: str, top: int) -> list[dict]:
    # Comments labelled by a binary model have no P(negative): 1 - P(positive) stands in.
    p_negative = func.coalesce(Comment.sentiment_negative, 1 - Comment.sentiment_score)
    order = Comment.sentiment_score.desc() if label == "positive" else p_negative.desc()
    rows = session.scalars(
        select(Comment).where(Comment.song_id == song_id, Comment.sentiment_label == label)
        .order_by(order, Comment.liked_count.desc(), Comment.id).limit(top)
    ).all()
    return [_comment_json(c) for c in rows]


def _cloud(session: Session, song_id: int, label: str, stopwords, words: int) -> list[dict]:
    texts = session.scalars(
        select(Comment.content).where(Comment.song_id == song_id, Comment.sentiment_label == label)
        .order_by(Comment.liked_count.desc(), Comment.id).limit(CLOUD_SAMPLE)
    ).all()
    return [{"name": term, "value": count} for term, count in term_counts(texts, stopwords, words)]


def _by_month(session: Session, song_id: int) -> list[dict]:
    # Grouped in Python: month extraction differs between SQLite, PostgreSQL and MySQL.
    months: dict[str, Counter] = defaultdict(Counter)
    rows = session.execute(
        select(Comment.time, Comment.sentiment_label)
        .where(Comment.song_id == song_id, Comment.sentiment_label.is_not(None), Comment.time.is_not(None))
    )
    for time, label in rows:
        months[time.strftime("%Y-%m")][label] += 1
    out = []
    for month in sorted(months):
        counts = months[month]
        total = sum(counts.values())
        out.append({"month": month, "total": total, **{lab: counts[lab] for lab in LABELS},
                    "positive_share": round(counts["positive"] / total, 4)})
    return out


def _confidence(session: Session, song_id: int) -> tuple[dict, dict]:
    """Per label: the mean probability the model gave that label on the comments it labelled so;
    and the mean of each class probability over all judged comments of the song."""
    rows = session.execute(
        select(Comment.sentiment_label, func.count(), func.avg(Comment.sentiment_score),
               func.avg(Comment.sentiment_neutral), func.avg(Comment.sentiment_negative))
        .where(Comment.song_id == song_id, Comment.sentiment_negative.is_not(None),
               Comment.sentiment_neutral.is_not(None), Comment.sentiment_score.is_not(None))
        .group_by(Comment.sentiment_label)
    ).all()
    confidence = {lab: None for lab in LABELS}
    sums, total = dict.fromkeys(LABELS, 0.0), 0
    for label, count, *means in rows:
        by_class = dict(zip(("positive", "neutral", "negative"), (float(m) for m in means)))
        if label in confidence:
            confidence[label] = round(by_class[label], 4)
        total += count
        for lab in LABELS:
            sums[lab] += by_class[lab] * count
    mean = {lab: round(sums[lab] / total, 4) if total else None for lab in LABELS}
    return confidence, mean


def song_sentiment_summary(session: Session, song_id: int, shared_stopwords_dir: str | None = None,
                           top: int = 5, words: int = 60) -> dict:
    """Shares of positive/neutral/negative comments, per-label mean confidence, monthly counts,
    extremes and word clouds."""
    song = session.get(Song, song_id)
    if song is None:
        raise NotFound("歌曲不存在 / song not found")
    counts = dict(session.execute(
        select(Comment.sentiment_label, func.count()).where(Comment.song_id == song_id)
        .group_by(Comment.sentiment_label)
    ).all())
    labelled = sum(counts.get(lab, 0) for lab in LABELS)
    total = labelled + counts.get(None, 0)
    versions = session.scalars(
        select(Comment.sentiment_model).where(Comment.song_id == song_id, Comment.sentiment_model.is_not(None))
        .distinct()
    ).all()
    stopwords = load_stopwords(shared_stopwords_dir)
    confidence, mean_probs = _confidence(session, song_id)
    return {
        "song_id": song_id,
        "song_name": song.name,
        "total_comments": total,
        "labelled": labelled,
        "unlabelled": total - labelled,
        "counts": {lab: counts.get(lab, 0) for lab in LABELS},
        "shares": {lab: round(counts.get(lab, 0) / labelled, 4) if labelled else 0.0 for lab in LABELS},
        "confidence": confidence,
        "mean_probs": mean_probs,
        "by_month": _by_month(session, song_id),
        "most_positive": _extremes(session, song_id, "positive", top),
        "most_negative": _extremes(session, song_id, "negative", top),
        "words": {"positive": _cloud(session, song_id, "positive", stopwords, words),
                  "negative": _cloud(session, song_id, "negative", stopwords, words)},
        "model_versions": sorted(versions),
    }
