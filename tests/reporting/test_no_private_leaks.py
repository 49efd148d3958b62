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
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import Body, Group, LiaisonStatement, OverlapAlert, WorkItem
from liaison.statements.operations import create_statement, update_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval
from tests.reporting.conftest import World, alert_between
from tests.statements.helpers import ls_data

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
    if parts.path.startswith(("/static/", "/bootstrap/static/")):
        return None
    # The language links repeat every page six times over; what is private is private in every language.
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query) if key != "lang"])
    return parts.path + (f"?{query}" if query else "")


def text_of(response) -> str:
    """What a visitor could read in a response, documents unpacked."""
    if response.mimetype.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as docx:
            return " ".join(docx.read(name).decode("utf-8", "replace") for name in docx.namelist() if name.endswith(".xml"))
    return response.get_data(as_text=True)


def shows(body: str, secret: str) -> bool:
    """Whether ``body`` shows ``secret``. A number counts where it stands alone, not inside longer
    digits: a timestamp's "12:30:10.751234" holds "0.75" (an alert's score as pages print it), and a
    statement's timestamps made the crawl below fail about once in a few hundred runs."""
    if secret[:1].isdigit():
        return re.search(rf"(?<!\d){re.escape(secret)}", body) is not None
    return secret in body


def argumentless_get_routes(app: Flask) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
    )


def crawl(client: FlaskClient, starts: list[str], limit: int = MAX_PAGES) -> dict[str, tuple[int, str]]:
    """Every same-site page reachable from ``starts`` (bounded), as path -> (status, text)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        # The login link carries the page it came from: one visit of the login page is enough.
        key = "/login" if path.startswith("/login") else path
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
        if shows(body, secret)
    )
    assert leaks == [], "\n".join(leaks)


def test_private_pages_answer_not_found_to_anonymous_visitors(client: FlaskClient, populated: World) -> None:
    secret = populated.db.get(type(populated.items["X.reporting"]), _id_of(populated, "X.zzsecretitem"))
    assert client.get(f"/items/{secret.id}").status_code == 404
    open_alert = alert_between(populated.db, populated.items["X.reporting"], populated.items["D.helplines"])
    assert client.get(f"/overlaps/{open_alert.id}").status_code == 404


def _id_of(world: World, reference: str) -> int:
    return world.items[reference].id


# --- the whole trust boundary: every private field, every door ----------------------------------------

#: Where each kind of id goes in a route (``/items/<id:item_id>``...), and which rows to put there.
ROUTE_IDS: dict[str, tuple[type, str]] = {
    "item_id": (WorkItem, "id"),
    "alert_id": (OverlapAlert, "id"),
    "statement_id": (LiaisonStatement, "id"),
    "group_id": (Group, "id"),
    "body_id": (Body, "id"),
    "code": (Group, "code"),
}
#: Answers that are errors by design: bad parameters and unknown things, each with its body.
ERROR_PATHS = [
    "/items/?page=notanumber", "/statements/?tab=nope", "/overlaps/?state=nope", "/no/such/page",
    "/api/v1/work-items?per_page=-1", "/api/v1/liaison-statements?state=nope", "/api/v1/alerts?min_score=x",
    "/report/?from=2030-01-01&to=2020-01-01&format=html", "/exports/nothing.csv",
]


@pytest.fixture()
def seeded(populated: World, upload_dir: str) -> World:
    """``populated`` with a marker in every private field the tracker has: each text field of a private
    item, a private item of another group, a sent statement drafted under another title (its history
    before approval), addressed to an outside e-mail address and naming a private item and an open
    alert, and an incoming statement (public at once) naming another group's private item."""
    w, db = populated, populated.db
    hidden = w.item(
        "X.zzhiddenfields", "ITU-T/SG17", is_public=False, title="Qqhiddentitle", summary="Qqhiddensummary",
        question="Qqhiddenquestion", keywords=["Qqhiddenkeyword"], equivalents=["Qqhiddenequivalent"],
        editors=[{"name": "Qqhiddeneditor", "affiliation": "Qqhiddenaffiliation", "email": "qqeditor@hidden.example"}],
        base_text="Qqhiddenbasetext", url="https://qqhiddenurl.example/draft",
    )
    w.private |= {f"private item's {name}": f"Qqhidden{name}" for name in (
        "title", "summary", "question", "keyword", "equivalent", "editor", "affiliation", "basetext")}
    w.private |= {"private item's editor's e-mail": "qqeditor@hidden.example", "private item's URL": "qqhiddenurl",
                  "private item's reference": "X.zzhiddenfields"}
    theirs = w.item("D.zzsg2secret", "ITU-D/SG2", is_public=False, title="Qqsg2secrettitle")
    w.private |= {"another group's private item": "D.zzsg2secret", "its title": "Qqsg2secrettitle"}
    open_alert = alert_between(db, w.items["X.reporting"], w.items["D.helplines"], score=0.7531)
    w.private["an open alert's score"] = "0.75"

    outside = {"email": "qqoutside@private.example", "name": "", "purpose": "information"}
    ls = create_statement(db, w.officer, ls_data(
        title="Qqpreapprovaltitle", abstract="Qqpreapprovalabstract",
        recipients=[*ls_data()["recipients"], outside], work_items=[hidden.id, w.items["X.reporting"].id],
        alerts=[open_alert.id],
    ))
    update_statement(db, w.officer, ls, {"title": "LS on reporting", "abstract": "SG17 informs SG2."}, ls.version)
    submit_for_approval(db, w.officer, ls)
    send_statement(db, w.officer, approve_statement(db, w.chair, ls), upload_dir=upload_dir)
    w.private |= {"a title before approval": "Qqpreapprovaltitle", "an abstract before approval": "Qqpreapprovalabstract",
                  "an outside addressee's e-mail": "qqoutside@private.example",
                  "the outside addressee of populated's statement": "liaisons@ietf.example"}

    logger = w.factory.user("oscar@sg2.example", name="Oscar SG2", officer_of=("ITU-D/SG2",))
    create_statement(db, logger, {
        "direction": "incoming", "title": "UNICEF on helplines", "source_text": "UNICEF",
        "recipients": [{"group": "ITU-D/SG2", "purpose": "information"}],
        "work_items": [theirs.id, hidden.id], "alerts": [open_alert.id],
    })
    return w


