"""Overlap alerts: finding items alike, raising one alert per pair, and reading them back."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, false, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from liaison.core.errors import NotFound
from liaison.core.pagination import Page, paginate
from liaison.core.permissions import can_see_item
from liaison.core.schemas import read
from liaison.items.documents import INACTIVE_STATUSES, document_for
from liaison.items.vectors import with_vectors
from liaison.models import ALERT_STATES, Body, Group, ItemLink, OverlapAlert, User, WorkItem
from liaison.overlaps import review
from liaison.overlaps.index import OverlapIndex
from liaison.overlaps.schemas import ALERT_ORDERS, DRAFT_FIELDS, SimilarQuery
from liaison.similarity import Document, Match, Pair
from liaison.similarity.embedding import document_text
from liaison.similarity.language import detect_language

#: How many neighbours an item saved is compared with for alerts (the rest score lower anyway).
ALERT_NEIGHBOURS = 25
#: Pairs of a scan whose stored alerts are read in one query.
RECORD_BATCH = 500
#: Check-as-you-type shows a draft's matches from this score up, well below the alert threshold: the
#: shipped model gives a title-only restatement of an item in another UN language little (measured on
#: the demo data, "Guidelines for industry on Child Online Protection" as tests/overlaps/test_multilingual.py
#: restates it, engine e5/9: French 0.144, Spanish 0.074, Arabic 0.204, Russian 0.085, Chinese 0.154;
#: with its summary every language raises an alert: 0.45, 0.57, 0.53, 0.41, 0.35) and unrelated English
#: drafts less (0.0006-0.0033 at best for the six of that test), so the panel shows the first and not
#: the second. An unrelated draft in another language scores as a French one does (0.0002-0.022 on
#: fourteen tried in French, Spanish, Arabic, Russian and Chinese): some show, labelled possible
#: overlaps, not alerts, as does a draft sharing title words with an item ("Industry guidelines for
#: food packaging": 0.005). A refitted model needs it measured again (that test fails when the floor
#: no longer parts the two).
SHOWN_FLOOR = 0.004
#: Stands for "not looked up yet" where None means "looked up: there is no alert".
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class SimilarItem:
    """A stored item found alike to some text, as check-as-you-type shows it."""

    item: WorkItem
    score: float
    reasons: tuple[str, ...]
    features: Mapping[str, float]


@dataclass
class ScanReport:
    """What a batch scan did."""

    items: int = 0
    pairs: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    unchanged: int = 0


def similar_to_text(
    session: Session,
    index: OverlapIndex,
    viewer: User | None,
    data: Mapping[str, Any] | SimilarQuery,
    *,
    k: int = 5,
    exclude_id: int | None = None,
) -> list[SimilarItem]:
    """Stored items most alike to a draft (title, summary, keywords...), for check-as-you-type."""
    document = draft_document(data, exclude_id)
    if document is None:
        return []
    if (document.title or document.summary) and index.embedder is not None:
        # The draft's own vector: the same work written in another language shares few words with it.
        text = document_text(document)
        document = replace(document, vector=index.embedder.embed([text])[0], language=detect_language(text))
    matches = _query(session, index, document, k + 1)
    return _visible_matches(session, index, viewer, matches, exclude_id)[:k]


def draft_document(data: Mapping[str, Any] | SimilarQuery, exclude_id: int | None = None) -> Document | None:
    """The draft as the engine sees it, or None when it has no text to compare yet.

    Each field goes through the work item's own cleaner, with the item's bounds (:class:`SimilarQuery`):
    a draft is refused (:class:`ValidationError`) exactly when the item would be, and before any lock
    is taken, so that nobody can make the engine work on text no item may hold.
    """
    draft = data if isinstance(data, SimilarQuery) else read(SimilarQuery, data)
    values = draft.model_dump(include=set(DRAFT_FIELDS))
    if not (values["title"] or values["summary"] or values["keywords"]):
        return None
    group = values["group"]
    return Document(
        id=f"draft:{exclude_id}" if exclude_id else "draft",
        title=values["title"],
        summary=values["summary"],
        keywords=tuple(values["keywords"]),
        group=group,
        body=group.split("/", 1)[0],
        identifiers=tuple(values["reference"].split()),
    )


def similar_to_item(
    session: Session, index: OverlapIndex, viewer: User | None, item: WorkItem, k: int = 10
) -> list[SimilarItem]:
    """Stored items most alike to ``item``."""
    return _visible_matches(session, index, viewer, _query(session, index, _stored_document(session, index, item), k), item.id)[:k]


def _stored_document(session: Session, index: OverlapIndex, item: WorkItem) -> Document:
    """What the engine sees of a stored item, with its stored vector when it has a current one."""
    return with_vectors(session, index.embedding_model, [document_for(item)])[0]


def _query(session: Session, index: OverlapIndex, document: Document, k: int) -> list[Match]:
    """The index brought up to date, then asked for the ``k`` best matches of ``document``."""
    index.refresh(session)
    assert index.engine is not None
    # Encoding the document (most of a query's work, some 50 ms for the longest draft) reads only the
    # fitted vocabularies, so it runs outside the lock: a long draft holds up no writer.
    prepared = index.engine.prepare(document)
    # The rest is not safe while another thread of the process adds to the engine (a refresh, a
    # save): it holds the index's lock, as changing the engine does.
    with index.lock:
        assert index.engine is not None
        return index.engine.query(document, k=k, prepared=prepared)


def raise_alerts_for_item(session: Session, index: OverlapIndex, item: WorkItem) -> list[OverlapAlert]:
    """Compare ``item`` with every other and raise an alert for each pair at or above the threshold.

    Runs when an item is created, its text or its status changes (form, API, import). One alert
    per pair, ever: an existing open alert is brought up to date, a decided one is left as decided
    (unless it was dismissed and the text changed materially since, see :mod:`.review`). A withdrawn
    item's open alerts close; when it comes back, they reopen.
    """
    if item.status in INACTIVE_STATUSES:
        review.close_alerts_of_withdrawn(session, item)
        return []
    review.reopen_alerts_of_restored(session, item)
    found = _query(session, index, _stored_document(session, index, item), ALERT_NEIGHBOURS)
    engine = index.engine
    assert engine is not None
    matches = [m for m in found if m.score >= engine.threshold]
    live = _existing_active_ids(session, index, [int(m.id) for m in matches])
    translations = _translation_pairs(session, [_pair_key(item.id, int(m.id)) for m in matches])
    # Its best few only (matches come best first): a chair cannot read a hundred alerts of one item.
    # Registered translations of one another are equivalent versions, never alerts.
    matches = [
        m for m in matches
        if int(m.id) in live and int(m.id) != item.id and _pair_key(item.id, int(m.id)) not in translations
    ][: index.alerts_per_item]
    return [
        _save_alert(session, item.id, int(m.id), m.score, m.features, m.reasons, engine.version)[0] for m in matches
    ]


#: An import that changed more items than this is followed by one scan of every pair instead.
FULL_SCAN_AFTER = 300


def import_scans_every_pair(changed: int) -> bool:
    """Whether checking an import of ``changed`` items runs one scan of every pair (commands say so first)."""
    return changed > FULL_SCAN_AFTER


def raise_alerts_after_import(session: Session, index: OverlapIndex, item_ids: list[int]) -> ScanReport | int:
    """Compare what an import changed with everything else, as saving one item by form does: the
    number of alerts raised or refreshed, or, past :data:`FULL_SCAN_AFTER` items (where one batch scan
    of every pair is cheaper than a query per item), the scan's report."""
    if import_scans_every_pair(len(item_ids)):
        return scan_overlaps(session, index)
    raised: set[int] = set()
    for item in session.scalars(select(WorkItem).where(WorkItem.id.in_(item_ids))):
        raised.update(alert.id for alert in raise_alerts_for_item(session, index, item))
    return len(raised)


