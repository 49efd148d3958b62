"""The statement pages: lists and tabs per role, the detail page, the LS form (create, invalid input, stale
edit, attachments), drafts from an item, an alert or as a reply, incoming statements, .docx, print and feed."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

import docx
import pytest
from sqlalchemy import event, select

from liaison.db import database
from liaison.models import LiaisonStatement, OverlapAlert, StatementAttachment
from liaison.statements.attachments import add_attachment
from liaison.statements.operations import create_statement, update_statement
from tests.factories import login
from tests.statements.docx_reading import docx_fields
from tests.statements.helpers import in_days, ls_data, sent_statement
from tests.statements.web.conftest import reload
from tests.web import duplicate_ids

ATOM = "{http://www.w3.org/2005/Atom}"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def form_data(**overrides: str) -> dict[str, str]:
    """The LS form as a browser sends it: a blank first recipient row, then SG2 for action, then the IETF."""
    data = {
        "source_group": "ITU-T/SG17",
        "title": "LS on age assurance",
        "abstract": "SG17 informs SG2 of its work on age assurance.",
        "body": "SG17 agreed to start X.age.\n\nViews are welcome.",
        "questions": "Q6/17",
        "study_group": "SG17",
        "working_party": "WP2/17",
        "meeting_place": "Geneva",
        "meeting_dates": "20-29 January 2026",
        "recipients-0-purpose": "action",
        "recipients-1-group": "ITU-D/SG2",
        "recipients-1-purpose": "action",
        "recipients-1-deadline": in_days(30),
        "recipients-2-email": "liaisons@ietf.example",
        "recipients-2-name": "IETF liaison manager",
        "recipients-2-purpose": "information",
        "contacts-0-name": "Olga Officer",
        "contacts-0-organization": "ITU",
        "contacts-0-email": "olga@sg17.example",
        "contacts-1-name": "",
        "approval_level": "study_group",
        "external_references": "ISO/IEC JTC 1/SC 27 N1234\n",
    }
    data.update(overrides)
    return data


def _input_value(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, field_id
    value = re.search(r'value="([^"]*)"', match[0])
    return value[1] if value else ""


def _invalid(html: str, field_id: str) -> bool:
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, field_id
    return "is-invalid" in match[0]


# --- lists ------------------------------------------------------------------------------------------


def test_anonymous_visitors_see_sent_statements_and_never_drafts_pending_or_withdrawn(client, statements):
    for tab in ("all", "drafts", "pending", "sent", "incoming", "action_needed", "overdue"):
        html = client.get(f"/statements/?tab={tab}").get_data(as_text=True)
        for hidden in ("Draft on grooming", "Pending on hotlines", "Approved on reporting", "Withdrawn on filters"):
            assert hidden not in html, (tab, hidden)
    html = client.get("/statements/").get_data(as_text=True)
    assert "Sent on age assurance" in html
    assert "tab=drafts" not in html and "tab=pending" not in html  # no tabs that would be empty for them
    assert client.get(f"/statements/{statements.draft.id}").status_code == 404
    assert client.get(f"/statements/{statements.withdrawn.id}").status_code == 404
    assert client.get(f"/statements/{statements.sent.id}").status_code == 200


@pytest.mark.parametrize(
    ("role", "tab", "shown", "hidden"),
    [
        ("officer", "drafts", ["Draft on grooming"], ["Pending on hotlines", "Sent on age assurance"]),
        ("stranger", "drafts", [], ["Draft on grooming"]),
        ("chair", "pending", ["Pending on hotlines"], ["Draft on grooming"]),
        ("admin", "pending", ["Pending on hotlines"], ["Draft on grooming"]),
        ("admin", "all", ["Draft on grooming", "Withdrawn on filters", "Sent on age assurance"], []),
        ("sg2_officer", "action_needed", ["Sent on age assurance"], ["Draft on grooming"]),
        ("officer", "sent", ["Sent on age assurance"], ["Approved on reporting"]),
    ],
)
def test_tabs_per_role(as_user, statements, role, tab, shown, hidden):
    html = as_user(role).get(f"/statements/?tab={tab}").get_data(as_text=True)
    for title in shown:
        assert title in html, title
    for title in hidden:
        assert title not in html, title


def test_tabs_offered_follow_the_roles(as_user, statements):
    officer = as_user("officer").get("/statements/").get_data(as_text=True)
    assert "tab=drafts" in officer and "tab=action_needed" in officer and "tab=pending" not in officer
    chair = as_user("chair").get("/statements/").get_data(as_text=True)
    assert "tab=pending" in chair


def test_search_group_and_date_filters(as_user, statements, world):
    officer = as_user("officer")
    found = officer.get("/statements/?q=grooming").get_data(as_text=True)
    assert "Draft on grooming" in found and "Sent on age assurance" not in found
    by_group = officer.get("/statements/?group=ITU-D/SG2").get_data(as_text=True)
    assert "Sent on age assurance" in by_group
    assert "No statements match" in officer.get("/statements/?group=ITU-T/SG20").get_data(as_text=True)
    response = officer.get("/statements/?date_from=2026-05-02&date_to=2026-05-01")
    assert response.status_code == 400
    assert "must not be before" in response.get_data(as_text=True)
    assert officer.get("/statements/?tab=nonsense").status_code == 400


def test_empty_states_say_what_to_do(as_user, world):
    html = as_user("officer").get("/statements/?tab=drafts").get_data(as_text=True)
    assert "Your groups have no draft statements." in html
    assert "Draft a liaison statement" in html


def test_the_list_page_makes_the_same_number_of_queries_for_few_and_many_statements(app, db, client, world, upload_dir):
    def count_queries() -> int:
        statements_seen: list[str] = []
        engine = database(app).engine
        listener = lambda *args: statements_seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/statements/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements_seen)

    login(client, world.officer)
    sent_statement(db, world, upload_dir, title="First")
    few = count_queries()
    for number in range(4):
        sent_statement(db, world, upload_dir, title=f"More {number}")
    assert count_queries() == few


# --- detail -----------------------------------------------------------------------------------------


def test_detail_shows_the_ls_form_recipients_deliveries_and_history(as_user, statements):
    html = as_user("officer").get(f"/statements/{statements.sent.id}").get_data(as_text=True)
    sent = statements.sent
    for text in (sent.reference, "Q6/17", "WP2/17", "Geneva", "20-29 January 2026", "ITU-T/SG17", "ITU-D/SG2",
                 "For action", "For information", "Olga Officer", "Approved by Chen Chair", "Mail delivery",
                 "rita@sg2.example", "Queued", "Sent " + sent.reference):
        assert text in html, text
    assert duplicate_ids(html) == []


def test_deliveries_are_for_those_who_handle_the_statement(as_user, statements):
    assert "Mail delivery" not in as_user(None).get(f"/statements/{statements.sent.id}").get_data(as_text=True)


def test_user_text_is_escaped(as_user, db, world):
    ls = create_statement(db, world.officer, ls_data(title="<script>alert(1)</script>"))
    for path in (f"/statements/{ls.id}", f"/statements/{ls.id}/print", "/statements/?tab=drafts"):
        html = as_user("officer").get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the LS form ------------------------------------------------------------------------------------


def test_drafting_a_statement(db, as_user, world, factory):
    factory.item("X.age", group="ITU-T/SG17")
    response = as_user("officer").post("/statements/new", data=form_data(work_items="X.age"))
    assert response.status_code == 302
    ls = db.scalar(select(LiaisonStatement).where(LiaisonStatement.title == "LS on age assurance"))
    assert response.headers["Location"].endswith(f"/statements/{ls.id}")
    assert ls.state == "draft" and ls.source_group.code == "ITU-T/SG17"
    assert [(r.label, r.purpose) for r in ls.recipients] == [
        ("ITU-D/SG2", "action"),
        ("IETF liaison manager <liaisons@ietf.example>", "information"),
    ]
    assert [c.name for c in ls.contacts] == ["Olga Officer"]
    assert [item.reference for item in ls.work_items] == ["X.age"]
    assert ls.external_references == ["ISO/IEC JTC 1/SC 27 N1234"]


def test_invalid_input_is_422_with_errors_under_the_right_row_and_everything_kept(db, as_user, world):
    data = form_data(**{"recipients-1-deadline": "", "work_items": "X.nowhere", "title": "Kept title"})
    response = as_user("officer").post("/statements/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "a deadline is required when the statement is for action" in html
    assert _invalid(html, "recipients-1-deadline") and not _invalid(html, "recipients-0-deadline")
    assert "no work item has the reference &#39;X.nowhere&#39;" in html
    assert _input_value(html, "title") == "Kept title"
    assert _input_value(html, "recipients-2-email") == "liaisons@ietf.example"
    assert db.scalar(select(LiaisonStatement).where(LiaisonStatement.title == "Kept title")) is None


def test_more_rows_adds_blank_rows_and_saves_nothing(db, as_user, world):
    response = as_user("officer").post("/statements/new", data=form_data(more_rows="1"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="recipients-5-group"' in html and 'id="contacts-4-name"' in html
    assert _input_value(html, "recipients-2-email") == "liaisons@ietf.example"
    assert db.scalar(select(LiaisonStatement)) is None


def test_people_without_a_role_cannot_draft(client, factory, db):
    assert client.get("/statements/new").status_code == 302  # anonymous: to the login page
    login(client, factory.user(name="Nobody"))
    assert client.get("/statements/new").status_code == 403


def test_a_stale_edit_is_409_with_the_input_kept_and_the_version_moved_on(db, as_user, world):
    ls = create_statement(db, world.officer, ls_data())
    officer = as_user("officer")
    assert 'value="1"' in officer.get(f"/statements/{ls.id}/edit").get_data(as_text=True)
    update_statement(db, world.chair, ls, {"title": "Chair's title"}, 1)
    response = officer.post(f"/statements/{ls.id}/edit", data=form_data(title="My title", version="1"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Chen Chair saved this statement" in html
    assert _input_value(html, "title") == "My title"
    assert re.search(r'name="version" type="hidden" value="2"', html)
    assert reload(db, ls).title == "Chair's title"
    assert officer.post(f"/statements/{ls.id}/edit", data=form_data(title="My title", version="2")).status_code == 302
    assert reload(db, ls).title == "My title"


def test_editing_an_approved_statement_takes_it_back_to_draft(db, as_user, statements):
    ls = statements.approved
    response = as_user("officer").post(
        f"/statements/{ls.id}/edit", data=form_data(title="Approved, changed", version=str(ls.version))
    )
    assert response.status_code == 302
    assert reload(db, ls).state == "draft"


def test_a_sent_statement_cannot_be_edited(as_user, statements):
    response = as_user("officer").get(f"/statements/{statements.sent.id}/edit")
    assert response.status_code == 409
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert as_user("stranger").get(f"/statements/{statements.sent.id}/edit").status_code == 403


def test_a_good_attachment_is_stored_and_downloaded_as_a_file(db, as_user, world):
    ls = create_statement(db, world.officer, ls_data())
    officer = as_user("officer")
    data = form_data(version="1", attachment_title="Draft X.age (TD 456)")
    data["attachment"] = (io.BytesIO(PDF), "draft.pdf")
    response = officer.post(f"/statements/{ls.id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = db.scalar(select(StatementAttachment).where(StatementAttachment.statement_id == ls.id))
    assert (attachment.title, attachment.filename, attachment.content_type) == (
        "Draft X.age (TD 456)", "draft.pdf", "application/pdf")
    download = officer.get(f"/statements/{ls.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert as_user(None).get(f"/statements/{ls.id}/attachments/{attachment.id}").status_code == 404  # a draft


@pytest.mark.parametrize(
    "uploaded, stored",
    [
        ("evil\r\nX-Injected: 1.pdf", "evil X-Injected: 1.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ("zero\u200bwidth\u2028line\u0085.pdf", "zerowidth line .pdf"),
    ],
)
def test_file_names_lose_line_breaks_and_invisible_format_characters(db, as_user, world, upload_dir, uploaded, stored):
    ls = create_statement(db, world.officer, ls_data())
    # The service, which every door uploads through (a browser's multipart encoder may mangle CR LF first).
    attachment = add_attachment(db, world.officer, ls, upload_dir, filename=uploaded, data=PDF, expected_version=1)
    assert attachment.filename == stored
    download = as_user("officer").get(f"/statements/{ls.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and "X-Injected" not in download.headers


def test_a_name_stored_before_the_rule_still_downloads(db, as_user, world):
    ls = create_statement(db, world.officer, ls_data())
    officer = as_user("officer")
    data = form_data(version="1", attachment_title="A file")
    data["attachment"] = (io.BytesIO(PDF), "old.pdf")
    officer.post(f"/statements/{ls.id}/edit", data=data, content_type="multipart/form-data")
    attachment = db.scalar(select(StatementAttachment).where(StatementAttachment.statement_id == ls.id))
    attachment.filename = "evil\r\nX.pdf"
    db.flush()
    download = officer.get(f"/statements/{ls.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "evil X.pdf" in download.headers["Content-Disposition"]


def test_a_bad_attachment_re_renders_the_form_and_saves_nothing(db, as_user, world):
    data = form_data(title="With a bad file", attachment_title="Program")
    data["attachment"] = (io.BytesIO(b"MZ\x90\x00\x03\x00\xff\xfe binary"), "setup.exe")
    response = as_user("officer").post("/statements/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "this kind of file is not accepted" in html
    assert _invalid(html, "attachment")
    assert _input_value(html, "title") == "With a bad file"
    assert _input_value(html, "attachment_title") == "Program"
    assert db.scalar(select(LiaisonStatement)) is None


def test_removing_an_attachment(db, as_user, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    attachment = add_attachment(db, world.officer, ls, upload_dir, filename="a.pdf", data=PDF, expected_version=1)
    response = as_user("officer").post(
        f"/statements/{ls.id}/attachments/{attachment.id}/remove", data={"version": str(ls.version)}
    )
    assert response.status_code == 302
    assert reload(db, ls).attachments == []


# --- drafts made for the user -----------------------------------------------------------------------


def test_a_draft_from_a_work_item_names_it(as_user, factory, world):
    item = factory.item("X.age", group="ITU-T/SG17", question="Q6/17")
    officer = as_user("officer")
    html = officer.get(f"/statements/new?item={item.id}").get_data(as_text=True)
    assert _input_value(html, "work_items") == "X.age"
    assert _input_value(html, "questions") == "Q6/17"
    assert _input_value(html, "contacts-0-name") == "Olga Officer"
    assert officer.get("/statements/new?item=abc").status_code == 400
    assert officer.get("/statements/new?item=999999").status_code == 404


def _alert(db, factory) -> OverlapAlert:
    a = factory.item("X.age", group="ITU-T/SG17", title="Age assurance")
    b = factory.item("D.age", group="ITU-D/SG2", title="Age assurance in developing countries")
    alert = db.scalar(select(OverlapAlert)) or OverlapAlert(
        item_a_id=min(a.id, b.id), item_b_id=max(a.id, b.id), score=0.8, reasons=["same title"], features={}
    )
    db.add(alert)
    db.flush()
    return alert


def test_a_draft_from_an_overlap_alert(db, as_user, factory, world):
    alert = _alert(db, factory)
    officer = as_user("officer")
    page = officer.get(f"/statements/new?alert={alert.id}")
    assert page.status_code == 200
    assert "X.age" in page.get_data(as_text=True) and "D.age" in page.get_data(as_text=True)
    assert officer.post(f"/statements/from-alert/{alert.id}", data={"deadline_days": "0"}).status_code == 422
    response = officer.post(f"/statements/from-alert/{alert.id}", data={"purpose": "comment", "deadline_days": "30"})
    assert response.status_code == 302
    ls = db.scalar(select(LiaisonStatement))
    assert response.headers["Location"].endswith(f"/statements/{ls.id}/edit")
    html = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert _input_value(html, "title") == "Coordination on X.age and D.age"
    assert '<option selected value="ITU-D/SG2">' in html
    assert '<option selected value="comment">' in html
    assert _input_value(html, "recipients-0-deadline") == in_days(30)
    assert [a.id for a in ls.alerts] == [alert.id]


def test_only_people_of_either_group_draft_from_an_alert(db, as_user, factory, world):
    alert = _alert(db, factory)
    assert as_user("stranger").post(f"/statements/from-alert/{alert.id}", data={}).status_code == 403


def test_a_reply_is_prefilled_and_links_to_its_original(db, as_user, statements, world):
    original = statements.sent
    sg2 = as_user("sg2_officer")
    assert "Reply…" in sg2.get(f"/statements/{original.id}").get_data(as_text=True)
    assert sg2.get(f"/statements/{original.id}/reply").status_code == 200
    response = sg2.post(f"/statements/{original.id}/reply")
    assert response.status_code == 302
    reply = db.scalar(select(LiaisonStatement).where(LiaisonStatement.in_reply_to_id == original.id))
    form = sg2.get(response.headers["Location"]).get_data(as_text=True)
    assert _input_value(form, "title").startswith("Reply to the liaison statement from ITU-T/SG17")
    assert _input_value(form, "in_reply_to") == original.reference
    detail = sg2.get(f"/statements/{reply.id}").get_data(as_text=True)
    assert f'href="/statements/{original.id}">{original.reference}</a>' in detail
    thread = sg2.get(f"/statements/{original.id}").get_data(as_text=True)
    assert f'href="/statements/{reply.id}">Draft #{reply.id}</a>' in thread
    assert as_user("officer").get(f"/statements/{original.id}/reply").status_code == 403


def test_logging_an_incoming_statement(db, as_user, world):
    data = {
        "source_text": "UNICEF",
        "sent_at": in_days(-3),
        "external_references": "UNICEF/2026/7",
        "title": "Child rights by design",
        "abstract": "UNICEF asks for comments.",
        "recipients-0-group": "ITU-T/SG17",
        "recipients-0-purpose": "comment",
        "recipients-0-deadline": in_days(20),
        "contacts-0-name": "Una UNICEF",
        "contacts-0-email": "una@unicef.example",
    }
    backdated = as_user("officer").post("/statements/incoming/new", data=data | {"sent_at": "2020-03-02"})
    assert backdated.status_code == 422 and "ask an admin" in backdated.get_data(as_text=True)
    response = as_user("officer").post("/statements/incoming/new", data=data)
    assert response.status_code == 302
    ls = db.scalar(select(LiaisonStatement).where(LiaisonStatement.direction == "incoming"))
    assert (ls.state, ls.source_text, ls.external_references) == ("received", "UNICEF", ["UNICEF/2026/7"])
    assert ls.sent_at.date().isoformat() == in_days(-3)
    public = as_user(None).get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "Child rights by design" in public and "UNICEF/2026/7" in public


# --- documents and feed -----------------------------------------------------------------------------


def test_the_docx_downloads_and_opens(as_user, statements):
    response = as_user(None).get(f"/statements/{statements.sent.id}/document.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert statements.sent.reference.replace("/", "-") in response.headers["Content-Disposition"]
    fields = docx_fields(response.data)
    assert fields["Title:"] == "Sent on age assurance"
    assert "ITU-D/SG2" in fields["For action to:"]
    assert docx.Document(io.BytesIO(response.data)).core_properties.title == "Sent on age assurance"
    assert as_user(None).get(f"/statements/{statements.draft.id}/document.docx").status_code == 404


def test_the_print_view_is_the_ls_form_without_navigation(as_user, statements):
    html = as_user(None).get(f"/statements/{statements.sent.id}/print").get_data(as_text=True)
    assert "LIAISON STATEMENT" in html and statements.sent.reference in html
    assert "navbar" not in html and "@media print" in html and "<script" not in html


def test_the_feed_is_atom_of_sent_statements_only(db, client, statements, world):
    response = client.get("/statements/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [f"{statements.sent.reference}: Sent on age assurance"]
    entry = entries[0]
    for name in ("id", "updated", "summary", "published"):
        assert entry.findtext(f"{ATOM}{name}"), name
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/statements/{statements.sent.id}")
    assert feed.find(f"{ATOM}author/{ATOM}name").text  # entries take the feed's author (RFC 4287 4.1.1)
    to_sg2 = ElementTree.fromstring(client.get("/statements/feed.atom?group=ITU-D/SG2").data)
    assert len(to_sg2.findall(f"{ATOM}entry")) == 1
    other = ElementTree.fromstring(client.get("/statements/feed.atom?group=ITU-T/SG20").data)
    assert other.findall(f"{ATOM}entry") == []
    assert client.get("/statements/feed.atom?group=NOPE").status_code == 404


# --- the ways in from other pages -------------------------------------------------------------------


def test_the_navigation_leads_to_the_statements(as_user):
    assert 'href="/statements/"' in as_user(None).get("/").get_data(as_text=True)


def test_a_work_item_page_offers_a_statement_about_it_to_people_with_a_role(as_user, factory, world):
    item = factory.item("X.age", group="ITU-T/SG17")
    link = f'href="/statements/new?item={item.id}"'
    assert link in as_user("sg2_officer").get(f"/items/{item.id}").get_data(as_text=True)
    assert link not in as_user(None).get(f"/items/{item.id}").get_data(as_text=True)


def test_the_review_page_of_an_alert_drafts_a_statement(db, as_user, factory, world):
    alert = _alert(db, factory)
    chair = as_user("chair")
    html = chair.get(f"/review/{alert.id}").get_data(as_text=True)
    assert f'action="/statements/from-alert/{alert.id}"' in html
    response = chair.post(f"/statements/from-alert/{alert.id}", data={})  # the review page's button sends no choice
    assert response.status_code == 302
    ls = db.scalar(select(LiaisonStatement))
    recipients = [(r.group.code, r.purpose, r.deadline.isoformat()) for r in ls.recipients]
    assert recipients == [("ITU-D/SG2", "action", in_days(60))]
    login(chair, factory.user(chair_of=("ITU-T/SG20",)))
    assert f'action="/statements/from-alert/{alert.id}"' not in chair.get(f"/review/{alert.id}").get_data(as_text=True)


def test_every_page_has_unique_ids_for_its_labels(db, as_user, statements, factory):
    alert = _alert(db, factory)
    pages = [
        ("admin", f"/statements/{statements.draft.id}"),
        ("admin", f"/statements/{statements.sent.id}"),
        ("officer", "/statements/new"),
        ("officer", "/statements/incoming/new"),
        ("officer", f"/statements/{statements.draft.id}/edit"),
        ("officer", "/statements/?tab=drafts"),
        ("officer", f"/statements/new?alert={alert.id}"),
        ("sg2_officer", f"/statements/{statements.sent.id}/reply"),
        (None, f"/statements/{statements.sent.id}/print"),
    ]
    for role, url in pages:
        response = as_user(role).get(url)
        assert response.status_code == 200, url
        assert duplicate_ids(response.get_data(as_text=True)) == [], url


def test_a_nul_character_in_a_query_or_form_is_refused_not_a_server_error(as_user, statements):
    officer = as_user("officer")
    assert officer.get("/statements/?q=a%00b").status_code == 400
    assert officer.get("/statements/feed.atom?group=ITU%00").status_code == 400
    response = officer.post("/statements/new", data=form_data(title="a\x00b"))
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
