"""Bodies and groups over JSON: the public directory of who works on child online protection."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from liaison.db import get_session
from liaison.models import Body, Contact, Group
from liaison.core.errors import NotFound
from liaison.core.pagination import paginate
from liaison.items.operations import group_by_code
from liaison.web.api import bp
from liaison.web.api.params import QueryArgs, page_args, page_response
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
    return page_response(result, [group_dict(group) for group in result.items])


@bp.get("/groups/<path:code>")
def get_group(code: str) -> Response:
    """One group by its code; the code's slashes may be sent as they are (``ITU-T/SG17/Q6``)."""
    if has_nul(code):
        # No code holds NUL, and PostgreSQL would refuse to even compare it.
        raise NotFound(f"no group with code {code!r}")
    return jsonify(group_dict(group_by_code(get_session(), code)))


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
    return page_response(result, [body_dict(body, counts.get(body.id, 0)) for body in result.items])


def group_dict(group: Group) -> dict[str, Any]:
    """A group as the API shows it: body and parent by code, contacts inline."""
    return {
        "code": group.code,
        "name": group.name,
        "kind": group.kind,
        "body": group.body.code,
        "parent": group.parent.code if group.parent is not None else None,
        "mandate": group.mandate,
        "url": group.url,
        "contacts": [contact_dict(contact) for contact in group.contacts],
    }


def contact_dict(contact: Contact) -> dict[str, str]:
    """A liaison contact of a group."""
    return {
        "name": contact.name,
        "role": contact.role,
        "organization": contact.organization,
        "email": contact.email,
        "phone": contact.phone,
    }


def body_dict(body: Body, group_count: int) -> dict[str, Any]:
    """A body as the API shows it."""
    return {"code": body.code, "name": body.name, "kind": body.kind, "url": body.url, "group_count": group_count}
