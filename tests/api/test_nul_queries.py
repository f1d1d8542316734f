"""A NUL in a search prefix answers an empty list (found by fuzzing: it was a 500 on PostgreSQL)."""

from __future__ import annotations

from tests.catalog_seed import seed_catalogue


def test_artist_prefix_with_nul_is_empty_not_500(client, session):
    seed_catalogue(session, general=3, jay=2)
    assert client.get("/api/artists", query_string={"q": "周"}).get_json()["items"]
    r = client.get("/api/artists", query_string={"q": "周\u0000"})
    assert r.status_code == 200
    assert r.get_json() == {"items": []}
