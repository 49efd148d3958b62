"""The mail a statement causes: the statement itself, approval requests, action-needed notices, reminders.

Everything is queued in the outbox, in the caller's transaction; ``liaison outbox send`` delivers it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.documents import DOCX_MIMETYPE, StatementDocument, build_document, render_docx, render_html, render_text
from liaison.documents.context import docx_filename, source_label
from liaison.mail import MailAddress, queue_mail
from liaison.mail.outbox import Attachment
from liaison.models import LiaisonStatement, Membership, OutboxMessage, StatementRecipient, User
from liaison.services.errors import Conflict
from liaison.services.statement_attachments import read_attachment
from liaison.services.statement_permissions import full_disclosure


def contact_addresses(recipient: StatementRecipient) -> list[MailAddress]:
    """Where the statement goes for ``recipient``: its group's liaison contacts, or its own address."""
    if recipient.group is None:
        return [MailAddress(recipient.email, recipient.name, recipient.id)]
    return [MailAddress(c.email, c.name, recipient.id) for c in recipient.group.contacts if c.email]


def member_addresses(session: Session, group_ids: Iterable[int | None], roles: tuple[str, ...]) -> list[MailAddress]:
    """Active users holding one of ``roles`` in any of ``group_ids`` (None, a statement without a group of ours,
    names nobody), each once."""
    users = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id.in_([i for i in group_ids if i is not None]), Membership.role.in_(roles), User.is_active.is_(True))
        .order_by(User.name, User.id)
        .distinct()
    ).all()
    return [MailAddress(u.email, u.name) for u in users]


def action_holder_addresses(session: Session, recipient: StatementRecipient) -> list[MailAddress]:
    """Who must act for ``recipient``: its contacts, and the officers and chairs of its group if we list it."""
    addresses = contact_addresses(recipient)
    if recipient.group_id is not None:
        addresses += member_addresses(session, [recipient.group_id], ("officer", "chair"))
    return addresses


def _queue_document(
    session: Session,
    doc: StatementDocument,
    to: Iterable[MailAddress],
    cc: Iterable[MailAddress] = (),
    *,
    intro: str,
    subject: str,
    **options: Any,
) -> OutboxMessage:
    """One mail carrying the statement as text and HTML under ``intro`` (``options`` as for ``queue_mail``)."""
    return queue_mail(
        session, to, cc, subject=subject, text=render_text(doc, intro=intro), html=render_html(doc, intro=intro),
        **options,
    )


def _docx_attachment(ls: LiaisonStatement) -> Attachment:
    return (docx_filename(ls), DOCX_MIMETYPE, render_docx(build_document(ls, full_disclosure(ls))))


def queue_statement(session: Session, ls: LiaisonStatement, sender: User, upload_dir: str | Path) -> OutboxMessage:
    """The sent statement, as text, HTML and .docx with its attachments, to every recipient's addresses.

    To: the recipients' addresses; Cc: the sender and the source group's contacts. Each address is one
    delivery linked to the statement (and to its recipient), so the statement shows each one's state.
    """
    doc = build_document(ls, full_disclosure(ls))
    to = [address for recipient in ls.recipients for address in contact_addresses(recipient)]
    cc = [MailAddress(sender.email, sender.name)]
    if ls.source_group is not None:
        cc += [MailAddress(c.email, c.name) for c in ls.source_group.contacts if c.email]
    files = [_docx_attachment(ls)]
    for attachment in ls.attachments:
        files.append((attachment.filename, attachment.content_type, read_attachment(upload_dir, attachment)))
    intro = f"Liaison statement {ls.reference} from {doc.source}; the Word version is attached."
    return _queue_document(
        session,
        doc,
        to,
        cc,
        intro=intro,
        subject=f"{ls.reference}: {doc.subject}",
        attachments=files,
        kind="ls",
        statement_id=ls.id,
        reply_to=sender.email,
    )


