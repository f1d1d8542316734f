"""search word variants and whole-word index: MariaDB's typo-tolerant pass finds known words through a FULLTEXT index

Each word of `search_words` gets, on MariaDB only, the word and its one-character deletions as
FULLTEXT tokens ("golden" -> "golden olden glden goden golen goldn golde"). A mistyped query
word asks for its own deletions: any shared token means the two words are about one edit apart,
and every such token is nearly unique, so the lookup reads a handful of index entries.
The songs holding the words found are then looked up by a second FULLTEXT index on
song_search, over the whole words of `doc` (one short document list per word; the bigram
index reads thousands of matches for a common word's bigrams).
SQLite and PostgreSQL are left as they are.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 01:00:00
"""
from alembic import op
from sqlalchemy import text

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# yinqing.services.search.SEARCH_WORD_MIN_CHARS and word_variants; a migration keeps its own copy.
MIN_CHARS = 4
CHUNK = 5000


def variants(word: str) -> str:
    return " ".join(dict.fromkeys([word] + [word[:i] + word[i + 1:] for i in range(len(word))]))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name not in ("mysql", "mariadb"):
        return
    op.execute("ALTER TABLE search_words ADD COLUMN variants TEXT NOT NULL")
    found: set[str] = set()
    for (doc,) in bind.execute(text("SELECT doc FROM song_search").execution_options(stream_results=True)):
        found.update(w for w in doc.split() if MIN_CHARS <= len(w) <= 64)
    found_words = sorted(found)
    for start in range(0, len(found_words), CHUNK):
        bind.execute(text("INSERT IGNORE INTO search_words (word, variants) VALUES (:word, :variants)"),
                     [{"word": w, "variants": variants(w)} for w in found_words[start:start + CHUNK]])
    # Built after the bulk insert (faster than keeping it up to date row by row).
    op.execute("CREATE FULLTEXT INDEX ix_search_words_variants_ft ON search_words (variants)")
    # ALGORITHM=COPY: added in place next to the existing FULLTEXT index of a filled table,
    # MariaDB 10.11 left the new index empty (every MATCH found nothing).
    op.execute("ALTER TABLE song_search ADD FULLTEXT INDEX ix_song_search_doc_ft (doc), ALGORITHM=COPY")


def downgrade() -> None:
    if op.get_bind().dialect.name not in ("mysql", "mariadb"):
        return
    op.execute("DROP INDEX ix_song_search_doc_ft ON song_search")
    op.execute("DROP INDEX ix_search_words_variants_ft ON search_words")
    op.execute("DELETE FROM search_words")
    op.execute("ALTER TABLE search_words DROP COLUMN variants")
