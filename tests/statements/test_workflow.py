"""The statement's life: states, edits and approval, numbering, replies, incoming statements, drafting from alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from liaison.core.audit import history
from liaison.core.errors import Conflict, ValidationError
from liaison.documents import build_document, render_docx
from liaison.models import LiaisonStatement, OutboxMessage, utcnow
from liaison.statements.operations import (
    create_statement,
    draft_reply,
    draft_statement_from_alert,
    statement_as_dict,
    update_statement,
)
from liaison.statements.permissions import full_disclosure
from liaison.statements.workflow import (
    approve_statement,
    close_statement,
    mark_action_taken,
    record_prior_approval,
    send_statement,
    submit_for_approval,
    withdraw_statement,
)
from tests.statements.docx_reading import docx_fields
from tests.statements.helpers import alert_between, approved_statement, in_days, ls_data, sent_statement


def _mail(db, kind: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_an_outgoing_statement_goes_from_draft_to_closed_and_each_step_is_audited(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    assert (ls.direction, ls.state, ls.reference) == ("outgoing", "draft", None)
    submit_for_approval(db, world.officer, ls)
    assert ls.state == "pending_approval" and ls.submitted_at is not None
    (request,) = _mail(db, "ls_approval")
    assert [d.address for d in request.deliveries] == ["chen@sg17.example"], "every chair of the source group"
    approve_statement(db, world.chair, ls)
    assert ls.state == "approved" and ls.approved_by is world.chair
    send_statement(db, world.officer, ls, upload_dir=upload_dir)
    assert ls.state == "sent" and ls.sent_by is world.officer and ls.sent_at is not None
    close_statement(db, world.officer, ls)
    assert ls.state == "closed"
    actions = [event.action for event in reversed(history(db, "statement", ls.id))]
    assert actions == [
        "statement.create",
        "statement.submit",
        "statement.approve",
        "statement.send",
        "statement.queue",
        "statement.close",
    ]


def test_submitting_an_incomplete_draft_says_what_is_missing(db, world):
    ls = create_statement(
        db, world.officer, {"title": "Half done", "source_group": "ITU-T/SG17", "recipients": [], "contacts": []}
    )
    with pytest.raises(ValidationError) as refused:
        submit_for_approval(db, world.officer, ls)
    assert set(refused.value.errors) == {"abstract", "recipients", "contacts", "approval_level"}
    assert ls.state == "draft"


def test_a_deadline_that_has_passed_blocks_approval_and_sending(db, world):
    ls = create_statement(db, world.officer, ls_data())
    ls.recipients[0].deadline = utcnow().date() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        submit_for_approval(db, world.officer, ls)
    assert "has passed" in refused.value.errors["recipients[0].deadline"]


def test_steps_out_of_order_are_conflicts(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    with pytest.raises(Conflict):
        approve_statement(db, world.chair, ls)
    with pytest.raises(Conflict, match="only approved statements can be sent"):
        send_statement(db, world.officer, ls, upload_dir=upload_dir)
    with pytest.raises(Conflict):
        close_statement(db, world.officer, ls)
    submit_for_approval(db, world.officer, ls)
    with pytest.raises(Conflict):
        submit_for_approval(db, world.officer, ls)
    approve_statement(db, world.chair, ls)
    send_statement(db, world.officer, ls, upload_dir=upload_dir)
    with pytest.raises(Conflict, match="close it instead"):
        withdraw_statement(db, world.officer, ls)
    with pytest.raises(Conflict, match="can no longer be changed"):
        update_statement(db, world.officer, ls, {"title": "Too late"}, ls.version)
    assert ls.title == "LS on age assurance guidelines"


def test_withdrawing_before_sending(db, world):
    for ls in (
        create_statement(db, world.officer, ls_data()),
        approved_statement(db, world),
    ):
        withdraw_statement(db, world.officer, ls)
        assert ls.state == "withdrawn"
        with pytest.raises(Conflict):
            submit_for_approval(db, world.officer, ls)


@pytest.mark.parametrize("approved", [False, True])
def test_editing_a_statement_awaiting_or_holding_approval_takes_it_back_to_draft(db, world, approved):
    ls = create_statement(db, world.officer, ls_data())
    submit_for_approval(db, world.officer, ls)
    if approved:
        approve_statement(db, world.chair, ls)
    update_statement(db, world.officer, ls, {"abstract": "Reworded after the meeting."}, ls.version)
    assert ls.state == "draft"
    assert (ls.approved_by, ls.approved_at, ls.submitted_at) == (None, None, None)
    event = history(db, "statement", ls.id)[0]
    assert event.action == "statement.update"
    assert event.changes["state"] == ["approved" if approved else "pending_approval", "draft"]
    assert event.changes["abstract"][1] == "Reworded after the meeting."


def test_an_unchanged_update_changes_nothing(db, world):
    ls = create_statement(db, world.officer, ls_data())
    submit_for_approval(db, world.officer, ls)
    version = ls.version
    update_statement(db, world.officer, ls, statement_as_dict(ls), ls.version)
    assert (ls.state, ls.version) == ("pending_approval", version)


def test_edits_need_the_current_version_and_children_move_it_on(db, world):
    ls = create_statement(db, world.officer, ls_data())
    with pytest.raises(ValidationError) as missing:
        update_statement(db, world.officer, ls, {"title": "x"}, None)
    assert "version" in missing.value.errors
    version = ls.version
    recipients = statement_as_dict(ls)["recipients"]
    recipients[0]["deadline"] = in_days(45)
    update_statement(db, world.officer, ls, {"recipients": recipients}, version)
    assert ls.version == version + 1, "a change to a recipient alone still moves the statement's version"
    with pytest.raises(Conflict, match="you saw version"):
        update_statement(db, world.officer, ls, {"title": "Stale"}, version)


def test_a_concurrent_commit_is_caught_by_the_version_column(db, world):
    ls = create_statement(db, world.officer, ls_data())
    seen = ls.version
    # Another transaction changed the row after we loaded it.
    db.execute(
        update(LiaisonStatement)
        .where(LiaisonStatement.id == ls.id)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict, match="meanwhile"):
        update_statement(db, world.officer, ls, {"title": "Mine"}, seen)


def test_editing_recipients_keeps_an_action_already_taken(db, world):
    data = ls_data(direction="incoming", source_group=None, source_text="IETF")
    data["recipients"] = [{"group": "ITU-T/SG17", "purpose": "action", "deadline": in_days(30)}]
    ls = create_statement(db, world.officer, data)
    mark_action_taken(db, world.officer, ls.recipients[0], "Discussed at Q6/17")
    recipients = statement_as_dict(ls)["recipients"] + [{"group": "ITU-D/SG2", "purpose": "information"}]
    update_statement(db, world.officer, ls, {"recipients": recipients}, ls.version)
    assert [r.action_taken_at is not None for r in ls.recipients] == [True, False]


def test_an_approval_obtained_elsewhere_is_recorded_with_its_evidence_and_the_chairs_told(db, world, factory, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    with pytest.raises(ValidationError) as refused:
        record_prior_approval(db, world.chair, ls, "  ")
    assert "approval_evidence" in refused.value.errors
    second_chair = factory.user("cleo@sg17.example", name="Cleo Chair", chair_of=("ITU-T/SG17",))
    record_prior_approval(
        db, world.chair, ls, "Agreed by the SG17 plenary, Geneva (report TD 1234)", approved_on=dt.date(2026, 1, 29)
    )
    assert ls.state == "approved" and ls.approved_at.date() == dt.date(2026, 1, 29)
    shown = statement_as_dict(ls)
    assert shown["approval_evidence"] == "Agreed by the SG17 plenary, Geneva (report TD 1234)"
    assert shown["approved_by"] == {"id": world.chair.id, "name": "Chen Chair"}
    notice = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ls_approval_recorded")).one()
    assert sorted(d.address for d in notice.deliveries) == sorted([world.chair.email, second_chair.email])
    assert "Chen Chair recorded" in notice.text_body and "report TD 1234" in notice.text_body
    fields = docx_fields(render_docx(build_document(ls, full_disclosure(ls))))
    assert fields["Approval:"] == (
        "Agreed at study group level; approval already obtained: Agreed by the SG17 plenary, Geneva (report TD 1234)"
    )
    send_statement(db, world.officer, ls, upload_dir=upload_dir)
    assert ls.state == "sent"


def test_a_group_without_an_address_cannot_be_sent_to(db, world, factory, upload_dir):
    factory.group("ITU-T/SG20")
    ls = approved_statement(
        db, world, recipients=[{"group": "ITU-T/SG20", "purpose": "information"}]
    )
    with pytest.raises(ValidationError) as refused:
        send_statement(db, world.officer, ls, upload_dir=upload_dir)
    assert "no contact with an e-mail address" in refused.value.errors["recipients[0]"]
    assert ls.state == "approved" and ls.reference is None


def test_a_reply_reads_as_one_and_sending_it_takes_the_originals_action(db, world, upload_dir):
    original = sent_statement(db, world, upload_dir)
    reply = draft_reply(db, world.sg2_officer, original)
    date = original.sent_at.date().isoformat()
    assert reply.title == f"Reply to the liaison statement from ITU-T/SG17 ({date})"
    shown = statement_as_dict(reply)
    assert shown["subject"] == reply.title
    assert shown["source_group"] == "ITU-D/SG2" and shown["in_reply_to"] == original.id
    assert [(r["group"], r["purpose"]) for r in shown["recipients"]] == [("ITU-T/SG17", "information")]
    assert [c["email"] for c in shown["contacts"]] == ["rita@sg2.example", "victor@sg2.example"]

    update_statement(db, world.sg2_officer, reply, {"approval_level": "rapporteur_meeting"}, reply.version)
    submit_for_approval(db, world.sg2_officer, reply)
    approve_statement(db, world.sg2_chair, reply)
    assert original.recipients[0].action_taken_at is None
    send_statement(db, world.sg2_officer, reply, upload_dir=upload_dir)

    sg2 = original.recipients[0]
    assert sg2.action_taken_at is not None and sg2.answered_by is reply
    assert original.state == "answered"
    assert original.recipients[1].action_taken_at is None, "the IETF had nothing to do"
    (mail,) = [m for m in _mail(db, "ls") if m.statement_id == reply.id]
    assert mail.subject == f"{reply.reference}: Reply to the liaison statement from ITU-T/SG17 ({date})"
    assert history(db, "statement", original.id)[0].action == "statement.answered"


def test_logging_an_incoming_reply_answers_our_statement(db, world, upload_dir):
    original = sent_statement(
        db,
        world,
        upload_dir,
        recipients=[{"email": "liaisons@ietf.example", "name": "IETF", "purpose": "comment", "deadline": in_days(30)}],
    )
    reply = create_statement(
        db,
        world.officer,
        {
            "direction": "incoming",
            "title": "IETF response on age assurance",
            "source_text": "IETF",
            "sent_at": in_days(-3),
            "recipients": [{"group": "ITU-T/SG17", "purpose": "information"}],
            "contacts": [{"name": "IETF liaison manager", "email": "liaisons@ietf.example"}],
            "in_reply_to": original.id,
            "external_references": ["IETF-LS-2026-03"],
        },
    )
    assert (reply.state, reply.sent_at.date().isoformat()) == ("received", in_days(-3))
    assert original.state == "answered"
    assert original.recipients[0].answered_by is reply


def test_an_incoming_statement_for_action_tells_the_group_and_waits_for_the_action(db, world):
    ls = create_statement(
        db,
        world.sg2_officer,
        ls_data(
            direction="incoming",
            source_group=None,
            source_text="UNICEF",
            recipients=[{"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(20)}],
        ),
    )
    assert ls.state == "received" and ls.reference is None
    (notice,) = _mail(db, "ls_action")
    assert sorted(d.address for d in notice.deliveries) == ["carla@sg2.example", "omar@sg2.example"]
    assert notice.subject.startswith(f"For action by {in_days(20)}: ")
    with pytest.raises(Conflict):
        submit_for_approval(db, world.sg2_officer, ls)
    mark_action_taken(db, world.sg2_officer, ls.recipients[0], "Q3/2 will prepare a reply")
    assert ls.recipients[0].action_note == "Q3/2 will prepare a reply"
    with pytest.raises(Conflict, match="already"):
        mark_action_taken(db, world.sg2_officer, ls.recipients[0])
    close_statement(db, world.sg2_officer, ls)
    assert ls.state == "closed"


def test_information_recipients_have_no_action_to_take(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    with pytest.raises(Conflict, match="for information"):
        mark_action_taken(db, world.officer, ls.recipients[1])


@pytest.mark.parametrize("purpose", ["action", "comment"])
def test_drafting_from_an_alert_writes_from_the_actors_group_to_the_other(db, world, factory, purpose):
    ours = factory.item("X.age-assurance", group="ITU-T/SG17", title="Age assurance framework", question="Q6/17")
    theirs = factory.item("D.age", group="ITU-D/SG2", title="Age assurance in developing countries")
    alert = alert_between(db, ours, theirs, score=0.8, reasons=["shared terms: age assurance", "similar titles"])

    ls = draft_statement_from_alert(db, world.officer, alert, purpose=purpose)

    shown = statement_as_dict(ls)
    assert (shown["state"], shown["source_group"], shown["questions"]) == ("draft", "ITU-T/SG17", "Q6/17")
    (recipient,) = shown["recipients"]
    assert (recipient["group"], recipient["purpose"]) == ("ITU-D/SG2", purpose)
    assert recipient["deadline"] == (utcnow().date() + dt.timedelta(days=60)).isoformat()
    assert sorted(shown["work_items"]) == sorted([ours.id, theirs.id]) and shown["alerts"] == [alert.id]
    assert ("coordinate the two work items" if purpose == "action" else "for its comments") in ls.body
    assert "0.8" not in ls.body and "score" not in ls.body, "no engine internals in the letter"
    assert shown["contacts"][0]["email"] == "tsbsg17@itu.example", "the group's own liaison contact"

    reverse = draft_statement_from_alert(db, world.sg2_officer, alert)
    assert statement_as_dict(reverse)["source_group"] == "ITU-D/SG2"
    assert statement_as_dict(reverse)["recipients"][0]["group"] == "ITU-T/SG17"


def test_without_a_chair_the_admins_are_asked_to_approve(db, world):
    ls = create_statement(
        db, world.stranger, ls_data(source_group="ITU-T/SG20", contacts=[{"name": "Sten", "email": "sten@sg20.example"}])
    )
    submit_for_approval(db, world.stranger, ls)
    (request,) = _mail(db, "ls_approval")
    assert [d.address for d in request.deliveries] == ["ada@itu.example"]
    assert "as chair of ITU-T/SG20" in request.text_body


def test_drafting_from_an_alert_refuses_what_makes_no_sense(db, world, factory):
    a = factory.item("X.one", group="ITU-T/SG17", title="Age assurance")
    b = factory.item("X.two", group="ITU-T/SG17", title="Age assurance again")
    c = factory.item("D.three", group="ITU-D/SG2", title="Age assurance elsewhere")
    with pytest.raises(Conflict, match="same group"):
        draft_statement_from_alert(db, world.officer, alert_between(db, a, b))
    with pytest.raises(ValidationError) as refused:
        draft_statement_from_alert(db, world.officer, alert_between(db, a, c), purpose="information")
    assert refused.value.errors == {"purpose": "must be one of: action, comment"}


def test_a_statement_drafted_from_an_alert_reads_as_a_letter(db, world, factory):
    ours = factory.item("X.age-assurance", group="ITU-T/SG17", title="Age assurance framework")
    theirs = factory.item("D.age", group="ITU-D/SG2", title="Age assurance in developing countries")
    alert = alert_between(
        db, ours, theirs, score=0.93,
        reasons=["titles 91% alike", "shared keywords: age assurance", "shared terms: age assurance (0.34), minors (0.12)"],
    )
    alert.state, alert.decision_note = "overlap", "Same scope; SG2 focuses on deployment."
    deadline = utcnow().date() + dt.timedelta(days=45)

    ls = draft_statement_from_alert(db, world.officer, alert, deadline_days=45)

    letter, annex = ls.body.split("Annex: how the possible overlap was found")
    assert letter.startswith("ITU-T/SG17, of ITU-T, writes to ITU-D/SG2, of ITU-D,")
    assert "Your work item D.age, \u201cAge assurance in developing countries\u201d" in letter
    assert "our work item X.age-assurance, \u201cAge assurance framework\u201d" in letter
    assert "the chairs concluded that the two items overlap, with this note: \u201cSame scope; SG2 focuses on deployment.\u201d" in letter
    assert f"- to send its reply by {deadline.day} {deadline:%B %Y}." in letter
    for internal in ("0.93", "0.34", "91%", "score", "shared terms"):
        assert internal not in ls.body
    assert "- Their titles are nearly the same." in annex
    assert "- Words and phrases in common: age assurance, minors." in annex
    assert ls.abstract.endswith(f"asks for coordination by {deadline.day} {deadline:%B %Y}.")
