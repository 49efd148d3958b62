"""What the statement pages, feed and API need beyond the back end's services: which steps a viewer may
take now, the thread of replies, lookups by the references people type, lists with a state filter, the
feed's query, the .docx as a file, and retrying the mail of one statement.

The rules themselves stay in :mod:`liaison.statements.permissions` and
:mod:`liaison.statements.workflow`; this module only asks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from liaison.core.audit import history, record_event
from liaison.core.errors import NotFound, PermissionDenied
from liaison.core.pagination import Page, paginate
from liaison.core.permissions import can_edit_group, require
from liaison.documents import build_document, render_docx
from liaison.documents.context import docx_filename
from liaison.models import AuditEvent, Delivery, Group, LiaisonStatement, StatementRecipient, User, WorkItem
from liaison.models.statements import ACTION_PURPOSES, DEFAULT_STUDY_PERIOD
from liaison.statements.deliveries import retry_delivery
from liaison.statements.edits import (
    ACTION_OPEN_STATES,
    CLOSABLE_STATES,
    EDITABLE_STATES,
    REPLYABLE_STATES,
    WITHDRAWABLE_STATES,
    require_actor,
)
from liaison.statements.operations import STATEMENT_LOAD, statement_as_dict
from liaison.statements.permissions import (
    can_approve_now,
    can_approve_statement,
    can_manage_statement,
    can_mark_action_taken,
    can_see_statement,
    disclosure,
)
from liaison.statements.queries import TABS, StatementFilters, statement_query, visible_to

#: Outgoing statements that went out: what the feed shows.
SENT_STATES = ("sent", "answered", "closed")
#: Our references: ``SG17-LS123`` (per study group and study period), or ``LS/2026/0042`` given before.
_OUR_REFERENCE = re.compile(r"^(\S.*-LS\d+|LS/\d{4}/\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class StatementActions:
    """The steps ``viewer`` may take on one statement now (each still checked again by its service)."""

    edit: bool = False
    submit: bool = False
    approve: bool = False
    record_approval: bool = False
    send: bool = False
    withdraw: bool = False
    close: bool = False
    reply: bool = False
    see_deliveries: bool = False

    @property
    def any(self) -> bool:
        """Whether there is a button to show at all."""
        return any((self.edit, self.submit, self.approve, self.record_approval, self.send, self.withdraw,
                    self.close, self.reply))


def statement_actions(viewer: User | None, ls: LiaisonStatement) -> StatementActions:
    """What ``viewer`` may do with ``ls`` in its current state: the buttons of its page."""
    if viewer is None or not viewer.is_active:
        return StatementActions()
    manage = can_manage_statement(viewer, ls)
    outgoing = ls.direction == "outgoing"
    state = ls.state
    replying_groups = [r.group_id for r in ls.recipients if r.group_id is not None]
    return StatementActions(
        edit=manage and state in EDITABLE_STATES[ls.direction],
        submit=manage and outgoing and state == "draft",
        approve=outgoing and state == "pending_approval" and can_approve_now(viewer, ls),
        record_approval=outgoing and state in ("draft", "pending_approval") and can_approve_statement(viewer, ls),
        send=manage and outgoing and state == "approved",
        withdraw=manage and state in WITHDRAWABLE_STATES[ls.direction],
        close=manage and state in CLOSABLE_STATES,
        reply=state in REPLYABLE_STATES and any(can_edit_group(viewer, gid) for gid in replying_groups),
        see_deliveries=manage,
    )


def open_actions_for(viewer: User | None, ls: LiaisonStatement) -> set[int]:
    """Ids of the recipients whose action ``viewer`` may mark as taken now."""
    if ls.state not in ACTION_OPEN_STATES:
        return set()
    return {
        r.id
        for r in ls.recipients
        if r.purpose in ACTION_PURPOSES and r.action_taken_at is None and can_mark_action_taken(viewer, r)
    }


def tabs_for(viewer: User | None) -> tuple[str, ...]:
    """The list tabs worth showing to ``viewer``: drafts and actions need a role, approvals a chair's."""
    if viewer is None or not viewer.is_active:
        return ("all", "sent", "incoming", "overdue")
    hidden: set[str] = set()
    if not viewer.is_admin:
        if not viewer.group_ids():
            hidden |= {"drafts", "action_needed"}
        if not viewer.group_ids("chair"):
            hidden.add("pending")
    return tuple(tab for tab in TABS if tab not in hidden)


def replies_to(session: Session, viewer: User | None, ls: LiaisonStatement) -> list[LiaisonStatement]:
    """The statements answering ``ls`` that ``viewer`` may see, oldest first."""
    return list(
        session.scalars(
            select(LiaisonStatement)
            .options(joinedload(LiaisonStatement.source_group))
            .where(LiaisonStatement.in_reply_to_id == ls.id, visible_to(viewer))
            .order_by(LiaisonStatement.created_at, LiaisonStatement.id)
        )
    )


def work_item_ids(session: Session, references: Iterable[str]) -> tuple[list[int], list[str]]:
    """The ids of the work items with ``references`` (in the order given), and the references found nowhere."""
    wanted = list(dict.fromkeys(r for r in references if r))
    if not wanted:
        return [], []
    rows = session.execute(select(WorkItem.reference, WorkItem.id).where(WorkItem.reference.in_(wanted)))
    found = {reference: item_id for reference, item_id in rows}
    return [found[r] for r in wanted if r in found], [r for r in wanted if r not in found]


