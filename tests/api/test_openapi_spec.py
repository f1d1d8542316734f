"""The OpenAPI spec documents the success response of every operation (found by schemathesis: several
operations listed only their 4xx errors, so clients were told a 200 could not happen)."""

from __future__ import annotations

# Owned by the recommendations work in progress (yinqing/api/recommend.py); drop each entry once fixed.
KNOWN_UNDOCUMENTED = {
    ("get", "/api/recommend"),
    ("post", "/api/recommend/not-interested"),
    ("post", "/api/recommend/onboarding"),
    ("get", "/api/recommend/rows"),
    ("post", "/api/recommend/train"),
    ("get", "/api/songs/{song_id}/similar"),
}


def test_every_operation_documents_a_success_response(client):
    spec = client.get("/api/openapi.json").get_json()
    missing = [
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
        and not any(code.startswith("2") for code in op["responses"])
        and (method, path) not in KNOWN_UNDOCUMENTED
    ]
    assert spec["paths"], "the spec has no operations"
    assert missing == []


def test_avatar_is_documented_as_png(client):
    spec = client.get("/api/openapi.json").get_json()
    ok = spec["paths"]["/api/users/{user_id}/avatar"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["image/png"]


def test_chart_and_song_sentiment_document_200(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/stats/durations", "/api/stats/heat", "/api/songs/{song_id}/sentiment"):
        assert "200" in paths[path]["get"]["responses"], path
