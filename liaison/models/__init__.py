"""All models, importable from one place (Alembic's autogenerate reads ``Base.metadata``)."""

from liaison.models.accounts import ROLES, ApiToken, Membership, User
from liaison.models.alerts import ALERT_STATES, OverlapAlert
from liaison.models.audit import AuditEvent
from liaison.models.base import Base, utcnow
from liaison.models.organisation import BODY_KINDS, GROUP_KINDS, Body, Contact, Group
from liaison.models.work_items import (
    APPROVAL_PROCESSES,
    ITEM_STATUSES,
    ITEM_TYPES,
    LINK_TYPES,
    SYMMETRIC_LINK_TYPES,
    ItemLink,
    WorkItem,
)

__all__ = [
    "ALERT_STATES",
    "APPROVAL_PROCESSES",
    "BODY_KINDS",
    "GROUP_KINDS",
    "ITEM_STATUSES",
    "ITEM_TYPES",
    "LINK_TYPES",
    "ROLES",
    "SYMMETRIC_LINK_TYPES",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Body",
    "Contact",
    "Group",
    "ItemLink",
    "Membership",
    "OverlapAlert",
    "User",
    "WorkItem",
    "utcnow",
]
