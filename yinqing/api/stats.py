"""/api/stats: one read-only endpoint per dashboard chart, with validated filters.

Filters (where a chart takes them): `year_from`/`year_to` (1900-2100, release year in China time),
`artist_id`, `playlist_id` (a playlist or toplist). Out-of-range years and inverted ranges answer
422, unknown artists/playlists/songs 404; a filter that matches nothing gives an empty chart.
"""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import OneOf, Range

from yinqing.api.deps import db_session, settings
from yinqing.models.types import MAX_ID
from yinqing.services import stats

bp = APIBlueprint("stats", __name__, url_prefix="/api/stats", tag="stats")

# Charts answer plain JSON without an output schema: list the 200 too, or the spec documents errors only.
CHART_RESPONSES = {200: "OK", 404: "Not Found", 422: "Unprocessable Entity"}


def _id_field():
    return fields.Integer(validate=Range(1, MAX_ID))


class FilterIn(Schema):
    # Years are range-checked by the service so the message names the allowed range.
    year_from = fields.Integer(validate=Range(-(2**31), 2**31))
    year_to = fields.Integer(validate=Range(-(2**31), 2**31))
    artist_id = _id_field()
    playlist_id = _id_field()


class ReleasesIn(FilterIn):
    granularity = fields.String(load_default="year", validate=OneOf(["year", "month"]))


class HeatIn(FilterIn):
    by = fields.String(load_default="artist", validate=OneOf(["artist", "album"]))
    metric = fields.String(load_default="popularity", validate=OneOf(["popularity", "comments"]))
    limit = fields.Integer(load_default=10, validate=Range(3, 30))


class HotArtistsIn(FilterIn):
    limit = fields.Integer(load_default=5, validate=Range(1, 10))
    metric = fields.String(load_default="songs", validate=OneOf(["songs", "popularity"]))


class ScatterIn(FilterIn):
    x = fields.String(load_default="comments", validate=OneOf(["comments", "duration"]))
    limit = fields.Integer(load_default=1000, validate=Range(10, 3000))


class SentimentIn(FilterIn):
    limit = fields.Integer(load_default=10, validate=Range(1, 30))


class TagsIn(Schema):
    playlist_id = _id_field()


class WordCloudIn(Schema):
    source = fields.String(required=True, validate=OneOf(["lyrics", "comments"]))
    artist_id = _id_field()
    song_id = _id_field()
    sentiment = fields.String(validate=OneOf(["positive", "negative", "neutral"]))
    limit = fields.Integer(load_default=100, validate=Range(10, stats.CLOUD_TERMS))


FILTER_KEYS = ("year_from", "year_to", "artist_id", "playlist_id")


def _chart(name: str, query: dict) -> dict:
    """Validate the filters, compute (or read the cached) chart, commit the cache write."""
    session = db_session()
    filters = stats.Filters(**{k: query.get(k) for k in FILTER_KEYS})
    stats.check_filters(session, filters)
    stats.ensure_fresh(session)
    params = {k: v for k, v in query.items() if k not in FILTER_KEYS}
    payload = stats.chart(session, name, filters, **params)
    session.commit()
    return payload


@bp.get("/filters")
@bp.doc(summary="Choices for the chart filters: year span, top artists, toplists and playlists")
def filter_options():
    return _chart("filters", {})


@bp.get("/overview")
@bp.doc(summary="Row counts (songs, artists, albums, playlists, comments, lyrics, users) and share ratios")
def overview():
    return _chart("overview", {})


@bp.get("/releases")
@bp.input(ReleasesIn, location="query", arg_name="query")
@bp.doc(summary="Songs per release year or month (China time)", responses=CHART_RESPONSES)
def releases(query):
    return _chart("releases", query)


@bp.get("/release-days")
@bp.input(FilterIn, location="query", arg_name="query")
@bp.doc(summary="Songs released per day, for the zoomable time chart and calendar heatmap", responses=CHART_RESPONSES)
def release_days(query):
    return _chart("release_days", query)


@bp.get("/durations")
@bp.input(FilterIn, location="query", arg_name="query")
@bp.doc(summary="Songs per duration bucket (minutes)", responses=CHART_RESPONSES)
def durations(query):
    return _chart("durations", query)


@bp.get("/album-sizes")
@bp.input(FilterIn, location="query", arg_name="query")
@bp.doc(summary="Albums per track-count bucket", responses=CHART_RESPONSES)
def album_sizes(query):
    return _chart("album_sizes", query)


@bp.get("/tags")
@bp.input(TagsIn, location="query", arg_name="query")
@bp.doc(summary="Playlist tag (style/language/mood) shares", responses=CHART_RESPONSES)
def tags(query):
    return _chart("tags", query)


@bp.get("/heat")
@bp.input(HeatIn, location="query", arg_name="query")
@bp.doc(summary="Top artists/albums by popularity or comments, with yearly ranking-race frames",
        responses=CHART_RESPONSES)
def heat(query):
    return _chart("heat", query)


@bp.get("/hot-artists")
@bp.input(HotArtistsIn, location="query", arg_name="query")
@bp.doc(summary="The artists with most songs and their songs (or mean popularity) per year", responses=CHART_RESPONSES)
def hot_artists(query):
    return _chart("hot_artists", query)


@bp.get("/copyright")
@bp.input(FilterIn, location="query", arg_name="query")
@bp.doc(summary="Songs per fee class and availability, with unknown slices", responses=CHART_RESPONSES)
def copyright_(query):
    return _chart("copyright", query)


@bp.get("/covers")
@bp.input(FilterIn, location="query", arg_name="query")
@bp.doc(summary="Originals vs covers vs unknown (the rule is in the response)", responses=CHART_RESPONSES)
def covers(query):
    return _chart("covers", query)


@bp.get("/scatter")
@bp.input(ScatterIn, location="query", arg_name="query")
@bp.doc(summary="Popularity vs comments (or duration), point size by likes, outliers flagged", responses=CHART_RESPONSES)
def scatter(query):
    return _chart("scatter", query)


@bp.get("/sentiment")
@bp.input(SentimentIn, location="query", arg_name="query")
@bp.doc(summary="Comment sentiment shares overall and for the most-commented songs", responses=CHART_RESPONSES)
def sentiment(query):
    return _chart("sentiment", query)


@bp.get("/wordcloud")
@bp.input(WordCloudIn, location="query", arg_name="query")
@bp.doc(summary="Word-cloud terms of lyrics or comments: all, per artist or per song; comments by sentiment",
        responses=CHART_RESPONSES)
def word_cloud(query):
    session = db_session()
    stop_dir = settings().shared_data_dir / "stopwords"
    payload = stats.word_cloud(session, query["source"], artist_id=query.get("artist_id"),
                               song_id=query.get("song_id"), sentiment=query.get("sentiment"),
                               limit=query["limit"], stopwords_dir=stop_dir)
    session.commit()
    return payload
