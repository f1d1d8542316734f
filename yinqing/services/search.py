"""Fuzzy song search: one function, `search_song_ids`, over a per-backend full-text index.

The index (`song_search`, see yinqing.models.search) holds per named song a normalised text
(`doc`: title, aliases, translations, artists and their aliases, album, pinyin initials and full
pinyin of title and artists) and its bigram tokens (`grams`, yinqing.text.searchtext). Every
query word must be a substring of a word of `doc`; each backend answers that from an index:

- SQLite: an FTS5 table over `grams`, looked up by each query word's rarest bigrams (their
  document frequencies from fts5vocab), the substring itself checked when ranking;
- PostgreSQL: words of 6+ characters by pg_trgm's GIN index over `doc` (`LIKE '%word%'`),
  shorter ones by a stored tsvector of `grams` with a GIN index, as phrases (`'zh' <-> 'ho'`),
  one-character words (nearly every song has them) checked on the rows read;
- MariaDB: a FULLTEXT index over `grams` in boolean mode, asked for a few rarest-looking
  bigrams of the query, every word checked as a substring (INSTR) of the rows it yields
  (a second FULLTEXT index, over the whole words of `doc`, serves the typo-tolerant pass).
(Trigram indexes alone cannot serve the one- and two-character queries Chinese is full of.)

When a query finds few songs, a typo-tolerant pass adds candidates that _rank keeps only when
most of a query word's bigrams sit inside one word of the song (yinqing.text.searchtext
.fuzzy_score): SQLite looks them up by the query's rarest bigrams (document frequencies from
fts5vocab), PostgreSQL and MariaDB by the known words most similar to each long query word
(the distinct words, `search_words`: pg_trgm over them on PostgreSQL; on MariaDB a FULLTEXT
index over each word's one-character deletions, so words about one edit apart share a token).
Work per query is bounded: common terms read a capped number of index matches.
Results are ranked: exact title, title prefix or whole-word hit, title substring, other
substring, then fuzzy; ties by popularity, then id.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from yinqing.models import Album, Artist, Song, SongArtist
from yinqing.models.search import SearchWord, SongSearch
from yinqing.text.searchtext import (
    clean_query,
    fuzzy_score,
    grams_text,
    normalize,
    pinyin_words,
    query_phrases,
    words,
)

SEARCH_CAP = 300          # ranked candidates a query can return
FUZZY_CAP = 100           # candidates the typo-tolerant pass looks at
FUZZY_WHEN_FEWER = 20     # run the typo-tolerant pass when the exact pass found fewer songs
FUZZY_MIN_CHARS = 5       # a query needs a word this long: shorter ones have too few bigrams to tell
                          # a typo from noise, and their common trigrams make the lookup slow
FUZZY_MIN_SCORE = 0.6     # yinqing.text.searchtext.fuzzy_score a fuzzy hit must reach
FUZZY_TOKENS = 3          # rarest query bigrams the typo-tolerant pass looks songs up by
EXACT_TOKENS = 2          # SQLite: rarest bigrams per query word the exact pass looks songs up by
FTS_SCAN = 1000           # full-text matches read per exact query before ranking by popularity
FUZZY_SCAN = 500          # ... and per typo-tolerant query
PG_TRGM_MIN_WORD = 6      # PostgreSQL: words this long are matched with pg_trgm (LIKE)
PG_FUZZY_SIMILARITY = 0.4  # PostgreSQL: pg_trgm similarity of a known word to a mistyped one
NEAR_WORDS = 3            # PostgreSQL, MariaDB: the most similar known words looked up per mistyped word
MISTYPED_WORDS = 2        # ... for at most this many mistyped words of a query
SEARCH_WORD_MIN_CHARS = FUZZY_MIN_CHARS - 1  # shortest word kept in search_words (one letter dropped)
COMMON_LETTERS = "aenighouilstrydzjcmxbkwpfqv"  # MariaDB: letters, most frequent first (rough)
MYSQL_TOKENS = 3          # MariaDB: bigrams the exact pass asks the index for (rarest-looking)
INNODB_STOPWORDS = {"about", "from", "that", "this", "what", "when", "where", "will", "with"}
                          # ... InnoDB's default stopwords of SEARCH_WORD_MIN_CHARS+ letters (not indexed)
REFRESH_CHUNK = 1000
_ROW = (SongSearch.song_id, SongSearch.title, SongSearch.doc, SongSearch.popularity)
_COLUMNS = "s.song_id, s.title, s.doc, s.popularity"
DOC_MAX_CHARS = 4000


# --- the one search function ----------------------------------------------------------------

def search_song_ids(session: Session, query: str | None, limit: int = SEARCH_CAP) -> list[int]:
    """Ids of the songs matching `query`, best first (at most `limit`; [] for an empty query)."""
    q = clean_query(query)
    if not q:
        return []
    backend = session.get_bind().dialect.name
    # Every lookup returns (song_id, title, doc, popularity) rows, so ranking needs no second read.
    exact = _EXACT[backend](session, q, SEARCH_CAP)
    exact += session.execute(select(*_ROW).where(SongSearch.title == q[:512]).limit(50)).all()
    fuzzy: list = []
    if len({row[0] for row in exact}) < FUZZY_WHEN_FEWER and max(map(len, words(q))) >= FUZZY_MIN_CHARS:
        fuzzy = _FUZZY[backend](session, q, FUZZY_CAP)
    return _rank(q, exact, fuzzy)[:limit]


def _rank(q: str, exact: list, fuzzy: list) -> list[int]:
    q_words = words(q)
    scored, seen = [], set()
    for song_id, title, doc, popularity in [*exact, *fuzzy]:
        if song_id in seen:
            continue
        seen.add(song_id)
        tier = _tier(q, q_words, title, doc)
        if tier is None:
            if fuzzy_score(q, doc) < FUZZY_MIN_SCORE:
                continue
            tier = 4
        scored.append((tier, -(popularity or 0.0), song_id))
    scored.sort()
    return [song_id for _tier_, _pop, song_id in scored]


def _tier(q: str, q_words: list[str], title: str, doc: str) -> int | None:
    """0 exact title, 1 title prefix or whole word, 2 in title, 3 in the text, None: no substring hit."""
    if title == q:
        return 0
    padded = f" {doc} "
    if title.startswith(q) or all(f" {w} " in padded for w in q_words):
        return 1
    if q in title:
        return 2
    if all(w in doc for w in q_words):
        return 3
    return None


# --- SQLite: FTS5 ---------------------------------------------------------------------------

def _fts5_exact(session: Session, q: str, limit: int) -> list:
    """Songs holding, per query word, its two rarest bigrams (or its one-character prefix).

    A superset of the substring hits that _rank narrows down: a phrase of every bigram would
    make FTS5 read the long position lists of common bigrams ("ou", "an") for nothing.
    """
    phrases = query_phrases(q)
    frequency = _fts5_frequencies(session, [t for p in phrases for t in p if not t.startswith("__")])
    parts = []
    for phrase in phrases:
        if len(phrase) == 1 and phrase[0].startswith("__"):
            char = phrase[0][2:]
            parts.append(f'("__{char}" OR "_{char}" *)')
            continue
        if any(frequency.get(t, 0) == 0 for t in phrase):
            return []  # a bigram no song has: no substring hit is possible
        rarest = sorted(dict.fromkeys(phrase), key=lambda t: frequency[t])[:EXACT_TOKENS]
        parts.extend(f'"{t}"' for t in rarest)
    return _fts5(session, " AND ".join(parts), FTS_SCAN, limit)


def _fts5_frequencies(session: Session, tokens: list[str]) -> dict[str, int]:
    """Documents per token, from an fts5vocab view (per connection, in the temp schema).

    Remembered for the session's life (one request): the exact and the typo-tolerant pass of
    a query ask for the same tokens, and each lookup costs about a millisecond.
    """
    known: dict[str, int] = session.info.setdefault("fts5_frequencies", {})
    missing = [t for t in dict.fromkeys(tokens) if t not in known]
    if missing:
        session.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.song_search_vocab "
                             "USING fts5vocab(main, 'song_search_fts', 'row')"))
        rows = session.execute(text("SELECT term, doc FROM temp.song_search_vocab WHERE term IN :terms")
                               .bindparams(bindparam("terms", expanding=True)), {"terms": missing})
        known.update({t: 0 for t in missing} | dict(rows.all()))
    return {t: known[t] for t in tokens if known[t]}


def _fts5_fuzzy(session: Session, q: str, limit: int) -> list:
    """Songs holding any of the query's rarest bigrams (a typo breaks only the bigrams it touches).

    OR-ing every bigram would make common ones ("an", "ng") match most of the table.
    """
    tokens = [t for phrase in query_phrases(q) for t in phrase if not t.startswith("__")]
    frequency = _fts5_frequencies(session, tokens)
    rarest = sorted(frequency, key=frequency.get)[:FUZZY_TOKENS]
    if not rarest:
        return []
    return _fts5(session, " OR ".join(f'"{t}"' for t in rarest), FUZZY_SCAN, limit)


def _fts5(session: Session, match: str, scan: int, limit: int) -> list[int]:
    # The inner LIMIT bounds the work for very common terms: the most popular of the first
    # `scan` matches are returned (exact whenever a query matches fewer songs than that).
    sql = text(f"SELECT {_COLUMNS} FROM (SELECT rowid FROM song_search_fts WHERE song_search_fts MATCH :match "
               "LIMIT :scan) f JOIN song_search s ON s.song_id = f.rowid "
               "ORDER BY s.popularity DESC, s.song_id LIMIT :limit")
    return session.execute(sql, {"match": match, "scan": scan, "limit": limit}).all()


# --- PostgreSQL: pg_trgm + tsvector ------------------------------------------------------------

def pg_tsquery(q: str) -> str:
    """The tsquery text of a query: per word a phrase of its bigrams (one character: a prefix)."""
    parts = []
    for phrase in query_phrases(q):
        tokens = [t.lstrip("_") for t in phrase]
        parts.append(f"'{tokens[0]}':*" if len(phrase) == 1 and phrase[0].startswith("__")
                     else "(" + " <-> ".join(f"'{t}'" for t in tokens) + ")")
    return " & ".join(parts)


def _pg_exact(session: Session, q: str, limit: int) -> list:
    # Long words go to pg_trgm (their trigrams are selective; a phrase of many common bigrams
    # is not), shorter ones to the tsvector (no trigram can narrow down a two-character word).
    # One-character words (but the first, when all are) are checked on the rows read (strpos):
    # as a tsvector prefix ('s':*) each reads the posting lists of every bigram it starts, and
    # inside the scan they would make it read every match of the rest when few rows hold them all.
    q_words = list(dict.fromkeys(words(q)))
    indexed = [w for w in q_words if len(w) > 1] or q_words[:1]
    long_words = [w for w in indexed if len(w) >= PG_TRGM_MIN_WORD]
    short = " ".join(w for w in indexed if len(w) < PG_TRGM_MIN_WORD)
    chars = [w for w in q_words if w not in indexed]
    conditions = [f"s.doc LIKE :w{n}" for n in range(len(long_words))]
    params: dict = {f"w{n}": f"%{w}%" for n, w in enumerate(long_words)}
    if short:
        conditions.append("s.grams_tsv @@ to_tsquery('simple', :tsq)")
        params["tsq"] = pg_tsquery(short)
    checks = " AND ".join(f"strpos(s.doc, :c{n}) > 0" for n in range(len(chars))) or "true"
    params.update({f"c{n}": c for n, c in enumerate(chars)})
    sql = text(f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS} FROM song_search s "
               f"WHERE {' AND '.join(conditions)} LIMIT :scan) s WHERE {checks} "
               "ORDER BY s.popularity DESC NULLS LAST, s.song_id LIMIT :limit")
    return session.execute(sql, {**params, "scan": FTS_SCAN, "limit": limit}).all()


def _pg_fuzzy(session: Session, q: str, limit: int) -> list:
    """Songs holding, for each long query word, the word itself when some song has it, else one
    of the known words most like it.

    Only the words a typo can be told in (FUZZY_MIN_CHARS+) are looked up. pg_trgm finds the
    nearest words in `search_words` (a similarity over short strings), then the songs holding
    them (LIKE over `doc`, GIN trigram index). Matching a mistyped word against whole song texts
    instead reads about a thousand candidates per word, each costing a word_similarity over
    its text (30-40 ms).
    """
    # Transaction-local settings. A mistyped word shares fewer trigrams than the 0.3 default
    # asks. With a LIMIT the planner may rather read the table in order until enough rows
    # match: for a rare word that tests every song (160-300 ms), so sequential scans are off.
    session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :similarity, true), "
                         "set_config('enable_seqscan', 'off', true)"), {"similarity": str(PG_FUZZY_SIMILARITY)})
    choices = _pg_near_words(session, [w for w in dict.fromkeys(words(q)) if len(w) >= FUZZY_MIN_CHARS])
    rows = []
    if choices:
        params = {f"p{n}_{k}": f"%{w}%" for n, near in enumerate(choices) for k, w in enumerate(near)}
        conditions = " AND ".join("(" + " OR ".join(f"s.doc LIKE :p{n}_{k}" for k in range(len(near))) + ")"
                                  for n, near in enumerate(choices))
        # No ORDER BY: the first candidates are enough, _rank scores them.
        sql = text(f"SELECT {_COLUMNS} FROM song_search s WHERE {conditions} LIMIT :limit")
        rows = session.execute(sql, {**params, "limit": limit}).all()
    session.execute(text("RESET enable_seqscan"))
    return rows


def _pg_near_words(session: Session, q_words: list[str]) -> list[list[str]]:
    """Per query word, [the word] when it is known, else the known words most like it.

    Words without a near known word are left out, and so are all but the longest
    MISTYPED_WORDS mistyped ones: each alternative is one more index scan.
    """
    sql = text("SELECT n.i, w.word FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS n(q, i) "
               "CROSS JOIN LATERAL (SELECT word FROM search_words WHERE word % n.q "
               "ORDER BY word <-> n.q, word LIMIT :near) w")
    near: dict[int, list[str]] = {}
    for i, word in session.execute(sql, {"words": q_words, "near": NEAR_WORDS}):
        near.setdefault(i - 1, []).append(word)
    return _word_choices(q_words, near)


def _word_choices(q_words: list[str], near: dict[int, list[str]]) -> list[list[str]]:
    """[word] per known query word, then its near words per mistyped one (longest first, at most
    MISTYPED_WORDS of them); `near` maps a query word's index to the known words nearest it."""
    known = [[w] for i, w in enumerate(q_words) if w in near.get(i, ())]
    mistyped = sorted((i for i, w in enumerate(q_words) if near.get(i) and w not in near[i]),
                      key=lambda i: -len(q_words[i]))
    return known + [near[i] for i in mistyped[:MISTYPED_WORDS]]


