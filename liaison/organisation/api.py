"""Bodies and groups over JSON: the public directory of who works on child online protection."""

from __future__ import annotations

from flask import Response
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from liaison.db import get_session
from liaison.models import Body, Group
from liaison.organisation import schemas
from liaison.core.errors import NotFound
from liaison.core.pagination import paginate
from liaison.organisation.operations import group_by_code
from liaison.web.api import bp
from liaison.web.api.params import QueryArgs, page_args, page_response, schema_response
from liaison.core.validators import has_nul

_GROUP_LOADING = (joinedload(Group.body), joinedload(Group.parent), selectinload(Group.contacts))


@bp.get("/groups")
def list_groups() -> Response:
    """One page of groups by code, optionally of one body, each with its liaison contacts."""
    args = QueryArgs()
    body = args.text("body")
    page, per_page = page_args(args)
    args.check()
    query = select(Group).options(*_GROUP_LOADING).order_by(Group.code)
    if body:
        query = query.where(Group.body_id.in_(select(Body.id).where(Body.code == body)))
    result = paginate(get_session(), query, page, per_page)
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
    args = QueryArgs()
    page, per_page = page_args(args)
    args.check()
    session = get_session()
    result = paginate(session, select(Body).order_by(Body.code), page, per_page)
    counts: dict[int, int] = dict(
        session.execute(
            select(Group.body_id, func.count())
            .where(Group.body_id.in_([body.id for body in result.items]))
            .group_by(Group.body_id)
        ).all()
    )
    return page_response(result, [schemas.Body.of(body, counts.get(body.id, 0)) for body in result.items])
