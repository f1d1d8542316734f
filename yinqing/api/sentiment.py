"""/api/sentiment/analyze (one text or up to 100) and /api/songs/<id>/sentiment (per-song summary).

The model is loaded once per process when the blueprint is registered, so a missing or corrupt
model file stops the server at start-up with the command that rebuilds it.
"""

from __future__ import annotations

from functools import lru_cache

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length, Range
from marshmallow import ValidationError, validates_schema

from yinqing.api.deps import db_session, settings
from yinqing.api.limiter import configured, limiter, sentiment_cost
from yinqing.models.types import MAX_ID
from yinqing.sentiment import ModelLoadError, load_classifier
from yinqing.services import sentiment as service
from yinqing.services.errors import NotFound

MAX_TEXTS = 100
MAX_TEXT_CHARS = 100_000

bp = APIBlueprint("sentiment", __name__, url_prefix="/api", tag="sentiment")


@lru_cache(maxsize=1)
def classifier():
    """The process-wide default sentiment model."""
    return load_classifier()


@bp.record_once
def _load_model_at_startup(_state) -> None:
    try:
        classifier()
    except ModelLoadError as exc:
        raise RuntimeError(str(exc)) from exc


class AnalyzeIn(Schema):
    text = fields.String(validate=Length(0, MAX_TEXT_CHARS),
                         metadata={"description": "one text (send `text` or `texts`)"})
    texts = fields.List(fields.String(validate=Length(0, MAX_TEXT_CHARS)), validate=Length(1, MAX_TEXTS),
                        metadata={"description": f"up to {MAX_TEXTS} texts"})
    explain = fields.Boolean(load_default=None, metadata={"description": "add influential tokens "
                                                          "(default: yes for one text, no for a batch)"})

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if ("text" in data) == ("texts" in data):
            raise ValidationError("send exactly one of `text` or `texts`", "text")


class InfluentialTokenOut(Schema):
    token = fields.String()
    weight = fields.Float(metadata={"description": "> 0 pushed towards positive, < 0 towards negative"})


class ClassProbsOut(Schema):
    positive = fields.Float()
    neutral = fields.Float()
    negative = fields.Float()


class ResultOut(Schema):
    label = fields.String(metadata={"description": "positive, negative or neutral"})
    probability = fields.Float(metadata={"description": "P(positive)"})
    probs = fields.Nested(ClassProbsOut, allow_none=True,
                          metadata={"description": "P of each class (sums to 1); null when there was no text to judge"})
    confidence = fields.Float(metadata={"description": "P of the chosen label"})
    neutral = fields.Boolean()
    reason = fields.String(metadata={"description": "no_text or not_chinese when the model did not judge"})
    truncated = fields.Boolean()
    tokens = fields.List(fields.Nested(InfluentialTokenOut))


class AnalyzeOut(ResultOut):
    results = fields.List(fields.Nested(ResultOut), metadata={"description": "one per text, in order (batch)"})
    model = fields.String()
    neutral_band = fields.List(fields.Float(), allow_none=True,
                               metadata={"description": "binary models only: P(positive) in it is neutral; "
                                         "null for the three-class model"})


def _analyze(texts: list[str], explain: bool) -> list[dict]:
    from yinqing.sentiment.tokenize import MAX_CHARS

    results = classifier().predict(texts, explain=explain)
    for text, result in zip(texts, results):
        result["truncated"] = len(text) > MAX_CHARS
    return results


@bp.post("/sentiment/analyze")
@limiter.limit(configured("sentiment_rate_limit"), cost=sentiment_cost)  # counts model work, not requests
@bp.input(AnalyzeIn, arg_name="body")
@bp.output(AnalyzeOut)
@bp.doc(summary="Sentiment of one text (`text`) or a batch of up to 100 (`texts`)", responses=[422, 429])
def analyze(body):
    clf = classifier()
    meta = {"model": clf.version, "neutral_band": list(clf.neutral_band) if clf.neutral_band else None}
    if "text" in body:
        explain = True if body["explain"] is None else body["explain"]
        return {**_analyze([body["text"]], explain)[0], **meta}
    return {"results": _analyze(body["texts"], bool(body["explain"])), **meta}


class SummaryQuery(Schema):
    top = fields.Integer(load_default=5, validate=Range(1, 20))
    words = fields.Integer(load_default=60, validate=Range(1, 200))


@bp.get("/songs/<int:song_id>/sentiment")
@bp.input(SummaryQuery, location="query", arg_name="query")
@bp.doc(summary="A song's comment sentiment: shares, by month, extremes, word clouds",
        responses={200: "OK", 404: "Not Found"})
def song_sentiment(song_id, query):
    if not 0 < song_id <= MAX_ID:
        raise NotFound("歌曲不存在 / song not found")
    stopwords_dir = str(settings().shared_data_dir / "stopwords")
    return service.song_sentiment_summary(db_session(), song_id, stopwords_dir, query["top"], query["words"])
