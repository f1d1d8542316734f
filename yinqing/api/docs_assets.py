"""Swagger UI's scripts and styles for /api/docs, served from the installed swagger-ui-bundle.

APIFlask points the docs page at a CDN by default, which is slow or blocked for many users in
China and unreachable offline; these files ship with the Python package instead."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

PREFIX = "/api/docs/assets"
ASSET_CONFIG = {
    "SWAGGER_UI_CSS": f"{PREFIX}/swagger-ui.css",
    "SWAGGER_UI_BUNDLE_JS": f"{PREFIX}/swagger-ui-bundle.js",
    "SWAGGER_UI_STANDALONE_PRESET_JS": f"{PREFIX}/swagger-ui-standalone-preset.js",
    "DOCS_FAVICON": f"{PREFIX}/favicon-32x32.png",
}

bp = Blueprint("docs_assets", __name__)


@bp.get(f"{PREFIX}/<path:name>")
def asset(name: str):
    # send_from_directory refuses paths outside the folder and answers 404 for unknown files.
    return send_from_directory(str(swagger_ui_path), name, max_age=86400)