def scan_overlaps(session: Session, index: OverlapIndex) -> ScanReport:
    """Rebuild the index from the database and raise alerts for every pair above the threshold.

    Idempotent: a second scan creates nothing. Safe beside a serving app: a pair the app
    raised meanwhile is updated instead of inserted twice.
    """
    report, pairs = find_pairs(session, index)
    record_pairs(session, index, pairs, report)
    return report


def find_pairs(session: Session, index: OverlapIndex) -> tuple[ScanReport, list[Pair]]:
    """Refit the index on every active item and list the pairs at or above its threshold, each item's
    best few (``index.alerts_per_item``)."""
    report = ScanReport(items=index.rebuild(session))
    assert index.engine is not None
    return report, list(index.engine.pairs(per_item=index.alerts_per_item))


def record_pairs(session: Session, index: OverlapIndex, pairs: Iterable[Pair], report: ScanReport) -> None:
    """Save one alert per pair into ``report``'s counts (``pairs`` may be wrapped in a progress bar)."""
    assert index.engine is not None
    version = index.engine.version
    pairs = iter(pairs)
    # The stored alerts of a batch of pairs are read in one query, not one query a pair: a nightly
    # rescan of 150,000 unchanged pairs spent most of its time asking for them one by one.
    while batch := list(itertools.islice(pairs, RECORD_BATCH)):
        keys = [_pair_key(int(p.a), int(p.b)) for p in batch]
        translations = _translation_pairs(session, keys)
        if translations:
            batch = [pair for pair, key in zip(batch, keys) if key not in translations]
            keys = [key for key in keys if key not in translations]
        stored = {
            (alert.item_a_id, alert.item_b_id): alert
            for alert in session.scalars(
                select(OverlapAlert).where(tuple_(OverlapAlert.item_a_id, OverlapAlert.item_b_id).in_(keys))
            )
        }
        fresh = [(pair, key) for pair, key in zip(batch, keys) if key not in stored]
        if _insert_alerts(session, fresh, version):
            report.pairs += len(fresh)
            report.created += len(fresh)
            known = [(pair, key, stored[key]) for pair, key in zip(batch, keys) if key in stored]
        else:
            known = [(pair, key, stored.get(key, _UNKNOWN)) for pair, key in zip(batch, keys)]
        for pair, key, alert in known:
            _, outcome = _save_alert(session, *key, pair.score, pair.features, pair.reasons, version, stored=alert)
            report.pairs += 1
            setattr(report, outcome, getattr(report, outcome) + 1)
        session.flush()


