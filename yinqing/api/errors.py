"""One JSON error shape for every 4xx/5xx: {"code": int, "message": str, "errors": {...}?}."""

from __future__ import annotations

import logging

from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from werkzeug.exceptions import HTTPException

from yinqing.services.errors import ServiceError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式错误 / bad request",
    401: "请先登录 / authentication required",
    403: "没有权限 / forbidden",
    404: "资源不存在 / not found",
    405: "不支持的请求方法 / method not allowed",
    413: "请求体过大 / request body too large",
    415: "不支持的内容类型 / unsupported media type",
    422: "参数校验失败 / validation failed",
    429: "请求过于频繁，请稍后再试 / too many requests",
    500: "服务器内部错误 / internal server error",
}


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    body = {"code": code, "message": message or MESSAGES.get(code, "error")}
    if errors:
        body["errors"] = errors
    return body


def _flatten_validation(detail: dict) -> dict:
    """APIFlask nests field errors under the location ("json", "query"...); the client wants fields."""
    flat: dict = {}
    for location, fields in (detail or {}).items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def init_errors(app: APIFlask) -> None:
    """Register the error processor and handlers that produce the one error shape."""

    @app.error_processor
    def _process(error: HTTPError):
        code = error.status_code
        if code == 422 or (code == 400 and error.detail):
            errors = _flatten_validation(error.detail)
            message = MESSAGES[422] if code == 422 else (error.message or MESSAGES[400])
            return error_body(code, message, errors), code, error.headers
        message = MESSAGES.get(code) if code in (401, 404, 405, 413, 415, 500) else None
        return error_body(code, message or error.message), code, error.headers

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return error_body(exc.status, exc.message, exc.errors), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        description = MESSAGES.get(code) or exc.description
        if code == 429:
            return error_body(429, MESSAGES[429]), 429
        return error_body(code, description), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_body(500), 500
