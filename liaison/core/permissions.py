"""Who may do what. Every route and API call asks here; nothing trusts the browser."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import object_session

from liaison.core.errors import PermissionDenied
from liaison.models import DECISIONS, Group, OverlapAlert, User, WorkItem


def can_edit_group(user: User | None, group_id: int) -> bool:
    """Admins edit everything; officers and chairs edit the work of their own groups and of their
    sub-groups (an officer of ITU-T/SG17 registers the items of ITU-T/SG17/Q6 too)."""
    if user is None or not user.is_active:
        return False
    if user.is_admin or group_id in user.group_ids():
        return True
    session = object_session(user)
    group = session.get(Group, group_id) if session is not None else None
    return group is not None and any(group.code.startswith(f"{m.group.code}/") for m in user.memberships)


def edit_scope(user: User) -> set[int]:
    """The ids of the groups where ``user`` holds a role, and of all their sub-groups (the same rule
    as :func:`can_edit_group`, for lists)."""
    own = user.group_ids()
    session = object_session(user)
    codes = [m.group.code for m in user.memberships]
    if session is None or not codes:
        return own
    below = or_(*(Group.code.startswith(f"{code}/", autoescape=True) for code in codes))
    return own | set(session.scalars(select(Group.id).where(below)))


def can_chair_group(user: User | None, group_id: int) -> bool:
    """Admins, and chairs of the group."""
    if user is None or not user.is_active:
        return False
    return user.is_admin or group_id in user.group_ids("chair")


def can_edit_item(user: User | None, item: WorkItem) -> bool:
    """Whether ``user`` may change ``item``."""
    return can_edit_group(user, item.group_id)


def can_see_item(user: User | None, item: WorkItem) -> bool:
    """Public items are for everyone (Resolution 1306 resolves 5); the rest for people who log in."""
    return item.is_public or (user is not None and user.is_active)


def can_see_alert(user: User | None, alert: OverlapAlert) -> bool:
    """People who log in see every alert; the public only a chair's decision between two public items
    (the same rule as :func:`liaison.reporting.public_data.decided_overlap_filter`, for an alert in hand)."""
    if user is not None and user.is_active:
        return True
    return alert.state in DECISIONS and alert.item_a.is_public and alert.item_b.is_public


def require(allowed: bool, message: str) -> None:
    """Raise :class:`PermissionDenied` with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
