"""Bodies and groups: looking them up, and creating them on the fly for imports."""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import GROUP_KINDS, Body, Contact, Group, User
from liaison.services.audit import record_event
from liaison.services.errors import ValidationError

ITU_BODIES = frozenset({"ITU-T", "ITU-D", "ITU-R", "ITU Council", "ITU"})


def ensure_body(session: Session, actor: User | None, code: str, name: str | None = None) -> Body:
    """The body with ``code``, created if it does not exist yet."""
    code = code.strip()
    if not code:
        raise ValidationError({"body": "a body code is required"})
    body = session.scalar(select(Body).where(Body.code == code))
    if body is None:
        body = Body(code=code, name=name or code, kind="itu" if code in ITU_BODIES else "external")
        session.add(body)
        session.flush()
        record_event(session, actor, "body.create", "body", body.id, f"Created body {code}")
    return body


def ensure_group(
    session: Session,
    actor: User | None,
    code: str,
    *,
    body_code: str | None = None,
    name: str | None = None,
    kind: str = "other",
) -> Group:
    """The group with ``code``, created (with its body and parents) if it does not exist yet.

    Codes are paths: ``ITU-T/SG17/Q6`` belongs to body ``ITU-T`` and has parent ``ITU-T/SG17``.
    """
    code = "/".join(part.strip() for part in code.split("/") if part.strip())
    if not code:
        raise ValidationError({"group": "a group code is required"})
    if kind not in GROUP_KINDS:
        raise ValidationError({"kind": f"must be one of: {', '.join(GROUP_KINDS)}"})
    group = session.scalar(select(Group).where(Group.code == code))
    if group is not None:
        return group
    parts = code.split("/")
    body = ensure_body(session, actor, body_code or parts[0])
    parent = None
    if len(parts) > 1 and "/".join(parts[:-1]) != body.code:
        parent = ensure_group(session, actor, "/".join(parts[:-1]), body_code=body.code)
    group = Group(code=code, name=name or code, kind=kind, body=body, parent=parent)
    session.add(group)
    session.flush()
    record_event(session, actor, "group.create", "group", group.id, f"Created group {code}")
    return group


def add_contact(session: Session, actor: User | None, group: Group, data: Mapping[str, Any]) -> Contact:
    """Add a liaison contact to ``group``."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "a contact needs a name"})
    contact = Contact(
        group=group,
        name=name,
        role=str(data.get("role") or "").strip(),
        organization=str(data.get("organization") or "").strip(),
        email=str(data.get("email") or "").strip(),
        phone=str(data.get("phone") or "").strip(),
    )
    session.add(contact)
    session.flush()
    record_event(session, actor, "contact.create", "group", group.id, f"Added contact {name} to {group.code}")
    return contact

