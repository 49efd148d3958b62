"""What the annual report to Council says, gathered from the tracker as plain values.

Resolution 1306 asks CWG-COP to report to Council every year (resolves 1.3) and to keep its reports
public (resolves 5): the report is built from public data only (public items, decided overlaps
between public items, statements that were sent or received), so anybody may make it and it can
be published as it is. Alerts still open are counted, never listed.

All writers (.docx, HTML, CSV) render one :class:`AnnualReport`, so they always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from liaison.core.errors import ValidationError
from liaison.core.queries import start_of_day
from liaison.models import Body, Group, ItemLink, LiaisonStatement, OverlapAlert, StatementRecipient, WorkItem
from liaison.models.statements import ACTION_PURPOSES, statement_alerts
from liaison.models.work_items import LINK_PHRASES
from liaison.reporting.dashboard import (
    OVERLAP_STATES,
    PairCounts,
    answer_delays,
    decision_delays,
    median_days,
    overlap_pairs,
)
from liaison.reporting.public_data import (
    PUBLIC_DECISIONS,
    between_public_items,
    decided_overlap_filter,
    public_item_filter,
    public_statement_filter,
)

#: The dates a report may cover: the tracker's era, with room on both sides (and no overflow at year 9999).
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
#: Items registered in the period that the .docx and HTML list one by one; the CSV lists them all.
MAX_LISTED_ITEMS = 1000
#: Decisions whose pairs the report lists with the chairs' notes (the others are counted).
LISTED_DECISIONS = ("duplicate", "overlap")
#: A link to a page of the public site: ("item" | "overlap" | "statement", id) -> absolute URL or "".
Linker = Callable[[str, int], str]


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included."""

    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        """The first instant of the period (UTC)."""
        return start_of_day(self.start)

    @property
    def end_before(self) -> dt.datetime:
        """The first instant after the period (UTC)."""
        return start_of_day(self.end + dt.timedelta(days=1))

    def contains(self, column: Any) -> Any:
        """SQL: ``column`` (a timestamp) falls in the period."""
        return and_(column >= self.start_at, column < self.end_before)

    def __str__(self) -> str:
        return _("%(start)s to %(end)s", start=self.start.isoformat(), end=self.end.isoformat())


def parse_period(start: Any, end: Any) -> Period:
    """A :class:`Period` from two ISO dates (text or dates); :class:`ValidationError` says what is wrong."""
    errors: dict[str, str] = {}
    dates: dict[str, dt.date] = {}
    for name, value in (("from", start), ("to", end)):
        if isinstance(value, dt.date):
            dates[name] = value
        elif value is None or str(value).strip() == "":
            errors[name] = _("give a date as YYYY-MM-DD")
        else:
            try:
                dates[name] = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                errors[name] = _("“%(value)s” is not a date: write it as YYYY-MM-DD", value=value)
    for name, day in dates.items():
        if not EARLIEST <= day <= LATEST:
            errors[name] = _("must be between %(value)s and %(value2)s", value=EARLIEST.isoformat(), value2=LATEST.isoformat())
    if not errors and dates["to"] < dates["from"]:
        errors["to"] = _("must not be before the “from” date")
    if errors:
        raise ValidationError(errors)
    return Period(dates["from"], dates["to"])


@dataclass(frozen=True)
class ItemRef:
    """A work item as the report names it."""

    id: int
    reference: str
    title: str
    group: str
    body: str
    url: str


@dataclass(frozen=True)
class GroupActivity:
    """What one group did in the period."""

    body: str
    group: str
    registered: int = 0
    changed: int = 0
    decisions: int = 0
    statements_sent: int = 0
    statements_received: int = 0


@dataclass(frozen=True)
class LinkMade:
    """A link between the two items of a decided pair: worded when the report is written, in its language
    (the report itself is built once and may be written in several)."""

    source: str
    type: str
    target: str
    note: str

    def __str__(self) -> str:
        what = f"{self.source} {LINK_PHRASES.get(self.type, self.type)} {self.target}"
        return f"{what}: {self.note}" if self.note else what


@dataclass(frozen=True)
class DecisionEntry:
    """A duplicate or overlap decided in the period, with what the chair said and what was done."""

    id: int
    decision: str
    decided_at: dt.datetime | None
    note: str
    item_a: ItemRef
    item_b: ItemRef
    links: list[LinkMade]
    statements: list[str]
    url: str


