"""What every change to a statement shares: who may make it, the version check, and approval lapsing.

A statement can be changed while it is a draft, pending approval or approved (outgoing), or received
(incoming). A change to a statement that was pending approval or approved takes it back to ``draft``:
the approval was given to other words.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, PermissionDenied, ValidationError
from liaison.core.permissions import require
from liaison.documents.context import long_date
from liaison.models import LiaisonStatement, User, utcnow
from liaison.statements.permissions import can_manage_statement

#: States in which each direction may be edited, withdrawn; and in which any statement may be closed,
#: replied to, or have its recipients' actions marked as taken.
EDITABLE_STATES = {"outgoing": ("draft", "pending_approval", "approved"), "incoming": ("received",)}
WITHDRAWABLE_STATES = EDITABLE_STATES
CLOSABLE_STATES = ("sent", "received", "answered")
ACTION_OPEN_STATES = CLOSABLE_STATES
REPLYABLE_STATES = ("sent", "received", "answered", "closed")


def require_actor(actor: User | None, doing: str) -> User:
    """``actor``, or :class:`PermissionDenied` when nobody is logged in (``doing``: "to send a statement")."""
    if actor is None or not actor.is_active:
        raise PermissionDenied(f"log in {doing}")  # a command or the API without a user: not a page
    return actor


def check_version(ls: LiaisonStatement, expected_version: int | None, *, required: bool = False) -> None:
    """:class:`Conflict` unless ``expected_version`` (when given, or ``required``) is the current version."""
    if expected_version is None:
        if required:
            raise ValidationError({"version": _("the version you edited is required (If-Match header or version field)")})
        return
    if expected_version != ls.version:
        raise Conflict(
            _("this statement was changed by someone else (you saw version %(expected_version)s, it is now at version %(ls_version)s); reload it and try again", expected_version=expected_version, ls_version=ls.version)
        )


def flush_or_conflict(session: Session) -> None:
    """Flush; a concurrent change found by the version column becomes a :class:`Conflict`."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(_("this statement was changed by someone else meanwhile; reload it and try again")) from exc


def require_editable(ls: LiaisonStatement) -> None:
    """:class:`Conflict` saying why ``ls`` can no longer be changed (sent: as what and when), if it cannot."""
    if ls.state in EDITABLE_STATES[ls.direction]:
        return
    if ls.direction == "outgoing" and ls.sent_at is not None and ls.reference:
        raise Conflict(
            _("this statement was sent as %(ls_reference)s on %(value)s: a sent statement can no longer be changed", ls_reference=ls.reference, value=long_date(ls.sent_at.date()))
        )
    raise Conflict(_("a statement that is %(value)s can no longer be changed", value=ls.state_label.lower()))


def prepare_edit(actor: User | None, ls: LiaisonStatement, expected_version: int | None) -> User:
    """Check that ``actor`` may change ``ls`` now; returns the actor.

    The state is checked before the version: a statement sent while someone edited it says it was sent,
    not that "someone else changed it".
    """
    user = require_actor(actor, "to change a liaison statement")
    require(can_manage_statement(user, ls), _not_yours(ls))
    require_editable(ls)
    check_version(ls, expected_version, required=True)
    return user


def finish_edit(
    session: Session, actor: User, ls: LiaisonStatement, changes: Mapping[str, Any], summary: str
) -> None:
    """Record a change made to ``ls``: approval lapses, the version moves on, the audit log tells."""
    if not changes:
        return
    changes = dict(changes)
    if ls.state in ("pending_approval", "approved"):
        changes["state"] = [ls.state, "draft"]
        ls.state = "draft"
        ls.approved_by = None
        ls.approved_at = None
        ls.approval_evidence = ""
        ls.submitted_at = None
    # Setting a column makes the row UPDATE (and its version move) even when only recipients,
    # contacts or attachments changed: a concurrent editor then gets a Conflict, not a silent overwrite.
    ls.updated_by_id = actor.id
    ls.updated_at = utcnow()
    flush_or_conflict(session)
    record_event(session, actor, "statement.update", "statement", ls.id, summary, changes)


def _not_yours(ls: LiaisonStatement) -> str:
    if ls.direction == "incoming":
        return "only officers and chairs of the groups it is addressed to may handle an incoming statement"
    return "only officers and chairs of the source group may handle its statements"
