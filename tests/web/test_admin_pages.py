"""The secretariat's pages and the services behind them: bodies, groups, contacts, users, roles, audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.core.errors import Conflict, PermissionDenied, ValidationError
from liaison.models import AuditEvent, Body, Contact, Group, Membership, User
from liaison.organisation import operations as organisation
from tests.factories import PASSWORD, login
from tests.web import duplicate_ids


@pytest.fixture()
def admin(client, factory):
    user = factory.user("admin@example.org", name="Sec Retariat", admin=True)
    login(client, user)
    return user


# Access ----------------------------------------------------------------------------------------------


def _admin_routes(factory):
    group = factory.group("ITU-T/SG17")
    contact = organisation.add_contact(factory.session, None, group, {"name": "Rita"})
    person = factory.user("person@example.org", officer_of=("ITU-T/SG17",))
    membership = person.memberships[0]
    return [
        ("GET", "/admin/", None),
        ("GET", "/admin/bodies", None),
        ("POST", "/admin/bodies", {"code": "OECD", "name": "OECD", "kind": "external"}),
        ("GET", f"/admin/bodies/{group.body_id}/edit", None),
        ("POST", f"/admin/bodies/{group.body_id}/edit", {"code": "ITU-T", "name": "Renamed", "kind": "itu"}),
        ("GET", "/admin/groups", None),
        ("GET", "/admin/groups/new", None),
        ("POST", "/admin/groups/new", {"code": "ITU-T/SG2", "name": "SG2", "kind": "study_group", "body_id": str(group.body_id)}),
        ("GET", f"/admin/groups/{group.id}/edit", None),
        ("POST", f"/admin/groups/{group.id}/edit", {"code": "ITU-T/SG17", "name": "Hacked", "kind": "study_group", "body_id": str(group.body_id)}),
        ("POST", f"/admin/groups/{group.id}/contacts", {"contact-name": "Mallory"}),
        ("GET", f"/admin/contacts/{contact.id}/edit", None),
        ("POST", f"/admin/contacts/{contact.id}/edit", {"name": "Changed"}),
        ("POST", f"/admin/contacts/{contact.id}/delete", {}),
        ("GET", "/admin/users", None),
        ("GET", "/admin/users/new", None),
        ("POST", "/admin/users/new", {"name": "Eve", "email": "eve@example.org", "password": "long enough password", "is_admin": "y"}),
        ("GET", f"/admin/users/{person.id}", None),
        ("POST", f"/admin/users/{person.id}/active", {"active": "0"}),
        ("POST", f"/admin/users/{person.id}/roles", {"group_id": str(group.id), "role": "chair"}),
        ("POST", f"/admin/users/{person.id}/roles/{membership.id}/delete", {}),
        ("GET", "/admin/audit", None),
    ]


def test_admin_pages_send_anonymous_visitors_to_log_in(client, factory):
    for method, path, data in _admin_routes(factory):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 302 and "/login" in response.location, (method, path)


def test_admin_pages_are_403_for_officers_and_chairs(client, factory, db):
    routes = _admin_routes(factory)
    login(client, factory.user(officer_of=("ITU-T/SG17",), chair_of=("ITU-T/SG17",)))
    for method, path, data in routes:
        assert client.open(path, method=method, data=data).status_code == 403, (method, path)
    assert db.scalar(select(Body).where(Body.code == "OECD")) is None
    assert db.scalar(select(User).where(User.email == "eve@example.org")) is None
    assert db.scalar(select(Group.name).where(Group.code == "ITU-T/SG17")) != "Hacked"
    assert db.scalar(select(User.is_active).where(User.email == "person@example.org")) is True


def test_every_admin_page_works_for_an_admin(client, factory, admin):
    for method, path, data in _admin_routes(factory):
        response = client.open(path, method=method, data=data)
        assert response.status_code in (200, 302), (method, path, response.status_code)


def test_admin_pages_have_unique_ids(client, factory, admin):
    group = factory.group("ITU-T/SG17")
    organisation.add_contact(factory.session, None, group, {"name": "Rita"})
    person = factory.user(officer_of=("ITU-T/SG17",))
    for path in ("/admin/bodies", f"/admin/groups/{group.id}/edit", "/admin/groups/new", f"/admin/users/{person.id}",
                 "/admin/users", "/admin/users/new", "/admin/audit"):
        assert duplicate_ids(client.get(path).get_data(as_text=True)) == [], path


def test_admin_link_in_the_navigation_only_for_admins(client, factory):
    officer, admin = factory.user(officer_of=("ITU-T/SG17",)), factory.user(admin=True)
    assert 'href="/admin/"' not in client.get("/groups/").get_data(as_text=True)
    login(client, officer)
    assert 'href="/admin/"' not in client.get("/groups/").get_data(as_text=True)
    login(client, admin)
    assert 'href="/admin/"' in client.get("/groups/").get_data(as_text=True)


def test_services_refuse_non_admins(factory, db):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    group = factory.group("ITU-T/SG17")
    calls = [
        lambda: organisation.create_body(db, officer, {"code": "X", "name": "X"}),
        lambda: organisation.update_group(db, officer, group, {"code": "ITU-T/SG17", "name": "n", "body_id": group.body_id}),
        lambda: organisation.add_contact(db, officer, group, {"name": "n"}),
        lambda: accounts.create_user(db, officer, "new@example.org", "New", PASSWORD),
        lambda: accounts.set_user_active(db, officer, officer, False),
        lambda: accounts.grant_role(db, officer, officer, group, "chair"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


# Bodies ----------------------------------------------------------------------------------------------


def test_create_and_edit_a_body(client, db, admin):
    response = client.post("/admin/bodies", data={"code": "IEEE SA", "name": "IEEE Standards Association", "kind": "external", "url": "https://standards.ieee.org"})
    assert response.status_code == 302
    body = db.scalar(select(Body).where(Body.code == "IEEE SA"))
    assert body.name == "IEEE Standards Association"
    response = client.post(f"/admin/bodies/{body.id}/edit", data={"code": "IEEE SA", "name": "IEEE SA", "kind": "external", "url": ""})
    assert response.status_code == 302
    db.refresh(body)
    assert body.name == "IEEE SA" and body.url == ""
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "body.update"))
    assert event.changes["name"] == ["IEEE Standards Association", "IEEE SA"] and event.actor_id == admin.id


def test_invalid_body_rerenders_with_errors(client, factory, admin):
    factory.group("ITU-T/SG17")
    response = client.post("/admin/bodies", data={"code": "ITU-T", "name": "", "kind": "planet", "url": "javascript:alert(1)"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("there is already a body with code", "this field is required", "must be one of", "http:// or https://"):
        assert message in html, message


# Groups ----------------------------------------------------------------------------------------------


def test_create_group_under_a_parent(client, factory, db, admin):
    sg17 = factory.group("ITU-T/SG17")
    form = client.get(f"/admin/groups/new?body_id={sg17.body_id}&parent_id={sg17.id}").get_data(as_text=True)
    assert f'<option selected value="{sg17.id}">' in form
    response = client.post("/admin/groups/new", data={
        "code": "ITU-T/SG17/Q7", "name": "Question 7", "kind": "question", "body_id": str(sg17.body_id),
        "parent_id": str(sg17.id), "mandate": "Child safety", "url": "https://www.itu.int/q7",
    })
    assert response.status_code == 302
    q7 = db.scalar(select(Group).where(Group.code == "ITU-T/SG17/Q7"))
    assert q7.parent_id == sg17.id and q7.kind == "question" and q7.mandate == "Child safety"


def test_group_rules(factory, db):
    sg17 = factory.group("ITU-T/SG17/Q6").parent
    unicef = organisation.ensure_body(db, None, "UNICEF")
    base = {"name": "n", "kind": "question", "body_id": sg17.body_id, "parent_id": sg17.id}
    with pytest.raises(ValidationError) as wrong_prefix:
        organisation.create_group(db, None, base | {"code": "ITU-T/Q9"})
    assert "starts with ITU-T/SG17/" in wrong_prefix.value.errors["code"]
    with pytest.raises(ValidationError) as other_body:
        organisation.create_group(db, None, base | {"code": "UNICEF/X", "body_id": unicef.id})
    assert "parent_id" in other_body.value.errors
    with pytest.raises(ValidationError) as taken:
        organisation.create_group(db, None, base | {"code": "ITU-T/SG17/Q6"})
    assert "already a group" in taken.value.errors["code"]
    with pytest.raises(ValidationError) as own_child:
        q6 = db.scalar(select(Group).where(Group.code == "ITU-T/SG17/Q6"))
        organisation.update_group(db, None, sg17, {"code": "ITU-T/SG17/Q6/SG17", "name": "n", "body_id": sg17.body_id, "parent_id": q6.id})
    assert "parent_id" in own_child.value.errors


def test_renaming_a_group_renames_its_sub_groups(client, factory, db, admin):
    q6 = factory.group("ITU-T/SG17/Q6")
    factory.group("ITU-T/SG17/Q6/Sub")
    sg17 = q6.parent
    factory.item("X.q6", group="ITU-T/SG17/Q6")
    response = client.post(f"/admin/groups/{sg17.id}/edit", data={
        "code": "ITU-T/SG21", "name": "Study Group 21", "kind": "study_group", "body_id": str(sg17.body_id), "parent_id": "",
    })
    assert response.status_code == 302
    codes = set(db.scalars(select(Group.code).where(Group.code.like("ITU-T/%"))))
    assert codes == {"ITU-T/SG21", "ITU-T/SG21/Q6", "ITU-T/SG21/Q6/Sub"}
    # Lists of the renamed group still find the sub-groups' work.
    assert "X.q6" in client.get(f"/groups/{sg17.id}").get_data(as_text=True)


def test_invalid_group_edit_is_422_and_changes_nothing(client, factory, db, admin):
    group = factory.group("ITU-T/SG17")
    response = client.post(f"/admin/groups/{group.id}/edit", data={"code": "", "name": "", "kind": "study_group", "body_id": "nope"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "this field is required" in html and "choose the body" in html
    db.refresh(group)
    assert group.code == "ITU-T/SG17"


# Contacts ---------------------------------------------------------------------------------------------


def test_add_edit_remove_a_contact(client, factory, db, admin):
    group = factory.group("ITU-T/SG17")
    response = client.post(f"/admin/groups/{group.id}/contacts", data={"contact-name": "Rita", "contact-role": "Rapporteur", "contact-email": "rita@example.org"})
    assert response.status_code == 302
    contact = db.scalar(select(Contact).where(Contact.group_id == group.id))
    assert (contact.name, contact.role, contact.email) == ("Rita", "Rapporteur", "rita@example.org")
    response = client.post(f"/admin/contacts/{contact.id}/edit", data={"name": "Rita R.", "role": "Chair", "email": "rita@example.org", "phone": "+41 1"})
    assert response.status_code == 302
    db.refresh(contact)
    assert (contact.name, contact.role, contact.phone) == ("Rita R.", "Chair", "+41 1")
    response = client.post(f"/admin/contacts/{contact.id}/delete")
    assert response.status_code == 302
    assert db.scalar(select(Contact)) is None
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "group", AuditEvent.object_id == str(group.id))).all()
    assert {"contact.create", "contact.update", "contact.delete"} <= set(actions)


def test_invalid_contact_is_422_with_errors_and_the_group_form_intact(client, factory, db, admin):
    group = factory.group("ITU-T/SG17", name="Security")
    response = client.post(f"/admin/groups/{group.id}/contacts", data={"contact-name": "", "contact-email": "not-an-address"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "a contact needs a name" in html and "is not an e-mail address" in html and 'value="not-an-address"' in html
    assert re.search(r'<input[^>]*id="name"[^>]*value="Security"', html)
    assert db.scalar(select(Contact)) is None


def test_the_admin_sets_a_groups_and_a_contacts_language(client, factory, db, admin):
    """The languages mail goes out in (a contact's own, else its group's) are set on the admin's forms."""
    group = factory.group("ITU-T/SG17")
    response = client.post(f"/admin/groups/{group.id}/edit", data={
        "code": "ITU-T/SG17", "name": "SG17", "kind": "study_group", "body_id": str(group.body_id), "parent_id": "",
        "language": "fr",
    })
    assert response.status_code == 302
    db.refresh(group)
    assert group.language == "fr"
    assert re.search(r'<option selected value="fr">Français</option>', client.get(f"/admin/groups/{group.id}/edit").get_data(as_text=True))

    response = client.post(f"/admin/groups/{group.id}/contacts", data={"contact-name": "Rita", "contact-language": "ar"})
    assert response.status_code == 302
    contact = db.scalar(select(Contact).where(Contact.group_id == group.id))
    assert contact.language == "ar"
    html = client.get(f"/admin/groups/{group.id}/edit").get_data(as_text=True)
    assert "<td>العربية</td>" in html
    response = client.post(f"/admin/contacts/{contact.id}/edit", data={"name": "Rita", "language": ""})
    assert response.status_code == 302
    db.refresh(contact)
    assert contact.language is None  # the group's

    response = client.post(f"/admin/contacts/{contact.id}/edit", data={"name": "Rita", "language": "de"})
    assert response.status_code == 422 and "choose one of: ar, zh, en, fr, ru, es" in response.get_data(as_text=True)