# --- MariaDB / MySQL: FULLTEXT --------------------------------------------------------------

def _mysql_exact(session: Session, q: str, limit: int) -> list:
    """Songs holding each query word, found by its (probably) rarest bigrams, checked with INSTR.

    InnoDB's FULLTEXT reads a token's whole document list, and a phrase of every bigram of a
    Latin word reads the longest ones ("_an", "_on": 0.1-1.5 s at 100k songs); one-character
    words (a prefix over every bigram they start) are worse. So the index is asked only for
    the rarest-looking bigrams and every word is checked as a substring of the rows it yields;
    one-character words are checked on the rows read, and a query of them alone reads the
    table until enough rows hold the first (but for a Chinese character, which the index finds
    quickly).
    """
    q_words = list(dict.fromkeys(words(q)))
    scanned = [w for w in q_words if len(w) > 1] or q_words[:1]
    tokens = [t for w in scanned if len(w) > 1 for t in _rarest_looking(query_phrases(w)[0], EXACT_TOKENS)]
    parts = [f"+{t}" for t in _rarest_looking(tokens, MYSQL_TOKENS)]
    if not parts and not scanned[0].isascii():  # a Chinese character: the bigrams it starts are rare
        parts = [f"+(__{scanned[0]} _{scanned[0]}*)"]
    conditions = [f"INSTR(s.doc, :w{n}) > 0" for n in range(len(scanned))]
    if parts:
        conditions.insert(0, "MATCH(s.grams) AGAINST(:m IN BOOLEAN MODE)")
    checks = " AND ".join(f"INSTR(s.doc, :c{n}) > 0" for n, w in enumerate(q_words) if w not in scanned) or "TRUE"
    params = {f"w{n}": w for n, w in enumerate(scanned)} | {f"c{n}": w for n, w in enumerate(q_words)}
    sql = text(f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS} FROM song_search s WHERE {' AND '.join(conditions)} "
               f"LIMIT :scan) s WHERE {checks} ORDER BY s.popularity DESC, s.song_id LIMIT :limit")
    return session.execute(sql, {**params, "m": " ".join(parts), "scan": FTS_SCAN, "limit": limit}).all()


