"""What anybody may read without logging in (Resolution 1306 resolves 5), as queries.

Every public page, feed, export, the dashboard's public figures and the annual report read
through here, so that the rule of what is public is written once:

* work items whose ``is_public`` is set;
* overlap alerts a chair decided (duplicate, overlap, related, not an overlap) between two public
  items, with the decision's note; open alerts are internal work and stay private;
* liaison statements once they left the group (sent, or received from another body) and what
  became of them (answered, closed); drafts, statements awaiting approval and withdrawn ones stay
  private.

Nothing here takes a viewer: a logged-in person sees the same public pages as everybody else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from liaison.core.errors import NotFound
from liaison.core.pagination import Page, page_bounds
from liaison.models import (
    DECISIONS,
    Body,
    Group,
    ItemLink,
    LiaisonStatement,
    OverlapAlert,
    StatementRecipient,
    WorkItem,
)
from liaison.models.alerts import AlertState
from liaison.statements.permissions import PUBLIC_STATES

#: The decisions a chair can make about an alert, in the order pages list them.
PUBLIC_DECISIONS = DECISIONS
#: The public reads of an alert still open that nobody has decided it yet.
DECISION_LABELS = {decision: AlertState.labels()[decision] for decision in DECISIONS} | {"open": _l("Not yet decided")}
#: Statements that left (or reached) the group; everything before sending is the group's own work.
PUBLIC_STATEMENT_STATES = tuple(sorted(PUBLIC_STATES))
#: How far back the home page looks for changed items.
RECENT_DAYS = 90
#: How many rows an export fetches from the database at a time.
EXPORT_CHUNK = 1000


def public_item_filter() -> Any:
    """The WHERE clause of a public work item."""
    return WorkItem.is_public.is_(True)


def public_statement_filter() -> Any:
    """The WHERE clause of a public liaison statement."""
    return LiaisonStatement.state.in_(PUBLIC_STATEMENT_STATES)


def between_public_items() -> Any:
    """The WHERE clause of an alert whose two items are public.

    Written as "neither item is among the private ones" rather than as joins filtered on
    ``is_public``: without statistics SQLite would start from the index of ``is_public`` (nearly
    every item) and read the alerts item by item; the few private ids make one small set instead,
    looked up once per alert (on PostgreSQL, a hashed subplan).
    """
    private = select(WorkItem.id).where(WorkItem.is_public.is_(False)).correlate(None)
    return and_(OverlapAlert.item_a_id.not_in(private), OverlapAlert.item_b_id.not_in(private))


def decided_overlap_filter() -> Any:
    """The WHERE clause of a public alert: decided by a chair, between two public items."""
    return and_(OverlapAlert.state.in_(PUBLIC_DECISIONS), between_public_items())


def touches_groups(groups: Any) -> Any:
    """The WHERE clause of an alert with an item in one of ``groups`` (a SELECT of group ids)."""
    items = select(WorkItem.id).where(WorkItem.group_id.in_(groups)).correlate(None)
    return or_(OverlapAlert.item_a_id.in_(items), OverlapAlert.item_b_id.in_(items))


# --- counts and what is new ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCounts:
    """How much the tracker holds, as the home page says it."""

    items: int
    groups: int
    bodies: int
    decided_overlaps: int
    statements: int


def public_counts(session: Session) -> PublicCounts:
    """Counts of public items, groups, bodies, decided overlaps and public statements."""
    decided = select(func.count()).select_from(OverlapAlert).where(decided_overlap_filter())
    return PublicCounts(
        items=session.scalar(select(func.count()).select_from(WorkItem).where(public_item_filter())) or 0,
        groups=session.scalar(select(func.count()).select_from(Group)) or 0,
        bodies=session.scalar(select(func.count()).select_from(Body)) or 0,
        decided_overlaps=session.scalar(decided) or 0,
        statements=session.scalar(
            select(func.count()).select_from(LiaisonStatement).where(public_statement_filter())
        )
        or 0,
    )


@dataclass(frozen=True)
class RecentActivity:
    """The newest public things, for the home page."""

    registered: list[WorkItem]
    changed: list[WorkItem]
    decisions: list[OverlapAlert]
    statements: list[LiaisonStatement]


def recent_activity(session: Session, limit: int = 6) -> RecentActivity:
    """The last ``limit`` items registered, items changed (in the last :data:`RECENT_DAYS`), decisions made
    and statements sent or received."""
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=RECENT_DAYS)
    with_group = joinedload(WorkItem.group).joinedload(Group.body)
    # Ids grow with registration, so the primary key orders by creation without another index.
    registered = session.scalars(
        select(WorkItem).options(with_group).where(public_item_filter()).order_by(WorkItem.id.desc()).limit(limit)
    ).all()
    changed = session.scalars(
        select(WorkItem)
        .options(with_group)
        # The version counts saves: an item saved once was registered, not changed. The window keeps
        # the index walk short when few of many items were ever edited (after a bulk import).
        .where(public_item_filter(), WorkItem.version > 1, WorkItem.updated_at >= since)
        .order_by(WorkItem.updated_at.desc(), WorkItem.id.desc())
        .limit(limit)
    ).all()
    decisions = load_overlaps(session, decided_overlaps_query(OverlapFilters()), limit)
    statements = session.scalars(
        public_statements_query().order_by(LiaisonStatement.sent_at.desc(), LiaisonStatement.id.desc()).limit(limit)
    ).all()
    return RecentActivity(list(registered), list(changed), list(decisions), list(statements))


# --- decided overlaps -------------------------------------------------------------------------------


@dataclass
class OverlapFilters:
    """What the list of decided overlaps is narrowed to; empty means any."""

    body: str = ""
    decision: str = ""


def decided_overlaps_query(filters: OverlapFilters) -> Select[OverlapAlert]:
    """Decided alerts between public items matching ``filters``, newest decision first.

    Nothing is loaded with the alerts: :func:`load_overlaps` takes a slice of this with the items.
    """
    query = select(OverlapAlert).where(decided_overlap_filter())
    if filters.decision:
        query = query.where(OverlapAlert.state == filters.decision)
    if filters.body:
        query = query.where(touches_groups(select(Group.id).join(Body).where(Body.code == filters.body)))
    return query.order_by(OverlapAlert.decided_at.desc(), OverlapAlert.id.desc())


def load_overlaps(session: Session, query: Select[OverlapAlert], limit: int, offset: int = 0) -> list[OverlapAlert]:
    """A slice of ``query``'s alerts with both items, their groups and bodies, in the query's order.

    The ids are sorted and sliced first, then only those rows are read with their items: sorting
    thousands of narrow rows is cheap, sorting them joined to two items each is not.
    """
    ids = list(session.scalars(query.with_only_columns(OverlapAlert.id).limit(limit).offset(offset)))
    if not ids:
        return []
    alerts = session.scalars(
        select(OverlapAlert)
        .options(
            joinedload(OverlapAlert.item_a).joinedload(WorkItem.group).joinedload(Group.body),
            joinedload(OverlapAlert.item_b).joinedload(WorkItem.group).joinedload(Group.body),
            joinedload(OverlapAlert.decided_by),
        )
        .where(OverlapAlert.id.in_(ids))
    ).all()
    by_id = {alert.id: alert for alert in alerts}
    return [by_id[i] for i in ids]


def search_decided_overlaps(
    session: Session, filters: OverlapFilters, page: int = 1, per_page: int = 25
) -> Page[OverlapAlert]:
    """One page of decided overlaps, and how many there are."""
    page, per_page = page_bounds(page, per_page)
    query = decided_overlaps_query(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).with_only_columns(OverlapAlert.id).subquery()))
    items = load_overlaps(session, query, per_page, (page - 1) * per_page)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def get_decided_overlap(session: Session, alert_id: int) -> OverlapAlert:
    """The decided alert ``alert_id`` if it is public; otherwise :class:`NotFound`, so private ones stay unknown."""
    found = load_overlaps(session, decided_overlaps_query(OverlapFilters()).where(OverlapAlert.id == alert_id), 1)
    if not found:
        raise NotFound(f"no decided overlap with id {alert_id}")
    return found[0]


def links_between(session: Session, first_id: int, second_id: int) -> list[ItemLink]:
    """The typed links the chairs made between two items (what was done about an overlap)."""
    return list(
        session.scalars(
            select(ItemLink)
            .options(joinedload(ItemLink.source), joinedload(ItemLink.target))
            .where(
                or_(
                    and_(ItemLink.source_id == first_id, ItemLink.target_id == second_id),
                    and_(ItemLink.source_id == second_id, ItemLink.target_id == first_id),
                )
            )
            .order_by(ItemLink.id)
        )
    )


def statements_about_alert(session: Session, alert_id: int) -> list[LiaisonStatement]:
    """Public statements that were written about one alert."""
    return list(
        session.scalars(
            public_statements_query()
            .where(LiaisonStatement.alerts.any(OverlapAlert.id == alert_id))
            .order_by(LiaisonStatement.sent_at, LiaisonStatement.id)
        )
    )


# --- statements -------------------------------------------------------------------------------------


def public_statements_query() -> Select[LiaisonStatement]:
    """Public statements with their source group and recipients loaded."""
    return (
        select(LiaisonStatement)
        .options(
            joinedload(LiaisonStatement.source_group).joinedload(Group.body),
            selectinload(LiaisonStatement.recipients).joinedload(StatementRecipient.group),
        )
        .where(public_statement_filter())
    )


# --- feeds ------------------------------------------------------------------------------------------


def group_and_subgroups(group: Group) -> Select[int]:
    """The ids of ``group`` and of the groups below it (their codes start with its code and a slash)."""
    prefix = group.code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
    return select(Group.id).where(or_(Group.id == group.id, Group.code.like(prefix, escape="\\")))


def newest_public_items(session: Session, group: Group | None = None, limit: int = 50) -> list[WorkItem]:
    """The ``limit`` public items registered last, in ``group`` and its sub-groups if given."""
    query = select(WorkItem).options(joinedload(WorkItem.group).joinedload(Group.body)).where(public_item_filter())
    if group is not None:
        query = query.where(WorkItem.group_id.in_(group_and_subgroups(group)))
    return list(session.scalars(query.order_by(WorkItem.id.desc()).limit(limit)))


# --- exports ----------------------------------------------------------------------------------------

ITEM_EXPORT_FIELDS = (
    "id",
    "reference",
    "title",
    "summary",
    "type",
    "status",
    "body",
    "group",
    "question",
    "editors",
    "approval_process",
    "start_date",
    "target_date",
    "keywords",
    "equivalents",
    "url",
    "language",
    "created_at",
    "updated_at",
)

OVERLAP_EXPORT_FIELDS = (
    "id",
    "decision",
    "decided_at",
    "decision_note",
    "score",
    "item_a_id",
    "item_a_reference",
    "item_a_title",
    "item_a_group",
    "item_a_body",
    "item_b_id",
    "item_b_reference",
    "item_b_title",
    "item_b_group",
    "item_b_body",
    "created_at",
)

STATEMENT_EXPORT_FIELDS = (
    "id",
    "reference",
    "direction",
    "state",
    "title",
    "source",
    "source_group",
    "recipients",
    "sent_at",
    "abstract",
)


def iter_public_items(session: Session) -> Iterator[dict[str, Any]]:
    """Every public item as plain values (lists stay lists), oldest first, fetched in chunks."""
    query = (
        select(
            WorkItem.id,
            WorkItem.reference,
            WorkItem.title,
            WorkItem.summary,
            WorkItem.type,
            WorkItem.status,
            Body.code.label("body"),
            Group.code.label("group"),
            WorkItem.question,
            WorkItem.editors,
            WorkItem.approval_process,
            WorkItem.start_date,
            WorkItem.target_date,
            WorkItem.keywords,
            WorkItem.equivalents,
            WorkItem.url,
            WorkItem.language,
            WorkItem.created_at,
            WorkItem.updated_at,
        )
        .join(Group, WorkItem.group_id == Group.id)
        .join(Body, Group.body_id == Body.id)
        .where(public_item_filter())
        .order_by(WorkItem.id)
        .execution_options(yield_per=EXPORT_CHUNK)
    )
    yield from _plain_rows(session, query, ("start_date", "target_date", "created_at", "updated_at"))


def iter_decided_overlaps(session: Session) -> Iterator[dict[str, Any]]:
    """Every decided overlap between public items as plain values, oldest first, fetched in chunks."""
    item_a, item_b = aliased(WorkItem), aliased(WorkItem)
    group_a, group_b = aliased(Group), aliased(Group)
    body_a, body_b = aliased(Body), aliased(Body)
    query = (
        select(
            OverlapAlert.id,
            OverlapAlert.state.label("decision"),
            OverlapAlert.decided_at,
            OverlapAlert.decision_note,
            OverlapAlert.score,
            item_a.id.label("item_a_id"),
            item_a.reference.label("item_a_reference"),
            item_a.title.label("item_a_title"),
            group_a.code.label("item_a_group"),
            body_a.code.label("item_a_body"),
            item_b.id.label("item_b_id"),
            item_b.reference.label("item_b_reference"),
            item_b.title.label("item_b_title"),
            group_b.code.label("item_b_group"),
            body_b.code.label("item_b_body"),
            OverlapAlert.created_at,
        )
        .join(item_a, OverlapAlert.item_a_id == item_a.id)
        .join(item_b, OverlapAlert.item_b_id == item_b.id)
        .join(group_a, item_a.group_id == group_a.id)
        .join(group_b, item_b.group_id == group_b.id)
        .join(body_a, group_a.body_id == body_a.id)
        .join(body_b, group_b.body_id == body_b.id)
        .where(decided_overlap_filter())
        .order_by(OverlapAlert.id)
        .execution_options(yield_per=EXPORT_CHUNK)
    )
    yield from _plain_rows(session, query, ("decided_at", "created_at"))


def iter_public_statements(session: Session) -> Iterator[dict[str, Any]]:
    """Every public statement as plain values, oldest first (recipients as a list of labels)."""
    query = (
        public_statements_query()
        .order_by(LiaisonStatement.id)
        .execution_options(yield_per=EXPORT_CHUNK)
    )
    for statement in session.scalars(query):
        yield {
            "id": statement.id,
            "reference": statement.reference or "",
            "direction": statement.direction,
            "state": statement.state,
            "title": statement.title,
            "source": statement.source_text or (statement.source_group.code if statement.source_group else ""),
            "source_group": statement.source_group.code if statement.source_group else "",
            "recipients": [r.public_label for r in statement.recipients],
            "sent_at": _plain(statement.sent_at),
            "abstract": statement.abstract,
        }


def _plain_rows(session: Session, query: Any, dates: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Rows of ``query`` as dicts, the ``dates`` columns as ISO text (exports stream 100,000 rows: no per-value checks)."""
    for row in session.execute(query):
        values = row._asdict()
        for name in dates:
            if values[name] is not None:
                values[name] = values[name].isoformat()
        yield values


def _plain(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
