"""Fault injection for the stand-in: refusals, slow answers, broken bodies, dropped connections.

A rule fires either at random (`rate`, seeded, so a run is repeatable) or for the first `times`
requests of each distinct URL (so a crawler that retries gets through, deterministically).
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

KINDS = (
    "http405", "http406", "http500", "http503",  # HTTP status refusals
    "code-460", "code-462", "code405",           # NetEase JSON refusals ("Cheating", "操作频繁")
    "slow",                                      # sleep `delay` seconds before answering
    "truncate", "malformed", "huge",             # broken or 10 MB bodies
    "mangle",                                    # wrong types and missing fields in the objects
    "empty",                                     # code 200 with empty lists
    "overlap",                                   # comment pages repeat the previous page's tail
    "drop",                                      # close the connection without an answer
)


@dataclass
class FaultRule:
    """One fault: what to do, how often, and on which paths (a regular expression)."""

    kind: str
    rate: float = 0.0
    times: int = 0
    path: str = ""
    delay: float = 3.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")
        if not 0.0 <= float(self.rate) <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if int(self.times) < 0 or float(self.delay) < 0:
            raise ValueError("times and delay must not be negative")


class FaultInjector:
    """Thread-safe set of fault rules; `pick(path, url)` says which fault (if any) a request gets."""

    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.configure(rules or [], seed)

    def configure(self, rules: list[FaultRule], seed: int = 0) -> None:
        """Replace every rule and reset the counters."""
        with self._lock:
            self.rules = list(rules)
            self._rng = random.Random(seed)
            self._seen: Counter[tuple[int, str]] = Counter()
            self.fired: Counter[str] = Counter()
            self.requests = 0

    @classmethod
    def parse(cls, spec: dict[str, Any]) -> tuple[list[FaultRule], int]:
        """Rules from a JSON spec `{"seed": 1, "rules": [{"kind": "http405", "rate": 0.2}, ...]}`."""
        rules = [FaultRule(**r) for r in spec.get("rules", [])]
        return rules, int(spec.get("seed", 0))

    def pick(self, path: str, url: str) -> FaultRule | None:
        """The first rule that fires for this request, counting it."""
        with self._lock:
            self.requests += 1
            for i, rule in enumerate(self.rules):
                if rule.path and not re.search(rule.path, path):
                    continue
                if self._fires(i, rule, url):
                    self.fired[rule.kind] += 1
                    return rule
        return None

    def _fires(self, index: int, rule: FaultRule, url: str) -> bool:
        if rule.times:
            self._seen[(index, url)] += 1
            return self._seen[(index, url)] <= rule.times
        return self._rng.random() < rule.rate

    def state(self) -> dict[str, Any]:
        """Rules and how often each kind fired (for tests and the /__faults route)."""
        with self._lock:
            return {"rules": [asdict(r) for r in self.rules], "fired": dict(self.fired),
                    "requests": self.requests}


def mangle(body: Any, rng: random.Random) -> Any:
    """Break types and drop fields in the objects of a body, the way a changed API would."""
    if isinstance(body, dict):
        out = {}
        for key, value in body.items():
            roll = rng.random()
            if key == "code":
                out[key] = value
            elif roll < 0.15:
                continue                       # missing field
            elif roll < 0.30:
                out[key] = _wrong_type(value)  # wrong type
            else:
                out[key] = mangle(value, rng)
        return out
    if isinstance(body, list):
        return [mangle(v, rng) for v in body]
    return body


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int):
        return f"{value}x"
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, list):
        return "not-a-list"
    if isinstance(value, dict):
        return 42
    return []
