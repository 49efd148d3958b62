"""Atom feeds (RFC 4287) of new public work items, overall or of one group and its sub-groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _

from liaison.db import get_session
from liaison.models import WorkItem
from liaison.models.work_items import ITEM_STATUS_LABELS
from liaison.services.public_data import group_by_code, newest_public_items
from liaison.speaking import current_language
from liaison.web.addresses import current_url

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "http://www.w3.org/2005/Atom"
ATOM_MIMETYPE = "application/atom+xml; charset=utf-8"
FEED_LENGTH = 50
#: A feed's time when it has no entry yet (Atom requires one).
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, in plain values."""

    id: str
    title: str
    link: str
    updated: dt.datetime
    published: dt.datetime | None
    summary: str
    categories: Sequence[str] = ()


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


def atom_response(title: str, self_url: str, alternate_url: str, entries: Sequence[Entry]) -> Response:
    """An Atom document as a response; all text goes through the XML writer, so it is escaped."""
    return Response(atom_document(title, self_url, alternate_url, entries), mimetype=ATOM_MIMETYPE)


def atom_document(title: str, self_url: str, alternate_url: str, entries: Sequence[Entry]) -> bytes:
    """The bytes of an Atom feed of ``entries`` (newest first), its ``xml:lang`` the language it is written in."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {XML_LANG: current_language()})
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    _text(feed, "updated", _rfc3339(max((e.updated for e in entries), default=EPOCH)))
    _text(ElementTree.SubElement(feed, f"{{{ATOM}}}author"), "name", "liaison")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=alternate_url, type="text/html")
    for entry in entries:
        element = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", _rfc3339(entry.updated))
        if entry.published is not None:
            _text(element, "published", _rfc3339(entry.published))
        ElementTree.SubElement(element, f"{{{ATOM}}}link", rel="alternate", href=entry.link, type="text/html")
        for term in entry.categories:
            ElementTree.SubElement(element, f"{{{ATOM}}}category", term=term)
        _text(element, "summary", entry.summary).set("type", "text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ElementTree.Element, name: str, value: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = _xml_safe(value)
    return element


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot carry most control characters at all, escaped or not: a pasted one would break the feed.
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def _rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
