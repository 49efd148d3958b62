"""Atom documents (RFC 4287) as responses: the writer of the items' feeds and the statements' feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from flask import Response

from liaison.speaking import current_language

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
