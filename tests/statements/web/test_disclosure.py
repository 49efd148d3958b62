"""What of a statement one reader sees: related items and alerts they may see, and (for the statement's own
group and admins only) outside addressees' e-mail addresses and the drafting history; on the page, the
print view, both .docx, the API and the feed alike. Sending refuses to publish other groups' private work.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from liaison.models import LiaisonStatement
from liaison.statements.operations import create_statement, update_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval
from tests.factories import Factory, login
from tests.reporting.test_no_private_leaks import text_of
from tests.statements.helpers import alert_between, approved_statement, ls_data, sent_statement
from tests.web.api.helpers import ApiClient, assert_problem

#: The open alert's score as pages show it, never part of a longer number (a timestamp's "40.883050").
SCORE = re.compile(r"(?<![\d.])0\.88(?!\d)")


def everything_about(client: FlaskClient, api: ApiClient, ls: LiaisonStatement, headers: dict[str, str]) -> str:
    """Every rendering of ``ls`` as the client's (pages) and the token's (API) owner reads it."""
    pages = [f"/statements/{ls.id}", f"/statements/{ls.id}/print", f"/statements/{ls.id}/document.docx",
             "/statements/feed.atom", "/statements/?tab=sent"]
    calls = [f"/liaison-statements/{ls.id}", f"/liaison-statements/{ls.id}/document.docx", "/liaison-statements"]
    answers = [client.get(path) for path in pages] + [api.get(path, headers=headers) for path in calls]
    assert all(answer.status_code == 200 for answer in answers), [answer.status_code for answer in answers]
    return "\n".join(text_of(answer) for answer in answers)


@pytest.fixture()
def related(db: Session, factory: Factory, world: SimpleNamespace, upload_dir: str) -> SimpleNamespace:
    """A statement SG17 sent about its own private draft and an open alert between two public items."""
    own_secret = factory.item("X.zzsg17draft", group="ITU-T/SG17", title="Qqsg17drafttitle", is_public=False)
    ours = factory.item("X.age", group="ITU-T/SG17", title="Age assurance")
    theirs = factory.item("D.age", group="ITU-D/SG2", title="Age checks")
    open_alert = alert_between(db, ours, theirs, score=0.8765)
    ls = sent_statement(db, world, upload_dir, work_items=[own_secret.id, ours.id], alerts=[open_alert.id])
    return SimpleNamespace(ls=ls, own_secret=own_secret, ours=ours, alert=open_alert)


def test_a_sent_statement_shows_each_reader_only_the_items_and_alerts_they_may_see(
    client: FlaskClient, api: ApiClient, factory: Factory, world: SimpleNamespace, related: SimpleNamespace
) -> None:
    anonymous = everything_about(client, api, related.ls, {})
    for secret in ("X.zzsg17draft", "Qqsg17drafttitle", f"/overlaps/{related.alert.id}"):
        assert secret not in anonymous
    assert not SCORE.search(anonymous), "the open alert's score"
    assert "X.age" in anonymous, "the public item stays listed"
    shown = api.get(f"/liaison-statements/{related.ls.id}").get_json()
    assert (shown["work_items"], shown["alerts"]) == ([related.ours.id], [])

    login(client, world.sg2_officer)
    signed_in = everything_about(client, api, related.ls, factory.token(world.sg2_officer))
    assert "X.zzsg17draft" in signed_in and SCORE.search(signed_in), "people who log in see private items and open alerts"


def test_sending_refuses_other_groups_private_items_with_the_list(
    db: Session, client: FlaskClient, api: ApiClient, factory: Factory, world: SimpleNamespace, upload_dir: str
) -> None:
    secret = factory.item("D.zzsg2secret", group="ITU-D/SG2", title="SG2's unpublished plan", is_public=False)
    own = factory.item("X.zzown", group="ITU-T/SG17", title="SG17's own draft", is_public=False)
    ls = approved_statement(db, world, work_items=[secret.id, own.id])

    problem = assert_problem(api.post(f"/liaison-statements/{ls.id}/send", headers=factory.token(world.officer)), 422)
    assert "D.zzsg2secret (ITU-D/SG2)" in problem["errors"]["work_items"] and "X.zzown" not in problem["detail"]
    login(client, world.officer)
    page = client.post(f"/statements/{ls.id}/send", data={"version": str(ls.version), "confirmed": "yes"})
    assert page.status_code == 422 and "D.zzsg2secret (ITU-D/SG2)" in page.get_data(as_text=True)
    db.expire_all()
    stored = db.get(LiaisonStatement, ls.id)
    assert (stored.state, stored.reference, stored.deliveries) == ("approved", None, [])

    update_statement(db, world.officer, stored, {"work_items": [own.id]}, stored.version)
    approved = approved_statement(db, world, work_items=[own.id])
    assert send_statement(db, world.officer, approved, upload_dir=upload_dir).state == "sent", (
        "a group may send word of its own private work"
    )


def test_outside_addresses_and_the_drafting_history_are_the_source_groups_own(
    db: Session, client: FlaskClient, api: ApiClient, factory: Factory, world: SimpleNamespace, upload_dir: str
) -> None:
    recipients = [
        {"group": "ITU-D/SG2", "purpose": "information"},
        {"email": "qqperson@outside.example", "name": "IETF liaison manager", "purpose": "information"},
        {"email": "qqnameless@outside.example", "purpose": "information"},
    ]
    ls = create_statement(
        db, world.officer,
        ls_data(title="Qqfirstwording of the title", abstract="Qqsecondwording", recipients=recipients),
    )
    update_statement(db, world.officer, ls, {"title": "LS on age assurance", "abstract": "SG17 asks."}, ls.version)
    submit_for_approval(db, world.officer, ls)
    approve_statement(db, world.chair, ls)
    send_statement(db, world.officer, ls, upload_dir=upload_dir)
    secrets = ("qqperson@outside.example", "qqnameless@outside.example", "Qqfirstwording", "Qqsecondwording")

    for reader in (None, world.sg2_officer, world.stranger):
        if reader is not None:
            login(client, reader)
        seen = everything_about(client, api, ls, factory.token(reader) if reader else {})
        assert [secret for secret in secrets if secret in seen] == [], reader
        assert "IETF liaison manager" in seen and "an outside addressee" in seen
    assert api.get(f"/liaison-statements/{ls.id}").get_json()["recipients"][1] == {
        "id": ls.recipients[1].id, "name": "IETF liaison manager", "purpose": "information", "deadline": None,
        "action_taken_at": None, "action_note": "",
    }

    login(client, world.officer)
    own = everything_about(client, api, ls, factory.token(world.officer))
    assert all(secret in own for secret in secrets)
