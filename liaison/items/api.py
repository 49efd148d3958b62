"""Work items over JSON: search, read, register, change, withdraw, link, and read the history.

An item is the dict of :func:`liaison.items.operations.as_dict`; input takes the same names.
Changes need the version the caller read (``If-Match`` or a ``version`` field), so that two
people editing at once cannot overwrite each other: the second one gets 409 and reloads.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import Response, jsonify, url_for
from sqlalchemy import select

from liaison.db import get_session
from liaison.models import AuditEvent, ItemLink, WorkItem
from liaison.core.errors import NotFound, ValidationError
from liaison.items.queries import search_work_items, visible_history
from liaison.core.permissions import can_see_item
from liaison.items.operations import (
    as_dict,
    create_work_item,
    get_work_item,
    link_items,
    links_of,
    update_work_item,
    withdraw_work_item,
)
from liaison.web.api import bp
from liaison.web.api.auth import api_user, api_viewer, token_required
from liaison.web.api.params import (
    QueryArgs,
    expected_version,
    item_filters,
    json_object,
    page_args,
    page_response,
)
from liaison.core.validators import parse_number

#: Fields of an item's JSON that describe it but cannot be set: ``body`` follows the group.
READ_ONLY_FIELDS = ("body",)
LINK_FIELDS = ("target", "type", "note")


@bp.get("/work-items")
def list_work_items() -> Response:
    """One page of the items the caller may see, searched, filtered and sorted."""
    args = QueryArgs()
    filters = item_filters(args)
    page, per_page = page_args(args)
    args.check()
    result = search_work_items(get_session(), filters, api_viewer(), page, per_page)
    return page_response(result, [as_dict(item) for item in result.items])


@bp.post("/work-items")
@token_required
def create_item() -> Response:
    """Register an item in a group where the caller holds a role; 201 with ``Location``."""
    data = _item_input(json_object())
    session = get_session()
    item = create_work_item(session, api_user(), data)
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
    update_work_item(session, api_user(), item, _item_input(body), version)
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
    rows = [
        link_dict(link, item)
        for link in links_of(get_session(), item)
        if can_see_item(viewer, _other(link, item))
    ]
    return jsonify({"items": rows})


@bp.post("/work-items/<id:item_id>/links")
@token_required
def link_item(item_id: int) -> Response:
    """Link the item to another (by id or reference): 201 for a new link, 200 when it retypes one."""
    body = json_object()
    item = visible_item(item_id)
    target, link_type, note = _link_input(body)
    existing = {link.id for link in links_of(get_session(), item)}
    session = get_session()
    link = link_items(session, api_user(), item, target, link_type, note)
    return _with_status(jsonify(link_dict(link, item)), 200 if link.id in existing else 201)


@bp.get("/work-items/<id:item_id>/history")
def item_history(item_id: int) -> Response:
    """The audit events of the item the caller may read (as on the item's page), newest first (at most 200)."""
    item = visible_item(item_id)
    events = visible_history(get_session(), item, api_viewer())
    return jsonify({"items": [event_dict(event) for event in events]})


def visible_item(item_id: int) -> WorkItem:
    """The item with ``item_id`` if the caller may see it; otherwise 404, so that private items stay unknown."""
    item = get_work_item(get_session(), item_id)
    if not can_see_item(api_viewer(), item):
        raise NotFound(f"no work item with id {item_id}")
    return item


def item_response(item: WorkItem, status: int = 200) -> Response:
    """The item as JSON with ``ETag: "<version>"`` (what ``If-Match`` sends back)."""
    response = _with_status(jsonify(as_dict(item)), status)
    response.set_etag(str(item.version))
    return response


def link_dict(link: ItemLink, item: WorkItem) -> dict[str, Any]:
    """A link as seen from ``item``: ``outgoing`` when ``item`` is its source (it supersedes, duplicates...)."""
    other = _other(link, item)
    return {
        "id": link.id,
        "type": link.type,
        "direction": "outgoing" if link.source_id == item.id else "incoming",
        "other": {"id": other.id, "reference": other.reference, "title": other.title},
        "note": link.note,
        "created_by": link.created_by.name if link.created_by is not None else None,
        "created_at": link.created_at.isoformat(),
    }


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """One audit event: what was done, by whom, when, and what changed (see the History schema)."""
    return {
        "id": event.id,
        "action": event.action,
        "summary": event.summary,
        "actor": event.actor.name if event.actor is not None else None,
        "created_at": event.created_at.isoformat(),
        "changes": event.changes,
    }


def _other(link: ItemLink, item: WorkItem) -> WorkItem:
    return link.target if link.source_id == item.id else link.source


def _item_input(data: Mapping[str, Any]) -> dict[str, Any]:
    # A client may send back the item it read; the read-only fields then come along and are dropped,
    # as clean_item_fields drops id, version, created_at and updated_at.
    return {name: value for name, value in data.items() if name not in READ_ONLY_FIELDS}


def _link_input(body: Mapping[str, Any]) -> tuple[WorkItem, str, str]:
    errors = {name: "unknown field" for name in sorted(set(body) - set(LINK_FIELDS))}
    link_type = body.get("type")
    if not isinstance(link_type, str) or not link_type.strip():
        errors["type"] = "give the kind of link as text, e.g. 'overlaps'"
        link_type = ""
    note = body.get("note") or ""
    if not isinstance(note, str):
        errors["note"] = "must be text"
        note = ""
    target = _target_item(body.get("target"), errors)
    if errors or target is None:
        raise ValidationError(errors)
    return target, link_type.strip(), note.strip()


def _target_item(value: Any, errors: dict[str, str]) -> WorkItem | None:
    """The item a link points to, named by id (a number, or digits) or by reference; None after an error."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        errors["target"] = "give the other item's id or reference"
        return None
    session = get_session()
    text = str(value).strip()
    item = session.scalar(select(WorkItem).where(WorkItem.reference == text)) if isinstance(value, str) else None
    number = parse_number(text)
    if item is None and number is not None:
        item = session.get(WorkItem, number)
    if item is None or not can_see_item(api_viewer(), item):
        errors["target"] = f"no work item with id or reference {text!r}"
        return None
    return item


def _with_status(response: Response, status: int) -> Response:
    response.status_code = status
    return response