def every_get_with_ids(app: Flask, db: Session) -> list[str]:
    """Every GET route with row ids in it, once for each row (public or private) of that kind."""
    values = {name: [str(v) for v in db.scalars(select(getattr(model, column)))] for name, (model, column) in ROUTE_IDS.items()}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not rule.arguments or not rule.arguments <= values.keys():
            continue
        (name,) = rule.arguments
        for value in values[name]:
            paths.append(rule.build({name: value}, append_unknown=False)[1])
    return paths


def test_an_anonymous_crawl_of_every_door_finds_no_private_marker(app: Flask, client: FlaskClient, seeded: World) -> None:
    """The "done when" of the trust boundary: pages, feeds, exports, reports, the API, .docx and error bodies."""
    api_lists = [f"/api/v1/{name}?per_page=200" for name in ("work-items", "alerts", "liaison-statements")]
    starts = ["/", *argumentless_get_routes(app), *every_get_with_ids(app, seeded.db), *api_lists, *ERROR_PATHS]
    starts += [f"/exports/{name}.{ext}" for name in ("items", "overlaps", "statements") for ext in ("csv", "jsonl")]
    starts += [REPORT + fmt for fmt in ("html", "docx", "csv")]
    pages = crawl(client, starts, limit=1000)
    print(len(pages))
    assert len(pages) < 1000, "the crawl should end by itself, having read everything"
    similar = client.post("/api/v1/similar", json={"title": "draft strategy", "summary": "an early idea of SG17"})
    pages["POST /api/v1/similar"] = (similar.status_code, text_of(similar))

    assert any(re.fullmatch(r"/api/v1/liaison-statements/\d+/document.docx", path) for path in pages)
    assert any(re.fullmatch(r"/statements/\d+/print", path) for path in pages)
    assert {status for status, _body in pages.values()} >= {200, 400, 404}, "error bodies are read too"
    assert [path for path, (status, _body) in pages.items() if status >= 500] == []
    leaks = sorted(
        f"{what} on {path}" for path, (_status, body) in pages.items()
        for what, secret in seeded.private.items() if shows(body, secret)
    )
    assert leaks == [], "\n".join(leaks)
