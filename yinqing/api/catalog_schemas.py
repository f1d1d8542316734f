"""Request/response schemas of the catalogue, search, feedback and home endpoints."""

from __future__ import annotations

from apiflask import Schema, fields
from apiflask.validators import Length, OneOf, Range

from yinqing.api.schemas import UtcDateTime
from yinqing.models.types import MAX_ID
from yinqing.services.catalog import FEE_KINDS, SORTS

MAX_PAGE_SIZE = 100
MAX_PAGE = 10000
MAX_QUERY_LENGTH = 200


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=Range(1, MAX_PAGE))
    size = fields.Integer(load_default=20, validate=Range(1, MAX_PAGE_SIZE))


class SongListQuery(PageQuery):
    q = fields.String(validate=Length(0, MAX_QUERY_LENGTH))
    sort = fields.String(validate=OneOf(SORTS))
    artist_id = fields.Integer(validate=Range(1, MAX_ID))
    album_id = fields.Integer(validate=Range(1, MAX_ID))
    year = fields.Integer(validate=Range(1900, 2100))
    fee = fields.String(validate=OneOf(FEE_KINDS))


class SearchQuery(PageQuery):
    q = fields.String(required=True, validate=Length(1, MAX_QUERY_LENGTH))


class CommentQuery(PageQuery):
    kind = fields.String(load_default="hot", validate=OneOf(("hot", "latest")))


class RatingIn(Schema):
    score = fields.Integer(required=True, strict=True, validate=Range(0, 5))
    source = fields.String(load_default="stars", validate=OneOf(("heart", "stars")))


class ArtistRef(Schema):
    id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)


class AlbumRef(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)


class SongCardOut(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    aliases = fields.List(fields.String())
    translated_names = fields.List(fields.String())
    artists = fields.List(fields.Nested(ArtistRef))
    album = fields.Nested(AlbumRef, allow_none=True)
    cover_url = fields.String(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    publish_time = UtcDateTime(allow_none=True)
    popularity = fields.Float(allow_none=True)
    fee = fields.Integer(allow_none=True)
    vip = fields.Boolean()
    comment_total = fields.Integer(allow_none=True)
    mv_id = fields.Integer(allow_none=True)
    my_rating = fields.Integer(allow_none=True)


class SongPageOut(Schema):
    items = fields.List(fields.Nested(SongCardOut))
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()
    total_capped = fields.Boolean(metadata={"description": "true when there are more than `total` songs"})


class SongDetailOut(SongCardOut):
    play_url = fields.String()
    has_lyric = fields.Boolean()
    hot_comment_count = fields.Integer()
    latest_comment_count = fields.Integer()
    similar = fields.List(fields.Nested(SongCardOut))
    similar_source = fields.String()


class LyricLineOut(Schema):
    time_ms = fields.Integer(allow_none=True)
    text = fields.String()
    translation = fields.String(allow_none=True)


class LyricsOut(Schema):
    song_id = fields.Integer()
    has_translation = fields.Boolean()
    lines = fields.List(fields.Nested(LyricLineOut))


class CommentOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    nickname = fields.String(allow_none=True)
    content = fields.String()
    liked_count = fields.Integer(allow_none=True)
    time = UtcDateTime(allow_none=True)
    ip_location = fields.String(allow_none=True)
    sentiment_label = fields.String(allow_none=True)
    sentiment_score = fields.Float(allow_none=True)


class CommentPageOut(Schema):
    items = fields.List(fields.Nested(CommentOut))
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()


class RatingOut(Schema):
    song_id = fields.Integer()
    score = fields.Integer()
    source = fields.String()
    updated_at = UtcDateTime()


class PlayOut(Schema):
    id = fields.Integer()
    song_id = fields.Integer()
    played_at = UtcDateTime()


class RatedSongOut(Schema):
    song = fields.Nested(SongCardOut)
    score = fields.Integer()
    source = fields.String()
    updated_at = UtcDateTime()


class RatingPageOut(Schema):
    items = fields.List(fields.Nested(RatedSongOut))
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()


class PlayedSongOut(Schema):
    id = fields.Integer()
    song = fields.Nested(SongCardOut)
    played_at = UtcDateTime()


class PlayPageOut(Schema):
    items = fields.List(fields.Nested(PlayedSongOut))
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()


class ArtistOut(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    aliases = fields.List(fields.String())
    pic_url = fields.String(allow_none=True)
    brief_desc = fields.String(allow_none=True)
    song_count = fields.Integer()
    album_count = fields.Integer()
    music_size = fields.Integer(allow_none=True)
    avg_popularity = fields.Float(allow_none=True)
    max_popularity = fields.Float(allow_none=True)


class AlbumOut(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    pic_url = fields.String(allow_none=True)
    publish_time = UtcDateTime(allow_none=True)
    company = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    artist = fields.Nested(ArtistRef, allow_none=True)
    song_count = fields.Integer()
    avg_popularity = fields.Float(allow_none=True)
    songs = fields.List(fields.Nested(SongCardOut))


class SlideOut(Schema):
    kind = fields.String()
    id = fields.Integer()
    title = fields.String(allow_none=True)
    subtitle = fields.String(allow_none=True)
    image_url = fields.String(allow_none=True)


class RecommendationRowOut(Schema):
    key = fields.String()
    title = fields.String()
    placeholder = fields.Boolean()
    note = fields.String()
    seed = fields.String(metadata={"description": "'charts': the rows answer a listener of the charts"})
    songs = fields.List(fields.Nested(SongCardOut))


class HomeOut(Schema):
    carousel = fields.List(fields.Nested(SlideOut))
    latest = fields.List(fields.Nested(SongCardOut))
    popular = fields.List(fields.Nested(SongCardOut))
    recommendations = fields.List(fields.Nested(RecommendationRowOut))
