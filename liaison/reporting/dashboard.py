"""Statistics of the tracker: overlaps between bodies, items per body and status, statements, delays.

Two scopes. ``public`` counts only what anybody may read (public items, alerts between two
public items, statements that left or reached a group): open alerts appear there as numbers
only, never as alerts, and only between public items, so a count never reveals that a private
item exists. ``full`` (chairs and admins) counts everything, private items and drafts included.

Every figure comes from a handful of GROUP BY queries whatever the size of the registry; a
:class:`~liaison.core.timed_cache.TimedCache` keeps the result for a while per process, since the figures move slowly.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from liaison.models import ITEM_STATUSES, Body, Group, LiaisonStatement, OverlapAlert, StatementRecipient, WorkItem
from liaison.models.statements import ACTION_PURPOSES
from liaison.reporting.public_data import PUBLIC_DECISIONS, PUBLIC_STATEMENT_STATES, between_public_items

Scope = Literal["public", "full"]
#: The columns of the overlap matrix: the decisions, then what is still waiting for one.
OVERLAP_STATES = (*PUBLIC_DECISIONS, "open")
#: The label used for statements whose source is no group of the registry.
OUTSIDE = "(outside the registry)"


@dataclass(frozen=True)
class PairCounts:
    """The alerts between items of two bodies (or within one), by state."""

    first: str
    second: str
    by_state: dict[str, int]

    @property
    def found(self) -> int:
        """Every alert raised between the two bodies."""
        return sum(self.by_state.values())


@dataclass(frozen=True)
class StatementCounts:
    """What one body's groups did with liaison statements."""

    sent: int = 0
    received: int = 0
    answered: int = 0
    overdue: int = 0
    in_preparation: int = 0


@dataclass(frozen=True)
class DashboardStats:
    """Everything the dashboard shows, in plain values."""

    scope: Scope
    generated_at: dt.datetime
    bodies: list[str]
    overlaps: list[PairCounts]
    items_by_body: dict[str, dict[str, int]]
    statements_by_body: dict[str, StatementCounts]
    median_days_to_decision: float | None
    median_days_to_answer: float | None
    decisions_timed: int
    answers_timed: int
    totals: dict[str, int] = field(default_factory=dict)

    def pair(self, first: str, second: str) -> PairCounts | None:
        """The counts between two bodies, whichever order they are given in."""
        for counts in self.overlaps:
            if {counts.first, counts.second} == {first, second}:
                return counts
        return None

    def overlap_totals(self) -> dict[str, int]:
        """Alerts by state over all pairs of bodies."""
        totals = dict.fromkeys(OVERLAP_STATES, 0)
        for counts in self.overlaps:
            for state, number in counts.by_state.items():
                totals[state] = totals.get(state, 0) + number
        return totals


