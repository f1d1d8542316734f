"""The API docs page (/api/docs): Swagger UI served from the installed swagger-ui-bundle.

APIFlask points the docs page at a CDN by default, which is slow or blocked for many users in
China and unreachable offline; these files ship with the Python package instead. The page is ours
rather than APIFlask's template because that template starts Swagger UI with an inline script,
which the Content-Security-Policy (yinqing/api/hardening.py) forbids."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory, url_for
from markupsafe import escape
from swagger_ui_bundle import swagger_ui_path

PREFIX = "/api/docs/assets"
OWN_ASSETS = Path(__file__).resolve().parent / "docs_static"
OWN_FILES = frozenset(p.name for p in OWN_ASSETS.iterdir())
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} - Swagger UI</title>
  <link rel="stylesheet" href="{prefix}/swagger-ui.css">
  <link rel="stylesheet" href="{prefix}/yinqing-docs.css">
  <link rel="icon" type="image/png" href="{prefix}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec}"></div>
  <script src="{prefix}/swagger-ui-bundle.js"></script>
  <script src="{prefix}/swagger-ui-standalone-preset.js"></script>
  <script src="{prefix}/yinqing-docs.js"></script>
</body>
</html>
"""

bp = Blueprint("docs_assets", __name__)


@bp.get("/api/docs")
def docs_page():
    title = escape(f"{current_app.title} {current_app.version}")
    return _PAGE.format(title=title, prefix=PREFIX, spec=url_for("openapi.spec"))


@bp.get(f"{PREFIX}/<path:name>")
def asset(name: str):
    # send_from_directory refuses paths outside the folder and answers 404 for unknown files.
    folder = OWN_ASSETS if name in OWN_FILES else swagger_ui_path
    return send_from_directory(str(folder), name, max_age=86400)
