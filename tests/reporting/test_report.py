"""The annual report to Council: its figures, the .docx, HTML and CSV versions, the page and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from docx import Document
from sqlalchemy import update

from liaison.core.errors import ValidationError
from liaison.models import OverlapAlert, WorkItem
from liaison.reporting.annual import make_report
from liaison.reporting.annual.data import Period, build_annual_report, parse_period
from tests.reporting.conftest import World, alert_between

TODAY = dt.datetime.now(dt.timezone.utc).date()
THIS_YEAR = Period(dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))


def links(kind: str, object_id: int) -> str:
    return f"https://cop.example/{kind}/{object_id}"


def report_of(db, period: Period = THIS_YEAR):
    return build_annual_report(db, period, links)


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("2026-12-31", "2026-01-01", {"to": "must not be before the “from” date"}),
        ("", "2026-01-01", {"from": "give a date as YYYY-MM-DD"}),
        ("2026-02-30", "tomorrow", {"from": "“2026-02-30” is not a date: write it as YYYY-MM-DD",
                                     "to": "“tomorrow” is not a date: write it as YYYY-MM-DD"}),
        ("0001-01-01", "9999-12-31", {"from": "must be between 1900-01-01 and 2999-12-31",
                                      "to": "must be between 1900-01-01 and 2999-12-31"}),
    ],
)
def test_bad_periods_are_refused_with_a_reason_per_field(start, end, errors):
    with pytest.raises(ValidationError) as refused:
        parse_period(start, end)
    assert refused.value.errors == errors


def test_a_period_of_one_day_includes_the_whole_day():
    period = parse_period("2026-03-01", "2026-03-01")
    assert period.start_at == dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    assert period.end_before == dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)


def test_the_report_counts_the_periods_public_activity(db, populated: World):
    report = report_of(db)
    assert report.items_total == 5
    assert {i.item.reference for i in report.items} == set(populated.items) - {"X.zzsecretitem"}
    bodies = report.body_totals()
    assert bodies["ITU-T"]["registered"] == 2 and bodies["ITU-D"]["registered"] == 2
    assert bodies["ITU-T"]["statements_sent"] == 1 and bodies["ITU-D"]["statements_received"] == 1
    assert report.decisions_made == {"duplicate": 1, "overlap": 0, "related": 1, "not_overlap": 0}
    assert report.alerts_found["open"] == 2
    assert report.statements_sent == 1 and report.statements_answered == 1
    assert report.median_days_to_decision is not None


def test_the_report_lists_duplicates_and_overlaps_with_the_chairs_notes_and_links(db, populated: World):
    (entry,) = report_of(db).decisions
    assert entry.decision == "duplicate"
    assert entry.note == "SG2 to contribute to X.age-assurance rather than start its own text."
    assert {entry.item_a.reference, entry.item_b.reference} == {"X.age-assurance", "D.age-assurance"}
    # The link the decision made carries the same note: the report says it once.
    assert [str(made) for made in entry.links] == ["X.age-assurance duplicates D.age-assurance"]
    assert entry.url == f"https://cop.example/overlap/{entry.id}"
    assert entry.item_a.url == f"https://cop.example/item/{entry.item_a.id}"


def test_open_actions_and_what_is_overdue(db, world: World, upload_dir):
    ls = world.sent(upload_dir, title="LS asking SG2 to act")
    deadline = ls.recipients[0].deadline
    report = build_annual_report(db, THIS_YEAR, links, today=deadline + dt.timedelta(days=1))
    (action,) = report.open_actions
    assert (action.recipient, action.purpose, action.deadline, action.overdue) == ("ITU-D/SG2", "action", deadline, True)
    assert not build_annual_report(db, THIS_YEAR, links, today=deadline).open_actions[0].overdue


def test_only_the_period_counts(db, populated: World):
    old = populated.items["U.digital-play"]
    db.execute(update(WorkItem).where(WorkItem.id == old.id).values(created_at=dt.datetime(2020, 5, 1, tzinfo=dt.timezone.utc)))
    db.execute(update(OverlapAlert).values(decided_at=dt.datetime(2020, 5, 2, tzinfo=dt.timezone.utc)))
    db.expire_all()
    report = report_of(db)
    assert report.items_total == 4 and report.decisions == [] and sum(report.decisions_made.values()) == 0
    past = report_of(db, Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    assert [i.item.reference for i in past.items] == ["U.digital-play"]
    assert past.decisions_made["duplicate"] == 1 and past.statements == []


def test_the_docx_has_headings_tables_charts_and_live_links(app, db, populated: World):
    with app.test_request_context():
        rendered = make_report(db, THIS_YEAR, "docx", links)
    assert rendered.filename.endswith(".docx")
    word = Document(io.BytesIO(rendered.content))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0].startswith("Child online protection work") and "3. Overlaps found and how they were decided" in headings
    assert len(word.inline_shapes) == 3, "activity, heat map and decisions charts"
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "X.age-assurance" in cells and "LS on age assurance coordination" in cells
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Chair's note: SG2 to contribute to X.age-assurance rather than start its own text." in text
    targets = {r.target_ref for r in word.part.rels.values() if r.is_external}
    assert f"https://cop.example/item/{populated.items['X.age-assurance'].id}" in targets


def test_the_csv_has_every_section_and_all_items(app, db, populated: World, monkeypatch):
    monkeypatch.setattr("liaison.reporting.annual.data.MAX_LISTED_ITEMS", 2)
    rendered = make_report(db, THIS_YEAR, "csv", links)
    assert rendered.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(rendered.content.decode("utf-8-sig"))))
    titles = [row[0] for row in rows if len(row) == 1]
    assert "Duplicates and overlaps decided" in titles and "Work items registered in the period" in titles
    start = rows.index(["Work items registered in the period"])
    assert rows[start + 1] == ["Reference", "Title", "Body", "Group", "Type", "Status", "Registered", "Address"]
    listed = []
    for row in rows[start + 2 :]:
        if not row:
            break
        listed.append(row[0])
    assert len(listed) == 5, "the CSV lists every item, whatever the limit of the document"


def test_the_report_page_shows_the_form_then_the_report(client, populated: World):
    form = client.get("/report/")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert f'value="{TODAY.year}-01-01"' in html and 'name="format"' in html
    page = client.get(f"/report/?from={TODAY.year}-01-01&to={TODAY.year}-12-31&format=html")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "1. Summary" in html and "<svg" in html
    assert "SG2 to contribute to X.age-assurance" in html
    assert re.search(r'href="http://localhost/items/\d+">X\.age-assurance</a>', html)
    assert "format=docx" in html and "Qqprivate" not in html


def test_a_built_report_is_served_again_for_a_while(app, client, populated: World, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_REPORT_CACHE_SECONDS", 300)
    app.extensions.pop("liaison.report_cache", None)
    path = f"/report/?from={TODAY.year}-01-01&to={TODAY.year}-12-31&format=html"
    try:
        before = client.get(path).get_data(as_text=True)
        populated.item("X.qqlater", "ITU-T/SG17", title="Registered after the report was built")
        assert client.get(path).get_data(as_text=True) == before
        # The downloads of that period come from the same built report; another period is built anew.
        assert b"X.qqlater" not in client.get(path + "&download=1").data
        assert "X.qqlater" in client.get(f"/report/?from={TODAY.year}-01-01&to={TODAY.isoformat()}").get_data(as_text=True)
        monkeypatch.setitem(app.config, "LIAISON_REPORT_CACHE_SECONDS", 0)
        assert "X.qqlater" in client.get(path).get_data(as_text=True)
    finally:
        app.extensions.pop("liaison.report_cache", None)


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("csv", "text/csv"),
     ("html", "text/html")],
)
def test_downloads(client, populated: World, fmt, mimetype):
    response = client.get(f"/report/?from=2026-01-01&to=2026-12-31&format={fmt}&download=1")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f'attachment; filename="liaison-report-2026-01-01-2026-12-31.{fmt}"'


def test_the_docx_follows_councils_document_layout(app, client, populated: World, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_COUNCIL_SESSION", "Council 2027; Geneva, 16-26 June 2027")
    monkeypatch.setitem(app.config, "LIAISON_REPORT_DOCUMENT", "C27/42-E")
    response = client.get("/report/?from=2026-01-01&to=2026-12-31&format=docx&download=1")
    word = Document(io.BytesIO(response.data))
    (section,) = word.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["Council 2027", "Geneva, 16-26 June 2027"]
    today = dt.datetime.now(dt.timezone.utc).date()
    assert [p.text for p in right.paragraphs] == ["Document C27/42-E", f"{today.day} {today:%B %Y}", "Original: English"]

    monkeypatch.setitem(app.config, "LIAISON_COUNCIL_SESSION", "")
    monkeypatch.setitem(app.config, "LIAISON_REPORT_DOCUMENT", "")
    word = Document(io.BytesIO(client.get("/report/?from=2026-01-01&to=2026-12-31&format=docx&download=1").data))
    left, right = word.tables[0].rows[0].cells
    assert left.text == "Council 2027" and right.paragraphs[0].text == "Document C27/__-E"


def test_the_standalone_html_is_a_whole_document(client, populated: World):
    html = client.get("/report/?from=2026-01-01&to=2026-12-31&format=html&download=1").get_data(as_text=True)
    assert html.startswith("<!doctype html>") and "<nav" not in html and "<style>" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-12-31&to=2026-01-01", "must not be before the “from” date"),
        ("from=31/12/2026&to=2026-12-31", "is not a date: write it as YYYY-MM-DD"),
        ("from=2026-01-01", "give a date as YYYY-MM-DD"),
        ("from=2026-01-01&to=2026-12-31&format=pdf", "choose one of: docx, html, csv"),
    ],
)
def test_bad_input_gets_the_form_back_with_the_reason(client, world, query, message):
    response = client.get(f"/report/?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "The report could not be made" in html


def test_the_command_writes_the_report(app, db, populated: World, tmp_path):
    output = tmp_path / "council.docx"
    result = app.test_cli_runner().invoke(
        args=["report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "docx", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote the report for 2026-01-01 to 2026-12-31" in result.output
    assert [p.text for p in Document(str(output)).paragraphs if p.text][0].startswith("Child online protection work")


def test_the_command_prints_csv_and_links_to_the_public_site(app, db, populated: World, monkeypatch):
    monkeypatch.setitem(app.config, "LIAISON_BASE_URL", "https://cop.example.org/tracker")
    result = app.test_cli_runner().invoke(args=["report", "--from", f"{TODAY.year}-01-01", "--to", f"{TODAY.year}-12-31",
                                                "--format", "csv", "--output", "-"])
    assert result.exit_code == 0, result.output
    assert f"https://cop.example.org/tracker/items/{populated.items['X.age-assurance'].id}" in result.output


def test_the_command_refuses_a_bad_period(app, db):
    result = app.test_cli_runner().invoke(args=["report", "--from", "2026-12-31", "--to", "2026-01-01"])
    assert result.exit_code == 2
    assert "--to: must not be before the “from” date" in result.output


def test_an_empty_period_still_makes_a_report(app, db, world):
    report = report_of(db, Period(dt.date(1999, 1, 1), dt.date(1999, 12, 31)))
    assert report.items_total == 0 and report.activity == [] and report.decisions == []
    with app.test_request_context():
        word = Document(io.BytesIO(make_report(db, report.period, "docx", links).content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "No public activity was recorded in the period." in text and len(word.inline_shapes) == 0


def test_alerts_are_counted_between_public_items_only(db, world: World):
    public = world.item("X.a", "ITU-T/SG17")
    hidden = world.item("X.b", "ITU-D/SG2", is_public=False)
    alert_between(db, public, hidden)
    assert sum(report_of(db).alerts_found.values()) == 0


#: What may stay as it is in a report in any language: names and symbols, not words.
NOT_WORDS = {"liaison", "UTC", "CSV", "ITU", "COP", "CWG"}


def latin_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in NOT_WORDS]


@pytest.mark.parametrize("code", ["ru", "ar", "zh"])
def test_the_report_is_written_whole_in_the_language_asked_for(app, db, populated: World, tmp_path, code):
    """In a language without Latin letters, an English word left in the report's fixed text (headings,
    table headers, paragraphs, chart captions, the Council header) is a string that escaped gettext."""
    output = tmp_path / f"council-{code}.docx"
    result = app.test_cli_runner().invoke(args=[
        "report", "--from", f"{TODAY.year}-01-01", "--to", f"{TODAY.year}-12-31", "--format", "docx",
        "--output", str(output), "--language", code,
    ])
    assert result.exit_code == 0, result.output
    word = Document(str(output))
    assert word.core_properties.language == code
    left, right = word.tables[0].rows[0].cells
    assert right.paragraphs[0].text.endswith("-" + {"ru": "R", "ar": "A", "zh": "C"}[code])
    fixed = [p.text for p in left.paragraphs] + [p.text for p in right.paragraphs][1:]
    # Body paragraphs but the decided pairs (style "List ...": items' titles and notes, people's text).
    fixed += [p.text for p in word.paragraphs if not p.style.name.startswith("List")]
    fixed += [cell.text for table in word.tables[1:] for cell in table.rows[0].cells]
    # The first column of the summary: what each figure is.
    fixed += [row.cells[0].text for row in word.tables[1].rows]
    assert [text for text in fixed if latin_words(text)] == []
    assert len(fixed) > 30
    # What was done about a decided pair names the link in the report's language ("X.a duplicates X.b" in English).
    done = [p.text for p in word.paragraphs if p.style.name == "List Continue" and "X.age-assurance" in p.text]
    assert done and not [text for text in done if "duplicates" in text]

    result = app.test_cli_runner().invoke(args=[
        "report", "--from", f"{TODAY.year}-01-01", "--to", f"{TODAY.year}-12-31", "--format", "csv", "--output", "-",
        "--language", code,
    ])
    rows = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff"))))
    # Each section: its title row after a blank row, then its header row.
    titles_and_headers = [cell for i, row in enumerate(rows) if i < 2 or (i > 1 and not rows[i - 1]) or
                          (i > 2 and not rows[i - 2] and rows[i - 1]) for cell in row]
    assert [text for text in titles_and_headers if latin_words(text)] == []
