"""Text for the song search index: normalisation, pinyin, and the character-bigram tokens.

The search index stores, per song, a normalised text (`doc`) and a token string (`grams`): the
overlapping character bigrams of every word, plus each word's last character. A substring of a
word is then a phrase of consecutive bigram tokens, which every database's full-text index can
answer (Chinese has no spaces, so word tokenizers alone cannot, and trigram indexes cannot find
the two-character titles Chinese is full of). Tokens are left-padded with "_" to three
characters because MariaDB's FULLTEXT ignores tokens shorter than three. Pinyin initials and full pinyin
of the title and artist names are indexed as extra words, so "zjl" and "zhoujielun" find 周杰伦.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

MAX_QUERY_CHARS = 64
# Letters, digits and CJK ideographs/kana/hangul form words; everything else separates them.
_WORD = re.compile(r"[0-9a-z\u00c0-\u024f\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize(text: str | None) -> str:
    """Lower-case NFKC text reduced to words separated by single spaces (punctuation dropped)."""
    if not text:
        return ""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def words(text: str) -> list[str]:
    """The words of an already normalised text."""
    return text.split()


def pad(gram: str) -> str:
    """The stored form of a one- or two-character token: "_ab", "__a"."""
    return gram.rjust(3, "_")


def word_grams(word: str) -> list[str]:
    """A word's padded bigrams in order, then its last character (so one-character queries find it)."""
    if len(word) == 1:
        return [pad(word)]
    return [pad(word[i:i + 2]) for i in range(len(word) - 1)] + [pad(word[-1])]


def query_phrases(query: str) -> list[list[str]]:
    """Per query word, the consecutive padded bigrams that must appear (a single char stays itself)."""
    return [[pad(w)] if len(w) == 1 else [pad(w[i:i + 2]) for i in range(len(w) - 1)] for w in words(query)]


def grams_text(text: str) -> str:
    """The token string of a normalised text, tokens separated by spaces."""
    return " ".join(g for w in words(text) for g in word_grams(w))


@lru_cache(maxsize=65536)
def pinyin_words(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name's Chinese characters, e.g. 周杰伦 -> ("zjl", "zhoujielun").

    Empty strings when the name has no Chinese character (Latin names are indexed as they are).
    """
    if not _HAN.search(name):
        return "", ""
    han_only = "".join(_HAN.findall(name))
    full = lazy_pinyin(han_only, errors="ignore")
    initials = lazy_pinyin(han_only, style=Style.FIRST_LETTER, errors="ignore")
    return normalize("".join(initials)).replace(" ", ""), normalize("".join(full)).replace(" ", "")


def clean_query(query: str | None) -> str:
    """The normalised query, cut to MAX_QUERY_CHARS characters ('' when nothing searchable is left)."""
    return normalize((query or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS].strip()


def _bigrams(word: str) -> set[str]:
    return {word} if len(word) == 1 else {word[i:i + 2] for i in range(len(word) - 1)}


def fuzzy_score(query: str, doc: str) -> float:
    """How well a normalised text matches a query despite typos, from 0 to 1.

    Per query word, the best share of its bigrams found inside one word of `doc`; averaged over
    the query words. Counting within one word keeps scattered bigrams from unrelated words (the
    "ay" of "solidays", the "ch" of "chenyixun") from adding up to a false hit for "jay chou".
    """
    q_words = words(query)
    if not q_words or not doc:
        return 0.0
    doc_words = None
    total = 0.0
    for word in q_words:
        wanted = _bigrams(word)
        if not any(g in doc for g in wanted):  # cheap: no bigram anywhere, no word can hold one
            continue
        doc_words = doc_words or set(words(doc))
        total += max(sum(g in w for g in wanted) for w in doc_words) / len(wanted)
    return total / len(q_words)
