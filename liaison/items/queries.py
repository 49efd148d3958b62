"""Finding work items: search, filters, sorting and paging, shared by the pages, the API and exports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, case, cast, or_, select, type_coerce
from sqlalchemy.orm import Session, joinedload

from liaison.core.audit import history
from liaison.core.pagination import Page, paginate
from liaison.core.permissions import can_see_item
from liaison.core.queries import contains_pattern, start_of_day
from liaison.models import ITEM_STATUSES, AuditEvent, Body, Group, User, WorkItem

SORTS: dict[str, ColumnElement[Any]] = {
    # Best match first when there are words to match (see item_query); without words, as "updated".
    "relevance": WorkItem.updated_at.desc(),
    "updated": WorkItem.updated_at.desc(),
    "-updated": WorkItem.updated_at.asc(),
    "reference": WorkItem.reference.asc(),
    "-reference": WorkItem.reference.desc(),
    "title": WorkItem.title.asc(),
    "-title": WorkItem.title.desc(),
    "target": WorkItem.target_date.asc(),
    "-target": WorkItem.target_date.desc(),
    "created": WorkItem.created_at.desc(),
    "-created": WorkItem.created_at.asc(),
}


@dataclass
class ItemFilters:
    """What a list of items is narrowed to; empty values mean "any"."""

    q: str = ""
    body: str = ""
    group: str = ""
    status: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    updated_from: dt.date | None = None
    updated_to: dt.date | None = None
    sort: str = "updated"


def item_query(filters: ItemFilters, viewer: User | None) -> Select:
    """The SELECT for ``filters`` as ``viewer`` may see it, with group and body loaded in the same query."""
    query = select(WorkItem).options(joinedload(WorkItem.group).joinedload(Group.body))
    if viewer is None or not viewer.is_active:
        query = query.where(WorkItem.is_public.is_(True))
    words = filters.q.split()[:MAX_SEARCH_WORDS]
    for word in words:
        query = query.where(or_(*(_word_in(column, word) for column, _ in _searched_columns())))
    if filters.group:
        # A group's list includes the work of its sub-groups (SG17 shows its Questions' items).
        sub = select(Group.id).where(or_(Group.code == filters.group, Group.code.like(f"{filters.group}/%")))
        query = query.where(WorkItem.group_id.in_(sub))
    if filters.body:
        query = query.where(WorkItem.group_id.in_(select(Group.id).join(Body).where(Body.code == filters.body)))
    if filters.status:
        query = query.where(WorkItem.status.in_(filters.status))
    if filters.type:
        query = query.where(WorkItem.type.in_(filters.type))
    if filters.updated_from:
        query = query.where(WorkItem.updated_at >= start_of_day(filters.updated_from))
    if filters.updated_to:
        query = query.where(WorkItem.updated_at < start_of_day(filters.updated_to + dt.timedelta(days=1)))
    if filters.sort == "relevance" and words:
        return query.order_by(_relevance(words).desc(), WorkItem.updated_at.desc(), WorkItem.id.desc())
    return query.order_by(SORTS.get(filters.sort, SORTS["updated"]), WorkItem.id.desc())


#: Words of a search that count; the rest of a long query is ignored.
MAX_SEARCH_WORDS = 8


def _searched_columns() -> list[tuple[Any, int]]:
    """The columns a search reads, each with its weight in the relevance order (a match in the
    reference or title says more than one somewhere in the summary)."""
    return [
        (WorkItem.reference, 4),
        (WorkItem.title, 3),
        (cast(WorkItem.keywords, String), 2),
        (WorkItem.summary, 1),
    ]


def _word_in(column: Any, word: str) -> ColumnElement[bool]:
    """``column`` holds ``word`` at the start of a word ("gag" finds "gag rule", not "engagement").

    The LIKE finds candidates (PostgreSQL serves it from the trigram indexes); the regular expression,
    the same on both databases (SQLAlchemy gives SQLite Python's ``re``; PostgreSQL reads ``(?i)`` and
    ``\\W`` alike), then keeps only matches that begin a word.
    """
    return and_(column.ilike(contains_pattern(word), escape="\\"), column.regexp_match(word_start_pattern(word)))


def word_start_pattern(word: str) -> str:
    """A case-insensitive regular expression for ``word`` where a word begins (any word that starts
    with a letter or digit must not follow one)."""
    boundary = r"(^|\W)" if re.match(r"\w", word) else ""
    return f"(?i){boundary}{re.escape(word)}"


def _relevance(words: list[str]) -> ColumnElement[int]:
    """How well an item matches ``words``: for each word, the weights of the columns holding it."""
    score: ColumnElement[int] = type_coerce(0, Integer)
    for word in words:
        for column, weight in _searched_columns():
            score = score + case((column.regexp_match(word_start_pattern(word)), weight), else_=0)
    return score


def search_work_items(
    session: Session, filters: ItemFilters, viewer: User | None, page: int = 1, per_page: int = 25,
    count_limit: int | None = None,
) -> Page[WorkItem]:
    """One page of the items matching ``filters`` (counted up to ``count_limit`` past the page, if given)."""
    return paginate(session, item_query(filters, viewer), page, per_page, count_limit)


def item_by_reference(session: Session, reference: str) -> WorkItem | None:
    """The item whose reference is exactly ``reference``, or None."""
    return session.scalar(select(WorkItem).where(WorkItem.reference == reference.strip()))


def visible_items_by_reference(session: Session, references: list[str], viewer: User | None) -> dict[str, WorkItem]:
    """The registered items whose reference is one of ``references`` and that ``viewer`` may see, by reference."""
    if not references:
        return {}
    found = session.scalars(select(WorkItem).where(WorkItem.reference.in_([r.strip() for r in references])))
    return {item.reference: item for item in found if can_see_item(viewer, item)}


def visible_history(session: Session, item: WorkItem, viewer: User | None) -> list[AuditEvent]:
    """``item``'s history, newest first, without the events ``viewer`` may not read.

    A link event names the other item and carries the link's note (a chair's reasons, when a
    decision made the link): it shows only to those who may see that other item. Events of
    other kinds than the registry's own changes and links are for people who log in.
    """
    events = history(session, "work_item", item.id)
    references = {ref for event in events if (ref := _linked_reference(event))}
    linked = {
        other.reference: other
        for other in (session.scalars(select(WorkItem).where(WorkItem.reference.in_(references))) if references else ())
    }
    signed_in = viewer is not None and viewer.is_active
    visible = []
    for event in events:
        if event.action.startswith("item_link."):
            other = linked.get(_linked_reference(event) or "")
            if other is not None and can_see_item(viewer, other):
                visible.append(event)
        elif event.action.startswith("work_item.") or signed_in:
            visible.append(event)
    return visible


def _linked_reference(event: AuditEvent) -> str | None:
    """The other item's reference in a link event (see ``link_items`` and ``unlink_items``)."""
    if not event.action.startswith("item_link."):
        return None
    changes = event.changes or {}
    target = changes.get("target")
    if isinstance(target, list) and len(target) == 2 and isinstance(target[1], str):
        return target[1]
    removed = changes.get("link")
    if isinstance(removed, list) and removed and isinstance(removed[0], list) and len(removed[0]) == 3:
        return str(removed[0][2])
    return None


def status_before_withdrawal(session: Session, item: WorkItem) -> str:
    """The status ``item`` had when it was last withdrawn, read from its history ("proposed" if unknown)."""
    changes = session.scalar(
        select(AuditEvent.changes)
        .where(
            AuditEvent.object_type == "work_item",
            AuditEvent.object_id == str(item.id),
            AuditEvent.action == "work_item.withdraw",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    previous = (changes or {}).get("status", [None])[0]
    return previous if previous in ITEM_STATUSES and previous != "withdrawn" else "proposed"
