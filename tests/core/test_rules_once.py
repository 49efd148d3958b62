"""Each rule once: the same answer on every door (form, API, service) for the same input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.core.errors import ValidationError
from liaison.core.validators import has_nul, is_email, parse_number, parse_version
from liaison.items import operations as work_items
from liaison.items.operations import MAX_LINK_NOTE_LENGTH
from liaison.models import Contact, ItemLink
from liaison.models.alerts import AlertState
from liaison.models.base import MAX_ID
from liaison.organisation import operations as organisation
from liaison.overlaps import review
from liaison.reporting import public_data
from tests.factories import login

#: Addresses a regular expression let through and mail refused at every send.
NOT_ONE_ADDRESS = ("first,second@example.org", "a b@example.org", "x@localhost", "<x@example.org>", "a@b@example.org")


@pytest.mark.parametrize("address", NOT_ONE_ADDRESS)
def test_e_mail_addresses_that_mail_refuses_are_refused_everywhere(address, client, factory, db):
    assert not is_email(address)
    group = factory.group("ITU-T/SG17")
    with pytest.raises(ValidationError) as refused:
        organisation.add_contact(db, None, group, {"name": "Rita", "email": address})
    assert "email" in refused.value.errors
    admin = factory.user("rules-admin@example.org", admin=True)
    login(client, admin)
    form = client.post(f"/admin/groups/{group.id}/contacts", data={"contact-name": "Rita", "contact-email": address})
    assert form.status_code == 422 and "is not an e-mail address" in form.get_data(as_text=True)
    assert db.scalar(select(Contact)) is None
    token = factory.token(factory.user("rules-officer@example.org", officer_of=("ITU-T/SG17",)))
    api = client.post("/api/v1/work-items", headers=token, json={
        "reference": "X.mail", "title": "Mail", "group": "ITU-T/SG17", "editors": [{"name": "Ed", "email": address}],
    })
    assert api.status_code == 422 and "editors" in api.get_json()["errors"]


def test_ordinary_addresses_pass():
    assert all(is_email(a) for a in ("rita@example.org", "o'brien@sg17.example", "ana@exämple.org"))


def test_one_limit_for_link_notes_on_every_door(client, factory, db):
    officer = factory.user("links@example.org", officer_of=("ITU-T/SG17",))
    one, two = factory.item("X.one"), factory.item("X.two")
    too_long = "n" * (MAX_LINK_NOTE_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        work_items.link_items(db, officer, one, two, "related", too_long)
    assert "note" in refused.value.errors
    api = client.post(f"/api/v1/work-items/{one.id}/links", headers=factory.token(officer),
                      json={"target": "X.two", "type": "related", "note": too_long})
    assert api.status_code == 422 and api.get_json()["errors"]["note"] == refused.value.errors["note"]
    login(client, officer)
    form = client.post(f"/items/{one.id}/links", data={"link-type": "related", "link-target": "X.two", "link-note": too_long})
    assert form.status_code == 422 and refused.value.errors["note"] in form.get_data(as_text=True)
    assert db.scalar(select(ItemLink)) is None
    at_limit = client.post(f"/items/{one.id}/links", data={"link-type": "related", "link-target": "X.two",
                                                          "link-note": "n" * MAX_LINK_NOTE_LENGTH})
    assert at_limit.status_code == 302


def test_decisions_read_the_same_on_every_page():
    for decision, label in review.DECISION_LABELS.items():
        assert public_data.DECISION_LABELS[decision] == label == AlertState(decision).label
    assert review.DECISION_LABELS["overlap"] == "Overlap"


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), (" 3 ", 3), (3, 3), (str(MAX_ID), MAX_ID), ("0", None), ("-3", None), ("+3", None), ("3.0", None),
     ("", None), (None, None), (True, None), (str(MAX_ID + 1), None), ("٣", None), ("9" * 5000, None)],
)
def test_ids_and_versions_are_parsed_one_way(raw, number):
    assert parse_number(raw) == number


def test_nul_is_found_in_text_lists_and_keys():
    assert has_nul("a\x00") and has_nul(["a", ["b\x00"]]) and has_nul({"k\x00": "v"}) and not has_nul({"k": 1})


@pytest.mark.parametrize(("raw", "version"), [("3", 3), ("0", 0), (" 7 ", 7), ("", None), (None, None), ("-1", None), ("x", None)])
def test_a_form_s_version_is_any_digits_so_that_a_wrong_one_conflicts(raw, version):
    assert parse_version(raw) == version
