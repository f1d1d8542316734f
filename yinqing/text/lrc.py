"""A small LRC lyric parser: timed lines, optional translation merged by timestamp.

NetEase returns lyrics as LRC text (`[mm:ss.xx]line`), sometimes with several time tags on one
line, metadata tags (`[ar:...]`), JSON credit lines (`{"t":0,"c":[...]}`) and a separate
translated LRC whose tags match the original's times.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_TIME_TAG = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
MAX_LINES = 2000


@dataclass(frozen=True)
class LyricLine:
    time_ms: int | None
    text: str
    translation: str | None = None


def _tag_ms(minutes: str, seconds: str, fraction: str | None) -> int:
    frac = (fraction or "0").ljust(3, "0")[:3]
    return (int(minutes) * 60 + int(seconds)) * 1000 + int(frac)


def _credit_text(line: str) -> str | None:
    """NetEase's JSON credit lines: {"t":0,"c":[{"tx":"作词: "},{"tx":"X"}]} -> '作词: X'."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    parts = data.get("c") if isinstance(data, dict) else None
    if not isinstance(parts, list):
        return None
    return "".join(str(p.get("tx", "")) for p in parts if isinstance(p, dict)).strip() or None


def parse_lrc(text: str | None) -> list[tuple[int | None, str]]:
    """Timed lines of an LRC text, sorted by time; untimed text lines keep their order first."""
    timed: list[tuple[int, str]] = []
    untimed: list[tuple[None, str]] = []
    for raw in (text or "").splitlines()[:MAX_LINES]:
        line = raw.strip()
        if line.startswith("{"):
            credit = _credit_text(line)
            if credit:
                untimed.append((None, credit))
            continue
        tags = []
        while (m := _TIME_TAG.match(line)) is not None:
            tags.append(_tag_ms(*m.groups()))
            line = line[m.end():]
        line = line.strip()
        if tags:
            timed.extend((t, line) for t in tags)
        elif line and not re.fullmatch(r"\[[a-zA-Z#]+:.*\]", line):
            untimed.append((None, line))
    timed.sort(key=lambda pair: pair[0])
    return [*untimed, *timed]


def merge_lyrics(lrc: str | None, translated: str | None) -> list[LyricLine]:
    """Original lines with the translation of the same time tag attached (when there is one)."""
    translations = {t: s for t, s in parse_lrc(translated) if t is not None and s}
    return [LyricLine(t, s, translations.get(t) if t is not None else None) for t, s in parse_lrc(lrc)]
