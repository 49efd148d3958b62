"""The JSON shape: what ``statement_as_dict`` gives, ``create_statement``/``update_statement`` accept, and the
errors, one per field path."""

from __future__ import annotations

import pytest

from liaison.core.errors import ValidationError
from liaison.statements.operations import create_statement, statement_as_dict, update_statement
from tests.statements.helpers import in_days, ls_data


def _errors(db, actor, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        create_statement(db, actor, data)
    return refused.value.errors


def test_the_dict_has_every_field_the_api_needs(db, world):
    ls = create_statement(db, world.officer, ls_data(external_references=["TD 123", "IETF-LS-7"]))
    shown = statement_as_dict(ls)
    assert {
        "id", "reference", "direction", "state", "title", "abstract", "body", "source_group", "questions",
        "study_group", "working_party", "meeting_place", "meeting_dates", "recipients", "contacts",
        "approval_level", "approved_by", "approved_at", "approval_evidence", "work_items", "alerts",
        "in_reply_to", "external_references", "deliveries", "version", "created_at", "updated_at", "sent_at",
    } <= set(shown)
    assert shown["recipients"][0] | {"id": None} == {
        "id": None,
        "group": "ITU-D/SG2",
        "name": "ITU-D/SG2",
        "purpose": "action",
        "deadline": in_days(30),
        "action_taken_at": None,
        "action_note": "",
    }
    assert shown["recipients"][1]["email"] == "liaisons@ietf.example"
    assert shown["contacts"] == ls_data()["contacts"]
    assert shown["external_references"] == ["TD 123", "IETF-LS-7"]
    assert (shown["version"], shown["state"], shown["reference"], shown["deliveries"]) == (1, "draft", None, [])


def test_what_was_read_can_be_written_back(db, world):
    ls = create_statement(db, world.officer, ls_data())
    shown = statement_as_dict(ls)
    shown["title"] = "LS on age assurance (revised)"
    shown["contacts"].append({"name": "Chen Chair", "email": "chen@sg17.example"})
    update_statement(db, world.officer, ls, shown, shown["version"])
    again = statement_as_dict(ls)
    assert again["title"] == "LS on age assurance (revised)"
    assert [c["name"] for c in again["contacts"]] == ["Olga Officer", "Chen Chair"]
    assert again["recipients"] == shown["recipients"], "recipients kept in place, with their ids"


def test_errors_name_the_field_path(db, world):
    data = ls_data(
        recipients=[
            {"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(30)},
            {"email": "someone@example.org", "purpose": "comment"},
            {"email": "not-an-address", "purpose": "information"},
            {"group": "ITU-D/SG99", "purpose": "information"},
            {"group": "ITU-D/SG2", "purpose": "information"},
            {"email": "x@example.org", "purpose": "for fun"},
            {"email": "y@example.org", "purpose": "information", "deadline": "tomorrow"},
            {"group": "ITU-T/SG17", "purpose": "information"},
            "ITU-R",
        ],
        contacts=[{"name": "", "email": "olga@"}, {"name": "Ok", "fax": "+41"}],
        approval_level="plenipotentiary",
        work_items=[999999],
        color="blue",
    )
    errors = _errors(db, world.officer, data)
    assert errors == {
        "recipients[1].deadline": "a deadline is required when the statement is for comment",
        "recipients[2].email": "'not-an-address' is not an e-mail address",
        "recipients[3].group": "no group with code 'ITU-D/SG99'",
        "recipients[4]": "the same recipient as recipients[0]",
        "recipients[5].purpose": "must be one of: action, comment, information",
        "recipients[6].deadline": "'tomorrow' is not a date as YYYY-MM-DD",
        "recipients[7].group": "a statement cannot be addressed to its own source group",
        "recipients[8]": 'must be an object such as {"group": "ITU-D/SG2", "purpose": "action", "deadline": "2026-05-01"}',
        "contacts[0].name": "a contact needs a name",
        "contacts[0].email": "'olga@' is not an e-mail address",
        "contacts[1].fax": "unknown field",
        "approval_level": "must be one of: study_group, working_party, rapporteur_meeting, other",
        "work_items": "no work item with id 999999",
        "color": "unknown field",
    }


def test_required_fields_and_types(db, world):
    assert _errors(db, world.officer, {"title": "", "source_group": "ITU-T/SG17"}) == {"title": "a title is required"}
    assert _errors(db, world.officer, {"title": "x"}) == {
        "source_group": "the group the statement comes from is required"
    }
    assert _errors(db, world.officer, {"title": 5, "source_group": "ITU-T/SG17", "recipients": "ITU-D/SG2"}) == {
        "title": "must be text",
        "recipients": "must be a list of recipients",
    }
    assert _errors(db, world.officer, {"direction": "sideways", "title": "x", "source_group": "ITU-T/SG17"}) == {
        "direction": "must be one of: outgoing, incoming"
    }
    assert "at most 500 characters" in _errors(db, world.officer, ls_data(title="x" * 501))["title"]
    assert _errors(db, world.officer, ls_data(recipients=[{"purpose": "action"}])) == {
        "recipients[0]": "give a group code (group) or an e-mail address (email)"
    }
    assert _errors(
        db, world.officer, ls_data(recipients=[{"group": "ITU-D/SG2", "email": "a@b.org", "purpose": "information"}])
    ) == {"recipients[0]": "give either a group or an e-mail address, not both"}
    assert _errors(db, world.officer, ls_data(in_reply_to=123456)) == {
        "in_reply_to": "no liaison statement with id 123456"
    }


def test_an_incoming_statement_needs_a_sender_and_may_give_its_date(db, world):
    data = {"direction": "incoming", "title": "From UNICEF", "recipients": [{"group": "ITU-T/SG17", "purpose": "information"}]}
    assert _errors(db, world.officer, data) == {
        "source_group": "say who sent it: a group code, or the sender's name in source_text"
    }
    assert _errors(db, world.officer, data | {"source_text": "UNICEF", "sent_at": "10/02/2026"}) == {
        "sent_at": "'10/02/2026' is not a date as YYYY-MM-DD"
    }


def test_server_fields_are_ignored_and_direction_cannot_change(db, world):
    ls = create_statement(
        db, world.officer, ls_data(state="sent", reference="LS/1999/0001", sent_at="2020-01-01", version=7)
    )
    assert (ls.state, ls.reference, ls.sent_at) == ("draft", None, None)
    with pytest.raises(ValidationError) as refused:
        update_statement(db, world.officer, ls, {"direction": "incoming"}, ls.version)
    assert refused.value.errors == {"direction": "the direction of a statement cannot change"}


def test_a_draft_cannot_be_replied_to(db, world):
    draft = create_statement(db, world.officer, ls_data())
    errors = _errors(db, world.officer, ls_data(in_reply_to=draft.id))
    assert errors == {"in_reply_to": "only a statement that was sent or received can be replied to"}
    with pytest.raises(ValidationError) as refused:
        update_statement(db, world.officer, draft, {"in_reply_to": draft.id}, draft.version)
    assert refused.value.errors == {"in_reply_to": "a statement cannot reply to itself"}
