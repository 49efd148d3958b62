"""Atom feeds (RFC 4287) of new public work items, overall or of one group and its sub-groups."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _

from liaison.db import get_session
from liaison.models import WorkItem
from liaison.models.work_items import ITEM_STATUS_LABELS
from liaison.organisation.operations import group_by_code
from liaison.reporting.public_data import newest_public_items
from liaison.web.addresses import current_url
from liaison.web.atom import FEED_LENGTH, Entry, atom_response

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


@bp.route("/")
def index() -> Any:
    """The feeds there are, and how to follow one group."""
    return render_template("public/feeds.html")


@bp.route("/items.atom")
def items() -> Response:
    """The newest public work items; ``?group=CODE`` for one group (its sub-groups included)."""
    db = get_session()
    code = request.args.get("group", "").strip()
    group = group_by_code(db, code) if code else None
    # In the language of the request: feed readers send no Accept-Language, so a subscriber who wants
    # the feed in French subscribes to ``?lang=fr``.
    title = _("New COP work items of %(code)s", code=group.code) if group else _("New COP work items")
    entries = [_item_entry(item) for item in newest_public_items(db, group, FEED_LENGTH)]
    return atom_response(title, current_url(), url_for("items.index", _external=True, group=code or None), entries)


def _item_entry(item: WorkItem) -> Entry:
    url = url_for("items.detail", item_id=item.id, _external=True)
    status = ITEM_STATUS_LABELS.get(item.status, item.status)
    summary = f"{item.group.code} ({item.group.body.name}) · {item.type_label} · {status}"
    if item.summary:
        summary += "\n\n" + item.summary
    return Entry(
        id=url,
        title=f"{item.reference}: {item.title}",
        link=url,
        updated=item.updated_at,
        published=item.created_at,
        summary=summary,
        categories=(item.group.code, item.status),
    )
