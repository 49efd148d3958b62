"""CSV and JSON Lines downloads of the public data: streamed, public rows only, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import pytest

from liaison.reporting.public_data import ITEM_EXPORT_FIELDS, OVERLAP_EXPORT_FIELDS, STATEMENT_EXPORT_FIELDS
from liaison.reporting.views.exports import csv_cell


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=\"liaison-")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def jsonl_rows(response):
    assert response.status_code == 200 and response.mimetype == "application/jsonl"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


@pytest.mark.parametrize("path", ["items", "overlaps", "statements"])
def test_exports_are_streamed(client, populated, path):
    for extension in ("csv", "jsonl"):
        response = client.get(f"/exports/{path}.{extension}")
        assert response.is_streamed
        response.close()


def test_items_export_holds_every_public_item_and_no_private_one(client, populated):
    rows = csv_rows(client.get("/exports/items.csv"))
    assert list(rows[0]) == list(ITEM_EXPORT_FIELDS)
    references = {r["reference"] for r in rows}
    assert references == {"X.age-assurance", "D.age-assurance", "U.digital-play", "X.reporting", "D.helplines"}
    age = next(r for r in rows if r["reference"] == "X.age-assurance")
    assert age["body"] == "ITU-T" and age["group"] == "ITU-T/SG17" and age["keywords"] == "age assurance"
    records = jsonl_rows(client.get("/exports/items.jsonl"))
    assert {r["reference"] for r in records} == references
    assert next(r for r in records if r["reference"] == "X.age-assurance")["keywords"] == ["age assurance"]


def test_overlaps_export_holds_decided_overlaps_between_public_items(client, populated):
    rows = csv_rows(client.get("/exports/overlaps.csv"))
    assert list(rows[0]) == list(OVERLAP_EXPORT_FIELDS)
    assert sorted(r["decision"] for r in rows) == ["duplicate", "related"]
    duplicate = next(r for r in rows if r["decision"] == "duplicate")
    assert {duplicate["item_a_reference"], duplicate["item_b_reference"]} == {"X.age-assurance", "D.age-assurance"}
    assert duplicate["decision_note"].startswith("SG2 to contribute")
    assert len(jsonl_rows(client.get("/exports/overlaps.jsonl"))) == 2


def test_statements_export_holds_sent_statements_without_private_addresses(client, populated):
    rows = csv_rows(client.get("/exports/statements.csv"))
    assert list(rows[0]) == list(STATEMENT_EXPORT_FIELDS)
    assert [r["title"] for r in rows] == ["LS on age assurance coordination"]
    assert rows[0]["recipients"] == "ITU-D/SG2; IETF liaison manager"
    assert "@" not in rows[0]["recipients"]
    record = jsonl_rows(client.get("/exports/statements.jsonl"))[0]
    assert record["state"] == "sent" and record["source_group"] == "ITU-T/SG17" and record["reference"].startswith("SG17-LS")


def test_text_a_spreadsheet_would_run_is_made_inert(client, world):
    world.item("X.formula", "ITU-T/SG17", title="=HYPERLINK(\"http://evil.example\")", keywords=["+cmd", "ok"])
    row = csv_rows(client.get("/exports/items.csv"))[0]
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["keywords"] == "'+cmd; ok"
    record = jsonl_rows(client.get("/exports/items.jsonl"))[0]
    assert record["title"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (True, "true"), (3, "3"), ("-1 ok", "'-1 ok"), (["a", None, "b"], "a; b"),
     ({"name": "Ann", "affiliation": "", "email": "a@x.org"}, "Ann, a@x.org")],
)
def test_csv_cells(value, expected):
    assert csv_cell(value) == expected


def test_empty_exports_have_their_header(client, world):
    assert csv_rows(client.get("/exports/items.csv")) == []
    assert client.get("/exports/items.csv").get_data(as_text=True).startswith("id,reference,title")
    assert jsonl_rows(client.get("/exports/overlaps.jsonl")) == []


def test_the_exports_page_lists_every_download(client, world):
    html = client.get("/exports/").get_data(as_text=True)
    for name in ("items.csv", "items.jsonl", "overlaps.csv", "overlaps.jsonl", "statements.csv", "statements.jsonl"):
        assert f'href="/exports/{name}"' in html
