"""Renderings of a statement: .docx like ITU's template, text, and escaped HTML."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from docx.shared import Pt

from liaison.documents import build_document, render_docx, render_html, render_text
from liaison.speaking import language
from liaison.statements.operations import create_statement, draft_reply
from liaison.statements.permissions import full_disclosure
from tests.statements.docx_reading import docx_fields, docx_header
from tests.statements.helpers import ls_data, sent_statement


def test_html_escapes_everything_people_typed(db, world):
    ls = create_statement(
        db,
        world.officer,
        ls_data(
            title="<script>alert('x')</script> & friends",
            body='First <b>paragraph</b>.\n\nSecond "paragraph".',
            contacts=[{"name": "O'Brien <ob@example.org>", "email": "ob@example.org"}],
        ),
    )
    html = render_html(build_document(ls, full_disclosure(ls)), intro="Why <you> get this")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; friends" in html
    assert '<p lang="en" dir="ltr">Why &lt;you&gt; get this</p>' in html
    assert '<p dir="ltr">Second &#34;paragraph&#34;.</p>' in html
    assert "O&#39;Brien &lt;ob@example.org&gt;" in html
    assert html.startswith("<!doctype html>")
    embedded = render_html(build_document(ls, full_disclosure(ls)), standalone=False)
    assert embedded.lstrip().startswith('<article class="liaison-statement"') and "<style>" not in embedded


def test_text_reads_like_the_form(db, world):
    ls = create_statement(db, world.officer, ls_data())
    text = render_text(build_document(ls, full_disclosure(ls)), intro="Please approve.")
    lines = text.splitlines()
    assert lines[0] == "Please approve."
    assert "LIAISON STATEMENT" in lines
    assert "Question(s):         Q6/17" in lines
    assert "Meeting:             Geneva, 20-29 January 2026" in lines
    assert "For information to:  IETF liaison manager <liaisons@ietf.example>" in lines
    assert "Approval:            Agreed at study group level; not yet approved" in lines
    assert f"Deadline:            {ls.recipients[0].deadline.isoformat()} (ITU-D/SG2)" in lines
    assert "Contact:             Olga Officer, ITU / Switzerland, tel. +41 22 730 5111, olga@sg17.example" in lines
    assert "We would welcome SG2's views on its scope." in lines


def test_a_draft_docx_says_its_reference_comes_later_and_a_reply_names_its_original(db, world, upload_dir):
    draft = create_statement(db, world.officer, ls_data())
    assert docx_header(render_docx(build_document(draft, full_disclosure(draft))))[1][0] == "Draft liaison statement (numbered when sent)"
    original = sent_statement(db, world, upload_dir)
    reply = draft_reply(db, world.sg2_officer, original)
    fields = docx_fields(render_docx(build_document(reply, full_disclosure(reply))))
    assert fields["Source:"] == "ITU-D/SG2"
    assert fields["For information to:"] == "ITU-T/SG17"
    assert fields["In reply to:"] == f"{original.reference} \u201cLS on age assurance guidelines\u201d from ITU-T/SG17"
    assert fields["Title:"].startswith("Reply to the liaison statement from ITU-T/SG17 (")
    assert fields["Contact:"].splitlines()[0] == "Rita Rapporteur"


def test_the_docx_follows_itus_ls_template(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir, body="SG17 agreed:\n- to start X.age;\n- to tell SG2.\n\n1. First step\n2. Second step")
    data = render_docx(build_document(ls, full_disclosure(ls)))
    word = docx.Document(io.BytesIO(data))
    (section,) = word.sections
    # A4 (Word stores twentieths of a point: 210 mm is 11,906 of them, a hair over 210 mm)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = word.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(12))
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}

    left, right = docx_header(data)
    assert left == ["INTERNATIONAL TELECOMMUNICATION UNION", "TELECOMMUNICATION STANDARDIZATION SECTOR", "STUDY PERIOD 2025-2028"]
    sent_on = ls.sent_at.date()
    assert right == [ls.reference, "STUDY GROUP 17", "Original: English", f"Date: {sent_on.day} {sent_on:%B %Y}"]
    fields = docx_fields(data)
    for label in ("Question(s):", "Source:", "Title:", "For action to:", "For comment to:", "For information to:",
                  "Approval:", "Deadline:", "Contact:"):
        assert label in fields
    assert fields["Question(s):"] == "Q6/17" and fields["Source:"] == "ITU-T/SG17"
    assert "LIAISON STATEMENT" in [c.text for c in word.tables[1].rows[4].cells]

    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert ("Normal", "SG17 agreed:") in styled
    assert [t for style, t in styled if style == "List Bullet"][:2] == ["to start X.age;", "to tell SG2."]
    assert [t for style, t in styled if style == "List Number"] == ["First step", "Second step"]


def test_arabic_stays_right_to_left_in_every_rendering(db, world):
    arabic = "\u062d\u0645\u0627\u064a\u0629 \u0627\u0644\u0623\u0637\u0641\u0627\u0644 \u0639\u0644\u0649 \u0627\u0644\u0625\u0646\u062a\u0631\u0646\u062a"
    ls = create_statement(
        db, world.officer, ls_data(language="ar", title=arabic, body=f"{arabic}.\n\nEnglish paragraph.\n\n- {arabic}")
    )
    word = docx.Document(io.BytesIO(render_docx(build_document(ls, full_disclosure(ls)))))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = [p for p in word.paragraphs if p.text.strip()]
    marked = {p.text: (p._p.pPr is not None and p._p.pPr.find(f"{w}bidi") is not None) for p in body}
    assert marked[f"{arabic}."] and marked[arabic] and not marked["English paragraph."]
    runs = [r for p in body if p.text == f"{arabic}." for r in p.runs]
    assert all(r._r.rPr.find(f"{w}rtl") is not None for r in runs)
    assert docx_header(render_docx(build_document(ls, full_disclosure(ls))))[1][2] == "الأصل: العربية"

    html = render_html(build_document(ls, full_disclosure(ls)), standalone=False)
    assert f'<p dir="rtl">{arabic}.</p>' in html and '<p dir="ltr">English paragraph.</p>' in html
    assert '<ul dir="rtl">' in html and 'lang="ar"' in html


def test_the_print_view_keeps_lists_and_lines(db, world):
    ls = create_statement(db, world.officer, ls_data(body="Dear colleagues,\nthank you.\n\n* one\n* two\n\n1) first\n2) second"))
    html = render_html(build_document(ls, full_disclosure(ls), today=dt.date(2026, 3, 1)), standalone=False)
    assert '<p dir="ltr">Dear colleagues,<br>thank you.</p>' in html
    assert "<li>one</li>" in html and "<li>two</li>" in html and '<ol dir="ltr">' in html
    assert "Date: 1 March 2026" in html
    text = render_text(build_document(ls, full_disclosure(ls)))
    assert "  - one\n  - two\n" in text and "  1. first\n  2. second\n" in text


@pytest.mark.parametrize("code", ["ru", "ar", "zh"])
def test_the_docx_fixed_text_is_all_in_the_statements_language(db, world, upload_dir, code):
    """In a language without Latin letters, any English word left in the form's fixed text (the header
    block, the labels, the banner) is a string that escaped gettext or the catalog."""
    ls = sent_statement(db, world, upload_dir, language=code)
    data = render_docx(build_document(ls, full_disclosure(ls)))
    left, right = docx_header(data)
    word = docx.Document(io.BytesIO(data))
    labels = [row.cells[0].text for table in word.tables[1:] for row in table.rows]
    labels.append(word.tables[1].rows[0].cells[2].text)  # "Meeting, date:"
    banner = word.tables[1].rows[4].cells[1].text
    fixed = [*left, *right[1:], *labels, banner, *(p.runs[0].text for p in word.paragraphs if p.runs and p.runs[0].bold)]
    assert [text for text in fixed if re.search(r"[A-Za-z]{2,}", text)] == []
    assert len(labels) >= 12 and banner.strip()


def test_the_french_docx_reads_as_itus_french_template(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir, language="fr")
    data = render_docx(build_document(ls, full_disclosure(ls)))
    left, right = docx_header(data)
    assert left == ["UNION INTERNATIONALE DES TÉLÉCOMMUNICATIONS", "SECTEUR DE LA NORMALISATION DES TÉLÉCOMMUNICATIONS",
                    "PÉRIODE D'ÉTUDES 2025-2028"]
    assert right[1:3] == ["COMMISSION D'ÉTUDES 17", "Original: français"]
    assert right[3].startswith("Date: ") and re.search(r"\d{1,2} [a-zéû]+\.? \d{4}$", right[3])
    fields = docx_fields(data)
    assert {"Titre:", "Pour action à:", "Approbation:", "Date limite:"} <= set(fields)
    assert "DÉCLARATION DE LIAISON" in [c.text for c in docx.Document(io.BytesIO(data)).tables[1].rows[4].cells]


def test_a_statement_keeps_its_own_language_whoever_renders_it(db, world, upload_dir):
    """ITU issues a statement in one language: a French reader's mail or print view of an English statement
    shows ITU's English form (only the intro, and the page around it, are in the reader's language)."""
    ls = sent_statement(db, world, upload_dir)
    with language("fr"):
        doc = build_document(ls, full_disclosure(ls))
        data = render_docx(doc)
        html = render_html(doc, intro="Bonjour")
        text = render_text(doc)
    assert docx_header(data)[0][0] == "INTERNATIONAL TELECOMMUNICATION UNION" and "Title:" in docx_fields(data)
    assert "LIAISON STATEMENT" in text and "Approval:" in text
    assert '<html lang="fr" dir="ltr">' in html and '<p lang="fr" dir="ltr">Bonjour</p>' in html
    assert '<h1 class="ls-banner">LIAISON STATEMENT</h1>' in html
