"""Moving statements through their states; each step checked, audited and, where needed, mailed.

Outgoing: draft -> pending_approval (submit) -> approved (a chair approves, or records an approval
obtained elsewhere) -> sent (numbered, queued in the outbox) -> answered (a reply came) or closed.
Withdrawn from any state before sent. Incoming: received -> answered or closed (or withdrawn when logged
by mistake). The states are documented in :mod:`liaison.models.statements`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, PermissionDenied, ValidationError
from liaison.core.permissions import require
from liaison.models import LiaisonStatement, StatementRecipient, User, utcnow
from liaison.models.base import max_length
from liaison.models.statements import ACTION_PURPOSES
from liaison.statements.edits import (
    ACTION_OPEN_STATES,
    CLOSABLE_STATES,
    WITHDRAWABLE_STATES,
    check_version,
    flush_or_conflict,
    require_actor,
)
from liaison.statements.mail import (
    contact_addresses,
    queue_action_needed,
    queue_approval_recorded,
    queue_approval_request,
    queue_statement,
)
from liaison.statements.numbering import DEFAULT_STUDY_PERIOD, number_statement
from liaison.statements.permissions import (
    can_answer_statement,
    can_approve_now,
    can_approve_statement,
    can_manage_statement,
    can_mark_action_taken,
    may_mail_recipient,
    other_approvers,
    unpublishable_items,
)


def require_complete(ls: LiaisonStatement, today: dt.date) -> None:
    """:class:`ValidationError` listing what a statement still lacks before it can be approved or sent."""
    errors: dict[str, str] = {}
    if not ls.title.strip():
        errors["title"] = _("a title is required")
    if not ls.abstract.strip():
        errors["abstract"] = _("an abstract is required")
    if not ls.recipients:
        errors["recipients"] = _("add at least one recipient")
    if not ls.contacts:
        errors["contacts"] = _("add at least one contact person")
    if not ls.approval_level:
        errors["approval_level"] = _("say at which level the statement is approved")
    for index, recipient in enumerate(ls.recipients):
        if recipient.deadline is not None and recipient.deadline < today:
            errors[f"recipients[{index}].deadline"] = _("the deadline %(value)s has passed", value=recipient.deadline.isoformat())
    if errors:
        summary = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise ValidationError(errors, f"the statement is not complete: {summary}")


def require_publishable(ls: LiaisonStatement) -> None:
    """:class:`ValidationError` listing the related items that sending ``ls`` would publish although its
    group may not (other groups' private work): a sent statement is public, and so is its mail."""
    hidden = unpublishable_items(ls)
    if hidden:
        listed = ", ".join(f"{item.reference} ({item.group.code})" for item in hidden)
        raise ValidationError(
            {"work_items": _("private work items of other groups cannot be sent: %(listed)s", listed=listed)},
            f"sending would publish private work items of other groups: {listed}; take them off the statement "
            "or ask their groups to make them public",
        )


def _require_outgoing(ls: LiaisonStatement, states: tuple[str, ...], doing: str) -> None:
    if ls.direction != "outgoing" or ls.state not in states:
        raise Conflict(_("a statement that is %(value)s cannot be %(doing)s", value=ls.state_label.lower(), doing=doing))


def _transition(session: Session, actor: User, ls: LiaisonStatement, state: str, action: str, summary: str) -> None:
    old = ls.state
    ls.state = state
    ls.updated_by_id = actor.id
    flush_or_conflict(session)
    record_event(session, actor, action, "statement", ls.id, summary, {"state": [old, state]})


def submit_for_approval(
    session: Session, actor: User | None, ls: LiaisonStatement, *, expected_version: int | None = None
) -> LiaisonStatement:
    """Ask the source group's chairs to approve a complete draft (they are mailed)."""
    user = require_actor(actor, "to submit a statement for approval")
    require(can_manage_statement(user, ls), _("only officers and chairs of the source group (or an admin) may submit its statements for approval"))
    check_version(ls, expected_version)
    _require_outgoing(ls, ("draft",), _("submitted for approval"))
    require_complete(ls, utcnow().date())
    ls.submitted_at = utcnow()
    _transition(
        session, user, ls, "pending_approval", "statement.submit", f"Submitted \u201c{ls.title}\u201d for approval"
    )
    queue_approval_request(session, ls, user)
    return ls


def approve_statement(
    session: Session, actor: User | None, ls: LiaisonStatement, *, expected_version: int | None = None
) -> LiaisonStatement:
    """A chair of the source group (or an admin) approves a statement pending approval."""
    user = require_actor(actor, "to approve a statement")
    if not can_approve_now(user, ls):
        if can_approve_statement(user, ls) and ls.source_group is not None:
            raise PermissionDenied(
                _("you drafted this statement, so another chair of %(ls_source_group_code)s must approve it (%(value)s)", ls_source_group_code=ls.source_group.code, value=', '.join(other_approvers(user, ls)))
            )
        raise PermissionDenied(_("only a chair of the source group (or an admin) may approve its statements"))
    check_version(ls, expected_version)
    _require_outgoing(ls, ("pending_approval",), _("approved"))
    ls.approved_by = user
    ls.approved_at = utcnow()
    ls.approval_evidence = ""
    _transition(session, user, ls, "approved", "statement.approve", f"Approved \u201c{ls.title}\u201d")
    return ls


def record_prior_approval(
    session: Session,
    actor: User | None,
    ls: LiaisonStatement,
    evidence: str,
    *,
    approved_on: dt.date | None = None,
    expected_version: int | None = None,
) -> LiaisonStatement:
    """A chair of the source group (or an admin) records that the statement was approved elsewhere (at a
    meeting, say), with the evidence; the group's chairs are mailed, so that none of them learns of an
    approval only when the statement has gone out."""
    user = require_actor(actor, "to record an approval")
    require(
        can_approve_statement(user, ls),
        _("only a chair of the source group (or an admin) may record the approval of its statements"),
    )
    check_version(ls, expected_version)
    _require_outgoing(ls, ("draft", "pending_approval"), _("marked as approved"))
    evidence = " ".join((evidence or "").split())
    errors = {}
    if not evidence:
        errors["approval_evidence"] = _("say where and when it was approved (e.g. the meeting report or TD number)")
    elif len(evidence) > max_length(LiaisonStatement.approval_evidence):
        errors["approval_evidence"] = _("at most %(value)s characters", value=max_length(LiaisonStatement.approval_evidence))
    today = utcnow().date()
    if approved_on is not None and approved_on > today:
        errors["approved_on"] = _("the approval date is in the future")
    if errors:
        raise ValidationError(errors)
    require_complete(ls, today)
    ls.approved_by = user
    ls.approved_at = (
        dt.datetime.combine(approved_on, dt.time(12), tzinfo=dt.timezone.utc) if approved_on else utcnow()
    )
    ls.approval_evidence = evidence
    summary = f"Recorded the approval of \u201c{ls.title}\u201d: {evidence}"
    _transition(session, user, ls, "approved", "statement.approval_recorded", summary)
    queue_approval_recorded(session, ls, user)
    return ls


def send_statement(
    session: Session,
    actor: User | None,
    ls: LiaisonStatement,
    *,
    upload_dir: str | Path,
    study_period: str = DEFAULT_STUDY_PERIOD,
    expected_version: int | None = None,
) -> LiaisonStatement:
    """Send an approved statement: number it (``SG17-LS123`` in ``study_period``) and queue its mail, all in
    this transaction.

    Each recipient address gets a delivery in the outbox; ``liaison outbox send`` delivers them after
    the commit. A reply, once sent, marks the original's action as taken.
    """
    user = require_actor(actor, "to send a statement")
    require(can_manage_statement(user, ls), _("only officers and chairs of the source group (or an admin) may send its statements"))
    check_version(ls, expected_version)
    _require_outgoing(ls, ("approved",), _("sent (only approved statements can be sent)"))
    now = utcnow()
    require_complete(ls, now.date())
    errors = {
        f"recipients[{index}]": f"{recipient.label} has no contact with an e-mail address: add one to the group first"
        for index, recipient in enumerate(ls.recipients)
        if not contact_addresses(recipient)
    }
    if errors:
        raise ValidationError(errors)
    require_publishable(ls)
    number_statement(session, ls, study_period)
    ls.sent_at = now
    ls.sent_by = user
    _transition(session, user, ls, "sent", "statement.send", f"Sent {ls.reference} \u201c{ls.title}\u201d")
    message = queue_statement(session, ls, user, upload_dir)
    session.expire(ls, ["deliveries"])  # a view-only collection: read it again to show the new deliveries
    record_event(
        session,
        user,
        "statement.queue",
        "statement",
        ls.id,
        f"Queued {ls.reference} for {len(message.deliveries)} addresses",
        {"deliveries": [None, [d.address for d in message.deliveries]]},
    )
    apply_reply(session, user, ls)
    return ls


def receive_statement(session: Session, actor: User, ls: LiaisonStatement) -> None:
    """What logging an incoming statement sets off: notices to the groups asked to act (those the logger
    belongs to, or all when an admin logged it: see :func:`may_mail_recipient`), and reply bookkeeping."""
    for recipient in ls.recipients:
        if recipient.group_id is not None and recipient.purpose in ACTION_PURPOSES and may_mail_recipient(ls, recipient):
            queue_action_needed(session, ls, recipient)
    apply_reply(session, actor, ls)


def apply_reply(session: Session, actor: User, reply: LiaisonStatement) -> list[StatementRecipient]:
    """``reply`` answers its original: the original's action for the replying party is taken, and the
    original is answered. The replying party is the recipient that is the reply's source group, or, for
    an outside address, one of the reply's contacts. Returns the recipients marked.

    Both the reply's source and its contacts are typed in by whoever wrote or logged it, so they only
    count for a party whose action ``actor`` could mark as taken anyway (:func:`can_mark_action_taken`),
    and only when ``actor`` may answer the original at all (:func:`can_answer_statement`).
    """
    original = reply.in_reply_to
    if original is None or not can_answer_statement(actor, original):
        return []
    contact_emails = {c.email.lower() for c in reply.contacts if c.email}
    answering = [
        recipient
        for recipient in original.recipients
        if can_mark_action_taken(actor, recipient)
        and (
            (recipient.group_id is not None and recipient.group_id == reply.source_group_id)
            or (recipient.group_id is None and recipient.email.lower() in contact_emails)
        )
    ]
    marked = [r for r in answering if r.purpose in ACTION_PURPOSES and r.action_taken_at is None]
    for recipient in marked:
        _take_action(recipient, actor, f"answered by {reply.reference or 'the reply'} \u201c{reply.title}\u201d", reply)
    old = original.state
    # The original's own group logging the answer it received closes the exchange even when the answer
    # names no party of it (an outside body writing from another address).
    if original.state in ("sent", "received") and (answering or can_manage_statement(actor, original)):
        original.state = "answered"
    if not marked and old == original.state:
        return []
    flush_or_conflict(session)
    record_event(
        session,
        actor,
        "statement.answered",
        "statement",
        original.id,
        f"Answered by statement {reply.id} \u201c{reply.title}\u201d",
        {"state": [old, original.state], "action_taken": [None, [r.label for r in marked]]},
    )
    return marked


def _take_action(
    recipient: StatementRecipient, actor: User | None, note: str, answered_by: LiaisonStatement | None
) -> None:
    recipient.action_taken_at = utcnow()
    recipient.action_taken_by_id = actor.id if actor else None
    recipient.action_note = note
    recipient.answered_by = answered_by


def mark_action_taken(
    session: Session, actor: User | None, recipient: StatementRecipient, note: str = ""
) -> StatementRecipient:
    """Record that ``recipient`` did what the statement asked (its reminders stop)."""
    user = require_actor(actor, "to mark an action as taken")
    require(
        can_mark_action_taken(user, recipient),
        _("only the group asked to act, or the statement's own group, may mark its action as taken"),
    )
    ls = recipient.statement
    if recipient.purpose not in ACTION_PURPOSES:
        raise Conflict(_("this recipient received the statement for information: there is no action to take"))
    if recipient.action_taken_at is not None:
        raise Conflict(_("the action of %(recipient_label)s was already marked as taken", recipient_label=recipient.label))
    if ls.state not in ACTION_OPEN_STATES:
        raise Conflict(_("a statement that is %(value)s has no open action", value=ls.state_label.lower()))
    note = " ".join((note or "").split())
    if len(note) > max_length(StatementRecipient.action_note):
        raise ValidationError({"note": _("at most %(value)s characters", value=max_length(StatementRecipient.action_note))})
    _take_action(recipient, user, note, None)
    # The statement's row changes too, so that its version tells others it moved on.
    ls.updated_by_id = user.id
    ls.updated_at = utcnow()
    flush_or_conflict(session)
    record_event(
        session,
        user,
        "statement.action_taken",
        "statement",
        ls.id,
        f"{recipient.label}: action taken",
        {"action_taken": [None, recipient.label], "note": [None, note]},
    )
    return recipient


def withdraw_statement(
    session: Session, actor: User | None, ls: LiaisonStatement, *, expected_version: int | None = None
) -> LiaisonStatement:
    """Withdraw a statement that was not sent (or an incoming one logged by mistake)."""
    user = require_actor(actor, "to withdraw a statement")
    require(can_manage_statement(user, ls), _("you may only withdraw the statements of your own groups"))
    check_version(ls, expected_version)
    if ls.state not in WITHDRAWABLE_STATES[ls.direction]:
        raise Conflict(_("a statement that is %(value)s cannot be withdrawn; close it instead", value=ls.state_label.lower()))
    _transition(session, user, ls, "withdrawn", "statement.withdraw", f"Withdrew \u201c{ls.title}\u201d")
    return ls


def close_statement(
    session: Session, actor: User | None, ls: LiaisonStatement, *, expected_version: int | None = None
) -> LiaisonStatement:
    """Close a sent, received or answered statement: nothing more is expected (its reminders stop)."""
    user = require_actor(actor, "to close a statement")
    require(can_manage_statement(user, ls), _("you may only close the statements of your own groups"))
    check_version(ls, expected_version)
    if ls.state not in CLOSABLE_STATES:
        raise Conflict(_("a statement that is %(value)s cannot be closed", value=ls.state_label.lower()))
    _transition(session, user, ls, "closed", "statement.close", f"Closed \u201c{ls.title}\u201d")
    return ls
