"""Fuzzing the pages (every route of the URL map, not only the API) and the JSON edge cases.

The path parameters (row ids, tokens) and the query parameters (pages, filters, searches) get the
values that broke things before: ids beyond the database's integer, numbers in other scripts,
signs and decimals, invalid UTF-8, lone surrogates, invisible characters, very long text. Each
route is asked as an anonymous visitor and as an admin (who may reach every page), on a seeded
database of its own; POST routes get an empty form (CSRF is off here: its refusal would hide the
rest). Every API operation with a JSON body gets the JSON edge cases of issue 12 (NaN, Infinity,
4,301-digit numbers, lone surrogates, deep nesting, numbers where text goes). No answer may be a
5xx. Derandomized and bounded: the same requests on every run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from liaison.config import DEFAULTS
from liaison.models.base import MAX_ID
from liaison.web.api.openapi import document
from tests.conftest import app_on_own_database
from tests.factories import PASSWORD
from tests.fuzz.test_api_schemathesis import _seed
from tests.web.api.test_openapi import METHODS

#: Raw path segments and query values, already percent-encoded where they must be.
EDGE_TEXT = [
    "0", "-1", "+1", "1.5", "1e3", "007", " 1", "abc", "", "%00", "%ED%A0%80", "%FF%FE", "%E2%80%AE1",
    "%D9%A3", "%EF%BC%91", str(MAX_ID), str(MAX_ID + 1), str(2**63), str(2**64), "9" * 400, "x" * 3000,
    "true", "null", "NaN", "Infinity", "%0D%0AX-Injected:%201", "..%2F..%2Fetc%2Fpasswd", "%25",
]
QUERY_NAMES = [
    "page", "per_page", "q", "sort", "status", "type", "group", "body", "tab", "state", "order", "format",
    "from", "to", "period", "min_score", "max_score", "next", "kind", "download", "updated_from", "language",
]
#: Routes an admin's request would end the admin's own session with; asked as anonymous only.
ENDS_THE_SESSION = {"/logout", "/account/sessions/end"}
EXAMPLES = 12


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str, dict[str, list[object]]]]:
    with app_on_own_database("liaison_fuzz_html", tmp_path_factory.mktemp("fuzz_html"), WTF_CSRF_ENABLED=False) as app:
        token, known = _seed(app, app.config["LIAISON_UPLOAD_DIR"])
        yield app, token, known


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    if role == "admin":
        response = client.post("/login", data={"email": "ada@itu.example", "password": PASSWORD})
        assert response.status_code == 302, "the seeded admin logs in"
    return client


def _rules() -> list[tuple[str, str, str]]:
    from liaison import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "LIAISON_INDEX_PATH": "/nonexistent/index"})
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(("/api/", "/static/", "/bootstrap/")):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ("anonymous", "admin"):
                if role == "admin" and rule.rule in ENDS_THE_SESSION:
                    continue
                found.append((method, rule.rule, role))
    return found


def _path(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each ``<converter:name>`` replaced by a raw (already encoded) value."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def _segment(known_ids: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EDGE_TEXT),
        st.sampled_from([str(i) for i in known_ids]),
        st.integers(-(2**70), 2**70).map(str),
        st.text(max_size=20).map(lambda text: quote(text, safe="")),
    )


def _query(known_ids: list[int]) -> st.SearchStrategy[str]:
    pair = st.tuples(st.sampled_from(QUERY_NAMES), _segment(known_ids))
    return st.lists(pair, max_size=4).map(lambda pairs: "&".join(f"{name}={value}" for name, value in pairs))


@pytest.mark.parametrize(("method", "rule", "role"), _rules(), ids=lambda value: value)
def test_no_page_answers_a_5xx_whatever_its_path_and_query(seeded, method, rule, role):
    app, _, known = seeded
    (matched,) = [r for r in app.url_map.iter_rules() if r.rule == rule and method in r.methods]
    names = list(matched.arguments)
    known_ids = sorted({i for key in ("item_id", "alert_id", "statement_id") for i in known[key]})  # type: ignore[misc]
    client = _client(app, role)

    @given(segments=st.fixed_dictionaries({name: _segment(known_ids) for name in names}), query=_query(known_ids))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answered_below_500(segments: dict[str, str], query: str) -> None:
        url = _path(matched, segments) + (f"?{query}" if query else "")
        response = client.open(url, method=method, data={} if method == "POST" else None)
        assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"

    answered_below_500()


#: Bodies that a strict reader must refuse (400 or 422), never store nor answer with a 500.
JSON_EDGES = [
    b'{"title": NaN}',
    b'{"title": Infinity, "summary": -Infinity}',
    b'{"title": 1e400}',
    b'{"version": ' + b"9" * 4301 + b"}",
    b'{"title": "\\ud800"}',
    b'{"\\udc00": "key"}',
    b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"title": ' + b"[" * 40 + b"]" * 40 + b"}",
    b'{"title": 12, "summary": 1.5, "reference": true, "keywords": [1, 2]}',
    b'{"title": {"nested": "object"}, "group": ["a"]}',
    b'{"title": "\xff\xfe"}',
    b"[]",
    b'"text"',
    b"",
]


def _json_operations() -> list[tuple[str, str]]:
    spec = document(int(DEFAULTS["API_MAX_PER_PAGE"]))
    return [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS and "requestBody" in operation
    ]


@pytest.mark.parametrize(("method", "path"), _json_operations(), ids=lambda value: value)
def test_every_json_body_edge_case_is_a_4xx_problem(seeded, method, path):
    app, token, known = seeded
    client = app.test_client()
    for name, values in known.items():
        path = path.replace(f"{{{name}}}", str(values[0]))
    for body in JSON_EDGES:
        for headers in ({"Authorization": f"Bearer {token}", "If-Match": '"1"'}, {}):
            response = client.open(
                f"/api/v1{path}", method=method, data=body, headers=headers | {"Content-Type": "application/json"}
            )
            assert 400 <= response.status_code < 500, (method, path, body[:60], response.get_data(as_text=True)[:300])
            assert response.mimetype == "application/problem+json"
            assert json.loads(response.get_data(as_text=True))["status"] == response.status_code
