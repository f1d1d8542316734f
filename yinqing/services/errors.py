"""Domain errors. The API maps each to a 4xx JSON error; the CLI prints the message."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the domain refuses. `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class InvalidInput(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


class Unauthorized(ServiceError):
    status = 401