def _mysql_fuzzy(session: Session, q: str, limit: int) -> list:
    """Songs holding, for each long query word, the word itself when some song has it, else one
    of the known words most like it (as on PostgreSQL, see _pg_fuzzy).

    The near words come from `search_words` (_mysql_near_words), then the songs holding them
    from a FULLTEXT index over whole words of `doc` (migration 0006), every word checked with
    INSTR. Ranking songs by FULLTEXT relevance over the query's bigrams instead read each
    bigram's whole document list (0.3-0.5 s a query at 100k songs), and even a word's rarest
    bigrams read thousands of matches for common ones (30-130 ms).
    """
    choices = _mysql_near_words(session, [w for w in dict.fromkeys(words(q)) if len(w) >= FUZZY_MIN_CHARS])
    indexed = [[w for w in near if w not in INNODB_STOPWORDS] for near in choices]
    match = " ".join("+(" + " ".join(near) + ")" for near in indexed if near)
    if not match:
        return []
    params = {f"p{n}_{k}": w for n, near in enumerate(choices) for k, w in enumerate(near)}
    checks = " AND ".join("(" + " OR ".join(f"INSTR(s.doc, :p{n}_{k}) > 0" for k in range(len(near))) + ")"
                          for n, near in enumerate(choices))
    # No ORDER BY: the first candidates are enough, _rank scores them.
    sql = text(f"SELECT {_COLUMNS} FROM song_search s WHERE MATCH(s.doc) AGAINST(:m IN BOOLEAN MODE) "
               f"AND {checks} LIMIT :limit")
    return session.execute(sql, {**params, "m": match, "limit": limit}).all()


