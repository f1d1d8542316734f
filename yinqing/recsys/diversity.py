"""Artist diversity of a recommendation row.

The rule (issue 11, "recommendations worth showing"): in any 4 consecutive places of a row no
artist appears more than twice, and in any 20 consecutive places no more than 4 times. A
recommender that has learned one taste well (or a popularity fallback on a catalogue where one
artist holds the top) would otherwise fill a row with one artist.

The re-ranking is greedy and keeps the recommender's order as far as the rule allows: each place
takes the best remaining candidate that fits; a candidate that does not fit yet waits and is
tried again at the next place. Songs whose artists are unknown always fit. If no remaining
candidate fits, the row ends short: callers pass enough candidates (several per place) and a
popularity fill of other artists, so in practice rows are full.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")

SHORT_WINDOW, SHORT_MAX = 4, 2
LONG_WINDOW, LONG_MAX = 20, 4


def _fits(artists: Collection[Hashable], placed: list[Collection[Hashable]]) -> bool:
    short, long = placed[-(SHORT_WINDOW - 1):], placed[-(LONG_WINDOW - 1):]
    for artist in artists:
        if sum(artist in p for p in short) >= SHORT_MAX or sum(artist in p for p in long) >= LONG_MAX:
            return False
    return True


def diversify(candidates: Sequence[T], artists_of: Callable[[T], Collection[Hashable]], k: int) -> list[T]:
    """Up to ``k`` of the candidates, best first, obeying the artist rule (module docstring)."""
    waiting = list(candidates)
    row: list[T] = []
    placed: list[Collection[Hashable]] = []
    while len(row) < k and waiting:
        for i, item in enumerate(waiting):
            artists = artists_of(item)
            if _fits(artists, placed):
                row.append(waiting.pop(i))
                placed.append(artists)
                break
        else:
            break
    return row


def obeys_rule(artist_lists: Sequence[Collection[Hashable]]) -> bool:
    """Whether a row (each place's artists, in order) obeys the rule; for tests and checks."""
    return all(_fits(artists, list(artist_lists[:i])) for i, artists in enumerate(artist_lists))
