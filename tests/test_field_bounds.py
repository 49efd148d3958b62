"""Every text and list a person can send is bounded, once, on its model column, and every door
(form, API, import) refuses one character or entry more (issue 12, item 6)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import JSON, String, Text, func, select

import liaison.models  # noqa: F401  (every model on the metadata)
from liaison.core.errors import ValidationError
from liaison.items.importing import import_records, read_rows
from liaison.models import Contact, Group, LiaisonStatement, WorkItem
from liaison.models.base import Base, max_items, max_length
from liaison.models.work_items import MAX_EDITORS
from liaison.organisation import operations as organisation
from tests.factories import login
from tests.items.test_items_pages import _item_form
from tests.web.api.helpers import assert_problem

#: Columns only liaison itself writes (audit trails, the engine's numbers, mail it composes): no
#: request reaches them, so they need no bound. Anything else unbounded fails the test below.
SYSTEM_WRITTEN = {
    "audit_events.changes",
    "calibration_models.weights",
    "calibration_models.labels",
    "calibration_models.cv",
    "outbox_messages.to_addrs",
    "outbox_messages.cc_addrs",
    "outbox_messages.text_body",
    "outbox_messages.html_body",
    "outbox_deliveries.last_error",
    "overlap_alerts.features",
    "overlap_alerts.reasons",
    "alert_decisions.features",
    "alert_decisions.fingerprint",
    "alert_decisions.link_base",
}
SG17 = "ITU-T/SG17"


def test_every_text_and_list_column_people_write_has_a_bound():
    unbounded = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if name in SYSTEM_WRITTEN:
                continue
            if isinstance(column.type, Text):
                bounded = "max_length" in column.info
            elif isinstance(column.type, JSON):
                bounded = "max_items" in column.info
            elif isinstance(column.type, String):
                bounded = column.type.length is not None
            else:
                continue
            if not bounded:
                unbounded.append(name)
    assert not unbounded, f"declare a bound (bounded_text, bounded_list, String(n)) for {unbounded}"


def _one_too_many(field: str) -> object:
    column = getattr(WorkItem, field)
    if field in ("keywords", "equivalents"):
        return [f"k{n}" for n in range(max_items(column) + 1)]
    if field == "editors":
        return [{"name": f"Editor {n}"} for n in range(MAX_EDITORS + 1)]
    return "x" * (max_length(column) + 1)


ITEM_FIELDS = ("reference", "title", "summary", "question", "base_text", "keywords", "equivalents", "editors")


@pytest.mark.parametrize("field", ITEM_FIELDS)
def test_the_api_refuses_an_item_field_beyond_its_bound(client, factory, db, field):
    token = factory.token(factory.user(officer_of=(SG17,)))
    body = {"reference": "X.bound", "title": "T", "group": SG17, field: _one_too_many(field)}
    problem = assert_problem(client.post("/api/v1/work-items", headers=token, json=body), 422)
    assert list(problem["errors"]) == [field]


@pytest.mark.parametrize("field", ITEM_FIELDS)
def test_the_form_and_the_import_refuse_it_too(client, factory, db, field):
    login(client, factory.user(officer_of=(SG17,)))
    value = _one_too_many(field)
    as_text = "\n".join(f"{e['name']}; ITU" for e in value) if field == "editors" else value
    as_text = ", ".join(as_text) if isinstance(as_text, list) else as_text
    response = client.post("/items/new", data=_item_form(**{field: as_text}))
    assert response.status_code == 422
    line = json.dumps({"reference": "X.imported", "title": "T", "group": SG17, field: value})
    report = import_records(db, None, read_rows([line], "jsonl"))
    assert report.created == 0 and report.rejected[0].reason.startswith(f"{field}:")
    assert db.scalar(select(func.count()).select_from(WorkItem)) == 0


def test_the_reviews_19_mb_base_text_and_100000_editors_are_refused_before_they_are_read(client, factory):
    token = factory.token(factory.user(officer_of=(SG17,)))
    for field, value in (("base_text", "x" * 19_000_000), ("editors", [{"name": "E"}] * 100_000)):
        body = {"reference": "X.huge", "title": "T", "group": SG17, field: value}
        assert_problem(client.post("/api/v1/work-items", headers=token, json=body), 413)


def test_statement_texts_and_lists_are_bounded(client, factory):
    token = factory.token(factory.user(officer_of=(SG17,)))
    factory.group("ITU-D/SG2")
    longest = max_length(LiaisonStatement.abstract)
    body = {"title": "LS", "source_group": SG17, "abstract": "a" * (longest + 1),
            "external_references": ["R"] * 21, "contacts": [{"name": "n" * 201}]}
    problem = assert_problem(client.post("/api/v1/liaison-statements", headers=token, json=body), 422)
    assert {"abstract", "external_references", "contacts[0].name"} <= set(problem["errors"])


def test_groups_bodies_and_contacts_are_bounded(db, factory):
    admin = factory.user(admin=True)
    group = factory.group(SG17)
    too_long = {"name": "n" * (max_length(Contact.name) + 1), "role": "r" * (max_length(Contact.role) + 1)}
    with pytest.raises(ValidationError) as refused:
        organisation.add_contact(db, admin, group, too_long)
    assert set(refused.value.errors) == {"name", "role"}
    with pytest.raises(ValidationError) as refused:
        organisation.update_group(
            db, admin, group, {"code": SG17, "name": "SG17", "body_id": group.body_id,
                               "mandate": "m" * (max_length(Group.mandate) + 1)},
        )
    assert set(refused.value.errors) == {"mandate"}
    with pytest.raises(ValidationError) as refused:
        organisation.create_body(db, admin, {"code": "B", "name": "Body", "description": 5})
    assert refused.value.errors == {"description": "must be text"}


def test_lists_the_api_answers_whole_are_bounded(client, db, factory, monkeypatch):
    # A page of items is bounded by per_page; these lists come whole, so each has a bound of its own.
    from liaison.items import operations as work_items
    from liaison.statements import fields as statement_fields

    token = factory.token(factory.user(officer_of=(SG17,)))
    many = list(range(1, statement_fields.MAX_RELATED + 2))
    body = {"title": "LS", "source_group": SG17, "work_items": many, "alerts": many}
    problem = assert_problem(client.post("/api/v1/liaison-statements", headers=token, json=body), 422)
    assert "at most" in problem["errors"]["work_items"] and "at most" in problem["errors"]["alerts"]

    monkeypatch.setattr(work_items, "MAX_LINKS_PER_ITEM", 2)
    first, second, third, fourth = (factory.item(f"X.link{n}") for n in range(4))
    work_items.link_items(db, None, first, second, "related")
    work_items.link_items(db, None, first, third, "related")
    with pytest.raises(ValidationError) as refused:
        work_items.link_items(db, None, first, fourth, "related")
    assert "X.link0 already has 2 links" in refused.value.errors["target"]
    work_items.link_items(db, None, first, second, "overlaps")  # retyping a link adds none

    monkeypatch.setattr(organisation, "MAX_CONTACTS_PER_GROUP", 1)
    admin, group = factory.user(admin=True), factory.group("ITU-D/SG2")
    organisation.add_contact(db, admin, group, {"name": "One"})
    db.refresh(group)
    with pytest.raises(ValidationError):
        organisation.add_contact(db, admin, group, {"name": "Two"})