def _mysql_near_words(session: Session, q_words: list[str]) -> list[list[str]]:
    """Per query word, [the word] when it is known, else the known words most like it.

    The FULLTEXT index over `search_words.variants` (each word and its one-character deletions,
    migration 0006) finds the words sharing a deletion with the query word: those about one edit
    away (a letter left out, added, changed, or two swapped). The few found are ranked by
    trigram similarity, as pg_trgm ranks them on PostgreSQL.
    """
    near: dict[int, list[str]] = {}
    sql = text("SELECT word FROM search_words WHERE MATCH(variants) AGAINST(:m IN BOOLEAN MODE) LIMIT :scan")
    for i, word in enumerate(q_words):
        found = session.scalars(sql, {"m": word_variants(word), "scan": FUZZY_SCAN}).all()
        found = sorted(found, key=lambda w: (-trigram_similarity(word, w), w))[:NEAR_WORDS]
        if found:
            near[i] = found
    return _word_choices(q_words, near)


def word_variants(word: str) -> str:
    """A word and its one-character deletions, space-separated (MariaDB's `search_words.variants`)."""
    return " ".join(dict.fromkeys([word] + [word[:i] + word[i + 1:] for i in range(len(word))]))


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams of "  word " over all of them."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _rarest_looking(tokens: list[str], n: int) -> list[str]:
    """The n tokens least likely to be common, judged by their letters (MariaDB).

    InnoDB keeps per-token document counts where ordinary users cannot read them, so letters
    stand in: in English and pinyin "a", "n", "e" are everywhere and "q", "v", "x" are rare;
    any other character (Chinese, kana, digits) counts as rarer than all letters.
    """
    def rareness(token: str) -> int:
        return sum(COMMON_LETTERS.find(c) if c in COMMON_LETTERS else len(COMMON_LETTERS)
                   for c in token.lstrip("_"))
    return sorted(dict.fromkeys(tokens), key=rareness, reverse=True)[:n]


