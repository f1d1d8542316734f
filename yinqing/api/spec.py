"""Complete the generated OpenAPI spec with the statuses every operation can answer.

APIFlask documents what the views declare (their output, 401, 404, 422, what @doc lists). The
app's own layers answer more, for any operation: 405 for a method the path does not take, and,
for operations that read a body, 400 for a body that is not JSON (or nested too deeply) and 413
for one over MAX_CONTENT_LENGTH. Rate-limited views list 429 in their own @doc."""

from __future__ import annotations

from apiflask import APIFlask

GLOBAL = {"405": "Method Not Allowed"}
WITH_BODY = {"400": "Bad Request (the body is not valid JSON, or is nested too deeply)",
             "413": "Request Entity Too Large"}
METHODS = {"get", "put", "post", "delete", "patch"}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}}


def document_common_statuses(spec: dict) -> dict:
    """Add the statuses above to every operation that does not document them already."""
    for item in spec.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            extra = GLOBAL | (WITH_BODY if "requestBody" in operation else {})
            for code, description in extra.items():
                operation["responses"].setdefault(code, _error(description))
    return spec


def init_spec(app: APIFlask) -> None:
    app.spec_processor(document_common_statuses)
