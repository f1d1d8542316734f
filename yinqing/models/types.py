"""Column types and helpers shared by the model modules."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Integer

# Surrogate keys: BIGINT on servers, INTEGER on SQLite (only INTEGER PRIMARY KEY autoincrements there).
BigId = BigInteger().with_variant(Integer, "sqlite")
# The largest id a BIGINT column holds: larger ids in URLs or bodies are unknown, never queried.
MAX_ID = 2**63 - 1

# Python None is stored as SQL NULL ("unknown"), not as the JSON literal null.
Json = JSON(none_as_null=True)


def utcnow() -> datetime:
    """Naive UTC now: the database stores UTC without zone (MySQL has no zone-aware type)."""
    return datetime.now(UTC).replace(tzinfo=None)
