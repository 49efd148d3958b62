"""The mail a statement causes: the statement itself, approval requests, action-needed notices, reminders.

Everything is queued in the outbox, in the caller's transaction; ``liaison outbox send`` delivers it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.errors import Conflict
from liaison.documents import DOCX_MIMETYPE, StatementDocument, build_document, render_docx, render_html, render_text
from liaison.documents.context import docx_filename, source_label
from liaison.languages import DEFAULT_LANGUAGE
from liaison.mail import MailAddress, queue_mail, readers_language
from liaison.mail.outbox import Attachment
from liaison.models import LiaisonStatement, Membership, OutboxMessage, StatementRecipient, User
from liaison.speaking import language
from liaison.statements.attachments import read_attachment
from liaison.statements.permissions import full_disclosure

#: What a recipient is asked for, as the mail's sentences say it ("for action").
PURPOSE_WORDS = {"action": _l("action"), "comment": _l("comment"), "information": _l("information")}


def contact_addresses(recipient: StatementRecipient) -> list[MailAddress]:
    """Where the statement goes for ``recipient``: its group's liaison contacts, or its own address."""
    if recipient.group is None:
        return [MailAddress(recipient.email, recipient.name, recipient.id)]
    return [MailAddress(c.email, c.name, recipient.id, c.language) for c in recipient.group.contacts if c.email]


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
    return [MailAddress(u.email, u.name, language=u.language) for u in users]


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


def group_language(ls: LiaisonStatement) -> str:
    """The language the source group writes in to readers whose own language is not known."""
    return ls.source_group.language if ls.source_group is not None else DEFAULT_LANGUAGE


def _docx_attachment(ls: LiaisonStatement) -> Attachment:
    return (docx_filename(ls), DOCX_MIMETYPE, render_docx(build_document(ls, full_disclosure(ls))))


def queue_statement(session: Session, ls: LiaisonStatement, sender: User, upload_dir: str | Path) -> OutboxMessage:
    """The sent statement, as text, HTML and .docx with its attachments, to every recipient's addresses.

    To: the recipients' addresses; Cc: the sender and the source group's contacts. Each address is one
    delivery linked to the statement (and to its recipient), so the statement shows each one's state.
    """
    to = [address for recipient in ls.recipients for address in contact_addresses(recipient)]
    cc = [MailAddress(sender.email, sender.name)]
    if ls.source_group is not None:
        cc += [MailAddress(c.email, c.name) for c in ls.source_group.contacts if c.email]
    with language(readers_language(to, group_language(ls))):
        doc = build_document(ls, full_disclosure(ls))
        files = [_docx_attachment(ls)]
        for attachment in ls.attachments:
            files.append((attachment.filename, attachment.content_type, read_attachment(upload_dir, attachment)))
        intro = _("Liaison statement %(reference)s from %(source)s; the Word version is attached.",
                  reference=ls.reference, source=doc.source)
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
        chairs = [MailAddress(u.email, u.name, language=u.language) for u in admins]
    if not chairs:
        raise Conflict(f"{group} has no chair and there is no admin to approve this statement")
    with language(readers_language(chairs, group_language(ls))):
        doc = build_document(ls, full_disclosure(ls))
        intro = _(
            "%(name)s asks you, as chair of %(group)s, to approve this draft liaison statement. "
            "Log in to liaison to approve it or send it back.",
            name=requester.name, group=group,
        )
        subject = _("Approval requested: %(subject)s", subject=doc.subject)
        return _queue_document(
            session, doc, chairs, intro=intro, subject=subject, attachments=[_docx_attachment(ls)],
            kind="ls_approval", reply_to=requester.email,
        )


def queue_approval_recorded(session: Session, ls: LiaisonStatement, recorder: User) -> OutboxMessage | None:
    """Tell every chair of the source group that an approval given elsewhere was recorded, with its evidence,
    so that an approval nobody gave does not go unnoticed before the statement is sent."""
    # Only an outgoing statement, which always has its source group, is approved.
    assert ls.source_group_id is not None
    chairs = member_addresses(session, [ls.source_group_id], ("chair",))
    if not chairs:
        return None
    with language(readers_language(chairs, group_language(ls))):
        doc = build_document(ls, full_disclosure(ls))
        intro = _(
            "%(name)s recorded that this liaison statement of %(group)s was approved: %(evidence)s. It can now "
            "be sent. If the approval was not given, send the statement back to draft in liaison by editing it.",
            name=recorder.name, group=source_label(ls), evidence=ls.approval_evidence,
        )
        subject = _("Approval recorded: %(subject)s", subject=doc.subject)
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
    fallback = recipient.group.language if recipient.group is not None else DEFAULT_LANGUAGE
    with language(readers_language(holders, fallback)):
        doc = build_document(ls, full_disclosure(ls))
        purpose, deadline = str(PURPOSE_WORDS[recipient.purpose]), recipient.deadline.isoformat()
        intro = _(
            "%(source)s sent %(recipient)s a liaison statement for %(purpose)s, due by %(deadline)s.",
            source=doc.source, recipient=recipient.label, purpose=purpose, deadline=deadline,
        )
        subject = _("For %(purpose)s by %(deadline)s: %(subject)s", purpose=purpose, deadline=deadline,
                    subject=doc.subject)
        return _queue_document(session, doc, holders, intro=intro, subject=subject, kind="ls_action")


def queue_reminder(
    session: Session, recipient: StatementRecipient, addresses: list[MailAddress], today: dt.date
) -> OutboxMessage:
    """Remind the action holders of ``recipient`` of its deadline (before it, on the day, or after it)."""
    ls = recipient.statement
    assert recipient.deadline is not None, "reminders are only for recipients with a deadline"
    fallback = recipient.group.language if recipient.group is not None else group_language(ls)
    with language(readers_language(addresses, fallback)):
        doc = build_document(ls, full_disclosure(ls))
        days = (recipient.deadline - today).days
        deadline = recipient.deadline.isoformat()
        if days > 0:
            when = ngettext("due in %(num)d day, on %(deadline)s", "due in %(num)d days, on %(deadline)s", days,
                            deadline=deadline)
        elif days == 0:
            when = _("due today")
        else:
            when = ngettext("overdue by %(num)d day (the deadline was %(deadline)s)",
                            "overdue by %(num)d days (the deadline was %(deadline)s)", -days, deadline=deadline)
        purpose = str(PURPOSE_WORDS[recipient.purpose])
        intro = _(
            "Reminder: the liaison statement %(name)s asks %(recipient)s for %(purpose)s, %(when)s. "
            "Once the action is taken (a reply sent, or marked as taken in liaison) the reminders stop.",
            name=ls.reference or doc.source, recipient=recipient.label, purpose=purpose, when=when,
        )
        subject = _("Reminder: %(purpose)s %(when)s: %(subject)s", purpose=purpose, when=when, subject=doc.subject)
        return _queue_document(session, doc, addresses, intro=intro, subject=subject, kind="ls_reminder")
