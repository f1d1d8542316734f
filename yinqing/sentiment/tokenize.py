"""Text normalisation and tokenisation for the sentiment models.

Everything here is deterministic and cheap: the default model has to classify
thousands of comments per second on one core, so features are hashed character
n-grams (no vocabulary to store, no per-call segmentation).
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zlib
from functools import lru_cache
from itertools import pairwise

# Longer texts are cut: a comment's sentiment is decided in its first few hundred
# characters, and the cut keeps a 100,000-character input as cheap as a short one.
MAX_CHARS = 512

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER_OR_DIGIT = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_REPEAT = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"\s+")
# NetEase renders emoticons as bracketed names such as [大哭] or [爱心]; they carry
# sentiment, so they are kept as text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ufeff\u200b-\u200f]")


def normalise(text: str) -> str:
    """Fold width and case, drop control/junk characters, shorten runs and long texts."""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_CHARS * 4]
    text = unicodedata.normalize("NFKC", text).lower()
    text = _CONTROL.sub("", text)
    text = _SPACE.sub(" ", text).strip()
    # "哈哈哈哈哈哈" and "!!!!!!" mean the same at any length past three.
    text = _REPEAT.sub(r"\1\1\1", text)
    return text[:MAX_CHARS]


def has_content(text: str) -> bool:
    """True when the normalised text holds at least one letter, digit or Chinese character."""
    return bool(_LETTER_OR_DIGIT.search(text))


def cjk_share(text: str) -> float:
    """Share of Chinese characters among the letters and digits of `text` (0 when none)."""
    letters = _LETTER_OR_DIGIT.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


@lru_cache(maxsize=1 << 20)
def _bucket(gram: str, buckets: int) -> int:
    return zlib.crc32(gram.encode("utf-8")) % buckets


def char_ngrams(text: str, orders: tuple[int, ...] = (1, 2, 3)) -> list[str]:
    """Character n-grams of the normalised text, with ^/$ marking its start and end."""
    padded = f"^{text}$"
    grams: list[str] = []
    for n in orders:
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def hashed_ngrams(text: str, buckets: int, orders: tuple[int, ...] = (1, 2, 3)) -> list[int]:
    """Bucket ids of the character n-grams of an already normalised text."""
    return [_bucket(g, buckets) for g in char_ngrams(text, orders)]


def hashed_chars(text: str, buckets: int) -> list[int]:
    """Bucket ids (1..buckets-1; 0 is padding) of the characters of a normalised text."""
    return [1 + _bucket(ch, buckets - 1) for ch in text]


# A negation word is glued to the word after it, so "不 好听" becomes the one feature "不好听".
NEGATIONS = frozenset({"不", "没", "别", "没有", "不要", "不是", "不会", "不能", "不想", "别再", "无", "未", "非", "并不", "从不", "没什么"})


def word_grams(text: str) -> list[str]:
    """jieba word unigrams and bigrams (negations joined to the next word), marked with `w|`.

    Segmentation runs without the HMM for new words: it is faster and the character n-grams
    already cover unknown words.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    joined: list[str] = []
    pending = ""
    for w in jieba.lcut(text, HMM=False):
        if not w.strip():
            continue
        if w in NEGATIONS:
            pending += w
            continue
        joined.append(pending + w)
        pending = ""
    if pending:
        joined.append(pending)
    grams = [f"w|{w}" for w in joined]
    grams += [f"w|{a}|{b}" for a, b in pairwise(joined)]
    return grams


def hashed_word_grams(text: str, buckets: int) -> list[int]:
    """Bucket ids of the word uni/bigrams of an already normalised text."""
    return [_bucket(g, buckets) for g in word_grams(text)]


def words(text: str) -> list[str]:
    """jieba words of a text (used for explanations and word clouds, not for scoring)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
    return [w for w in jieba.lcut(text) if w.strip()]
