"""Errors as ``application/problem+json`` (RFC 9457), with a message a person can act on."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

from liaison.services.errors import ServiceError, ValidationError

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str | None = None, detail: str = "", **extra: Any) -> Response:
    """A problem document with ``status``; ``extra`` members (e.g. ``errors``) are added as they are."""
    body = {
        "type": "about:blank",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    } | extra
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def problem_from_service_error(exc: ServiceError) -> Response:
    """The problem document for a service's refusal; validation errors list each field."""
    if isinstance(exc, ValidationError):
        return problem(exc.status, "Invalid input", exc.message, errors=exc.errors)
    return problem(exc.status, detail=exc.message)
