"""Security headers on every kind of response, and malformed input answered with a 4xx, never a 500."""

from __future__ import annotations

import io
import re
import time

import jwt
import pytest
from PIL import Image

from yinqing.api import frontend

NESTED = ("[" * 5000 + "]" * 5000).encode()


def _csp_directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def _assert_security_headers(response, where: str) -> None:
    h = response.headers
    assert h.get("X-Content-Type-Options") == "nosniff", where
    assert h.get("X-Frame-Options") == "DENY", where
    assert h.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}, where
    csp = _csp_directives(h.get("Content-Security-Policy", ""))
    assert csp.get("script-src") == ["'self'"], (where, csp)  # no inline script, no eval, no other host
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("default-src") == ["'self'"], where
    assert all(src in {"'self'", "data:", "blob:"} or src.endswith(".music.126.net") for src in csp["img-src"]), where


@pytest.fixture
def built_spa(tmp_path, monkeypatch):
    """A stand-in build folder (index.html and one asset), so page routes resolve files as in production."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>音情</title><script type=module src=/assets/a.js></script>")
    (tmp_path / "assets" / "a.js").write_text("console.log(1)")
    monkeypatch.setattr(frontend, "DIST", tmp_path)
    return tmp_path


def test_headers_on_page_api_docs_avatar_and_errors(client, make_user, built_spa):
    _user, headers = make_user()
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(png, format="PNG")
    r = client.post("/api/users/me/avatar", data={"file": (io.BytesIO(png.getvalue()), "a.png")}, headers=headers,
                    content_type="multipart/form-data")
    assert r.status_code == 200
    for url in ("/", "/songs/1", "/assets/a.js", "/api/health", "/api/songs", "/api/docs", "/api/openapi.json",
                r.get_json()["avatar_url"], "/api/songs/999999", "/api/auth/me"):
        response = client.get(url)
        assert response.status_code in (200, 401, 404), url
        _assert_security_headers(response, url)


def test_docs_page_has_no_inline_script(client):
    html = client.get("/api/docs").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts), scripts
    assert "style=" not in html and "<style" not in html


def _json_operations(client) -> list[tuple[str, str]]:
    spec = client.get("/api/openapi.json").get_json()
    return [(method, re.sub(r"\{[^}]+\}", "1", path)) for path, item in spec["paths"].items()
            for method, op in item.items()
            if "application/json" in (op.get("requestBody") or {}).get("content", {})]


def test_deeply_nested_json_is_400_on_every_json_route(client, make_user):
    _user, headers = make_user()
    operations = _json_operations(client)
    assert ("post", "/api/auth/login") in operations and ("post", "/api/auth/register") in operations
    for method, path in operations:
        for auth in ({}, headers):
            r = client.open(path, method=method.upper(), data=NESTED, content_type="application/json", headers=auth)
            assert r.status_code == 400, (method, path, r.status_code)
            assert r.get_json()["code"] == 400


def test_nul_byte_in_page_path_is_404(client, built_spa):
    for url in ("/%00", "/a%00.js", "/assets/a.js%00", "/songs/%00/x", "/api/docs/assets/%00",
                "/api/docs/assets/swagger-ui.css%00"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.get_json()["code"] == 404


def test_signed_token_with_out_of_range_subject_is_401(client, make_user, settings):
    make_user()
    now = int(time.time())
    for subject in ("9" * 30, str(2**63), "-1", "0", "1e3", "９"):
        token = jwt.encode({"sub": subject, "ver": 0, "iat": now, "exp": now + 600}, settings.secret_key,
                           algorithm="HS256")
        r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, subject