_EXACT = {"sqlite": _fts5_exact, "postgresql": _pg_exact, "mysql": _mysql_exact, "mariadb": _mysql_exact}
_FUZZY = {"sqlite": _fts5_fuzzy, "postgresql": _pg_fuzzy, "mysql": _mysql_fuzzy, "mariadb": _mysql_fuzzy}


# --- keeping the index up to date -----------------------------------------------------------

def refresh_search_index(session: Session, song_ids: Iterable[int] | None = None, *,
                         artist_ids: Iterable[int] = (), album_ids: Iterable[int] = ()) -> int:
    """Rebuild the search rows of `song_ids` (None: of every song) and of the songs of
    `artist_ids` and `album_ids` (their names are part of a song's text); returns rows written.

    Call it after writing songs, artists or albums (the crawler's ingest does). Songs without a
    name are left out (they cannot be searched for); deleted songs lose their row.
    """
    session.info.pop("fts5_frequencies", None)  # the index changes: forget remembered frequencies
    backend = session.get_bind().dialect.name
    keep_words = backend in ("postgresql", "mysql", "mariadb")  # their typo passes read them
    if song_ids is None:
        session.execute(delete(SongSearch))
        if keep_words:
            session.execute(delete(SearchWord))
        ids = list(session.scalars(select(Song.id).where(Song.name.is_not(None)).order_by(Song.id)))
    else:
        ids = list(dict.fromkeys([int(i) for i in song_ids] + _songs_of(session, artist_ids, album_ids)))
    written = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start:start + REFRESH_CHUNK]
        if song_ids is not None:
            session.execute(delete(SongSearch).where(SongSearch.song_id.in_(chunk)))
        rows = _index_rows(session, chunk)
        if rows:
            session.execute(insert(SongSearch), rows)
            if keep_words:
                _add_words(session, backend, rows)
        written += len(rows)
    return written


