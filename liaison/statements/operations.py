"""Liaison statements: reading, drafting (from scratch, from an overlap alert, as a reply), changing, and the
JSON shape the API shows and accepts. Workflow steps live in :mod:`liaison.statements.workflow`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from liaison.core.permissions import can_edit_group, require
from liaison.documents import Disclosure
from liaison.documents.context import reply_subject, source_label
from liaison.models import (
    Group,
    LiaisonStatement,
    OverlapAlert,
    StatementContact,
    StatementRecipient,
    User,
    utcnow,
)
from liaison.models.statements import ACTION_PURPOSES, INCOMING_BACKDATE_DAYS
from liaison.statements import schemas
from liaison.statements.edits import REPLYABLE_STATES, finish_edit, prepare_edit, require_actor
from liaison.statements.fields import FIELD_LABELS, RecipientValues, clean_statement_fields
from liaison.statements.letters import alert_letter
from liaison.statements.permissions import can_answer_statement, can_see_statement
from liaison.statements.workflow import apply_reply, receive_statement

#: Loader options that fetch everything :func:`statement_as_dict` reads, in a fixed number of queries.
STATEMENT_LOAD = (
    joinedload(LiaisonStatement.source_group),
    joinedload(LiaisonStatement.approved_by),
    joinedload(LiaisonStatement.in_reply_to).joinedload(LiaisonStatement.source_group),
    selectinload(LiaisonStatement.recipients).joinedload(StatementRecipient.group),
    selectinload(LiaisonStatement.contacts),
    selectinload(LiaisonStatement.attachments),
    selectinload(LiaisonStatement.work_items),
    selectinload(LiaisonStatement.alerts).joinedload(OverlapAlert.item_a),
    selectinload(LiaisonStatement.alerts).joinedload(OverlapAlert.item_b),
    joinedload(LiaisonStatement.created_by),
    selectinload(LiaisonStatement.deliveries),
)
_SCALARS = (
    "title",
    "abstract",
    "body",
    "source_text",
    "questions",
    "study_group",
    "working_party",
    "meeting_place",
    "meeting_dates",
    "approval_level",
    "external_references",
    "language",
)
#: Fields that change on every write and say nothing about what was changed.
_VOLATILE = frozenset({"version", "created_at", "updated_at", "deliveries", "attachments", "subject"})
DEFAULT_DEADLINE_DAYS = 60


def get_statement(session: Session, viewer: User | None, statement_id: int) -> LiaisonStatement:
    """The statement with ``statement_id`` as ``viewer`` may see it, everything loaded; else :class:`NotFound`."""
    ls = session.scalars(
        select(LiaisonStatement).where(LiaisonStatement.id == statement_id).options(*STATEMENT_LOAD)
    ).first()
    # A draft of another group is "not found", not "forbidden": its existence is not public either.
    if ls is None or not can_see_statement(viewer, ls):
        raise NotFound(_("no liaison statement with id %(statement_id)s", statement_id=statement_id))
    return ls


def create_statement(
    session: Session,
    actor: User | None,
    data: Mapping[str, Any],
    *,
    backdate_days: int = INCOMING_BACKDATE_DAYS,
) -> LiaisonStatement:
    """Draft an outgoing statement, or log an incoming one (``"direction": "incoming"``), from the API's shape.

    An outgoing draft needs a role in its source group. An incoming statement needs a role in one of
    the groups it is addressed to, and a date at most ``backdate_days`` before now unless an admin logs
    it; logging it tells those asked to act (of the logger's groups), and answers its original.
    """
    user = require_actor(actor, "to draft or log a liaison statement")
    values = clean_statement_fields(session, data)
    if values["direction"] == "outgoing":
        require(
            can_edit_group(user, values["source_group"].id),
            _("you may only draft statements for groups where you are an officer or chair"),
        )
    else:
        addressed = {r.group.id for r in values["recipients"] if r.group is not None}
        require(
            user.is_admin or bool(addressed & user.group_ids()),
            _("you may only log incoming statements addressed to a group where you are an officer or chair"),
        )
    _require_answerable(user, values.get("in_reply_to"))
    _require_recent(user, values.get("sent_at"), utcnow(), backdate_days)
    incoming = values["direction"] == "incoming"
    ls = LiaisonStatement(
        direction=values["direction"],
        state="received" if incoming else "draft",
        created_by_id=user.id,
        updated_by_id=user.id,
        external_references=[],
    )
    _apply(ls, values)
    if incoming and ls.sent_at is None:
        ls.sent_at = utcnow()
    session.add(ls)
    session.flush()
    record_event(
        session,
        user,
        "statement.receive" if incoming else "statement.create",
        "statement",
        ls.id,
        f"{'Logged incoming' if incoming else 'Drafted'} statement \u201c{ls.title}\u201d",
        {k: [None, v] for k, v in _snapshot(ls).items()},
    )
    if incoming:
        receive_statement(session, user, ls)
    return ls


def update_statement(
    session: Session,
    actor: User | None,
    ls: LiaisonStatement,
    data: Mapping[str, Any],
    expected_version: int | None,
    *,
    backdate_days: int = INCOMING_BACKDATE_DAYS,
) -> LiaisonStatement:
    """Change the fields present in ``data`` if ``expected_version`` is current, else :class:`Conflict`.

    Outgoing statements change while draft, pending approval or approved (the last two go back to
    draft); incoming ones while received (their date, as when they were logged: see :func:`create_statement`).
    """
    user = prepare_edit(actor, ls, expected_version)
    values = clean_statement_fields(session, data, ls=ls, partial=True)
    group = values.get("source_group")
    if ls.direction == "outgoing" and group is not None and group.id != ls.source_group_id:
        require(can_edit_group(user, group.id), _("you may only move a statement to a group where you hold a role"))
    if ls.direction == "incoming" and "recipients" in values and not user.is_admin:
        require(
            bool({r.group.id for r in values["recipients"] if r.group is not None} & user.group_ids()),
            _("an incoming statement must stay addressed to a group where you hold a role"),
        )
    if values.get("in_reply_to") is not ls.in_reply_to:
        _require_answerable(user, values.get("in_reply_to"))
    if values.get("sent_at") != ls.sent_at:
        _require_recent(user, values.get("sent_at"), ls.created_at, backdate_days)
    before = _snapshot(ls)
    _apply(ls, values)
    after = _snapshot(ls)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    named = ", ".join(sorted(FIELD_LABELS.get(name, name) for name in changes))
    finish_edit(session, user, ls, changes, f"Changed {named} of \u201c{ls.title}\u201d")
    if ls.direction == "incoming" and "in_reply_to" in changes and ls.in_reply_to is not None:
        apply_reply(session, user, ls)
    return ls


def _require_answerable(user: User, original: LiaisonStatement | None) -> None:
    """A statement may answer ``original`` only when ``user`` may answer it: a reply closes the actions of
    the party it comes from, and nobody may close another party's."""
    if original is not None:
        require(
            can_answer_statement(user, original),
            _("only officers and chairs of a group the statement was addressed to, or of the group that sent it "
            "(or an admin), may answer it"),
        )


def _require_recent(user: User, sent_at: dt.datetime | None, logged_at: dt.datetime, days: int) -> None:
    """An incoming statement's date may precede its logging by ``days`` at most, unless an admin logs it."""
    earliest = logged_at - dt.timedelta(days=days)
    if sent_at is not None and sent_at < earliest and not user.is_admin:
        raise ValidationError(
            {
                "sent_at": _("%(value)s is more than %(days)s days before the statement was logged (the earliest date is %(value2)s); ask an admin to log an older statement", value=sent_at.date().isoformat(), days=days, value2=earliest.date().isoformat())
            }
        )


def _apply(ls: LiaisonStatement, values: Mapping[str, Any]) -> None:
    for name in _SCALARS:
        if name in values:
            setattr(ls, name, values[name])
    if "source_group" in values:
        ls.source_group = values["source_group"]
    if "in_reply_to" in values:
        ls.in_reply_to = values["in_reply_to"]
    if "work_items" in values:
        ls.work_items = list(values["work_items"])
    if "alerts" in values:
        ls.alerts = list(values["alerts"])
    if "sent_at" in values and ls.direction == "incoming":
        ls.sent_at = values["sent_at"]
    if "recipients" in values:
        _apply_recipients(ls, values["recipients"])
    if "contacts" in values:
        ls.contacts = [StatementContact(position=i, **asdict(c)) for i, c in enumerate(values["contacts"])]


def _apply_recipients(ls: LiaisonStatement, wanted: list[RecipientValues]) -> None:
    """Update recipients in place where the addressee stays, so that an action already taken is kept."""
    existing = {_recipient_key(r): r for r in ls.recipients}
    recipients = []
    for position, values in enumerate(wanted):
        recipient = existing.pop(values.key, None) or StatementRecipient()
        recipient.group = values.group
        recipient.email, recipient.name = values.email, values.name
        recipient.purpose, recipient.deadline = values.purpose, values.deadline
        recipient.position = position
        recipients.append(recipient)
    ls.recipients = recipients


def _recipient_key(recipient: StatementRecipient) -> tuple[str, str]:
    if recipient.group_id is not None:
        return ("group", str(recipient.group_id))
    return ("email", recipient.email.lower())


def _snapshot(ls: LiaisonStatement) -> dict[str, Any]:
    return {k: v for k, v in statement_as_dict(ls).items() if k not in _VOLATILE}


def statement_as_dict(ls: LiaisonStatement, shown: Disclosure | None = None) -> dict[str, Any]:
    """The statement as the API shows it (:class:`liaison.statements.schemas.LiaisonStatement`), as JSON values,
    with what ``shown`` lets its reader see (everything, as its own group and the audit log see it, when None)."""
    return schemas.LiaisonStatement.of(ls, shown).model_dump(mode="json")


def _ancestor_code(group: Group, kind: str) -> str:
    """The code of ``group`` or of its nearest parent of ``kind`` ("" when there is none)."""
    current: Group | None = group
    while current is not None:
        if current.kind == kind:
            return current.code
        current = current.parent
    return ""


def _header_fields(group: Group) -> dict[str, str]:
    return {
        "study_group": _ancestor_code(group, "study_group"),
        "working_party": _ancestor_code(group, "working_party"),
    }


def _contacts_of(group: Group, user: User) -> list[dict[str, str]]:
    """The group's liaison contacts, or the drafting user when it lists none."""
    contacts = [
        {"name": c.name, "organization": c.organization or group.body.name, "phone": c.phone, "email": c.email}
        for c in group.contacts
    ]
    return contacts or [{"name": user.name, "organization": group.body.name, "email": user.email}]


def draft_statement_from_alert(
    session: Session,
    actor: User | None,
    alert: OverlapAlert,
    *,
    purpose: str = "action",
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> LiaisonStatement:
    """Draft a statement from the group of the actor's item to the other item's group about their overlap.

    A letter (:func:`~liaison.statements.letters.alert_letter`): who writes, which item overlaps
    which, the chairs' decision and note, and what we ask, coordination (``purpose="action"``) or comments
    (``"comment"``), by ``deadline_days`` from today. Both items and the alert are linked to it.
    """
    user = require_actor(actor, "to draft a liaison statement")
    if purpose not in ACTION_PURPOSES:
        raise ValidationError({"purpose": _("must be one of: %(value)s", value=', '.join(ACTION_PURPOSES))})
    pairs = ((alert.item_a, alert.item_b), (alert.item_b, alert.item_a))
    mine, other = next(((a, b) for a, b in pairs if can_edit_group(user, a.group_id)), (None, None))
    if mine is None or other is None:
        raise PermissionDenied(_("you hold no role in the group of either item of this alert"))
    if mine.group_id == other.group_id:
        raise Conflict(_("both items belong to the same group: there is nobody to write to"))
    deadline = utcnow().date() + dt.timedelta(days=deadline_days)
    letter = alert_letter(alert, mine, other, purpose=purpose, deadline=deadline)
    data = {
        "direction": "outgoing",
        "title": letter.title,
        "abstract": letter.abstract,
        "body": letter.body,
        "source_group": mine.group.code,
        "questions": mine.question,
        **_header_fields(mine.group),
        "recipients": [{"group": other.group.code, "purpose": purpose, "deadline": deadline.isoformat()}],
        "contacts": _contacts_of(mine.group, user),
        "work_items": [mine.id, other.id],
        "alerts": [alert.id],
    }
    return create_statement(session, user, data)


def draft_reply(session: Session, actor: User | None, original: LiaisonStatement) -> LiaisonStatement:
    """Draft the reply to ``original`` from a group it was addressed to, back to its source.

    From and to are swapped, the contacts are the replying group's, the related items and alerts are
    carried over, and the title reads "Reply to the liaison statement from <source> (<date>)".
    """
    user = require_actor(actor, "to draft a reply")
    if original.state not in REPLYABLE_STATES:
        raise Conflict(_("only a statement that was sent or received can be replied to"))
    groups = sorted(
        (r for r in original.recipients if r.group is not None),
        key=lambda r: (r.purpose not in ACTION_PURPOSES, r.position),
    )
    replying = next((r.group for r in groups if r.group is not None and can_edit_group(user, r.group.id)), None)
    if replying is None:
        raise PermissionDenied(_("only officers and chairs of a group the statement was addressed to may reply to it"))
    if original.source_group is not None:
        recipients = [{"group": original.source_group.code, "purpose": "information"}]
    else:
        recipients = [
            {"email": c.email, "name": c.name, "purpose": "information"} for c in original.contacts if c.email
        ]
    data = {
        "direction": "outgoing",
        "title": reply_subject(original),
        "abstract": (
            f"{replying.code} replies to the liaison statement \u201c{original.title}\u201d "
            f"from {source_label(original)}."
        ),
        "source_group": replying.code,
        **_header_fields(replying),
        "recipients": recipients,
        "contacts": _contacts_of(replying, user),
        "work_items": [item.id for item in original.work_items],
        "alerts": [alert.id for alert in original.alerts],
        "in_reply_to": original.id,
        "external_references": list(original.external_references or []) if original.direction == "incoming" else [],
    }
    return create_statement(session, user, data)
