"""Nothing private reaches an anonymous visitor: a crawl of the whole public site, feeds, exports and reports.

The ``populated`` world holds a private work item, an open alert, a decision that was undone (its
note is internal), a draft and an approved-but-unsent statement, and a link note to the private
item, each with a distinctive string. An anonymous visitor follows every link from the home page,
opens every GET route without arguments, the feeds, the exports and the report in every format;
no answer may contain one of those strings, and none may be a server error.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.public.conftest import World, alert_between

MAX_PAGES = 500
REPORT = "/report/?from=2000-01-01&to=2100-12-31&format="


class LinkParser(HTMLParser):
    """The ``href`` of every link and the ``action`` of every GET form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "link") and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "get" and values.get("action"):
            self.links.append(values["action"] or "")


def same_site(base: str, href: str) -> str | None:
    """``href`` as a path and query on this site, or None for other sites, mail links and static files."""
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("", "localhost"):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def text_of(response) -> str:
    """What a visitor could read in a response, documents unpacked."""
    if response.mimetype.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as docx:
            return " ".join(docx.read(name).decode("utf-8", "replace") for name in docx.namelist() if name.endswith(".xml"))
    return response.get_data(as_text=True)


def argumentless_get_routes(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )


def crawl(client: FlaskClient, starts: list[str]) -> dict[str, tuple[int, str]]:
    """Every same-site page reachable from ``starts`` (bounded), as path -> (status, text)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        # The login link carries the page it came from: one visit of the login page is enough.
        key = "/auth/login" if path.startswith("/auth/login") else path
        if key in seen:
            continue
        response = client.get(path)
        body = text_of(response)
        seen[key] = (response.status_code, body)
        if response.mimetype == "text/html":
            parser = LinkParser()
            parser.feed(body)
            for href in parser.links:
                target = same_site(f"http://localhost{path}", href)
                if target is not None and target not in seen:
                    queue.append(target)
    return seen


def test_an_anonymous_visitor_never_sees_private_things(app: Flask, client: FlaskClient, populated: World) -> None:
    open_alert = alert_between(populated.db, populated.items["X.reporting"], populated.items["D.helplines"])
    starts = ["/", *argumentless_get_routes(app), "/feeds/items.atom?group=ITU-T/SG17"]
    starts += ["/statements/feed.atom?group=ITU-T/SG17", "/statements/feed.atom?group=ITU-D/SG2"]
    starts += [f"/exports/{name}.{ext}" for name in ("items", "overlaps", "statements") for ext in ("csv", "jsonl")]
    starts += [REPORT + fmt for fmt in ("html", "docx", "csv")] + [REPORT + "html&download=1"]
    pages = crawl(client, starts)

    assert len(pages) > 30, "the crawl should reach the item, group, overlap and report pages"
    assert "/overlaps/" in pages and any(re.fullmatch(r"/items/\d+", path) for path in pages)
    errors = {path: status for path, (status, _body) in pages.items() if status >= 500}
    assert errors == {}
    leaks = sorted(
        f"{what} on {path}"
        for path, (_status, body) in pages.items()
        for what, secret in [*populated.private.items(), ("a link to the open alert", f"/overlaps/{open_alert.id}\"")]
        if secret in body
    )
    assert leaks == [], "\n".join(leaks)


def test_private_pages_answer_not_found_to_anonymous_visitors(client: FlaskClient, populated: World) -> None:
    secret = populated.db.get(type(populated.items["X.reporting"]), _id_of(populated, "X.zzsecretitem"))
    assert client.get(f"/items/{secret.id}").status_code == 404
    open_alert = alert_between(populated.db, populated.items["X.reporting"], populated.items["D.helplines"])
    assert client.get(f"/overlaps/{open_alert.id}").status_code == 404


def _id_of(world: World, reference: str) -> int:
    return world.items[reference].id
