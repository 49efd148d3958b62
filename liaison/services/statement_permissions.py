"""Who may do what with a liaison statement. Every transition asks here; ``None`` (nobody logged in) may
only read what is public.

Outgoing statements belong to their source group: its officers and chairs draft, edit, send, withdraw
and close them, and record an approval obtained elsewhere; only its chairs approve, and not the one who
drafted it unless the group has no other chair. Incoming statements
belong to the groups they were sent to: their officers and chairs log, edit and close them and take the
action asked. Admins (the secretariat) may do everything.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from liaison.models import LiaisonStatement, Membership, StatementRecipient, User
from liaison.services.permissions import can_chair_group, can_edit_group

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
    """Any one chair of the source group, or an admin; but not the person who drafted it while another
    chair of the group could approve it instead (see :func:`other_approvers`)."""
    if ls.source_group_id is None or not can_chair_group(user, ls.source_group_id):
        return False
    return not drafted_by(user, ls) or not other_approvers(user, ls)


def drafted_by(user: User | None, ls: LiaisonStatement) -> bool:
    """Whether ``user`` drafted ``ls``."""
    return user is not None and ls.created_by_id is not None and ls.created_by_id == user.id


def other_approvers(user: User, ls: LiaisonStatement) -> list[str]:
    """The names of the source group's other active chairs: while there is one, the drafter may not
    approve their own statement (four eyes); a group with a single chair lets that chair approve."""
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