def test_the_services_reasons_reach_the_form_in_the_readers_language(client, factory, db, admin):
    """A refusal the organisation operations word (not the form) is shown in the page's language."""
    group = factory.group("ITU-T/SG17", name="Security")
    response = client.post(f"/admin/groups/{group.id}/contacts?lang=fr",
                           data={"contact-name": "", "contact-email": "not-an-address"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "un contact doit avoir un nom" in html and "n&#39;est pas une adresse électronique" in html
    assert "a contact needs a name" not in html
    client.get("/?lang=en")


# Users and roles ---------------------------------------------------------------------------------------


def test_create_user_grant_and_revoke_roles(client, factory, db, admin):
    group = factory.group("ITU-T/SG17")
    response = client.post("/admin/users/new", data={"name": "Olga Officer", "email": "Olga@Example.org", "password": "long enough password"})
    assert response.status_code == 302
    olga = db.scalar(select(User).where(User.email == "olga@example.org"))
    assert olga is not None and not olga.is_admin
    assert client.post(f"/admin/users/{olga.id}/roles", data={"group_id": str(group.id), "role": "officer"}).status_code == 302
    membership = db.scalar(select(Membership).where(Membership.user_id == olga.id))
    assert (membership.group_id, membership.role) == (group.id, "officer")
    listing = client.get("/admin/users?q=olga").get_data(as_text=True)
    assert "Olga Officer" in listing and "officer of ITU-T/SG17" in listing and "admin@example.org" not in listing
    assert client.post(f"/admin/users/{olga.id}/roles/{membership.id}/delete").status_code == 302
    assert db.scalar(select(Membership).where(Membership.user_id == olga.id)) is None


def test_invalid_user_and_role_are_422(client, factory, db, admin):
    person, group = factory.user(), factory.group("ITU-T/SG17")
    response = client.post("/admin/users/new", data={"name": "", "email": "admin@example.org", "password": "short"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "a name is required" in html and "there is already an account" in html and "at least 10 characters" in html
    assert client.post(f"/admin/users/{person.id}/roles", data={"group_id": "", "role": "officer"}).status_code == 422
    bad_role = client.post(f"/admin/users/{person.id}/roles", data={"group_id": str(group.id), "role": "king"})
    assert bad_role.status_code == 422 and "must be one of" in bad_role.get_data(as_text=True)


def test_deactivated_user_cannot_log_in_and_is_logged_out(client, factory, db, admin, app):
    person = factory.user("person@example.org")
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "0"}).status_code == 302
    db.refresh(person)
    assert person.is_active is False
    other = app.test_client()
    login(other, person)
    assert "Log in" in other.get("/groups/").get_data(as_text=True)
    assert other.post("/login", data={"email": "person@example.org", "password": PASSWORD}).status_code == 422
    assert client.post(f"/admin/users/{person.id}/active", data={"active": "1"}).status_code == 302
    db.refresh(person)
    assert person.is_active is True


def test_admin_cannot_deactivate_themselves(db, factory):
    admin = factory.user(admin=True)
    with pytest.raises(Conflict):
        accounts.set_user_active(db, admin, admin, False)


# Audit log ------------------------------------------------------------------------------------------------


def test_audit_log_filters_by_object_type_and_actor(client, factory, db, admin):
    officer = factory.user("officer@example.org", name="Olga Officer", officer_of=("ITU-T/SG17",))
    factory.item("X.audited", actor=officer)
    client.post("/admin/bodies", data={"code": "OECD", "name": "OECD", "kind": "external"})

    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "Registered X.audited" in everything and "Created body OECD" in everything

    by_type = client.get("/admin/audit?object_type=work_item").get_data(as_text=True)
    assert "Registered X.audited" in by_type and "Created body OECD" not in by_type

    by_actor = client.get("/admin/audit?actor=admin@example.org").get_data(as_text=True)
    assert "Created body OECD" in by_actor and "Registered X.audited" not in by_actor

    unknown = client.get("/admin/audit?actor=nobody@example.org")
    assert unknown.status_code == 400 and "No account has the e-mail" in unknown.get_data(as_text=True)


def test_audit_log_is_paginated(client, factory, db, admin):
    for n in range(55):
        organisation.ensure_body(db, None, f"B{n:02d}")
    db.flush()
    first = client.get("/admin/audit?object_type=body").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Created body B54" in first and "Created body B00" not in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "object_type=body" in next_link
    assert "Created body B00" in client.get(next_link).get_data(as_text=True)
