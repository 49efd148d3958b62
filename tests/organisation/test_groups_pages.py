"""The public directory: bodies, groups as a tree, contacts and each group's work."""

from __future__ import annotations

import re

from liaison.organisation import operations as organisation
from tests.factories import login


def test_directory_shows_bodies_and_nested_groups_anonymously(client, factory):
    factory.group("ITU-T/SG17/Q6", kind="question", name="Security aspects of telecommunication services")
    factory.group("UNICEF/Industry")
    factory.item("X.one", group="ITU-T/SG17/Q6")
    factory.item("X.two", group="ITU-T/SG17")
    response = client.get("/groups/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ITU-T" in html and "UNICEF" in html
    sg17 = html.index(">ITU-T/SG17</a>")
    q6 = html.index(">ITU-T/SG17/Q6</a>")
    # Q6 sits in a list nested inside SG17's item, and SG17 counts its sub-groups' items too.
    between = html[sg17:q6]
    assert "<ul" in between and "2 work items" in between
    assert "Security aspects of telecommunication services" in html


def test_group_page_shows_kind_parent_mandate_contacts_and_work(client, factory, db):
    parent = factory.group("ITU-T/SG17")
    group = factory.group("ITU-T/SG17/Q6", kind="question")
    group.mandate = "Protecting children in online services."
    organisation.add_contact(db, None, group, {
        "name": "Rita Rapporteur", "role": "Rapporteur", "organization": "ITU",
        "email": "rita@example.org", "phone": "+41 22 730 5111",
    })
    factory.item("Q6.item", group="ITU-T/SG17/Q6", title="Question six work")
    factory.item("Private", group="ITU-T/SG17/Q6", is_public=False)
    html = client.get(f"/groups/{group.id}").get_data(as_text=True)
    for text in ("Question", "Protecting children in online services.", "Rita Rapporteur", "Rapporteur", "ITU",
                 'href="mailto:rita@example.org"', "+41 22 730 5111", "Q6.item", "Question six work"):
        assert text in html, text
    assert f'href="/groups/{parent.id}"' in html
    assert "Private" not in html
    assert "Register a work item here" not in html and "Manage" not in html


def test_group_page_lists_sub_groups_work_paginated(client, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    sg17 = factory.group("ITU-T/SG17")
    for n in range(3):
        factory.item(f"Sub-{n}", group="ITU-T/SG17/Q6")
    factory.item("Elsewhere", group="ITU-T/SG2")
    first = client.get(f"/groups/{sg17.id}").get_data(as_text=True)
    assert "3 work items" in first and "Page 1 of 2" in first and "(including sub-groups)" in first
    second = client.get(f"/groups/{sg17.id}?page=2").get_data(as_text=True)
    shown = re.findall(r'href="/items/\d+">([^<]+)</a>', first + second)
    assert sorted(shown) == ["Sub-0", "Sub-1", "Sub-2"]


def test_group_page_offers_registering_to_its_officers(client, factory):
    group = factory.group("ITU-T/SG17")
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    html = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "/items/new?group=ITU-T/SG17" in html.replace("%2F", "/")
    form = client.get("/items/new?group=ITU-T/SG17").get_data(as_text=True)
    assert '<option selected value="ITU-T/SG17">' in form


def test_body_page_shows_its_groups_and_items(client, factory):
    factory.group("UNICEF/Industry")
    factory.item("U.1", group="UNICEF/Industry")
    factory.item("T.1", group="ITU-T/SG17")
    body = organisation.ensure_body(factory.session, None, "UNICEF")
    html = client.get(f"/groups/bodies/{body.id}").get_data(as_text=True)
    assert "UNICEF/Industry" in html and "U.1" in html and "T.1" not in html


def test_unknown_group_or_body_is_404(client, factory):
    assert client.get("/groups/999999").status_code == 404
    assert client.get("/groups/bodies/999999").status_code == 404


def test_empty_directory_says_so(client):
    assert "No bodies or groups are registered yet" in client.get("/groups/").get_data(as_text=True)


def test_contact_fields_are_escaped(client, factory, db):
    group = factory.group("ITU-T/SG17")
    organisation.add_contact(db, None, group, {"name": "<b>Bold</b>", "role": "<script>x</script>"})
    html = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html and "<script>x</script>" not in html
