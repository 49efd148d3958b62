"""A liaison statement from an overlap alert to the other group's mailbox, in a real browser: an officer
drafts it from the alert, completes and submits it; the chair, in a browser of their own, approves
and sends it; the outbox delivers it to an SMTP server on loopback, .docx attached."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.db import database
from liaison.items import operations as work_items
from liaison.mail import MailSettings
from liaison.mail.sender import send_pending
from liaison.models import LiaisonStatement, OverlapAlert, utcnow
from liaison.organisation import operations as organisation
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD
from tests.plugins.mail import SmtpServer
from tests.statements.docx_reading import docx_fields

# Groups and a subject of their own: the live server's database is shared by every browser test.
OURS, THEIRS = "ITU-D/SG1", "UNICEF/Innocenti"
OUR_CONTACT, THEIR_CONTACTS = "bdt-sg1@itu.example", ("ines@innocenti.example", "marco@innocenti.example")
OUTSIDE = "liaisons@ecpat.example"
ITEMS = [
    {"reference": "D.grooming", "group": OURS, "keywords": ["online grooming", "game chat"],
     "title": "Detecting online grooming of children in game chat",
     "summary": "How game platforms detect online grooming in chat and protect the children who play."},
    {"reference": "UNICEF-grooming-games", "group": THEIRS, "keywords": ["online grooming", "games"],
     "title": "Online grooming detection in game chat for children",
     "summary": "Detection of online grooming in the chat of games children play, and how platforms protect them."},
]


@pytest.fixture()
def smtp(live_server, monkeypatch):
    """An SMTP server on loopback, and the live app's outbox pointed at it (restored afterwards)."""
    server = SmtpServer()
    server.start()
    config = live_server.app.config
    monkeypatch.setitem(config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(config, "MAIL_PORT", server.port)
    monkeypatch.setitem(config, "MAIL_DEFAULT_SENDER", "COP liaison <liaison@cop.example>")
    monkeypatch.setitem(config, "MAIL_TIMEOUT", 5.0)
    try:
        yield server
    finally:
        server.stop()


def seed(live_server) -> int:
    """The two groups with their liaison contacts, an officer and a chair of ours, and the alert on the items."""
    with live_server.session() as session:
        ours = organisation.ensure_group(session, None, OURS)
        theirs = organisation.ensure_group(session, None, THEIRS)
        organisation.add_contact(session, None, ours, {"name": "BDT secretariat", "email": OUR_CONTACT})
        for address in THEIR_CONTACTS:
            organisation.add_contact(session, None, theirs, {"name": address.split("@")[0].title(), "email": address})
        for email, name, role in (("oona@sg1.example", "Oona Officer", "officer"), ("cato@sg1.example", "Cato Chair", "chair")):
            accounts.grant_role(session, None, accounts.create_user(session, None, email, name, PASSWORD), ours, role)
        first, second = (work_items.create_work_item(session, None, item) for item in ITEMS)
        alert = session.scalar(
            select(OverlapAlert).where(OverlapAlert.item_a_id == first.id, OverlapAlert.item_b_id == second.id)
        )
        assert alert is not None, "saving the second item raises the alert"
        return alert.id


def test_a_statement_drafted_from_an_alert_is_approved_sent_and_delivered(live_server, page, browser, smtp, request):
    alert_id = seed(live_server)

    # The officer drafts it from the alert, asking the other group for comments within 30 days.
    log_in(page, live_server.url, "oona@sg1.example")
    page.goto(f"{live_server.url}/statements/new?alert={alert_id}")
    page.get_by_role("heading", name="Draft a liaison statement about an overlap").wait_for()
    page.get_by_label("Ask the other group").select_option(label="For comment")
    page.get_by_label("Deadline, in days from today").fill("30")
    page.get_by_role("button", name="Draft the statement").click()
    page.get_by_text("Drafted a statement about the overlap").wait_for()
    assert page.get_by_label("Title", exact=True).input_value() == "Coordination on D.grooming and UNICEF-grooming-games"
    assert "D.grooming" in page.get_by_label("Body", exact=True).input_value()

    page.get_by_label("Meeting place").fill("Geneva")
    page.get_by_label("Meeting dates").fill("3-7 May 2027")
    page.get_by_label("Approval level").select_option(label="Study group")
    copy = page.get_by_role("group", name="Recipient 2")
    copy.get_by_label("or e-mail address").fill(OUTSIDE)
    copy.get_by_label("Name (for an e-mail address)").fill("ECPAT liaison")
    copy.get_by_label("Purpose").select_option(label="For information")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text(re.compile(r"Saved \(version \d+\); the statement is a draft")).wait_for()
    statement_url = page.url
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text(f"Submitted for approval: the chairs of {OURS} were asked by mail.").wait_for()
    assert page.get_by_role("button", name="Approve").count() == 0, "an officer does not approve"

    # The chair, in a browser of their own, approves and sends it.
    chair_context = browser.new_context(viewport={"width": 1280, "height": 900})
    chair_context.set_default_timeout(10_000)
    chair = chair_context.new_page()
    try:
        log_in(chair, live_server.url, "cato@sg1.example")
        chair.goto(statement_url)
        chair.get_by_role("button", name="Approve").click()
        chair.get_by_text("Approved. It can now be sent.").wait_for()
        chair.get_by_role("link", name="Send now…").click()
        chair.get_by_role("heading", name="Send this statement?").wait_for()
        chair.get_by_role("button", name="Send now").click()
        sent = chair.get_by_text(re.compile(r"Sent as ITU-D/SG1-LS\d+: 5 mails queued"))
        sent.wait_for()
        reference = re.search(r"ITU-D/SG1-LS\d+", sent.inner_text()).group()

        # The outbox sender, as `liaison outbox send` runs it, against the loopback server.
        report = send_pending(database(live_server.app).sessionmaker, MailSettings.from_config(live_server.app.config))
        assert report.failed == 0 and report.retrying == 0
        chair.reload()
        states = chair.get_by_role("region", name="Mail delivery").locator("tbody tr .badge").all_inner_texts()
        assert states == ["Sent"] * 5
    except BaseException:
        # The fixture saves the officer's page; the chair's browser is this test's own.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        chair.screenshot(path=str(ARTIFACTS / f"{request.node.name}-chair.png"), full_page=True)
        raise
    finally:
        chair_context.close()

    def subject(received) -> str:
        # Python folds a long subject right after "Subject:"; unfolded, it starts with a space.
        return str(received.message["Subject"]).strip()

    approval = smtp.to("cato@sg1.example")[0]
    assert subject(approval) == "Approval requested: Coordination on D.grooming and UNICEF-grooming-games"
    messages = [r for r in smtp.received if subject(r).startswith(reference)]
    assert sorted(a for r in messages for a in r.rcpt_tos) == sorted(
        [*THEIR_CONTACTS, OUTSIDE, OUR_CONTACT, "cato@sg1.example"]
    ), "each address once: the other group's contacts and the outside one, ours and the sender in copy"
    assert subject(messages[0]) == f"{reference}: Coordination on D.grooming and UNICEF-grooming-games"
    message = messages[0].message
    assert all(address in message["To"] for address in (*THEIR_CONTACTS, OUTSIDE))
    assert all(address in message["Cc"] for address in (OUR_CONTACT, "cato@sg1.example"))
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == reference.replace("/", "-") + ".docx"  # ITU-D-SG1-LS1.docx
    fields = docx_fields(attachment.get_content())
    deadline = (utcnow().date() + dt.timedelta(days=30)).isoformat()
    assert fields["Title:"] == "Coordination on D.grooming and UNICEF-grooming-games"
    assert fields["Source:"] == OURS and fields["Meeting, date:"] == "Geneva, 3-7 May 2027"
    assert fields["For comment to:"] == THEIRS
    assert fields["For information to:"] == f"ECPAT liaison <{OUTSIDE}>"
    assert fields["Deadline:"] == f"{deadline} ({THEIRS})"
    assert fields["Approval:"].startswith("Agreed at study group level; approved by Cato Chair on ")
    with live_server.session() as session:
        ls = session.scalar(select(LiaisonStatement).where(LiaisonStatement.reference == reference))
        assert ls.state == "sent" and [a.id for a in ls.alerts] == [alert_id]
        assert {d.status for d in ls.deliveries} == {"sent"}
