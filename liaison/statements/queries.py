"""Finding statements: the tabs of the LS pages, text search, group and date filters, and paging."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from liaison.core.errors import ValidationError
from liaison.core.pagination import Page, paginate
from liaison.core.queries import contains_pattern, escape_like, start_of_day
from liaison.models import Group, LiaisonStatement, StatementRecipient, User, utcnow
from liaison.models.statements import ACTION_PURPOSES
from liaison.statements.edits import ACTION_OPEN_STATES
from liaison.statements.permissions import PUBLIC_STATES

TABS = ("all", "drafts", "pending", "sent", "incoming", "action_needed", "overdue")
TAB_LABELS = {
    "all": _l("All"),
    "drafts": _l("Drafts"),
    "pending": _l("Pending approval"),
    "sent": _l("Sent"),
    "incoming": _l("Incoming"),
    "action_needed": _l("Action needed"),
    "overdue": _l("Overdue"),
}
#: States in which a recipient's action is still expected.
OPEN_STATES = ACTION_OPEN_STATES


@dataclass
class StatementFilters:
    """What a list of statements is narrowed to; empty values mean "any"."""

    tab: str = "all"
    q: str = ""
    group: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _member_groups(viewer: User | None, *roles: str) -> set[int]:
    return viewer.group_ids(*roles) if viewer is not None and viewer.is_active else set()


def _open_actions(group_ids: set[int] | None, before: dt.date | None = None) -> ColumnElement[bool]:
    """Statements with a recipient still to act (of ``group_ids``, unless None; due before ``before``)."""
    conditions = [
        StatementRecipient.statement_id == LiaisonStatement.id,
        StatementRecipient.purpose.in_(ACTION_PURPOSES),
        StatementRecipient.action_taken_at.is_(None),
    ]
    if group_ids is not None:
        conditions.append(StatementRecipient.group_id.in_(group_ids))
    if before is not None:
        conditions.append(StatementRecipient.deadline < before)
    return and_(LiaisonStatement.state.in_(OPEN_STATES), select(StatementRecipient.id).where(*conditions).exists())


def visible_to(viewer: User | None) -> ColumnElement[bool]:
    """The statements ``viewer`` may see: public ones, and those of the viewer's groups (all for admins)."""
    if viewer is not None and viewer.is_active and viewer.is_admin:
        return true()
    groups = _member_groups(viewer)
    public = LiaisonStatement.state.in_(PUBLIC_STATES)
    if not groups:
        return public
    addressed = (
        select(StatementRecipient.id)
        .where(StatementRecipient.statement_id == LiaisonStatement.id, StatementRecipient.group_id.in_(groups))
        .exists()
    )
    return or_(
        public,
        and_(LiaisonStatement.direction == "outgoing", LiaisonStatement.source_group_id.in_(groups)),
        and_(LiaisonStatement.direction == "incoming", addressed),
    )


def _tab(tab: str, viewer: User | None, today: dt.date) -> ColumnElement[bool]:
    admin = viewer is not None and viewer.is_active and viewer.is_admin
    mine = None if admin else _member_groups(viewer)
    if tab == "drafts":
        return and_(
            LiaisonStatement.direction == "outgoing",
            LiaisonStatement.state == "draft",
            true() if mine is None else LiaisonStatement.source_group_id.in_(mine),
        )
    if tab == "pending":
        chaired = None if admin else _member_groups(viewer, "chair")
        return and_(
            LiaisonStatement.state == "pending_approval",
            true() if chaired is None else LiaisonStatement.source_group_id.in_(chaired),
        )
    if tab == "sent":
        return and_(
            LiaisonStatement.direction == "outgoing", LiaisonStatement.state.in_(("sent", "answered", "closed"))
        )
    if tab == "incoming":
        return and_(LiaisonStatement.direction == "incoming", LiaisonStatement.state != "withdrawn")
    if tab == "action_needed":
        if mine is not None and not mine:
            return false()
        return _open_actions(mine)
    if tab == "overdue":
        return _open_actions(None, before=today)
    return true()


def _earliest_open_deadline() -> ScalarSelect[dt.date | None]:
    return (
        select(func.min(StatementRecipient.deadline))
        .where(
            StatementRecipient.statement_id == LiaisonStatement.id,
            StatementRecipient.purpose.in_(ACTION_PURPOSES),
            StatementRecipient.action_taken_at.is_(None),
        )
        .scalar_subquery()
    )


def statement_query(filters: StatementFilters, viewer: User | None, today: dt.date | None = None) -> Select:
    """The SELECT for ``filters`` as ``viewer`` may see it, with what a list shows loaded alongside."""
    today = today or utcnow().date()
    if filters.tab not in TABS:
        raise ValidationError({"tab": f"must be one of: {', '.join(TABS)}"})
    query = (
        select(LiaisonStatement)
        .options(
            joinedload(LiaisonStatement.source_group),
            selectinload(LiaisonStatement.recipients).joinedload(StatementRecipient.group),
        )
        .where(visible_to(viewer), _tab(filters.tab, viewer, today))
    )
    for word in filters.q.split()[:8]:
        pattern = contains_pattern(word)
        query = query.where(
            or_(
                LiaisonStatement.title.ilike(pattern, escape="\\"),
                LiaisonStatement.abstract.ilike(pattern, escape="\\"),
                LiaisonStatement.body.ilike(pattern, escape="\\"),
                LiaisonStatement.reference.ilike(pattern, escape="\\"),
                LiaisonStatement.source_text.ilike(pattern, escape="\\"),
            )
        )
    if filters.group:
        # A group's list includes its sub-groups' statements, sent by them or addressed to them.
        prefix = f"{escape_like(filters.group)}/%"
        groups = select(Group.id).where(or_(Group.code == filters.group, Group.code.like(prefix, escape="\\")))
        addressed = (
            select(StatementRecipient.id)
            .where(StatementRecipient.statement_id == LiaisonStatement.id, StatementRecipient.group_id.in_(groups))
            .exists()
        )
        query = query.where(or_(LiaisonStatement.source_group_id.in_(groups), addressed))
    when = func.coalesce(LiaisonStatement.sent_at, LiaisonStatement.created_at)
    if filters.date_from:
        query = query.where(when >= start_of_day(filters.date_from))
    if filters.date_to:
        query = query.where(when < start_of_day(filters.date_to + dt.timedelta(days=1)))
    if filters.tab in ("action_needed", "overdue"):
        return query.order_by(_earliest_open_deadline().asc(), LiaisonStatement.id)
    return query.order_by(when.desc(), LiaisonStatement.id.desc())


def search_statements(
    session: Session,
    filters: StatementFilters,
    viewer: User | None,
    page: int = 1,
    per_page: int = 25,
    today: dt.date | None = None,
) -> Page[LiaisonStatement]:
    """One page of the statements matching ``filters``."""
    return paginate(session, statement_query(filters, viewer, today), page, per_page)


def count_tabs(session: Session, viewer: User | None, today: dt.date | None = None) -> dict[str, int]:
    """How many statements each tab holds for ``viewer`` (for the badges on the tabs), in one query."""
    today = today or utcnow().date()
    row = session.execute(
        select(*(func.sum(case((_tab(tab, viewer, today), 1), else_=0)) for tab in TABS))
        .select_from(LiaisonStatement)
        .where(visible_to(viewer))
    ).one()
    return {tab: int(count or 0) for tab, count in zip(TABS, row)}
