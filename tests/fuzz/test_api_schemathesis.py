"""Fuzzing the JSON API from its own OpenAPI document with schemathesis.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid and invalid ones, sent
in-process (WSGI) with an admin's token so that writes really run, on a database of its own seeded
with groups, items, an overlap alert, a link and statements. Every answer must be no 5xx and must
match the document: its status code, its content type and its schema.

Bounded for ``make test``: a fixed number of examples per operation, derandomized (the same
requests on every run), no deadline.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.config import DEFAULTS
from liaison.db import database
from liaison.items import operations as work_items
from liaison.models import OverlapAlert, utcnow
from liaison.organisation import operations as organisation
from liaison.statements.operations import create_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval
from liaison.web.api.openapi import document
from tests.conftest import app_on_own_database
from tests.factories import PASSWORD
from tests.overlaps.test_alerts import AGE_A, AGE_B
from tests.web.api.test_openapi import METHODS

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _seed(app: Flask, upload_dir: str) -> tuple[str, dict[str, list[object]]]:
    """Groups, people, items that overlap (so an alert exists), a link and statements.

    Returns the admin's token, and the ids and codes that exist, by path parameter name.
    """
    with app.app_context():
        session = database(app).sessionmaker()
        sg17 = organisation.ensure_group(session, None, "ITU-T/SG17")
        sg2 = organisation.ensure_group(session, None, "ITU-D/SG2")
        organisation.ensure_group(session, None, "ITU-T/SG17/Q6")
        organisation.add_contact(session, None, sg17, {"name": "Sam Secretary", "email": "tsbsg17@itu.example"})
        organisation.add_contact(session, None, sg2, {"name": "Rita Rapporteur", "email": "rita@sg2.example"})
        admin = accounts.create_user(session, None, "ada@itu.example", "Ada Admin", PASSWORD, is_admin=True)
        officer = accounts.create_user(session, None, "olga@sg17.example", "Olga Officer", PASSWORD)
        chair = accounts.create_user(session, None, "chen@sg17.example", "Chen Chair", PASSWORD)
        accounts.grant_role(session, None, officer, sg17, "officer")
        accounts.grant_role(session, None, chair, sg17, "chair")
        first = work_items.create_work_item(session, officer, {"reference": "X.age", "group": "ITU-T/SG17", **AGE_A})
        second = work_items.create_work_item(session, None, {"reference": "D.age", "group": "ITU-D/SG2", **AGE_B})
        private = work_items.create_work_item(
            session, None,
            {"reference": "X.private", "title": "Parental controls", "group": "ITU-T/SG17/Q6", "is_public": False},
        )
        work_items.link_items(session, officer, first, private, "related", "same editors")
        deadline = (utcnow().date() + dt.timedelta(days=30)).isoformat()
        statement = {
            "title": "LS on age assurance", "source_group": "ITU-T/SG17", "abstract": "SG17 asks SG2 to coordinate.",
            "body": "Text.", "approval_level": "study_group",
            "recipients": [{"group": "ITU-D/SG2", "purpose": "action", "deadline": deadline}],
            "contacts": [{"name": "Olga Officer", "email": "olga@sg17.example"}],
            "work_items": [first.id, second.id],
        }
        draft = create_statement(session, officer, statement | {"title": "Draft LS"})
        sent = create_statement(session, officer, statement)
        submit_for_approval(session, officer, sent)
        approve_statement(session, chair, sent)
        send_statement(session, officer, sent, upload_dir=upload_dir)
        _, token = accounts.create_api_token(session, None, admin, "fuzzing")
        session.commit()
        known: dict[str, list[object]] = {
            "item_id": [first.id, second.id, private.id],
            "alert_id": [alert.id for alert in session.scalars(select(OverlapAlert))],
            "statement_id": [draft.id, sent.id],
            "code": ["ITU-T/SG17", "ITU-T/SG17/Q6", "ITU-D/SG2"],
        }
        session.close()
    assert known["alert_id"], "the two age-assurance items raise an alert"
    return token, known


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str, dict[str, list[object]]]]:
    """The app on a seeded database of its own, an admin's token and what exists."""
    with app_on_own_database("liaison_fuzz", tmp_path_factory.mktemp("fuzz")) as app:
        token, known = _seed(app, app.config["LIAISON_UPLOAD_DIR"])
        yield app, token, known


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: tuple[Flask, str, dict[str, list[object]]]) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app[0])


