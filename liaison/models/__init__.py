"""All models, importable from one place (Alembic's autogenerate reads ``Base.metadata``)."""

from liaison.models.accounts import ALERT_DIGEST_MODES, ROLES, ApiToken, Membership, User
from liaison.models.alerts import ALERT_STATES, OverlapAlert
from liaison.models.audit import AuditEvent
from liaison.models.base import Base, utcnow
from liaison.models.organisation import BODY_KINDS, GROUP_KINDS, Body, Contact, Group
from liaison.models.outbox import DELIVERY_STATUSES, Delivery, OutboxAttachment, OutboxMessage
from liaison.models.review import DECISIONS, AlertDecision, AlertNotification, CalibrationModel
from liaison.models.security import LoginFailure, PasswordResetToken
from liaison.models.statements import (
    APPROVAL_LEVELS,
    LS_DIRECTIONS,
    LS_PURPOSES,
    LS_STATES,
    LiaisonStatement,
    ReferenceCounter,
    StatementAttachment,
    StatementContact,
    StatementRecipient,
    StatementReminder,
)
from liaison.models.vectors import ItemVector
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
    "ALERT_DIGEST_MODES",
    "ALERT_STATES",
    "APPROVAL_LEVELS",
    "APPROVAL_PROCESSES",
    "BODY_KINDS",
    "DECISIONS",
    "DELIVERY_STATUSES",
    "GROUP_KINDS",
    "ITEM_STATUSES",
    "ITEM_TYPES",
    "LINK_TYPES",
    "LS_DIRECTIONS",
    "LS_PURPOSES",
    "LS_STATES",
    "ROLES",
    "SYMMETRIC_LINK_TYPES",
    "AlertDecision",
    "AlertNotification",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Body",
    "CalibrationModel",
    "Contact",
    "Delivery",
    "Group",
    "ItemLink",
    "ItemVector",
    "LiaisonStatement",
    "LoginFailure",
    "Membership",
    "OutboxAttachment",
    "OutboxMessage",
    "OverlapAlert",
    "PasswordResetToken",
    "ReferenceCounter",
    "StatementAttachment",
    "StatementContact",
    "StatementRecipient",
    "StatementReminder",
    "User",
    "WorkItem",
    "utcnow",
]