def queue_approval_request(session: Session, ls: LiaisonStatement, requester: User) -> OutboxMessage:
    """Ask every chair of the source group (or, when it has none, every admin) to approve ``ls``."""
    group = source_label(ls)
    chairs = member_addresses(session, [ls.source_group_id], ("chair",))
    if not chairs:
        admins = session.scalars(select(User).where(User.is_admin.is_(True), User.is_active.is_(True))).all()
        chairs = [MailAddress(u.email, u.name) for u in admins]
    if not chairs:
        raise Conflict(f"{group} has no chair and there is no admin to approve this statement")
    doc = build_document(ls, full_disclosure(ls))
    intro = (
        f"{requester.name} asks you, as chair of {group}, to approve this draft liaison "
        "statement. Log in to liaison to approve it or send it back."
    )
    subject = f"Approval requested: {doc.subject}"
    return _queue_document(
        session, doc, chairs, intro=intro, subject=subject, attachments=[_docx_attachment(ls)], kind="ls_approval",
        reply_to=requester.email,
    )


def queue_approval_recorded(session: Session, ls: LiaisonStatement, recorder: User) -> OutboxMessage | None:
    """Tell every chair of the source group that an approval given elsewhere was recorded, with its evidence,
    so that an approval nobody gave does not go unnoticed before the statement is sent."""
    # Only an outgoing statement, which always has its source group, is approved.
    assert ls.source_group_id is not None
    chairs = member_addresses(session, [ls.source_group_id], ("chair",))
    if not chairs:
        return None
    doc = build_document(ls, full_disclosure(ls))
    intro = (
        f"{recorder.name} recorded that this liaison statement of {source_label(ls)} was approved: "
        f"{ls.approval_evidence}. It can now be sent. If the approval was not given, send the statement "
        "back to draft in liaison by editing it."
    )
    subject = f"Approval recorded: {doc.subject}"
    return _queue_document(
        session, doc, chairs, intro=intro, subject=subject, kind="ls_approval_recorded", reply_to=recorder.email
    )


def queue_action_needed(session: Session, ls: LiaisonStatement, recipient: StatementRecipient) -> OutboxMessage | None:
    """Tell the officers and chairs of ``recipient``'s group that an incoming statement asks them to act."""
    # Only called for our groups asked for action or comment, whose deadline the schema requires.
    assert recipient.group_id is not None and recipient.deadline is not None
    holders = member_addresses(session, [recipient.group_id], ("officer", "chair"))
    if not holders:
        return None
    doc = build_document(ls, full_disclosure(ls))
    intro = (
        f"{doc.source} sent {recipient.label} a liaison statement for {recipient.purpose}, "
        f"due by {recipient.deadline.isoformat()}."
    )
    subject = f"For {recipient.purpose} by {recipient.deadline.isoformat()}: {doc.subject}"
    return _queue_document(session, doc, holders, intro=intro, subject=subject, kind="ls_action")


def queue_reminder(
    session: Session, recipient: StatementRecipient, addresses: list[MailAddress], today: dt.date
) -> OutboxMessage:
    """Remind the action holders of ``recipient`` of its deadline (before it, on the day, or after it)."""
    ls = recipient.statement
    assert recipient.deadline is not None, "reminders are only for recipients with a deadline"
    doc = build_document(ls, full_disclosure(ls))
    days = (recipient.deadline - today).days
    if days > 0:
        when = f"due in {days} day{'s' if days != 1 else ''}, on {recipient.deadline.isoformat()}"
    elif days == 0:
        when = "due today"
    else:
        when = f"overdue by {-days} day{'s' if days != -1 else ''} (the deadline was {recipient.deadline.isoformat()})"
    name = ls.reference or doc.source
    intro = (
        f"Reminder: the liaison statement {name} asks {recipient.label} for {recipient.purpose}, {when}. "
        "Once the action is taken (a reply sent, or marked as taken in liaison) the reminders stop."
    )
    subject = f"Reminder: {recipient.purpose} {when}: {doc.subject}"
    return _queue_document(session, doc, addresses, intro=intro, subject=subject, kind="ls_reminder")
