"""The liaison-statement API: create, read, change with versions, the workflow steps, lists and the .docx."""

from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import select

from liaison.models import Delivery
from tests.statements.helpers import in_days, ls_data
from tests.web.api.helpers import assert_problem

BASE = "/liaison-statements"


@pytest.fixture()
def tokens(factory, world):
    roles = ("officer", "chair", "stranger", "admin", "sg2_officer")
    return {role: factory.token(getattr(world, role)) for role in roles}


def _create(api, tokens, **overrides):
    response = api.post(BASE, headers=tokens["officer"], json=ls_data(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_answers_201_with_location_etag_and_the_statement(api, tokens):
    response = api.post(BASE, headers=tokens["officer"], json=ls_data(work_items=[], in_reply_to=None))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1{BASE}/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert (body["state"], body["source_group"], body["version"]) == ("draft", "ITU-T/SG17", 1)
    assert [r.get("group") or r.get("email") for r in body["recipients"]] == ["ITU-D/SG2", "liaisons@ietf.example"]
    assert api.get(response.headers["Location"], headers=tokens["officer"]).get_json() == body


def test_writes_need_a_token(api):
    assert_problem(api.post(BASE, json=ls_data()), 401)


def test_invalid_input_is_422_naming_each_field(api, tokens):
    recipients = [{"group": "ITU-D/SG2", "purpose": "action"}, {"email": "nobody", "purpose": "information"}]
    data = ls_data(recipients=recipients)
    problem = assert_problem(api.post(BASE, headers=tokens["officer"], json=data), 422)
    assert problem["errors"]["recipients[0].deadline"] == "a deadline is required when the statement is for action"
    assert "recipients[1].email" in problem["errors"]
    assert_problem(api.post(BASE, headers=tokens["officer"], json=ls_data(colour="red")), 422)
    assert_problem(api.post(BASE, headers=tokens["stranger"], json=ls_data()), 403)


def test_patch_needs_the_current_version(api, tokens):
    ls = _create(api, tokens)
    url = f"{BASE}/{ls['id']}"
    assert_problem(api.patch(url, headers=tokens["officer"], json={"title": "Blind"}), 428)
    changed = api.patch(url, headers=tokens["officer"] | {"If-Match": '"1"'}, json={"title": "New title"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "New title"
    assert changed.headers["ETag"] == '"2"'
    stale = assert_problem(api.patch(url, headers=tokens["chair"], json={"version": 1, "title": "Stale"}), 409)
    assert "changed by someone else" in stale["detail"]
    assert api.get(url, headers=tokens["officer"]).get_json()["title"] == "New title"


def test_a_statement_read_can_be_sent_back_changed(api, tokens):
    ls = _create(api, tokens)
    ls["abstract"] = "A clearer abstract."
    response = api.patch(f"{BASE}/{ls['id']}", headers=tokens["officer"], json=ls)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["abstract"] == "A clearer abstract."


def test_the_workflow_steps_and_the_mail_they_queue(api, db, tokens):
    ls = _create(api, tokens)
    url = f"{BASE}/{ls['id']}"
    assert api.post(f"{url}/submit", headers=tokens["officer"]).get_json()["state"] == "pending_approval"
    assert_problem(api.post(f"{url}/approve", headers=tokens["officer"]), 403)
    assert_problem(api.post(f"{url}/approve", headers=tokens["chair"] | {"If-Match": '"1"'}), 409)
    assert api.post(f"{url}/approve", headers=tokens["chair"]).get_json()["state"] == "approved"
    sent = api.post(f"{url}/send", headers=tokens["officer"])
    assert sent.status_code == 200
    body = sent.get_json()
    assert body["state"] == "sent" and body["reference"].startswith("SG17-LS")
    queued = db.scalars(select(Delivery).where(Delivery.statement_id == ls["id"])).all()
    assert sorted(d.address for d in queued) == sorted(d["address"] for d in body["deliveries"])
    to = {d.address for d in queued if d.role == "to"}
    assert to == {"rita@sg2.example", "victor@sg2.example", "liaisons@ietf.example"}
    assert {d.status for d in queued} == {"queued"}
    assert_problem(api.post(f"{url}/withdraw", headers=tokens["officer"]), 409)
    assert_problem(api.post(f"{url}/send", headers=tokens["stranger"]), 403)


def test_withdrawing_a_draft(api, tokens):
    ls = _create(api, tokens)
    assert api.post(f"{BASE}/{ls['id']}/withdraw", headers=tokens["officer"]).get_json()["state"] == "withdrawn"


def test_anonymous_readers_see_public_statements_only_and_no_deliveries(api, tokens):
    draft = _create(api, tokens, title="Draft")
    sent = _create(api, tokens, title="Sent")
    for step, role in (("submit", "officer"), ("approve", "chair"), ("send", "officer")):
        api.post(f"{BASE}/{sent['id']}/{step}", headers=tokens[role])
    assert_problem(api.get(f"{BASE}/{draft['id']}"), 404)
    public = api.get(f"{BASE}/{sent['id']}").get_json()
    assert public["state"] == "sent" and public["deliveries"] == []
    assert api.get(f"{BASE}/{sent['id']}", headers=tokens["officer"]).get_json()["deliveries"]
    listed = api.get(BASE).get_json()
    assert [s["title"] for s in listed["items"]] == ["Sent"]


def test_list_filters(api, tokens):
    _create(api, tokens, title="To SG2")
    _create(api, tokens, title="To the IETF only", recipients=[{"email": "l@ietf.example", "purpose": "information"}])
    incoming = ls_data(direction="incoming", source_group=None, source_text="UNICEF", title="From UNICEF",
                       recipients=[{"group": "ITU-T/SG17", "purpose": "action", "deadline": in_days(10)}])
    assert api.post(BASE, headers=tokens["officer"], json=incoming).status_code == 201

    def titles(query: str) -> list[str]:
        response = api.get(f"{BASE}?{query}", headers=tokens["officer"])
        assert response.status_code == 200, response.get_json()
        return sorted(s["title"] for s in response.get_json()["items"])

    assert titles("state=draft") == ["To SG2", "To the IETF only"]
    assert titles("state=received") == ["From UNICEF"]
    assert titles("group=ITU-D/SG2") == ["To SG2"]
    assert titles("direction=incoming") == ["From UNICEF"]
    assert titles("q=IETF") == ["To the IETF only"]
    page = api.get(f"{BASE}?per_page=1", headers=tokens["officer"])
    assert (page.get_json()["total"], page.get_json()["pages"]) == (3, 3)
    assert 'rel="next"' in page.headers["Link"]
    problem = assert_problem(api.get(f"{BASE}?state=lost&stauts=sent"), 400)
    assert set(problem["errors"]) == {"state", "stauts"}


def test_the_docx(api, tokens):
    ls = _create(api, tokens, title="LS in Word")
    response = api.get(f"{BASE}/{ls['id']}/document.docx", headers=tokens["officer"])
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=LS-draft-{ls['id']}.docx"
    assert docx.Document(io.BytesIO(response.data)).core_properties.title == "LS in Word"
    assert_problem(api.get(f"{BASE}/{ls['id']}/document.docx"), 404)
