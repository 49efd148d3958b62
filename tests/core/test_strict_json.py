"""Request JSON is read strictly on every door (issue 12, item 12): what JSON does not have, or no
database can store, is refused with a problem naming the field, never stored and never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liaison.core import strict_json
from liaison.items.importing import read_rows
from liaison.models import WorkItem
from tests.web.api.helpers import assert_problem

SG17 = "ITU-T/SG17"


@pytest.fixture()
def token(factory):
    return factory.token(factory.user(officer_of=(SG17,)))


def post_raw(api, token, body: bytes):
    return api.post("/work-items", headers=token | {"Content-Type": "application/json"}, data=body)


@pytest.mark.parametrize(
    "body, field, words",
    [
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": NaN}', "title", "NaN is not a number"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": Infinity}', "title", "Infinity is not a number"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": -Infinity}', "title", "-Infinity is not a number"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": 1e400}', "title", "beyond the range"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": ' + b"7" * 4301 + b"}", "title", "4300 digits"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": "\\ud800"}', "title", "surrogate"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "keywords": ["ok", "\\udfff"]}', "keywords[1]", "surrogate"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": 12}', "title", "must be text"),
        (b'{"reference": "X.1", "group": "ITU-T/SG17", "title": 1.5}', "title", "must be text"),
        (b'{"reference": 7, "group": "ITU-T/SG17", "title": "T"}', "reference", "must be text"),
    ],
)
def test_values_json_or_the_database_cannot_hold_are_unprocessable(api, token, db, body, field, words):
    problem = assert_problem(post_raw(api, token, body), 422)
    assert words in problem["errors"][field]
    assert db.scalar(select(func.count()).select_from(WorkItem)) == 0, "nothing stored ('nan', '12')"


@pytest.mark.parametrize(
    "body, words",
    [
        (b"[" * 33 + b"]" * 33, "too deeply"),
        (b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "too deeply"),
        (b'{"title": "x",}', "not valid JSON"),
        (b'{"title": "\xc3\x28"}', "not UTF-8"),
    ],
)
def test_bodies_that_are_not_json_are_bad_requests(api, token, body, words):
    assert words in assert_problem(post_raw(api, token, body), 400)["detail"]


def test_every_json_endpoint_reads_strictly(api, token, factory, client):
    item = factory.item("X.strict", group=SG17)
    answers = [
        client.post("/api/v1/similar", data=b'{"title": NaN}', content_type="application/json"),
        api.patch(f"/work-items/{item.id}", headers=token | {"Content-Type": "application/json"},
                  data=b'{"version": 1, "summary": NaN}'),
        api.post("/liaison-statements", headers=token | {"Content-Type": "application/json"},
                 data=b'{"source_group": "ITU-T/SG17", "title": Infinity}'),
    ]
    for answer in answers:
        assert_problem(answer, 422)


def test_an_import_line_with_nan_is_rejected_not_stored():
    rows = list(read_rows(['{"reference": "X.1", "title": NaN}', '{"reference": "X.2", "title": "\\ud800"}'], "jsonl"))
    assert [row.error for row in rows] == [
        "invalid JSON: title: NaN is not a number JSON allows: send a finite number",
        "invalid JSON: title: holds half of a UTF-16 surrogate pair (e.g. \\ud800 alone), which is no character",
    ]


def test_the_parser_keeps_what_json_allows():
    text = '{"a": [1, -2.5e3, "\\ud83d\\ude00", null, true], "b": {"c": "\\u00e9"}}'
    assert strict_json.parse(text) == {"a": [1, -2500.0, "\U0001F600", None, True], "b": {"c": "\u00e9"}}
    assert strict_json.parse("[" * 31 + "]" * 31)
