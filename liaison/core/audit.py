"""Writing the audit log, and reading an object's history from it."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import AuditEvent, User


def record_event(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event (``changes`` maps field -> [old, new]) to the session's transaction."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        changes=_jsonable(dict(changes or {})),
    )
    session.add(event)
    return event


def history(session: Session, object_type: str, object_id: object, limit: int = 200) -> Sequence[AuditEvent]:
    """The newest ``limit`` events of one object, newest first."""
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
