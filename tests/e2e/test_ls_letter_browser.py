"""A statement drafted from a decided overlap, in a real browser: it reads as a letter (who writes, which item
overlaps which, the chair's note, what is asked and by when, no engine numbers), the print view keeps its
lists, and the .docx downloaded from the page has ITU's header block on A4 pages."""

from __future__ import annotations

import datetime as dt
import re

import docx
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import OverlapAlert, utcnow
from liaison.organisation import operations as organisation
from liaison.overlaps import review
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

# Groups of their own: the live server's database is shared by every browser test.
OURS, THEIRS = "ITU-T/SG21", "OECD/DPC"
NOTE = "Both define age assurance for games; SG21 leads on the technical framework."
ITEMS = [
    {"reference": "H.age-games", "group": OURS, "keywords": ["age assurance", "online games"],
     "title": "Age assurance framework for online games used by children",
     "summary": "A framework for age assurance in online games, so that children meet age-appropriate features."},
    {"reference": "OECD-age-games", "group": THEIRS, "keywords": ["age assurance", "online games"],
     "title": "Age assurance in online games for children: a policy framework",
     "summary": "Policy framework for age assurance in online games played by children, and age-appropriate design."},
]


def seed(live_server) -> int:
    """Both groups, an officer and a chair of ours, the two items, and the chair's decision on their alert."""
    with live_server.session() as session:
        ours = organisation.ensure_group(session, None, OURS, name="ITU-T Study Group 21", kind="study_group")
        theirs = organisation.ensure_group(session, None, THEIRS, name="OECD Digital Policy Committee")
        organisation.add_contact(session, None, ours, {"name": "TSB SG21", "email": "tsbsg21@itu.example"})
        organisation.add_contact(session, None, theirs, {"name": "Dana Policy", "email": "dana@oecd.example"})
        officer = accounts.create_user(session, None, "otto@sg21.example", "Otto Officer", PASSWORD)
        chair = accounts.create_user(session, None, "clara@sg21.example", "Clara Chair", PASSWORD)
        accounts.grant_role(session, None, officer, ours, "officer")
        accounts.grant_role(session, None, chair, ours, "chair")
        first, second = (work_items.create_work_item(session, None, item) for item in ITEMS)
        low, high = sorted((first.id, second.id))
        alert = session.scalar(select(OverlapAlert).where(OverlapAlert.item_a_id == low, OverlapAlert.item_b_id == high))
        assert alert is not None, "saving the second item raises the alert"
        review.decide_alert(
            session, chair, alert, "overlap", NOTE, None,
            coordination_group=live_server.app.config["LIAISON_COORDINATION_GROUP"],
        )
        return alert.id


def test_a_statement_drafted_from_an_alert_is_a_letter_and_its_docx_has_itus_header(live_server, page):
    alert_id = seed(live_server)
    deadline = utcnow().date() + dt.timedelta(days=60)
    by = f"{deadline.day} {deadline:%B %Y}"

    log_in(page, live_server.url, "otto@sg21.example")
    page.goto(f"{live_server.url}/statements/new?alert={alert_id}")
    page.get_by_role("button", name="Draft the statement").click()
    page.get_by_text("Drafted a statement about the overlap").wait_for()

    body = page.get_by_label("Body", exact=True).input_value()
    letter, annex = body.split("Annex: how the possible overlap was found")
    assert letter.startswith("ITU-T Study Group 21 (ITU-T/SG21), of ITU-T, writes to OECD Digital Policy Committee (OECD/DPC)")
    assert "Your work item OECD-age-games" in letter and "our work item H.age-games" in letter
    assert f"the chairs concluded that the two items overlap, with this note: \u201c{NOTE}\u201d" in letter
    assert f"- to send its reply by {by}." in letter
    assert not re.search(r"\d\.\d\d|\d+%|score", body), "no engine internals"
    assert "- Keywords in common: age assurance" in annex

    page.get_by_label("Approval level").select_option(label="Study group")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text(re.compile(r"Saved \(version \d+\)")).wait_for()
    detail_url = page.url

    # The print view: the ITU header block, and the letter's paragraphs and list as such.
    page.get_by_role("link", name="Printable view").click()
    article = page.locator("article.liaison-statement")
    assert "INTERNATIONAL TELECOMMUNICATION UNION" in article.inner_text()
    assert "STUDY GROUP 21" in article.inner_text() and "STUDY PERIOD 2025-2028" in article.inner_text()
    asks = article.locator("ul").filter(has_text="to send its reply by").locator("li")
    assert asks.count() == 2
    assert article.locator("p").filter(has_text="writes to OECD Digital Policy Committee").count() == 1

    page.goto(detail_url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Word document (.docx)").click()
    word = docx.Document(download.value.path())
    (section,) = word.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297), "A4"
    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "INTERNATIONAL TELECOMMUNICATION UNION", "TELECOMMUNICATION STANDARDIZATION SECTOR", "STUDY PERIOD 2025-2028",
    ]
    today = utcnow().date()
    assert [p.text for p in right.paragraphs] == [
        "Draft liaison statement (numbered when sent)", "STUDY GROUP 21", "Original: English",
        f"Date: {today.day} {today:%B %Y}",
    ]
    labels = [row.cells[0].text for row in word.tables[1].rows]
    for label in ("Question(s):", "Source:", "Title:", "For action to:", "For comment to:", "For information to:",
                  "Approval:", "Deadline:", "Contact:"):
        assert label in labels
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert f"to send its reply by {by}." in bullets
    assert word.styles["Normal"].font.name == "Times New Roman"