#: How many requests of each kind every operation gets: schema-valid, schema-invalid, and valid ones
#: about seeded things (each kind on its own, so that none is crowded out by the others).
EXAMPLES = {"positive": 12, "negative": 12, "existing": 16}


def _requests() -> list[tuple[str, str, str]]:
    """(method, path, kind) for every operation and kind of request that applies to it.

    The document is built without a database, so they are known when tests are collected. An
    operation whose every input may be any text (or that takes none) has no invalid requests.
    """
    spec = document(DEFAULTS["API_MAX_PER_PAGE"])
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            parameters = [_resolved(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])]
            constrained = "requestBody" in operation or any(p["schema"] != {"type": "string"} for p in parameters)
            found += [(method.upper(), path, kind) for kind in EXAMPLES if kind != "negative" or constrained]
    return found


def _resolved(spec: dict, node: dict) -> dict:
    if "$ref" not in node:
        return node
    section, name = node["$ref"].split("/")[-2:]
    return spec["components"][section][name]


def _existing(operation: schemathesis.APIOperation, known: dict[str, list[object]]) -> st.SearchStrategy:
    """Valid requests about things that exist: random ids and group codes find nothing, so these name
    seeded ones in the path and the body, and send a small version as If-Match."""
    names = [parameter.name for parameter in operation.path_parameters]
    paths = [dict(zip(names, values)) for values in itertools.product(*(known[name] for name in names))]
    chosen = st.tuples(
        st.sampled_from(paths), st.sampled_from(known["code"]), st.sampled_from(known["item_id"]), st.integers(1, 3)
    )
    return chosen.flatmap(
        lambda choice: operation.as_strategy(path_parameters=choice[0] or None).map(lambda case: _naming(case, *choice[1:]))
    )


def _naming(case: schemathesis.Case, code: object, item_id: object, version: int) -> schemathesis.Case:
    """``case`` with the groups and items its JSON body names replaced by seeded ones, and If-Match set."""
    body = case.body
    if isinstance(body, dict):
        body = dict(body)
        for key in ("group", "source_group"):
            if key in body:
                body[key] = code
        if case.method == "POST" and case.path == "/liaison-statements":
            # Optional in the schema, but an outgoing statement cannot be drafted without it.
            body.setdefault("source_group", code)
        if "target" in body:
            body["target"] = item_id
        if isinstance(body.get("work_items"), list):
            body["work_items"] = [item_id]
        if isinstance(body.get("recipients"), list):
            body["recipients"] = [
                row | {"group": "ITU-D/SG2"} if isinstance(row, dict) and "group" in row else row
                for row in body["recipients"]
            ]
        case.body = body
    if any(parameter.name == "If-Match" for parameter in case.operation.headers):
        case.headers = {**(case.headers or {}), "If-Match": f'"{version}"'}
    return case


@pytest.mark.parametrize(("method", "path", "kind"), _requests(), ids=lambda value: value)
def test_every_operation_answers_as_documented_and_never_with_a_5xx(method, path, kind, api_schema, fuzzed_app):
    _, token, known = fuzzed_app
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}
    strategies = {
        "positive": lambda: operation.as_strategy(GenerationMode.POSITIVE),
        "negative": lambda: operation.as_strategy(GenerationMode.NEGATIVE),
        "existing": lambda: _existing(operation, known),
    }

    @given(case=strategies[kind]())
    @settings(
        max_examples=EXAMPLES[kind],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def requests_answered_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    requests_answered_as_documented()


def test_ids_beyond_the_database_integer_name_nothing(fuzzed_app):
    # Found by the fuzzing above: such ids reached the database and overflowed its integer (a 500).
    app, token, known = fuzzed_app
    client, headers, huge = app.test_client(), {"Authorization": f"Bearer {token}"}, 2**63
    assert client.get(f"/api/v1/alerts/{huge}", headers=headers).status_code == 404
    decision = client.post(f"/api/v1/alerts/{huge}/decision", headers=headers, json={"decision": "related"})
    assert decision.status_code == 404 and decision.mimetype == "application/problem+json"
    assert client.post(f"/api/v1/alerts/{huge}/reopen", headers=headers | {"If-Match": '"1"'}).status_code == 404
    for field, value in (("alerts", [huge]), ("work_items", [known["item_id"][0], huge]), ("in_reply_to", huge)):
        answer = client.post("/api/v1/liaison-statements", headers=headers,
                             json={"title": "LS", "source_group": "ITU-T/SG17", field: value})
        assert answer.status_code == 422 and field in answer.get_json()["errors"], answer.get_json()
