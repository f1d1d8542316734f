"""search words: the distinct words of the search texts, for PostgreSQL's typo-tolerant pass

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# yinqing.services.search.SEARCH_WORD_MIN_CHARS; a migration keeps its own copy.
MIN_CHARS = 4


def upgrade() -> None:
    op.create_table('search_words',
    sa.Column('word', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    if op.get_bind().dialect.name != "postgresql":
        return  # only PostgreSQL's typo-tolerant pass reads the table
    op.execute("INSERT INTO search_words (word) SELECT DISTINCT w FROM song_search, "
               f"unnest(string_to_array(doc, ' ')) AS w WHERE length(w) BETWEEN {MIN_CHARS} AND 64")
    # Built after the bulk insert: rows inserted into a GIN index wait in its pending list,
    # which every lookup reads in full until a vacuum merges it.
    op.execute("CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)")


def downgrade() -> None:
    op.drop_table('search_words')