def _add_words(session: Session, backend: str, rows: list[dict]) -> None:
    found = sorted({w for row in rows for w in words(row["doc"]) if SEARCH_WORD_MIN_CHARS <= len(w) <= 64})
    if not found:
        return
    if backend == "postgresql":
        session.execute(pg_insert(SearchWord).on_conflict_do_nothing(), [{"word": w} for w in found])
    else:  # MariaDB: the column its FULLTEXT index reads exists there only (migration 0006)
        session.execute(text("INSERT IGNORE INTO search_words (word, variants) VALUES (:word, :variants)"),
                        [{"word": w, "variants": word_variants(w)} for w in found])


def _songs_of(session: Session, artist_ids: Iterable[int], album_ids: Iterable[int]) -> list[int]:
    artist_ids, album_ids = list(artist_ids), list(album_ids)
    found: list[int] = []
    for start in range(0, len(artist_ids), REFRESH_CHUNK):
        found += session.scalars(select(SongArtist.song_id)
                                 .where(SongArtist.artist_id.in_(artist_ids[start:start + REFRESH_CHUNK])))
    for start in range(0, len(album_ids), REFRESH_CHUNK):
        found += session.scalars(select(Song.id).where(Song.album_id.in_(album_ids[start:start + REFRESH_CHUNK])))
    return found


def _index_rows(session: Session, song_ids: list[int]) -> list[dict]:
    songs = session.execute(
        select(Song.id, Song.name, Song.aliases, Song.translated_names, Song.artist_names, Song.popularity,
               Album.name).outerjoin(Album, Album.id == Song.album_id)
        .where(Song.id.in_(song_ids), Song.name.is_not(None))).all()
    artists: dict[int, list[tuple[str, list]]] = {}
    for song_id, name, aliases in session.execute(
            select(SongArtist.song_id, Artist.name, Artist.aliases).join(Artist, Artist.id == SongArtist.artist_id)
            .where(SongArtist.song_id.in_(song_ids)).order_by(SongArtist.song_id, SongArtist.position)):
        if name:
            artists.setdefault(song_id, []).append((name, aliases or []))
    return [_index_row(song, artists.get(song[0])) for song in songs]


def _strings(values) -> list[str]:
    return [str(v) for v in values or [] if v]


def _index_row(song, linked_artists: list[tuple[str, list]] | None) -> dict:
    song_id, name, aliases, translated, artist_names, popularity, album = song
    artist_list = [a for a, _ in linked_artists] if linked_artists else _strings(artist_names)
    artist_aliases = [x for _, al in linked_artists or [] for x in _strings(al)]
    parts = [name, *_strings(aliases), *_strings(translated), *artist_list, *artist_aliases, album or ""]
    for named in (name, *artist_list):
        parts.extend(pinyin_words(named))
    doc = normalize(" ".join(parts))[:DOC_MAX_CHARS]
    return {"song_id": song_id, "title": normalize(name)[:512], "doc": doc, "grams": grams_text(doc),
            "popularity": popularity}