def find_statement(session: Session, viewer: User | None, text: str) -> LiaisonStatement | None:
    """The statement ``text`` names, as people write it: our reference (``SG17-LS123``; the latest study
    period's when numbers repeat) or its number (``12`` or ``#12``, for incoming statements, which have no
    reference of ours). None if ``viewer`` cannot see it."""
    text = text.strip()
    ls = None
    if _OUR_REFERENCE.match(text):
        ls = session.scalar(
            select(LiaisonStatement)
            .where(func.upper(LiaisonStatement.reference) == text.upper())
            .order_by(LiaisonStatement.sent_at.desc(), LiaisonStatement.id.desc())
            .limit(1)
        )
    else:
        number = text.removeprefix("#")
        if number.isascii() and number.isdigit() and int(number) < 2**31:
            ls = session.get(LiaisonStatement, int(number))
    return ls if ls is not None and can_see_statement(viewer, ls) else None


def statement_label(ls: LiaisonStatement) -> str:
    """How a statement is named in a form field: our reference once it has one, else ``#<id>``."""
    return ls.reference or f"#{ls.id}"


def search_statement_page(
    session: Session,
    viewer: User | None,
    filters: StatementFilters,
    *,
    states: Sequence[str] = (),
    direction: str = "",
    page: int = 1,
    per_page: int = 25,
) -> Page[LiaisonStatement]:
    """One page of statements as the API lists them: the list's filters plus states and direction, with
    everything :func:`statement_as_dict` reads loaded in a fixed number of queries."""
    query = statement_query(filters, viewer).options(*STATEMENT_LOAD)
    if states:
        query = query.where(LiaisonStatement.state.in_(states))
    if direction:
        query = query.where(LiaisonStatement.direction == direction)
    return paginate(session, query, page, per_page)


def statement_as_dict_for(viewer: User | None, ls: LiaisonStatement) -> dict[str, Any]:
    """:func:`statement_as_dict` as ``viewer`` may read it (see :func:`disclosure`)."""
    return statement_as_dict(ls, disclosure(viewer, ls))


#: What of a statement's history those outside its group read: the steps that made it public and what
#: became of it. The drafting before (old wordings, who edited what), mail addresses and the notes of
#: actions (named by an outside addressee's address) are the group's own.
PUBLIC_EVENTS = frozenset(
    {
        "statement.approve",
        "statement.approval_recorded",
        "statement.send",
        "statement.receive",
        "statement.answered",
        "statement.close",
    }
)


def statement_history(session: Session, viewer: User | None, ls: LiaisonStatement) -> list[AuditEvent]:
    """The statement's audit events ``viewer`` may read, newest first."""
    events = history(session, "statement", ls.id)
    if disclosure(viewer, ls).internal:
        return list(events)
    return [event for event in events if event.action in PUBLIC_EVENTS]


def sent_statements(session: Session, group: Group | None = None, limit: int = 50) -> list[LiaisonStatement]:
    """The ``limit`` outgoing statements sent last, from or to ``group`` and its sub-groups if given."""
    query = (
        select(LiaisonStatement)
        .options(
            joinedload(LiaisonStatement.source_group),
            selectinload(LiaisonStatement.recipients).joinedload(StatementRecipient.group),
        )
        .where(LiaisonStatement.direction == "outgoing", LiaisonStatement.state.in_(SENT_STATES))
    )
    if group is not None:
        escaped = group.code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        groups = select(Group.id).where(or_(Group.id == group.id, Group.code.like(f"{escaped}/%", escape="\\")))
        addressed = (
            select(StatementRecipient.id)
            .where(StatementRecipient.statement_id == LiaisonStatement.id, StatementRecipient.group_id.in_(groups))
            .exists()
        )
        query = query.where(or_(LiaisonStatement.source_group_id.in_(groups), addressed))
    query = query.order_by(LiaisonStatement.sent_at.desc(), LiaisonStatement.id.desc()).limit(limit)
    return list(session.scalars(query))


def statement_docx(
    viewer: User | None, ls: LiaisonStatement, study_period: str = DEFAULT_STUDY_PERIOD
) -> tuple[str, bytes]:
    """The statement as ``viewer`` may read it, as a Word file: its name (``SG17-LS123.docx``, or
    ``LS-draft-7.docx``) and bytes."""
    return docx_filename(ls), render_docx(build_document(ls, disclosure(viewer, ls), study_period=study_period))


def retry_statement_delivery(session: Session, actor: User | None, ls: LiaisonStatement, delivery_id: int) -> Delivery:
    """Queue one failed mail of ``ls`` again, from the statement's page.

    The outbox service lets only admins retry; here the officers and chairs who sent the statement may
    retry its *failed* deliveries too (a refused address they corrected, a server that was down). An
    *uncertain* one may have gone through, so it stays for an admin who checked the mail server's log.
    """
    user = require_actor(actor, "to retry a delivery")
    require(
        can_manage_statement(user, ls),
        "only officers and chairs of the statement's group (or an admin) may retry its mail",
    )
    delivery = next((d for d in ls.deliveries if d.id == delivery_id), None)
    if delivery is None:
        raise NotFound(f"statement {ls.id} has no delivery with id {delivery_id}")
    if delivery.status == "uncertain" and not user.is_admin:
        raise PermissionDenied(
            "this mail may have gone through already: only an admin, after checking the mail server's log, "
            "may send it again"
        )
    previous = delivery.status
    # retry_delivery checks that its actor is an admin; an officer's right was checked above, so it is
    # called as the trusted caller (None) and the statement's own audit event below says who it was.
    retry_delivery(session, user if user.is_admin else None, delivery)
    record_event(
        session,
        user,
        "statement.delivery_retry",
        "statement",
        ls.id,
        f"Queued the mail to {delivery.address} again",
        {"delivery": [f"{delivery.address}: {previous}", f"{delivery.address}: queued"]},
    )
    return delivery

