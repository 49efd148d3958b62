"""Two officers edit one work item at the same time: the second to save gets 409, and the first's
change is never lost — through the real edit form, and through the API with requests racing."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import AuditEvent, WorkItem
from liaison.organisation.operations import ensure_group
from tests.factories import PASSWORD
from tests.faults.forms import post_form_fields

RACERS = 6
ROUNDS = 5


def _login(client, user_id: int) -> None:
    with client.session_transaction() as cookie:
        cookie["user_id"] = user_id


def test_the_second_of_two_edit_forms_gets_409_and_the_first_change_is_kept(own_app):
    # An app of its own: the shared fixtures keep one app context open through a test, and Flask-WTF
    # caches the CSRF token in it, so two browsers would get one token between them.
    own = own_app("forms", WTF_CSRF_ENABLED=True)
    with own.session() as session:
        group = ensure_group(session, None, "ITU-T/SG17")
        ana = accounts.create_user(session, None, "ana@sg17.example", "Ana Officer", PASSWORD)
        bo = accounts.create_user(session, None, "bo@sg17.example", "Bo Officer", PASSWORD)
        for officer in (ana, bo):
            accounts.grant_role(session, None, officer, group, "officer")
        item = work_items.create_work_item(
            session, None, {"reference": "X.shared", "title": "Guide for parents", "summary": "First summary.",
                            "group": "ITU-T/SG17"},
        )
        session.commit()
        ana_id, bo_id, item_id = ana.id, bo.id, item.id
    first, second = own.app.test_client(), own.app.test_client()
    _login(first, ana_id)
    _login(second, bo_id)
    url = f"/items/{item_id}/edit"

    ana_form = post_form_fields(first.get(url).get_data(as_text=True))
    bo_form = post_form_fields(second.get(url).get_data(as_text=True))
    assert ana_form["version"] == bo_form["version"] == "1"
    assert ana_form["summary"] == "First summary." and ana_form["csrf_token"] != bo_form["csrf_token"]
    ana_form["title"] = "Guide for parents and carers"
    bo_form["summary"] = "Bo's summary."

    assert first.post(url, data=ana_form).status_code == 302
    refused = second.post(url, data=bo_form)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Changed by Ana Officer meanwhile" in html and "Bo&#39;s summary." in html

    def stored() -> tuple[str, str, int]:
        with own.session() as session:
            item = session.get(WorkItem, item_id)
            return item.title, item.summary, item.version

    assert stored() == ("Guide for parents and carers", "First summary.", 2)

    # Bo merges Ana's title into what he typed (the 409 page keeps his input, on the new version).
    merged = post_form_fields(html)
    assert merged["version"] == "2" and merged["summary"] == "Bo's summary."
    merged["title"] = "Guide for parents and carers"
    assert second.post(url, data=merged).status_code == 302
    assert stored() == ("Guide for parents and carers", "Bo's summary.", 3)
    with own.session() as session:
        updates = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "work_item", AuditEvent.object_id == str(item_id), AuditEvent.action == "work_item.update")
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.actor_id, sorted(e.changes)) for e in updates] == [(ana_id, ["title"]), (bo_id, ["summary"])]


def _patch(url: str, token: str, version: int, title: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, method="PATCH", data=json.dumps({"title": title}).encode(),
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{version}"', "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture()
def racing_server(own_app, serve):
    own = own_app("race")
    with own.session() as session:
        group = ensure_group(session, None, "ITU-T/SG17")
        tokens = []
        for n in range(RACERS):
            officer = accounts.create_user(session, None, f"officer{n}@sg17.example", f"Officer {n}", PASSWORD)
            accounts.grant_role(session, None, officer, group, "officer")
            tokens.append(accounts.create_api_token(session, None, officer, "race")[1])
        item = work_items.create_work_item(session, None, {"reference": "X.race", "title": "Start", "group": "ITU-T/SG17"})
        session.commit()
        item_id = item.id
    return serve(own), item_id, tokens


def test_racing_api_edits_of_one_version_store_exactly_one_and_refuse_the_others(racing_server):
    served, item_id, tokens = racing_server
    url = f"{served.url}/api/v1/work-items/{item_id}"
    for round_ in range(ROUNDS):
        version = round_ + 1
        barrier = threading.Barrier(RACERS)
        answers: list[tuple[int, dict, str]] = [None] * RACERS  # type: ignore[list-item]

        def race(n: int) -> None:
            title = f"Title from officer {n} in round {round_}"
            barrier.wait()
            status, body = _patch(url, tokens[n], version, title)
            answers[n] = (status, body, title)

        threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [200] + [409] * (RACERS - 1), [(s, b) for s, b, _ in answers]
        (winner,) = [title for status, _, title in answers if status == 200]
        assert all(b["status"] == 409 and "changed" in b["detail"] for s, b, _ in answers if s == 409)
        with served.own.session() as session:
            item = session.get(WorkItem, item_id)
            assert (item.title, item.version) == (winner, version + 1), "the stored title is the one acknowledged"
            updates = session.scalar(
                select(func.count()).where(AuditEvent.object_type == "work_item", AuditEvent.object_id == str(item_id), AuditEvent.action == "work_item.update")
            )
            assert updates == round_ + 1, "one change recorded per round: the refused ones left nothing"
