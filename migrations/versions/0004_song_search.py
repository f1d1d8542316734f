"""song search index (FTS5 / pg_trgm + tsvector / FULLTEXT) and list-order indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Stable list orders (sort key, then id) served straight from an index on every backend.
ORDER_INDEXES = {"ix_songs_popularity_id": "popularity", "ix_songs_publish_time_id": "publish_time",
                 "ix_songs_comment_total_id": "comment_total"}

SQLITE_FTS = [
    # External-content FTS5 table over song_search.grams; '_' is part of a token (padding, see
    # yinqing.text.searchtext), and a 2-character prefix index serves one-character queries.
    """CREATE VIRTUAL TABLE song_search_fts USING fts5(
           grams, content='song_search', content_rowid='song_id',
           tokenize="unicode61 remove_diacritics 0 tokenchars '_'", prefix='2')""",
    """CREATE TRIGGER song_search_ai AFTER INSERT ON song_search BEGIN
           INSERT INTO song_search_fts(rowid, grams) VALUES (new.song_id, new.grams);
       END""",
    """CREATE TRIGGER song_search_ad AFTER DELETE ON song_search BEGIN
           INSERT INTO song_search_fts(song_search_fts, rowid, grams) VALUES ('delete', old.song_id, old.grams);
       END""",
    """CREATE TRIGGER song_search_au AFTER UPDATE ON song_search BEGIN
           INSERT INTO song_search_fts(song_search_fts, rowid, grams) VALUES ('delete', old.song_id, old.grams);
           INSERT INTO song_search_fts(rowid, grams) VALUES (new.song_id, new.grams);
       END""",
]

POSTGRES_FTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # pg_trgm serves the typo-tolerant pass (word similarity over the whole text).
    "CREATE INDEX ix_song_search_doc_trgm ON song_search USING gin (doc gin_trgm_ops)",
    # A stored tsvector (not an expression index): rechecks stay cheap and ANALYZE gathers lexeme
    # statistics, so the planner can walk the popularity index instead for very common terms.
    ("ALTER TABLE song_search ADD COLUMN grams_tsv tsvector "
     "GENERATED ALWAYS AS (to_tsvector('simple', grams)) STORED"),
    "CREATE INDEX ix_song_search_grams_tsv ON song_search USING gin (grams_tsv)",
]


def upgrade() -> None:
    op.create_table('song_search',
    sa.Column('song_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=512), nullable=False),
    sa.Column('doc', sa.Text(), nullable=False),
    sa.Column('grams', sa.Text(), nullable=False),
    sa.Column('popularity', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['song_id'], ['songs.id'], name=op.f('fk_song_search_song_id_songs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('song_id', name=op.f('pk_song_search'))
    )
    op.create_index('ix_song_search_title', 'song_search', ['title'])
    op.create_index('ix_song_search_popularity', 'song_search', ['popularity'])
    dialect = op.get_bind().dialect.name
    for name, column in ORDER_INDEXES.items():
        # Lists show named songs only: a partial index (where the backend has them) holds just
        # those, and with `fee` in it a page (and its capped count) with or without the free/VIP
        # filter is read from the index alone.
        if dialect == "postgresql":
            # PostgreSQL sorts NULLs first in DESC order; the API asks for NULLS LAST.
            op.execute(f"CREATE INDEX {name} ON songs ({column} DESC NULLS LAST, id DESC) INCLUDE (fee) "
                       "WHERE name IS NOT NULL")
        elif dialect == "sqlite":
            op.execute(f"CREATE INDEX {name} ON songs ({column}, id, fee) WHERE name IS NOT NULL")
        else:
            op.create_index(name, 'songs', [column, 'id'])
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_FTS:
            op.execute(statement)
    else:
        op.execute("CREATE FULLTEXT INDEX ix_song_search_grams_ft ON song_search (grams)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("song_search_ai", "song_search_ad", "song_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS song_search_fts")
    for name in ORDER_INDEXES:
        op.drop_index(name, table_name='songs')
    op.drop_table('song_search')
