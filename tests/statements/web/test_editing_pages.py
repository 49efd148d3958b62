"""Editing and approving from the pages: a form saved unchanged records nothing, the history names fields as
people do, a statement sent meanwhile says so, and a chair does not approve their own draft while another
chair could."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select

from liaison.models import AuditEvent
from liaison.statements.operations import create_statement, update_statement
from liaison.statements.workflow import send_statement, submit_for_approval
from tests.factories import login
from tests.statements.helpers import approved_statement, ls_data
from tests.statements.web.conftest import reload


class _FormReader(HTMLParser):
    """The fields of the page's LS form as a browser submits them (textareas with CRLF line ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name")
        if tag == "input" and name and found.get("type") not in ("file", "submit"):
            self.data[name] = found.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in found:
            self.data[self._select] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def submitted(self) -> dict[str, str]:
        # Browsers drop the newline that starts a textarea's content, and send its lines with CRLF.
        return {
            name: value.removeprefix("\r\n").removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")
            if "\n" in value else value
            for name, value in self.data.items()
        }


def _browser_form(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    return reader.submitted()


def _updates(db, ls) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "statement", AuditEvent.object_id == str(ls.id), AuditEvent.action == "statement.update"
            )
        )
    )


def test_saving_the_form_unchanged_records_no_change(db, as_user, world):
    ls = create_statement(
        db, world.officer, ls_data(body="SG17 agreed:\n- to start X.age;\n- to tell SG2.\n\nViews are welcome.",
                                   abstract="Two lines\nof abstract.")
    )
    officer = as_user("officer")
    data = _browser_form(officer.get(f"/statements/{ls.id}/edit").get_data(as_text=True))
    assert "\r\n" in data["body"], "the browser's line ends"
    response = officer.post(f"/statements/{ls.id}/edit", data=data)
    assert response.status_code == 302
    saved = reload(db, ls)
    assert saved.version == 1 and saved.body.count("\r") == 0
    assert _updates(db, ls) == []


def test_the_history_names_fields_as_the_form_does(db, as_user, world):
    ls = create_statement(db, world.officer, ls_data())
    update_statement(db, world.officer, ls, {"questions": "Q1/17", "approval_level": "working_party", "language": "fr"}, 1)
    db.flush()
    html = as_user("officer").get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "Changed Approval level, Original language, Question(s) of" in html
    assert "<li>Question(s): " in html and "<li>Approval level: " in html
    assert "<li>questions" not in html and "approval level:" not in html


def test_a_statement_sent_while_being_edited_says_it_was_sent(db, as_user, world, upload_dir):
    ls = approved_statement(db, world)
    officer = as_user("officer")
    data = _browser_form(officer.get(f"/statements/{ls.id}/edit").get_data(as_text=True))
    send_statement(db, world.chair, ls, upload_dir=upload_dir)
    data["title"] = "My better title"
    response = officer.post(f"/statements/{ls.id}/edit", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"this statement was sent as {ls.reference} on" in html
    assert "changed by someone else" not in html and "saved this statement" not in html
    assert 'value="My better title"' in html, "what was typed is kept, to copy"
    page = officer.get(f"/statements/{ls.id}/edit")
    assert page.status_code == 409 and f"was sent as {ls.reference}" in page.get_data(as_text=True)


def test_a_chair_does_not_approve_their_own_draft_while_another_chair_could(db, client, world, factory):
    ls = create_statement(db, world.chair, ls_data())
    submit_for_approval(db, world.chair, ls)
    second = factory.user("cleo@sg17.example", name="Cleo Second", chair_of=("ITU-T/SG17",))

    login(client, world.chair)
    html = client.get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "You drafted this statement, so another chair of ITU-T/SG17 must approve it: Cleo Second." in html
    assert f'action="/statements/{ls.id}/approve"' not in html
    refused = client.post(f"/statements/{ls.id}/approve", data={"version": str(ls.version)})
    assert refused.status_code == 403
    assert "you drafted this statement, so another chair of ITU-T/SG17 must approve it (Cleo Second)" in refused.get_data(as_text=True)
    assert reload(db, ls).state == "pending_approval"

    login(client, second)
    assert f'action="/statements/{ls.id}/approve"' in client.get(f"/statements/{ls.id}").get_data(as_text=True)
    assert client.post(f"/statements/{ls.id}/approve", data={"version": str(ls.version)}).status_code == 302
    assert reload(db, ls).state == "approved"


def test_the_only_chair_of_a_group_may_approve_their_own_draft(db, client, world):
    ls = create_statement(db, world.chair, ls_data())
    submit_for_approval(db, world.chair, ls)
    login(client, world.chair)
    html = client.get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "You drafted this statement, and no other chair of ITU-T/SG17 can approve it: you may approve it yourself." in html
    assert client.post(f"/statements/{ls.id}/approve", data={"version": str(ls.version)}).status_code == 302
    assert reload(db, ls).state == "approved"