@dataclass(frozen=True)
class StatementEntry:
    """A statement sent or received in the period."""

    id: int
    reference: str
    title: str
    direction: str
    state: str
    source: str
    recipients: list[str]
    sent_at: dt.datetime | None
    answered: bool
    url: str


@dataclass(frozen=True)
class OpenAction:
    """An action or comment a sent statement asked for that is not done yet."""

    statement_reference: str
    statement_title: str
    source: str
    recipient: str
    purpose: str
    deadline: dt.date | None
    overdue: bool
    url: str


@dataclass(frozen=True)
class ListedItem:
    """A work item registered in the period."""

    item: ItemRef
    type: str
    status: str
    created_at: dt.datetime


@dataclass
class AnnualReport:
    """Everything the report says."""

    period: Period
    generated_at: dt.datetime
    as_of: dt.date
    bodies: list[str]
    activity: list[GroupActivity]
    alerts_found: dict[str, int]
    decisions_made: dict[str, int]
    overlap_pairs: list[PairCounts]
    decisions: list[DecisionEntry]
    statements: list[StatementEntry]
    open_actions: list[OpenAction]
    items: list[ListedItem]
    items_total: int
    median_days_to_decision: float | None
    median_days_to_answer: float | None
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The report's title, with its period."""
        return _("Child online protection work across ITU and other bodies: report for %(period)s", period=str(self.period))

    def body_totals(self) -> dict[str, dict[str, int]]:
        """The activity summed per body."""
        totals: dict[str, dict[str, int]] = {}
        for row in self.activity:
            body = totals.setdefault(
                row.body, dict.fromkeys(("registered", "changed", "decisions", "statements_sent", "statements_received"), 0)
            )
            for key in body:
                body[key] += getattr(row, key)
        return totals

    @property
    def statements_sent(self) -> int:
        """Outgoing statements sent in the period."""
        return sum(1 for s in self.statements if s.direction == "outgoing")

    @property
    def statements_answered(self) -> int:
        """Of those, how many were answered."""
        return sum(1 for s in self.statements if s.direction == "outgoing" and s.answered)


