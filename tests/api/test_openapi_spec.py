"""The OpenAPI spec documents the success response of every operation (found by schemathesis: several
operations listed only their 4xx errors, so clients were told a 200 could not happen)."""

from __future__ import annotations

import re


def test_every_operation_documents_a_success_response(client):
    spec = client.get("/api/openapi.json").get_json()
    missing = [
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
        and not any(code.startswith("2") for code in op["responses"])
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


def test_docs_page_loads_swagger_ui_from_this_server(client):
    html = client.get("/api/docs").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/api/docs/assets/") for u in urls), urls
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200 and len(r.data) > 100, url
    assert client.get("/api/docs/assets/nope.js").status_code == 404
    assert client.get("/api/docs/assets/../../__init__.py").status_code == 404
