"""Errors as ``application/problem+json`` (RFC 9457), with a message a person can act on."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.http import HTTP_STATUS_CODES

from liaison.core.errors import ServiceError, ValidationError
from liaison.core.schemas import Problem

PROBLEM_TYPE = "application/problem+json"
#: Titles of problem documents in the caller's language (``Accept-Language`` or ``?lang=``), keyed by the
#: English title; the ``detail`` stays English. A title not listed here goes out as it is.
PROBLEM_TITLES = {
    "Bad Request": _l("Bad Request"),
    "Unauthorized": _l("Unauthorized"),
    "Forbidden": _l("Forbidden"),
    "Not Found": _l("Not Found"),
    "Method Not Allowed": _l("Method Not Allowed"),
    "Not Acceptable": _l("Not Acceptable"),
    "Conflict": _l("Conflict"),
    "Gone": _l("Gone"),
    "Precondition Failed": _l("Precondition Failed"),
    "Request Entity Too Large": _l("Request Entity Too Large"),
    "Unsupported Media Type": _l("Unsupported Media Type"),
    "Unprocessable Entity": _l("Unprocessable Entity"),
    "Precondition Required": _l("Precondition Required"),
    "Too Many Requests": _l("Too Many Requests"),
    "Internal Server Error": _l("Internal Server Error"),
    "Service Unavailable": _l("Service Unavailable"),
    "Invalid input": _l("Invalid input"),
    "Invalid query parameters": _l("Invalid query parameters"),
    "Malformed JSON": _l("Malformed JSON"),
    "Conflicting versions": _l("Conflicting versions"),
    "Error": _l("Error"),
}


def problem(status: int, title: str | None = None, detail: str = "", **extra: Any) -> Response:
    """A problem document with ``status``; ``extra`` members (e.g. ``errors``) are added as they are."""
    body = Problem(
        type="about:blank",
        title=problem_title(title or HTTP_STATUS_CODES.get(status, "Error")),
        status=status,
        detail=detail,
        instance=request.path,
        **extra,
    )
    response = jsonify(body.model_dump(mode="json", exclude_none=True))
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def problem_title(title: str) -> str:
    """``title`` in the caller's language when it is one of :data:`PROBLEM_TITLES`."""
    translated = PROBLEM_TITLES.get(title)
    return str(translated) if translated is not None else title


def problem_from_service_error(exc: ServiceError) -> Response:
    """The problem document for a service's refusal; validation errors list each field."""
    if isinstance(exc, ValidationError):
        return problem(exc.status, "Invalid input", exc.message, errors=exc.errors)
    return problem(exc.status, detail=exc.message)
