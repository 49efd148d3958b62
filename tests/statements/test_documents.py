"""Renderings of a statement: .docx like ITU's template, text, and escaped HTML."""

from __future__ import annotations

from liaison.documents import build_document, render_docx, render_html, render_text
from liaison.services.statement_permissions import full_disclosure
from liaison.services.statements import create_statement, draft_reply
from tests.statements.docx_reading import docx_fields, docx_paragraphs
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
    assert "<p>Why &lt;you&gt; get this</p>" in html
    assert "<p>Second &#34;paragraph&#34;.</p>" in html
    assert "O&#39;Brien &lt;ob@example.org&gt;" in html
    assert html.startswith("<!doctype html>")
    embedded = render_html(build_document(ls, full_disclosure(ls)), standalone=False)
    assert embedded.lstrip().startswith('<article class="liaison-statement">') and "<style>" not in embedded


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
    assert docx_paragraphs(render_docx(build_document(draft, full_disclosure(draft))))[0] == "(reference given when sent)"
    original = sent_statement(db, world, upload_dir)
    reply = draft_reply(db, world.sg2_officer, original)
    fields = docx_fields(render_docx(build_document(reply, full_disclosure(reply))))
    assert fields["Source:"] == "ITU-D/SG2"
    assert fields["For information to:"] == "ITU-T/SG17"
    assert fields["In reply to:"] == f"{original.reference} \u201cLS on age assurance guidelines\u201d from ITU-T/SG17"
    assert fields["Title:"].startswith("Reply to the liaison statement from ITU-T/SG17 (")
    assert fields["Contact:"].splitlines()[0] == "Rita Rapporteur"