def _pair_key(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def _translation_pairs(session: Session, keys: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs among ``keys`` that an officer linked as one work in two languages: they are equivalent
    versions, never an overlap to alert about. (The link is symmetric, so stored smaller id first.)"""
    if not keys:
        return set()
    rows = session.execute(
        select(ItemLink.source_id, ItemLink.target_id).where(
            ItemLink.type == "translation", tuple_(ItemLink.source_id, ItemLink.target_id).in_(keys)
        )
    )
    return {(source, target) for source, target in rows}


def _insert_alerts(session: Session, fresh: list[tuple[Pair, tuple[int, int]]], version: str) -> bool:
    """Insert the open alerts of pairs that have none, all in one statement; False if another process
    raised one of them meanwhile (nothing is inserted then: the caller goes pair by pair)."""
    if not fresh:
        return True
    try:
        with session.begin_nested():
            session.add_all(
                OverlapAlert(item_a_id=a, item_b_id=b, state="open",
                             **_alert_values(pair.score, pair.features, pair.reasons, version))
                for pair, (a, b) in fresh
            )
        return True
    except IntegrityError:
        return False


def _alert_values(score: float, features: Mapping[str, float], reasons: Iterable[str], version: str) -> dict[str, Any]:
    """The columns an alert takes from the engine's verdict on its pair."""
    return {
        "score": round(min(1.0, max(0.0, float(score))), 4),
        "features": {k: round(float(v), 4) for k, v in features.items()},
        "reasons": list(reasons),
        "engine_version": version,
    }


def _save_alert(
    session: Session,
    first: int,
    second: int,
    score: float,
    features: Mapping[str, float],
    reasons: Iterable[str],
    version: str,
    stored: OverlapAlert | None = _UNKNOWN,
) -> tuple[OverlapAlert, str]:
    """Insert or refresh the alert of one pair; returns it and "created", "updated", "reopened" or "unchanged".

    ``stored`` is the pair's alert when the caller read it already (None: it has none).
    """
    a, b = sorted((first, second))
    values = _alert_values(score, features, reasons, version)
    score = values["score"]
    alert = stored
    if alert is _UNKNOWN:
        alert = session.scalar(select(OverlapAlert).where(OverlapAlert.item_a_id == a, OverlapAlert.item_b_id == b))
    if alert is None:
        try:
            with session.begin_nested():
                alert = OverlapAlert(item_a_id=a, item_b_id=b, state="open", **values)
                session.add(alert)
            return alert, "created"
        except IntegrityError:
            # Another process raised this pair between our SELECT and INSERT: update theirs.
            alert = session.scalar(
                select(OverlapAlert).where(OverlapAlert.item_a_id == a, OverlapAlert.item_b_id == b)
            )
            if alert is None:
                raise
    outcome = "updated"
    if alert.state == "not_overlap":
        reason = review.material_change(session, alert, score)
        if reason is not None:
            review.reopen_changed_pair(session, alert, reason)
            outcome = "reopened"
    if alert.state != "open" or (
        outcome != "reopened" and alert.score == score and alert.reasons == values["reasons"]
    ):
        return alert, "unchanged"
    for name, value in values.items():
        setattr(alert, name, value)
    return alert, outcome


def _existing_active_ids(session: Session, index: OverlapIndex, ids: list[int]) -> set[int]:
    """The ids among ``ids`` that are real, active items; the index forgets the others."""
    if not ids:
        return set()
    found = set(
        session.scalars(select(WorkItem.id).where(WorkItem.id.in_(ids), WorkItem.status.not_in(INACTIVE_STATUSES)))
    )
    index.forget([i for i in ids if i not in found])
    return found


def _visible_matches(
    session: Session, index: OverlapIndex, viewer: User | None, matches: list[Match], exclude_id: int | None
) -> list[SimilarItem]:
    ids = [int(m.id) for m in matches if m.id.isdigit() and int(m.id) != exclude_id]
    if not ids:
        return []
    query = (
        select(WorkItem)
        .options(joinedload(WorkItem.group).joinedload(Group.body))
        .where(WorkItem.id.in_(ids), WorkItem.status.not_in(INACTIVE_STATUSES))
    )
    if viewer is None or not viewer.is_active:
        query = query.where(WorkItem.is_public.is_(True))
    items = {item.id: item for item in session.scalars(query)}
    index.forget([i for i in ids if i not in items and session.get(WorkItem, i) is None])
    return [
        SimilarItem(items[int(m.id)], m.score, tuple(m.reasons), dict(m.features))
        for m in matches
        if m.id.isdigit() and int(m.id) in items
    ]


# --- reading alerts ---------------------------------------------------------------------------


#: Where a logistic model is least sure of a pair: the "uncertain" order puts the closest first.
UNCERTAIN_SCORE = 0.5
#: The sort of each queue order (:data:`liaison.overlaps.schemas.ALERT_ORDERS`): a sort key (a function of
#: the alert entity, so that it also applies to an alias) and whether it sorts descending; ties are broken by id.
#: Built from the order names, so that an order the API accepts without a sort fails at import, not on a request.
ALERT_SORTS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    order: {
        "score": (lambda alert: alert.score, True),
        # Active learning: a decision teaches the model most where it is least sure, and a logistic
        # model is least sure at a probability of one half.
        "uncertain": (lambda alert: func.abs(alert.score - UNCERTAIN_SCORE), False),
        "newest": (lambda alert: alert.created_at, True),
        "oldest": (lambda alert: alert.created_at, False),
    }[order]
    for order in ALERT_ORDERS
}


@dataclass
class AlertFilters:
    """What an alert list is narrowed to, and its order (one of :data:`liaison.overlaps.schemas.ALERT_ORDERS`)."""

    state: list[str] = field(default_factory=list)
    group: str = ""
    body: str = ""
    min_score: float | None = None
    max_score: float | None = None
    item_id: int | None = None
    #: Alerts involving any of these groups or their sub-groups ("involves my groups"); None: any group.
    group_codes: tuple[str, ...] | None = None
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None
    order: str = "score"


def alert_query(filters: AlertFilters, viewer: User | None):
    """Alerts matching ``filters`` in their order (highest score first by default), with both items,
    groups and bodies loaded.

    Open alerts are internal: anonymous viewers only see decided ones between public items.
    """
    key, descending = ALERT_SORTS[filters.order]
    query = _filtered(select(OverlapAlert), filters, viewer).options(
        joinedload(OverlapAlert.item_a).joinedload(WorkItem.group).joinedload(Group.body),
        joinedload(OverlapAlert.item_b).joinedload(WorkItem.group).joinedload(Group.body),
        joinedload(OverlapAlert.decided_by),
    )
    return query.order_by(key(OverlapAlert).desc() if descending else key(OverlapAlert).asc(), OverlapAlert.id)


def _filtered(query: Select, filters: AlertFilters, viewer: User | None, *, with_state: bool = True) -> Select:
    item_a, item_b = aliased(WorkItem), aliased(WorkItem)
    query = query.join(item_a, OverlapAlert.item_a_id == item_a.id).join(item_b, OverlapAlert.item_b_id == item_b.id)
    if viewer is None or not viewer.is_active:
        query = query.where(
            OverlapAlert.state.not_in(("open", "closed")), item_a.is_public.is_(True), item_b.is_public.is_(True)
        )
    if filters.state and with_state:
        query = query.where(OverlapAlert.state.in_(filters.state))
    if filters.group:
        query = query.where(_involves(item_a, item_b, (filters.group,)))
    if filters.group_codes is not None:
        query = query.where(_involves(item_a, item_b, filters.group_codes) if filters.group_codes else false())
    if filters.body:
        groups = select(Group.id).join(Body).where(Body.code == filters.body)
        query = query.where(or_(item_a.group_id.in_(groups), item_b.group_id.in_(groups)))
    return query.where(*_range_conditions(filters))


def _range_conditions(filters: AlertFilters) -> list[Any]:
    """The filters on scores, creation dates and one item, each only when it is set."""
    conditions: list[Any] = []
    if filters.min_score is not None:
        conditions.append(OverlapAlert.score >= filters.min_score)
    if filters.max_score is not None:
        conditions.append(OverlapAlert.score <= filters.max_score)
    if filters.created_from is not None:
        conditions.append(OverlapAlert.created_at >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(OverlapAlert.created_at < filters.created_to)
    if filters.item_id is not None:
        conditions.append(or_(OverlapAlert.item_a_id == filters.item_id, OverlapAlert.item_b_id == filters.item_id))
    return conditions


def _involves(item_a: Any, item_b: Any, codes: Iterable[str]) -> Any:
    """Either item belongs to one of the groups ``codes`` or to one of their sub-groups."""
    groups = select(Group.id).where(
        or_(*(or_(Group.code == code, Group.code.startswith(f"{code}/", autoescape=True)) for code in codes))
    )
    return or_(item_a.group_id.in_(groups), item_b.group_id.in_(groups))


def count_alerts_by_state(session: Session, filters: AlertFilters, viewer: User | None) -> dict[str, int]:
    """How many alerts match ``filters`` in each state (the state filter itself left out), every state listed."""
    query = _filtered(select(OverlapAlert.state, func.count()), filters, viewer, with_state=False)
    counts = {state: count for state, count in session.execute(query.group_by(OverlapAlert.state))}
    return {state: counts.get(state, 0) for state in ALERT_STATES}


def other_alerts_of(
    session: Session, item_id: int, viewer: User | None, *, besides: int, limit: int = 10
) -> list[OverlapAlert]:
    """Up to ``limit`` alerts on the item other than ``besides``, best first, as ``viewer`` may see them."""
    query = alert_query(AlertFilters(item_id=item_id), viewer).where(OverlapAlert.id != besides).limit(limit)
    return list(session.scalars(query).unique())


def alert_neighbours(
    session: Session, filters: AlertFilters, viewer: User | None, alert_id: int
) -> tuple[int | None, int | None]:
    """The ids of the alerts just before and just after ``alert_id`` in the queue ``filters`` make.

    Keyset on the order's own key, computed by the database for the current alert too, so that the
    comparison is exact; works when the current alert has left the queue (it was just decided).
    """
    key, descending = ALERT_SORTS[filters.order]
    current = aliased(OverlapAlert)
    here = select(key(current)).where(current.id == alert_id).scalar_subquery()
    column = key(OverlapAlert)
    after_key = column < here if descending else column > here
    before_key = column > here if descending else column < here
    base = _filtered(select(OverlapAlert.id), filters, viewer)
    tie = column == here
    after = base.where(or_(after_key, tie & (OverlapAlert.id > alert_id))).order_by(
        column.desc() if descending else column.asc(), OverlapAlert.id.asc()
    )
    before = base.where(or_(before_key, tie & (OverlapAlert.id < alert_id))).order_by(
        column.asc() if descending else column.desc(), OverlapAlert.id.desc()
    )
    return session.scalar(before.limit(1)), session.scalar(after.limit(1))


def search_alerts(
    session: Session, filters: AlertFilters, viewer: User | None, page: int = 1, per_page: int = 25
) -> Page[OverlapAlert]:
    """One page of alerts."""
    return paginate(session, alert_query(filters, viewer), page, per_page)


def get_alert(session: Session, alert_id: int, viewer: User | None) -> OverlapAlert:
    """The alert with ``alert_id`` if ``viewer`` may see it, else :class:`NotFound`."""
    alert = session.scalar(alert_query(AlertFilters(), viewer).where(OverlapAlert.id == alert_id))
    if alert is None:
        raise NotFound(f"no overlap alert with id {alert_id}")
    return alert


@dataclass(frozen=True)
class ItemOverlap:
    """One alert of an item, seen from that item: the other item and the alert."""

    alert: OverlapAlert
    other: WorkItem


#: The alerts an item's page and its officers hear of: open ones and decisions (not those closed
#: because an item was withdrawn).
ITEM_OVERLAP_STATES = tuple(state for state in ALERT_STATES if state != "closed")


def overlaps_of_item(
    session: Session, item: WorkItem, viewer: User | None, states: Iterable[str] = ITEM_OVERLAP_STATES
) -> list[ItemOverlap]:
    """The alerts of ``item`` that ``viewer`` may see, highest score first, each with the other item.

    The alert list's own rule decides which alerts show (anonymous viewers: decisions between
    public items); an other item the viewer may not see is left out whatever the alert says.
    """
    query = alert_query(AlertFilters(item_id=item.id, state=list(states)), viewer)
    found = []
    for alert in session.scalars(query):
        other = alert.item_b if alert.item_a_id == item.id else alert.item_a
        if can_see_item(viewer, other):
            found.append(ItemOverlap(alert, other))
    return found
