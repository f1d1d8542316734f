"""Serve the built Vue app at / with history-mode fallback to index.html."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from yinqing.config import REPO_ROOT

DIST = REPO_ROOT / "frontend" / "dist"
_NOT_BUILT = ("<!doctype html><meta charset=utf-8><title>音情</title>"
              "<p>前端尚未构建 / the frontend is not built: run <code>make run</code>.</p>")

bp = Blueprint("frontend", __name__)


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def spa(path: str):
    # No file name holds a NUL, and the file system refuses to look one up.
    if path.startswith("api/") or path == "api" or "\x00" in path:
        abort(404)
    if not (DIST / "index.html").is_file():
        return _NOT_BUILT, 200, {"Content-Type": "text/html; charset=utf-8"}
    candidate = (DIST / path).resolve()
    if path and candidate.is_file() and DIST.resolve() in candidate.parents:
        max_age = 31536000 if path.startswith("assets/") else 0
        return send_from_directory(DIST, path, max_age=max_age)
    return send_from_directory(DIST, "index.html", max_age=0)

