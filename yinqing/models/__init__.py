"""ORM classes only. Importing this package registers every table on Base.metadata."""

from yinqing.db import Base
from yinqing.models.comments import Comment
from yinqing.models.crawl import CrawlUnit
from yinqing.models.jobs import Job
from yinqing.models.music import Album, Artist, Lyric, Playlist, PlaylistTrack, Song, SongArtist
from yinqing.models.search import SearchWord, SongSearch
from yinqing.models.stats import SongStats, StatsCache
from yinqing.models.users import NotInterested, Play, Rating, User

__all__ = [
    "Album",
    "Artist",
    "Base",
    "Comment",
    "CrawlUnit",
    "Job",
    "Lyric",
    "NotInterested",
    "Play",
    "Playlist",
    "PlaylistTrack",
    "Rating",
    "SearchWord",
    "Song",
    "SongArtist",
    "SongSearch",
    "SongStats",
    "StatsCache",
    "User",
]
