"""Bodies and groups over JSON: the public directory of who works on child online protection."""

from __future__ import annotations

from flask import Response

from liaison.core.errors import NotFound
from liaison.core.validators import has_nul
from liaison.db import get_session
from liaison.organisation import schemas
from liaison.organisation.operations import group_by_code
from liaison.organisation.queries import bodies_page, groups_page
from liaison.web.api import bp
from liaison.web.api.params import page_response, read_args, schema_response


@bp.get("/groups")
def list_groups() -> Response:
    """One page of groups by code, optionally of one body, each with its liaison contacts."""
    query = read_args(schemas.GroupQuery)
    result = groups_page(get_session(), query.page, query.per_page, body=query.body)
    return page_response(result, [schemas.Group.of(group) for group in result.items])


@bp.get("/groups/<path:code>")
def get_group(code: str) -> Response:
    """One group by its code; the code's slashes may be sent as they are (``ITU-T/SG17/Q6``)."""
    if has_nul(code):
        # No code holds NUL, and PostgreSQL would refuse to even compare it.
        raise NotFound(f"no group with code {code!r}")
    return schema_response(schemas.Group.of(group_by_code(get_session(), code)))


@bp.get("/bodies")
def list_bodies() -> Response:
    """One page of bodies by code, with how many groups each has."""
    query = read_args(schemas.BodyQuery)
    result, counts = bodies_page(get_session(), query.page, query.per_page)
    return page_response(result, [schemas.Body.of(body, counts.get(body.id, 0)) for body in result.items])
