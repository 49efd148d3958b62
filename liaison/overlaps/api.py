"""API: check-as-you-type, items similar to an item, and overlap alerts."""

from __future__ import annotations

from flask import Response, request

from liaison.core.errors import NotFound, ValidationError
from liaison.core.permissions import can_see_item
from liaison.core.schemas import read, read_query
from liaison.db import get_session
from liaison.indexing import current_index
from liaison.items.operations import get_work_item
from liaison.models import User
from liaison.overlaps import operations as overlaps
from liaison.overlaps.schemas import (
    Alert,
    AlertPage,
    AlertQuery,
    ItemSimilarMatches,
    SimilarMatch,
    SimilarMatches,
    SimilarQuery,
    match_count,
)
from liaison.web.api import bp
from liaison.web.api.auth import api_user
from liaison.web.api.params import json_object, schema_response
from liaison.web.rate_limits import limited_for_anonymous
from liaison.web.session_auth import current_user
from liaison.web.transaction import only_reads


def _viewer() -> User | None:
    # Reads accept the browser's session as well as a token: the work-item form calls /similar.
    return api_user() or current_user()


@bp.post("/similar")
@only_reads
@limited_for_anonymous("LIAISON_SIMILAR_RATE_LIMIT", signed_in=lambda: _viewer() is not None)
def similar() -> Response:
    """Items alike to a draft's title, summary and keywords (the work-item form calls this as you type)."""
    # Everything is read and checked here, with the bounds of a work item's fields, before the
    # index (and its lock, which every item write needs too) is touched.
    draft = read(SimilarQuery, json_object())
    found = overlaps.similar_to_text(
        get_session(), current_index(), _viewer(), draft, k=draft.k, exclude_id=draft.exclude_id
    )
    return schema_response(SimilarMatches(matches=[_match(f) for f in found]))


@bp.get("/work-items/<id:item_id>/similar")
def item_similar(item_id: int) -> Response:
    """The items most alike to one item."""
    session = get_session()
    item = get_work_item(session, item_id)
    if not can_see_item(_viewer(), item):
        raise NotFound(f"no work item with id {item_id}")
    try:
        k = match_count(request.args.get("k", 10))
    except ValueError as exc:
        raise ValidationError({"k": str(exc)}) from None
    found = overlaps.similar_to_item(session, current_index(), _viewer(), item, k=k)
    return schema_response(ItemSimilarMatches(item=item.id, matches=[_match(f) for f in found]))


@bp.get("/alerts")
def alerts() -> Response:
    """Overlap alerts, highest score first (or another ``order``); anonymous callers see decided alerts
    between public items only."""
    query = read_query(AlertQuery, request.args)
    filters = overlaps.AlertFilters(
        order=query.order,
        state=query.state,
        group=query.group,
        body=query.body,
        min_score=query.min_score,
        max_score=query.max_score,
    )
    page, per_page = query.page, query.per_page
    result = overlaps.search_alerts(get_session(), filters, _viewer(), page, per_page)
    items = [Alert.of(alert) for alert in result.items]
    return schema_response(
        AlertPage(items=items, page=result.page, per_page=result.per_page, total=result.total, pages=result.pages)
    )


@bp.get("/alerts/<id:alert_id>")
def alert(alert_id: int) -> Response:
    """One overlap alert with its score breakdown and reasons."""
    return schema_response(Alert.of(overlaps.get_alert(get_session(), alert_id, _viewer())))


def _match(found: overlaps.SimilarItem) -> SimilarMatch:
    return SimilarMatch.of(found.item, found.score, found.reasons, found.features)

