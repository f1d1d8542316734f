"""Term counts for word clouds: LRC cleaning, jieba segmentation, stop words.

Pure: strings in, `(term, count)` pairs out; no Flask, no ORM. Stop words are the union of every
`*.txt` list in the shared stop-word folder (when it exists) and the small list shipped in this
package, so a user's machine without the shared data still gets clean clouds.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

PACKAGED_STOPWORDS = Path(__file__).with_name("stopwords_zh.txt")

# [mm:ss], [mm:ss.xx], [mm:ss:xx]; a line may carry several (repeated chorus lines).
_TIMESTAMP = re.compile(r"\[\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?\]")
# LRC header tags: [ti:...], [ar:...], [al:...], [by:...], [offset:...] and the like.
_TAG_LINE = re.compile(r"^\s*\[[a-zA-Z#]{1,10}:[^\]]*\]\s*$")
# Credit lines: a role, then a colon (half- or full-width), then names.
_CREDIT_ROLES = (
    "作词|作曲|编曲|词|曲|演唱|原唱|翻唱|制作人|制作|监制|出品|出品人|发行|混音|缩混|母带|母带处理|录音|录音师|"
    "录音室|和声|和音|吉他|贝斯|鼓|键盘|钢琴|弦乐|弦乐编写|配唱|配唱制作人|人声编辑|企划|统筹|项目统筹|策划|"
    "文案|封面|设计|营销推广|OP|SP|ISRC|lyrics|lyricist|music|composer|arranger|producer|mixed by|"
    "mastered by|recorded by|vocals?|written by|composed by|arranged by|produced by"
)
_CREDIT_LINE = re.compile(rf"^\s*(?:{_CREDIT_ROLES})\s*[:：]", re.IGNORECASE)
_NOTICE_LINE = re.compile(r"(未经|著作权|版权所有|授权|纯音乐，请欣赏|此歌曲为没有填词的纯音乐)")
# A term worth drawing: at least one CJK character or a run of letters; never digits or punctuation.
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"^[a-z][a-z'\-]*$")

log = logging.getLogger(__name__)


def clean_lrc(lrc: str | None) -> str:
    """The sung text of an LRC lyric: timestamps, header tags, credit and notice lines removed."""
    if not lrc:
        return ""
    lines = []
    for line in lrc.splitlines():
        if _TAG_LINE.match(line):
            continue
        text = _TIMESTAMP.sub("", line).strip()
        if not text or _CREDIT_LINE.match(text) or _NOTICE_LINE.search(text):
            continue
        lines.append(text)
    return "\n".join(lines)


def read_stopword_file(path: Path) -> set[str]:
    """Stop words of one list: one per line, `#` comments and blank lines ignored, lower-cased."""
    words = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        word = line.strip().lstrip("\ufeff").lower()
        if word and not word.startswith("#"):
            words.add(word)
    return words


@lru_cache(maxsize=8)
def load_stopwords(shared_dir: str | None = None) -> frozenset[str]:
    """The packaged list plus every `*.txt` list in `shared_dir` (skipped when missing)."""
    words = read_stopword_file(PACKAGED_STOPWORDS)
    folder = Path(shared_dir) if shared_dir else None
    if folder and folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            words |= read_stopword_file(path)
    elif folder:
        log.info("stop-word folder %s not found; using the packaged list only", folder)
    return frozenset(words)


def is_term(word: str, stopwords: frozenset[str]) -> bool:
    """Whether a segment is worth drawing: 2+ characters, CJK or a Latin word, not a stop word."""
    if len(word) < 2 or word in stopwords:
        return False
    return bool(_CJK.search(word)) or bool(_LATIN.match(word))


def tokenize(text: str, stopwords: frozenset[str]) -> list[str]:
    """jieba (precise mode) segments of `text` that pass `is_term`, Latin words lower-cased."""
    out = []
    for segment in jieba.lcut(text):
        word = segment.strip().lower()
        if is_term(word, stopwords):
            out.append(word)
    return out


def term_counts(texts: Iterable[str], stopwords: frozenset[str], limit: int = 100) -> list[tuple[str, int]]:
    """The `limit` most frequent terms over `texts`, most frequent first (ties by term)."""
    counts: Counter[str] = Counter()
    for text in texts:
        if text:
            counts.update(tokenize(text, stopwords))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def lyric_term_counts(lrcs: Iterable[str | None], stopwords: frozenset[str], limit: int = 100) -> list[tuple[str, int]]:
    """Term counts over LRC lyrics, each cleaned with `clean_lrc` first."""
    return term_counts((clean_lrc(lrc) for lrc in lrcs), stopwords, limit)


jieba.setLogLevel(logging.WARNING)
