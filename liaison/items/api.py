"""Work items over JSON: search, read, register, change, withdraw, link, and read the history.

Requests and answers have the shapes of :mod:`liaison.items.schemas`, which the OpenAPI document publishes.
Changes need the version the caller read (``If-Match`` or a ``version`` field), so that two
people editing at once cannot overwrite each other: the second one gets 409 and reloads.
"""

from __future__ import annotations

from flask import Response, url_for

from liaison.core.errors import NotFound, ValidationError
from liaison.core.permissions import can_see_item
from liaison.core.schemas import read
from liaison.core.validators import parse_number
from liaison.db import get_session
from liaison.items.operations import (
    create_work_item,
    get_work_item,
    link_items,
    links_of,
    update_work_item,
    withdraw_work_item,
)
from liaison.items.queries import ItemFilters, item_by_reference, search_work_items, visible_history
from liaison.items.schemas import History, HistoryEvent, Link, LinkInput, LinkList, WorkItemQuery, other_end
from liaison.items.schemas import WorkItem as WorkItemSchema
from liaison.models import WorkItem
from liaison.web.api import bp
from liaison.web.api.auth import api_user, api_viewer, token_required
from liaison.web.api.params import expected_version, json_object, page_response, read_args, schema_response


@bp.get("/work-items")
def list_work_items() -> Response:
    """One page of the items the caller may see, searched, filtered and sorted."""
    query = read_args(WorkItemQuery)
    filters = ItemFilters(**query.model_dump(exclude={"page", "per_page"}))
    result = search_work_items(get_session(), filters, api_viewer(), query.page, query.per_page)
    return page_response(result, [WorkItemSchema.of(item) for item in result.items])


@bp.post("/work-items")
@token_required
def create_item() -> Response:
    """Register an item in a group where the caller holds a role; 201 with ``Location``."""
    session = get_session()
    # The service reads the body with the schema (WorkItemInput), as it reads forms and imports.
    item = create_work_item(session, api_user(), json_object())
    response = item_response(item, 201)
    response.headers["Location"] = url_for(".get_item", item_id=item.id)
    return response


@bp.get("/work-items/<id:item_id>")
def get_item(item_id: int) -> Response:
    """One item, with its version as the ``ETag``."""
    return item_response(visible_item(item_id))


@bp.patch("/work-items/<id:item_id>")
@token_required
def update_item(item_id: int) -> Response:
    """Change the fields sent (all others stay), if the version the caller edited is still current."""
    body = json_object()
    item = visible_item(item_id)
    version = expected_version(body, required=True)
    session = get_session()
    update_work_item(session, api_user(), item, body, version)
    # The service sets ``group_id``; reload so that a moved item answers with its new group and body.
    session.expire(item)
    return item_response(item)


@bp.delete("/work-items/<id:item_id>")
@token_required
def withdraw_item(item_id: int) -> Response:
    """Withdraw the item: nothing is erased, and a PATCH of ``status`` brings it back."""
    item = visible_item(item_id)
    version = expected_version(None, required=False)
    session = get_session()
    withdraw_work_item(session, api_user(), item, item.version if version is None else version)
    return item_response(item)


@bp.get("/work-items/<id:item_id>/links")
def item_links(item_id: int) -> Response:
    """The typed links of the item, both ways; links to items the caller may not see are left out."""
    item = visible_item(item_id)
    viewer = api_viewer()
    links = [
        Link.of(link, item) for link in links_of(get_session(), item) if can_see_item(viewer, other_end(link, item))
    ]
    return schema_response(LinkList(items=links))


@bp.post("/work-items/<id:item_id>/links")
@token_required
def link_item(item_id: int) -> Response:
    """Link the item to another (by id or reference): 201 for a new link, 200 when it retypes one."""
    body = json_object()
    item = visible_item(item_id)
    request = read(LinkInput, body)
    target = _target_item(request.target)
    existing = {link.id for link in links_of(get_session(), item)}
    session = get_session()
    link = link_items(session, api_user(), item, target, request.type, request.note)
    return schema_response(Link.of(link, item), 200 if link.id in existing else 201)


@bp.get("/work-items/<id:item_id>/history")
def item_history(item_id: int) -> Response:
    """The audit events of the item the caller may read (as on the item's page), newest first (at most 200)."""
    item = visible_item(item_id)
    events = visible_history(get_session(), item, api_viewer())
    return schema_response(History(items=[HistoryEvent.of(event) for event in events]))


def visible_item(item_id: int) -> WorkItem:
    """The item with ``item_id`` if the caller may see it; otherwise 404, so that private items stay unknown."""
    item = get_work_item(get_session(), item_id)
    if not can_see_item(api_viewer(), item):
        raise NotFound(f"no work item with id {item_id}")
    return item


def item_response(item: WorkItem, status: int = 200) -> Response:
    """The item as JSON with ``ETag: "<version>"`` (what ``If-Match`` sends back)."""
    response = schema_response(WorkItemSchema.of(item), status)
    response.set_etag(str(item.version))
    return response


def _target_item(value: int | str) -> WorkItem:
    """The item a link points to, named by id (a number, or digits) or by reference."""
    session = get_session()
    text = str(value)
    item = item_by_reference(session, text) if isinstance(value, str) else None
    number = parse_number(text)
    if item is None and number is not None:
        item = session.get(WorkItem, number)
    if item is None or not can_see_item(api_viewer(), item):
        raise ValidationError({"target": f"no work item with id or reference {text!r}"})
    return item
