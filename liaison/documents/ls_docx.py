"""The statement as a Word document laid out like ITU's LS template."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

from liaison.documents.context import StatementDocument

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BANNER = "LIAISON STATEMENT"


def render_docx(doc: StatementDocument) -> bytes:
    """The .docx bytes: header table, the banner, addressee rows, contacts, then abstract and body."""
    word = Document()
    for section in word.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    word.core_properties.title = doc.subject
    word.core_properties.subject = BANNER.title()

    top = word.add_paragraph()
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    top.add_run(doc.reference or "(reference given when sent)").bold = True
    if doc.date is not None:
        top.add_run(f"\n{doc.date.isoformat()}")

    header = word.add_table(rows=0, cols=4)
    header.style = "Table Grid"
    _row4(header, "Question(s):", doc.questions, "Meeting, date:", doc.meeting_dates)
    _row4(header, "Study Group:", doc.study_group, "Place:", doc.meeting_place)
    _row4(header, "Working Party:", doc.working_party, "Date:", doc.date.isoformat() if doc.date else "")
    _wide_row(header, "Source:", doc.source)
    _wide_row(header, "Title:", doc.title)

    banner = word.add_paragraph()
    banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    banner.paragraph_format.space_before = Pt(12)
    banner.paragraph_format.space_after = Pt(12)
    run = banner.add_run(BANNER)
    run.bold = True
    run.font.size = Pt(14)

    rows = word.add_table(rows=0, cols=2)
    rows.style = "Table Grid"
    _row2(rows, "For action to:", doc.addressed("action"))
    _row2(rows, "For comment to:", doc.addressed("comment"))
    _row2(rows, "For information to:", doc.addressed("information"))
    _row2(rows, "Approval:", doc.approval)
    _row2(rows, "Deadline:", "\n".join(doc.deadlines))
    for contact in doc.contacts:
        lines = [contact.name, contact.organization_country]
        lines += [f"Tel: {contact.phone}" if contact.phone else "", f"E-mail: {contact.email}" if contact.email else ""]
        _row2(rows, "Contact:", "\n".join(line for line in lines if line))
    if doc.in_reply_to:
        _row2(rows, "In reply to:", doc.in_reply_to)
    if doc.external_references:
        _row2(rows, "Other references:", ", ".join(doc.external_references))
    for table in (header, rows):
        for cells in table.rows:
            cells.cells[0].width = Cm(3.8)

    _labelled_paragraph(word, "Abstract:", doc.abstract)
    for paragraph in doc.paragraphs:
        word.add_paragraph(paragraph)
    _list(word, "Related work items:", doc.work_items)
    _list(word, "Attachments:", doc.attachments)

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _row4(table: Table, label1: str, value1: str, label2: str, value2: str) -> None:
    cells = table.add_row().cells
    for cell, value, bold in zip(cells, (label1, value1, label2, value2), (True, False, True, False)):
        cell.text = ""
        cell.paragraphs[0].add_run(value).bold = bold


def _wide_row(table: Table, label: str, value: str) -> None:
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(label).bold = True
    merged = cells[1].merge(cells[3])
    merged.text = value


def _row2(table: Table, label: str, value: str) -> None:
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(label).bold = True
    cells[1].text = value


def _labelled_paragraph(word: DocxDocument, label: str, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.add_run(label).bold = True
    if text:
        paragraph.add_run(f" {text}")


def _list(word: DocxDocument, label: str, entries: list[str]) -> None:
    if not entries:
        return
    _labelled_paragraph(word, label, "")
    for entry in entries:
        word.add_paragraph(entry, style="List Bullet")
