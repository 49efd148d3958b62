"""Who may do what with a liaison statement. Every transition asks here; ``None`` (nobody logged in) may
only read what is public.

Outgoing statements belong to their source group: its officers and chairs draft, edit, send, withdraw
and close them; only its chairs approve (not the one who drafted it, unless the group has no other chair),
or record an approval obtained elsewhere. Incoming statements
belong to the groups they were sent to: their officers and chairs log, edit and close them and take the
action asked. Admins (the secretariat) may do everything.

What a reader sees of a statement they may read is a :class:`~liaison.documents.Disclosure`, decided
here for every rendering: the related items and alerts they may see, and (for the owning group only)
outside addressees' e-mail addresses, mail deliveries and the drafting history.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from liaison.core.permissions import can_chair_group, can_edit_group, can_see_alert, can_see_item
from liaison.documents.context import Disclosure
from liaison.models import LiaisonStatement, Membership, StatementRecipient, User, WorkItem

#: States in which anyone, logged in or not, may read a statement (Resolution 1306 resolves 5).
PUBLIC_STATES = frozenset({"sent", "answered", "closed", "received"})


def recipient_group_ids(ls: LiaisonStatement) -> set[int]:
    """Ids of the groups (ours, for an incoming statement) the statement is addressed to."""
    return {r.group_id for r in ls.recipients if r.group_id is not None}


def can_manage_statement(user: User | None, ls: LiaisonStatement) -> bool:
    """Edit, withdraw, close, send: the owning group's officers and chairs (see the module docstring)."""
    if user is None or not user.is_active:
        return False
    if ls.direction == "incoming":
        return user.is_admin or bool(recipient_group_ids(ls) & user.group_ids())
    return ls.source_group_id is not None and can_edit_group(user, ls.source_group_id)


def can_approve_statement(user: User | None, ls: LiaisonStatement) -> bool:
    """Any one chair of the source group, or an admin: approve it, or record an approval given elsewhere."""
    return ls.source_group_id is not None and can_chair_group(user, ls.source_group_id)


def can_approve_now(user: User | None, ls: LiaisonStatement) -> bool:
    """:func:`can_approve_statement`, but not the person who drafted it while another chair of the group
    could approve it instead (four eyes; see :func:`other_approvers`)."""
    if user is None or not can_approve_statement(user, ls):
        return False
    return not drafted_by(user, ls) or not other_approvers(user, ls)


def drafted_by(user: User | None, ls: LiaisonStatement) -> bool:
    """Whether ``user`` drafted ``ls``."""
    return user is not None and ls.created_by_id is not None and ls.created_by_id == user.id


def other_approvers(user: User, ls: LiaisonStatement) -> list[str]:
    """The names of the source group's other active chairs: while there is one, the drafter may not
    approve their own statement; a group with a single chair lets that chair approve."""
    session = object_session(ls)
    if session is None or ls.source_group_id is None:
        return []
    return list(
        session.scalars(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == ls.source_group_id,
                Membership.role == "chair",
                User.id != user.id,
                User.is_active.is_(True),
            )
            .order_by(User.name)
        )
    )


def can_see_statement(user: User | None, ls: LiaisonStatement) -> bool:
    """Sent and incoming statements are public; drafts are for the owning group (and admins)."""
    return ls.state in PUBLIC_STATES or can_manage_statement(user, ls)


def can_mark_action_taken(user: User | None, recipient: StatementRecipient) -> bool:
    """The group asked to act, or (for an outgoing statement) the sender recording the other side's answer."""
    if user is None or not user.is_active:
        return False
    ls = recipient.statement
    if recipient.group_id is not None and can_edit_group(user, recipient.group_id):
        return True
    return ls.direction == "outgoing" and can_manage_statement(user, ls)


def can_answer_statement(user: User | None, original: LiaisonStatement) -> bool:
    """Whether ``user`` may make a statement (outgoing, or logged as incoming) answer ``original``.

    The groups it was addressed to answer it, and its own group records the answer it received; a
    third party may not, whatever it types as the reply's source (that would close others' actions).
    """
    addressed = any(can_edit_group(user, group_id) for group_id in recipient_group_ids(original))
    return addressed or can_manage_statement(user, original)


def may_mail_recipient(ls: LiaisonStatement, recipient: StatementRecipient) -> bool:
    """Whether the officers and chairs of ``recipient``'s group are mailed about ``ls`` (notices, reminders).

    An outgoing statement was approved by its group's chair. An incoming one is only as good as the person
    who logged it: it reaches the groups that person belongs to, or any group when an admin logged it.
    """
    if ls.direction == "outgoing":
        return True
    return recipient.group_id is not None and can_edit_group(ls.created_by, recipient.group_id)


def disclosure(user: User | None, ls: LiaisonStatement) -> Disclosure:
    """What ``user`` may see of ``ls`` (which they may read): every page, print view, .docx and API answer."""
    return Disclosure(
        work_items=[item for item in ls.work_items if can_see_item(user, item)],
        alerts=[alert for alert in ls.alerts if can_see_alert(user, alert)],
        internal=can_manage_statement(user, ls),
    )


def full_disclosure(ls: LiaisonStatement) -> Disclosure:
    """Everything: the statement's own mail to its addressees, chairs and action holders, and the audit log.

    Sending refuses a statement whose items its group may not publish (:func:`unpublishable_items`), so
    the mail never carries another group's private work.
    """
    return Disclosure(work_items=list(ls.work_items), alerts=list(ls.alerts), internal=True)


def unpublishable_items(ls: LiaisonStatement) -> list[WorkItem]:
    """The related items that sending ``ls`` would publish although its group may not: other groups'
    private items (a group may tell others of its own private work; not of anybody else's)."""
    return [item for item in ls.work_items if not item.is_public and item.group_id != ls.source_group_id]
