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


def _documented(spec: dict, method: str, path: str) -> set[str]:
    return set(spec["paths"][path][method]["responses"])


def test_statuses_the_api_answers_are_documented(client, make_user, settings):
    """Provoke 400, 405, 409, 413 and 429 for real and check that the operation's spec lists each."""
    spec = client.get("/api/openapi.json").get_json()
    _user, headers = make_user("taken_name")
    seen: list[tuple[str, str, int]] = []

    def call(method: str, path: str, spec_path: str | None = None, **kwargs) -> None:
        r = client.open(path, method=method.upper(), **kwargs)
        seen.append((method, spec_path or path, r.status_code))

    call("post", "/api/auth/login", data=b"{not json", content_type="application/json")
    call("patch", "/api/users/me", data=b"[" * 3000, content_type="application/json", headers=headers)
    call("delete", "/api/auth/login")  # 405, documented on the path's operations
    call("post", "/api/sentiment/analyze", data=b"x" * (9 * 1024 * 1024), content_type="application/json")
    call("post", "/api/auth/register", json={"username": "taken_name", "password": "unusual-Secret-4"})
    settings.play_rate_limit = "1 per minute"
    for _ in range(2):
        call("post", "/api/songs/1/plays", "/api/songs/{song_id}/plays", headers=headers)
    for i in range(11):
        call("post", "/api/auth/register", json={"username": f"new_name_{i}", "password": "unusual-Secret-4"})
    codes = {code for _m, _p, code in seen}
    assert {400, 405, 409, 413, 429} <= codes, seen
    for method, path, code in seen:
        documented = set().union(*(_documented(spec, m, path) for m in spec["paths"][path])) if code == 405 \
            else _documented(spec, method, path)
        assert str(code) in documented, (method, path, code)


def test_every_operation_documents_405_and_body_errors(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert "405" in op["responses"], (method, path)
            if "requestBody" in op:
                assert {"400", "413"} <= set(op["responses"]), (method, path)
