"""The song search index: one derived row per named song, rebuilt from the catalogue.

Each backend indexes these rows with its own full-text machinery (see migration 0004 and
yinqing.services.search): SQLite an FTS5 table kept in sync by triggers, PostgreSQL GIN indexes
(tsvector over `grams`, pg_trgm over `doc`), MariaDB a FULLTEXT index over `grams`.
PostgreSQL and MariaDB also keep the distinct words of those texts (`search_words`) for their
typo-tolerant passes: pg_trgm over `word`, or on MariaDB a FULLTEXT index over a column
`variants` that only MariaDB has (migration 0006); SQLite leaves that table empty.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yinqing.db import Base


class SongSearch(Base):
    __tablename__ = "song_search"

    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    # Normalised title (exact-title hits rank first).
    title: Mapped[str] = mapped_column(String(512))
    # Normalised title, aliases, translations, artists, album, pinyin; words separated by spaces.
    doc: Mapped[str] = mapped_column(Text)
    # Bigram tokens of `doc` (yinqing.text.searchtext.grams_text), what the full-text index reads.
    grams: Mapped[str] = mapped_column(Text)
    popularity: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_song_search_title", "title"), Index("ix_song_search_popularity", "popularity"))


class SearchWord(Base):
    """A distinct word of the search texts, SEARCH_WORD_MIN_CHARS to 64 characters long.

    PostgreSQL's and MariaDB's typo-tolerant passes look up the words nearest a mistyped one here
    (pg_trgm similarity over short strings; on MariaDB shared one-character deletions, held in a
    `variants` column outside this model) before they read the songs that hold them. Words of songs
    deleted or renamed since the last full rebuild may linger: they only find no song.
    """

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(64), primary_key=True)