def build_annual_report(
    session: Session, period: Period, link: Linker, today: dt.date | None = None
) -> AnnualReport:
    """Gather the report of ``period`` (``link`` makes the addresses of public pages; ``today`` dates open actions)."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    bodies = list(session.scalars(select(Body.code).order_by(Body.kind.desc(), Body.code)))
    items, items_total = _registered_items(session, period, link)
    return AnnualReport(
        period=period,
        generated_at=dt.datetime.now(dt.timezone.utc),
        as_of=today,
        bodies=bodies,
        activity=_activity(session, period),
        alerts_found=_alerts_found(session, period),
        decisions_made=_decisions_made(session, period),
        overlap_pairs=overlap_pairs(session, bodies, True, period.contains(OverlapAlert.created_at)),
        decisions=_decisions(session, period, link),
        statements=_statements(session, period, link),
        open_actions=_open_actions(session, today, link),
        items=items,
        items_total=items_total,
        median_days_to_decision=median_days(decision_delays(session, True, period.contains(OverlapAlert.decided_at))),
        median_days_to_answer=median_days(answer_delays(session, period.contains(StatementRecipient.action_taken_at))),
    )


# --- activity by body and group ---------------------------------------------------------------------


def _activity(session: Session, period: Period) -> list[GroupActivity]:
    counts: dict[int, dict[str, int]] = {}

    def add(rows: Any, key: str) -> None:
        for group_id, number in rows:
            if group_id is not None:
                counts.setdefault(group_id, {})[key] = counts.get(group_id, {}).get(key, 0) + number

    items = select(WorkItem.group_id, func.count()).where(public_item_filter()).group_by(WorkItem.group_id)
    add(session.execute(items.where(period.contains(WorkItem.created_at))), "registered")
    add(
        session.execute(
            items.where(period.contains(WorkItem.updated_at), WorkItem.created_at < period.start_at)
        ),
        "changed",
    )
    for side in (OverlapAlert.item_a_id, OverlapAlert.item_b_id):
        item = aliased(WorkItem)
        decided = (
            select(item.group_id, func.count())
            .select_from(OverlapAlert)
            .join(item, side == item.id)
            .where(decided_overlap_filter(), period.contains(OverlapAlert.decided_at))
            .group_by(item.group_id)
        )
        add(session.execute(decided), "decisions")
    sent = (
        select(LiaisonStatement.source_group_id, func.count())
        .where(
            LiaisonStatement.direction == "outgoing",
            public_statement_filter(),
            period.contains(LiaisonStatement.sent_at),
        )
        .group_by(LiaisonStatement.source_group_id)
    )
    add(session.execute(sent), "statements_sent")
    received = (
        select(StatementRecipient.group_id, func.count(func.distinct(LiaisonStatement.id)))
        .join(LiaisonStatement, StatementRecipient.statement_id == LiaisonStatement.id)
        .where(public_statement_filter(), period.contains(LiaisonStatement.sent_at))
        .group_by(StatementRecipient.group_id)
    )
    add(session.execute(received), "statements_received")
    if not counts:
        return []
    groups = session.execute(
        select(Group.id, Group.code, Body.code, Body.kind).join(Body).where(Group.id.in_(counts))
    ).all()
    rows = [GroupActivity(body, code, **counts[group_id]) for group_id, code, body, _kind in groups]
    kinds = {body: kind for _id, _code, body, kind in groups}
    return sorted(rows, key=lambda r: (kinds[r.body] != "itu", r.body, r.group))


# --- overlaps ----------------------------------------------------------------------------------------


def _alert_base() -> Any:
    return select(OverlapAlert.state, func.count()).where(between_public_items()).group_by(OverlapAlert.state)


def _alerts_found(session: Session, period: Period) -> dict[str, int]:
    """Alerts first raised in the period between public items, by what became of them (open ones counted only)."""
    query = _alert_base()
    found = dict.fromkeys(OVERLAP_STATES, 0)
    for state, number in session.execute(query.where(period.contains(OverlapAlert.created_at))):
        if state in found:
            found[state] = number
    return found


def _decisions_made(session: Session, period: Period) -> dict[str, int]:
    query = _alert_base()
    made = dict.fromkeys(PUBLIC_DECISIONS, 0)
    in_period = query.where(OverlapAlert.state.in_(PUBLIC_DECISIONS), period.contains(OverlapAlert.decided_at))
    for state, number in session.execute(in_period):
        made[state] = number
    return made


def _decisions(session: Session, period: Period, link: Linker) -> list[DecisionEntry]:
    alerts = session.scalars(
        select(OverlapAlert)
        .options(
            joinedload(OverlapAlert.item_a).joinedload(WorkItem.group).joinedload(Group.body),
            joinedload(OverlapAlert.item_b).joinedload(WorkItem.group).joinedload(Group.body),
        )
        .where(
            decided_overlap_filter(),
            OverlapAlert.state.in_(LISTED_DECISIONS),
            period.contains(OverlapAlert.decided_at),
        )
        .order_by(OverlapAlert.decided_at, OverlapAlert.id)
    ).all()
    if not alerts:
        return []
    links = _links_of_pairs(session, [(a.item_a_id, a.item_b_id) for a in alerts])
    statements = _statements_of_alerts(session, [a.id for a in alerts])
    return [
        DecisionEntry(
            id=alert.id,
            decision=alert.state,
            decided_at=alert.decided_at,
            note=alert.decision_note,
            item_a=_item_ref(alert.item_a, link),
            item_b=_item_ref(alert.item_b, link),
            # A link the decision made carries the decision's note: the report gives that note once.
            links=[
                made if made.note != alert.decision_note else replace(made, note="")
                for made in links.get(frozenset((alert.item_a_id, alert.item_b_id)), [])
            ],
            statements=statements.get(alert.id, []),
            url=link("overlap", alert.id),
        )
        for alert in alerts
    ]


def _links_of_pairs(session: Session, pairs: list[tuple[int, int]]) -> dict[frozenset[int], list[LinkMade]]:
    """The links between the items of each pair."""
    ids = {i for pair in pairs for i in pair}
    found: dict[frozenset[int], list[LinkMade]] = {}
    wanted = {frozenset(pair) for pair in pairs}
    query = (
        select(ItemLink)
        .options(joinedload(ItemLink.source), joinedload(ItemLink.target))
        .where(ItemLink.source_id.in_(ids), ItemLink.target_id.in_(ids))
        .order_by(ItemLink.id)
    )
    for item_link in session.scalars(query):
        key = frozenset((item_link.source_id, item_link.target_id))
        if key in wanted:
            made = LinkMade(item_link.source.reference, item_link.type, item_link.target.reference, item_link.note)
            found.setdefault(key, []).append(made)
    return found


def _statements_of_alerts(session: Session, alert_ids: list[int]) -> dict[int, list[str]]:
    query = (
        select(statement_alerts.c.alert_id, LiaisonStatement.reference, LiaisonStatement.title)
        .join(LiaisonStatement, LiaisonStatement.id == statement_alerts.c.statement_id)
        .where(statement_alerts.c.alert_id.in_(alert_ids), public_statement_filter())
        .order_by(LiaisonStatement.sent_at, LiaisonStatement.id)
    )
    found: dict[int, list[str]] = {}
    for alert_id, reference, title in session.execute(query):
        found.setdefault(alert_id, []).append(f"{reference}: {title}" if reference else title)
    return found


# --- statements --------------------------------------------------------------------------------------


def _statements(session: Session, period: Period, link: Linker) -> list[StatementEntry]:
    query = (
        select(LiaisonStatement)
        .options(
            joinedload(LiaisonStatement.source_group),
            selectinload(LiaisonStatement.recipients).joinedload(StatementRecipient.group),
        )
        .where(public_statement_filter(), period.contains(LiaisonStatement.sent_at))
        .order_by(LiaisonStatement.sent_at, LiaisonStatement.id)
    )
    return [
        StatementEntry(
            id=ls.id,
            reference=ls.reference or "",
            title=ls.title,
            direction=ls.direction,
            state=ls.state,
            source=_source(ls),
            recipients=[r.public_label for r in ls.recipients],
            sent_at=ls.sent_at,
            answered=ls.state == "answered" or any(r.action_taken_at is not None for r in ls.recipients),
            url=link("statement", ls.id),
        )
        for ls in session.scalars(query)
    ]


def _open_actions(session: Session, today: dt.date, link: Linker) -> list[OpenAction]:
    query = (
        select(StatementRecipient)
        .join(LiaisonStatement, StatementRecipient.statement_id == LiaisonStatement.id)
        .options(
            joinedload(StatementRecipient.group),
            joinedload(StatementRecipient.statement).joinedload(LiaisonStatement.source_group),
        )
        .where(
            LiaisonStatement.state.in_(("sent", "received", "answered")),
            StatementRecipient.purpose.in_(ACTION_PURPOSES),
            StatementRecipient.action_taken_at.is_(None),
        )
        .order_by(StatementRecipient.deadline, LiaisonStatement.id, StatementRecipient.position)
    )
    return [
        OpenAction(
            statement_reference=r.statement.reference or "",
            statement_title=r.statement.title,
            source=_source(r.statement),
            recipient=r.public_label,
            purpose=r.purpose,
            deadline=r.deadline,
            overdue=r.deadline is not None and r.deadline < today,
            url=link("statement", r.statement_id),
        )
        for r in session.scalars(query)
    ]


def _source(ls: LiaisonStatement) -> str:
    return ls.source_group.code if ls.source_group is not None else ls.source_text


# --- items -------------------------------------------------------------------------------------------


def _registered_items(session: Session, period: Period, link: Linker) -> tuple[list[ListedItem], int]:
    where = (public_item_filter(), period.contains(WorkItem.created_at))
    total = session.scalar(select(func.count()).select_from(WorkItem).where(*where)) or 0
    query = (
        select(WorkItem)
        .join(Group, WorkItem.group_id == Group.id)
        .join(Body, Group.body_id == Body.id)
        .options(joinedload(WorkItem.group).joinedload(Group.body))
        .where(*where)
        .order_by(Body.code, Group.code, WorkItem.reference)
        .limit(MAX_LISTED_ITEMS)
    )
    listed = [ListedItem(_item_ref(i, link), i.type_label, i.status, i.created_at) for i in session.scalars(query)]
    return listed, total


def iter_registered_items(session: Session, period: Period, link: Linker) -> Iterator[ListedItem]:
    """Every public item registered in ``period`` (for the CSV, which has no length limit), in chunks."""
    query = (
        select(WorkItem)
        .join(Group, WorkItem.group_id == Group.id)
        .join(Body, Group.body_id == Body.id)
        .options(joinedload(WorkItem.group).joinedload(Group.body))
        .where(public_item_filter(), period.contains(WorkItem.created_at))
        .order_by(Body.code, Group.code, WorkItem.reference)
        .execution_options(yield_per=1000)
    )
    for item in session.scalars(query):
        yield ListedItem(_item_ref(item, link), item.type_label, item.status, item.created_at)


def _item_ref(item: WorkItem, link: Linker) -> ItemRef:
    return ItemRef(item.id, item.reference, item.title, item.group.code, item.group.body.code, link("item", item.id))