def compute_dashboard(session: Session, scope: Scope, today: dt.date | None = None) -> DashboardStats:
    """Compute the dashboard's figures for ``scope`` (``today`` decides which deadlines are overdue)."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    public = scope == "public"
    bodies = list(session.scalars(select(Body.code).order_by(Body.kind.desc(), Body.code)))
    items_by_body = _items_by_body(session, public)
    overlaps = overlap_pairs(session, bodies, public)
    statements_by_body = _statements_by_body(session, public, today)
    decision_days = decision_delays(session, public)
    answer_days = answer_delays(session)
    return DashboardStats(
        scope=scope,
        generated_at=dt.datetime.now(dt.timezone.utc),
        bodies=bodies,
        overlaps=overlaps,
        items_by_body=items_by_body,
        statements_by_body=statements_by_body,
        median_days_to_decision=median_days(decision_days),
        median_days_to_answer=median_days(answer_days),
        decisions_timed=len(decision_days),
        answers_timed=len(answer_days),
        totals={
            "items": sum(sum(by_status.values()) for by_status in items_by_body.values()),
            "alerts": sum(pair.found for pair in overlaps),
            "statements": sum(c.sent + c.received for c in statements_by_body.values()),
        },
    )


def _items_by_body(session: Session, public: bool) -> dict[str, dict[str, int]]:
    # Counted per group (an index-only scan of (is_public, group_id, status)), then summed per body here:
    # joining 100,000 items to their groups and bodies in SQL costs ten times more.
    query = select(WorkItem.group_id, WorkItem.status, func.count()).group_by(WorkItem.group_id, WorkItem.status)
    if public:
        query = query.where(WorkItem.is_public.is_(True))
    body_of = _body_of_groups(session)
    result: dict[str, dict[str, int]] = {}
    for group_id, status, number in session.execute(query):
        by_status = result.setdefault(body_of[group_id], dict.fromkeys(ITEM_STATUSES, 0))
        by_status[status] += number
    return result


def _body_of_groups(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Group.id, Body.code).join(Body, Group.body_id == Body.id)).all())


def overlap_pairs(session: Session, bodies: list[str], public: bool, *where: Any) -> list[PairCounts]:
    """Alerts by pair of bodies and state (``where`` narrows the alerts, e.g. to those raised in a period).

    ``bodies`` gives the order: each pair is named with the body that comes first in it.
    """
    item_a, item_b = aliased(WorkItem), aliased(WorkItem)
    query = (
        select(item_a.group_id, item_b.group_id, OverlapAlert.state, func.count())
        .select_from(OverlapAlert)
        .join(item_a, OverlapAlert.item_a_id == item_a.id)
        .join(item_b, OverlapAlert.item_b_id == item_b.id)
        .where(OverlapAlert.state.in_(OVERLAP_STATES), *where)
        .group_by(item_a.group_id, item_b.group_id, OverlapAlert.state)
    )
    if public:
        query = query.where(between_public_items())
    body_of = _body_of_groups(session)
    order = {code: position for position, code in enumerate(bodies)}

    def place(code: str) -> tuple[int, str]:
        return (order.get(code, len(order)), code)

    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for group_a, group_b, state, number in session.execute(query):
        first, second = sorted((body_of[group_a], body_of[group_b]), key=place)
        pairs.setdefault((first, second), dict.fromkeys(OVERLAP_STATES, 0))[state] += number
    return [
        PairCounts(first, second, by_state)
        for (first, second), by_state in sorted(pairs.items(), key=lambda entry: (place(entry[0][0]), place(entry[0][1])))
    ]


def _statements_by_body(session: Session, public: bool, today: dt.date) -> dict[str, StatementCounts]:
    counts: dict[str, dict[str, int]] = {}

    def add(body: str | None, kind: str, number: int) -> None:
        counts.setdefault(body or OUTSIDE, {}).setdefault(kind, 0)
        counts[body or OUTSIDE][kind] += number

    by_state = (
        select(Body.code, LiaisonStatement.direction, LiaisonStatement.state, func.count())
        .select_from(LiaisonStatement)
        .outerjoin(Group, LiaisonStatement.source_group_id == Group.id)
        .outerjoin(Body, Group.body_id == Body.id)
        .group_by(Body.code, LiaisonStatement.direction, LiaisonStatement.state)
    )
    for body, direction, state, number in session.execute(by_state):
        if state in PUBLIC_STATEMENT_STATES:
            add(body, "sent" if direction == "outgoing" else "received", number)
        elif not public and state in ("draft", "pending_approval", "approved"):
            add(body, "in_preparation", number)

    # Answered: a reply came (the statement's state), or a recipient recorded the action it took.
    answered = (
        select(Body.code, func.count(func.distinct(LiaisonStatement.id)))
        .select_from(LiaisonStatement)
        .outerjoin(StatementRecipient, StatementRecipient.statement_id == LiaisonStatement.id)
        .outerjoin(Group, LiaisonStatement.source_group_id == Group.id)
        .outerjoin(Body, Group.body_id == Body.id)
        .where(
            LiaisonStatement.direction == "outgoing",
            LiaisonStatement.state.in_(PUBLIC_STATEMENT_STATES),
            or_(LiaisonStatement.state == "answered", StatementRecipient.action_taken_at.is_not(None)),
        )
        .group_by(Body.code)
    )
    for body, number in session.execute(answered):
        add(body, "answered", number)

    overdue = (
        select(Body.code, func.count(func.distinct(LiaisonStatement.id)))
        .select_from(StatementRecipient)
        .join(LiaisonStatement, StatementRecipient.statement_id == LiaisonStatement.id)
        .outerjoin(Group, LiaisonStatement.source_group_id == Group.id)
        .outerjoin(Body, Group.body_id == Body.id)
        .where(*overdue_conditions(today))
        .group_by(Body.code)
    )
    for body, number in session.execute(overdue):
        add(body, "overdue", number)
    return {body: StatementCounts(**kinds) for body, kinds in counts.items()}


def overdue_conditions(today: dt.date) -> tuple[Any, ...]:
    """WHERE clauses of a recipient whose action on a sent statement is past its deadline and not done."""
    return (
        LiaisonStatement.direction == "outgoing",
        LiaisonStatement.state == "sent",
        StatementRecipient.purpose.in_(ACTION_PURPOSES),
        StatementRecipient.deadline < today,
        StatementRecipient.action_taken_at.is_(None),
    )


def decision_delays(session: Session, public: bool, *where: Any) -> list[float]:
    """Days from alert to decision of each decided alert (``where`` narrows the alerts)."""
    query = select(OverlapAlert.created_at, OverlapAlert.decided_at).where(
        OverlapAlert.state.in_(PUBLIC_DECISIONS), OverlapAlert.decided_at.is_not(None), *where
    )
    if public:
        query = query.where(between_public_items())
    return days_between(session.execute(query).all())


def answer_delays(session: Session, *where: Any) -> list[float]:
    """Days from sending to action taken of each recipient of a sent statement (``where`` narrows them)."""
    query = (
        select(LiaisonStatement.sent_at, StatementRecipient.action_taken_at)
        .join(StatementRecipient, StatementRecipient.statement_id == LiaisonStatement.id)
        .where(
            LiaisonStatement.direction == "outgoing",
            LiaisonStatement.state.in_(PUBLIC_STATEMENT_STATES),
            LiaisonStatement.sent_at.is_not(None),
            StatementRecipient.action_taken_at.is_not(None),
            *where,
        )
    )
    return days_between(session.execute(query).all())


def days_between(pairs: Iterable[tuple[dt.datetime | None, dt.datetime | None]]) -> list[float]:
    """The days from start to end of each (start, end) pair; pairs missing a value or going back are left out."""
    days = []
    for start, end in pairs:
        if start is not None and end is not None and end >= start:
            days.append((end - start).total_seconds() / 86400)
    return days


def median_days(values: list[float]) -> float | None:
    """The median of ``values`` to a tenth, or None when there are none."""
    return round(statistics.median(values), 1) if values else None
