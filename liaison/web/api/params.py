"""Reading an API request (query arguments, JSON bodies, If-Match) and paging the answer.

Every endpoint reads its input through here, so that the same mistake gets the same
answer everywhere: a problem document that names the parameter and says what to send.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel

from liaison.core import strict_json
from liaison.core.errors import ValidationError
from liaison.core.pagination import Page
from liaison.core.schemas import PageOf, Query, read
from liaison.core.validators import any_nul, has_nul, parse_number
from liaison.web.api import bp
from liaison.web.api.auth import api_viewer
from liaison.web.api.problems import problem


class RequestProblem(Exception):
    """A request the API cannot read; answered as a problem document with ``status``."""

    def __init__(self, status: int, title: str, detail: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = dict(errors or {})


@bp.errorhandler(RequestProblem)
def _request_problem(exc: RequestProblem) -> Response:
    extra = {"errors": exc.errors} if exc.errors else {}
    return problem(exc.status, exc.title, exc.detail, **extra)


def read_args(schema: type[Query]) -> Query:
    """The query string read with ``schema`` (a :class:`~liaison.core.schemas.QuerySchema`): values stripped,
    absent when empty, each given once, no NUL, no unknown parameter (a misspelt filter such as ``stauts``
    would otherwise silently return everything); every mistake named at once in a 400 problem.

    The paging settings (``API_MAX_PER_PAGE``, ``ITEMS_PER_PAGE``) are the context of :class:`PageQuery`.
    """
    config = current_app.config
    max_per_page = config["API_MAX_PER_PAGE"]
    context = {"max_per_page": max_per_page, "per_page": min(config["ITEMS_PER_PAGE"], max_per_page)}
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name in request.args:
        values = [value.strip() for value in request.args.getlist(name)]
        if name not in schema.model_fields:
            errors[name] = "unknown parameter"
        elif any_nul(values):
            # PostgreSQL refuses NUL in text; better a 400 here than a database error later.
            errors[name] = "must not contain NUL characters"
        elif name in schema.repeated:
            data[name] = values
        elif len(values) > 1:
            errors[name] = "give this parameter once"
        elif values[0]:
            data[name] = values[0]
    try:
        query = read(schema, data, context)
    except ValidationError as exc:
        errors |= exc.errors
    if errors:
        # Known parameters in the schema's order, then the unknown ones by name.
        order = {name: index for index, name in enumerate(schema.model_fields)}
        errors = dict(sorted(errors.items(), key=lambda error: (order.get(error[0], len(order)), error[0])))
        detail = "; ".join(f"{name}: {message}" for name, message in errors.items())
        raise RequestProblem(400, "Invalid query parameters", detail, errors)
    return query


def page_response(page: Page[Any], rows: Sequence[Any]) -> Response:
    """The paging envelope ``{items, page, per_page, total, pages}`` with a ``Link`` header (RFC 8288)."""
    envelope = PageOf[Any](items=list(rows), page=page.page, per_page=page.per_page, total=page.total, pages=page.pages)
    response = schema_response(envelope)
    links = {"first": 1, "last": page.pages}
    if page.has_prev:
        links["prev"] = min(page.page - 1, page.pages)
    if page.has_next:
        links["next"] = page.page + 1
    response.headers["Link"] = ", ".join(f'<{_page_url(number)}>; rel="{rel}"' for rel, number in links.items())
    return response


def _page_url(number: int) -> str:
    kept = [(name, value) for name, value in request.args.items(multi=True) if name != "page"]
    return f"{request.path}?{urlencode(kept + [('page', str(number))])}"


def schema_response(answer: BaseModel, status: int = 200) -> Response:
    """``answer`` as its JSON, with ``status``."""
    response = jsonify(answer.model_dump(mode="json"))
    response.status_code = status
    return response


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, read strictly (see :mod:`liaison.core.strict_json`).

    415 without a JSON content type; 413 beyond the size the caller may send (anonymous callers
    less: see :func:`max_json_bytes`), checked before a byte of the body is parsed; 400 when it is
    not a JSON object; 422 naming each value that cannot be kept (NaN, a lone surrogate...).
    """
    if not request.is_json:
        raise RequestProblem(
            415,
            "Unsupported Media Type",
            f"send the body as JSON with 'Content-Type: application/json' (got {request.mimetype or 'none'!r})",
        )
    # Werkzeug then refuses a longer body (a declared length, or a stream that runs past it) with 413.
    request.max_content_length = max_json_bytes()
    raw = request.get_data(cache=True)
    try:
        data = strict_json.parse(raw)
    except strict_json.MalformedJSON as exc:
        raise RequestProblem(400, "Malformed JSON", f"the body is not valid JSON: {exc}") from None
    except strict_json.UnusableJSON as exc:
        raise ValidationError(exc.errors) from None
    if not isinstance(data, dict):
        raise RequestProblem(400, "Malformed JSON", f"the body must be a JSON object, not {_json_kind(data)}")
    if has_nul(data):
        raise RequestProblem(400, "Malformed JSON", "text in the body must not contain NUL characters (\\u0000)")
    return data


def max_json_bytes() -> int:
    """The largest JSON body the caller may send: anonymous callers (check-as-you-type) far less."""
    signed_in = api_viewer() is not None
    return int(current_app.config["LIAISON_MAX_JSON_BYTES" if signed_in else "LIAISON_MAX_ANONYMOUS_JSON_BYTES"])


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"


def expected_version(body: Mapping[str, Any] | None, *, required: bool) -> int | None:
    """The version the caller edited, from ``If-Match`` (``"3"``, ``3`` or ``W/"3"``) or the body's ``version``.

    Missing and ``required`` -> 428 Precondition Required; a malformed header -> 400; a header
    and a body field that disagree -> 400; a body field that is not a whole number -> 422.
    """
    header = _if_match_version()
    field = None
    if body is not None and body.get("version") is not None:
        field = body["version"]
        if not isinstance(field, int) or parse_number(field) is None:
            raise ValidationError({"version": "must be the version you read, a whole number from 1"})
    if header is not None and field is not None and header != field:
        raise RequestProblem(
            400, "Conflicting versions", f"If-Match says version {header} but the body says version {field}; send one"
        )
    version = header if header is not None else field
    if version is None and required:
        raise RequestProblem(
            428,
            "Precondition Required",
            "say which version you edited, so that nobody's change is overwritten: send the item's ETag "
            "as 'If-Match: \"<version>\"' or put 'version' in the body",
        )
    return version


def _if_match_version() -> int | None:
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        return None
    tag = raw[2:] if raw[:2] in ("W/", "w/") else raw
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    version = parse_number(tag) if tag.strip() == tag else None
    if version is None:
        raise RequestProblem(
            400, "Malformed If-Match", f"If-Match must hold one version as the ETag gives it, e.g. '\"3\"' (got {raw!r})"
        )
    return version
