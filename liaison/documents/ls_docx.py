"""The statement as a Word document laid out like ITU's LS template.

A4 pages; the ITU header block (INTERNATIONAL TELECOMMUNICATION UNION, the sector, the study period;
the document number, the study group, the original language and the date); the LS table (Question(s),
meeting, Source, Title, then For action / comment / information to, Approval, Deadline, Contact); then the
abstract and the body, whose lists stay lists. Times New Roman 12 throughout, as ITU uses; paragraphs and
runs in Arabic are marked right to left (``w:bidi``, ``w:rtl``) so that Word lays them out as such.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from liaison.documents.blocks import Block, is_rtl
from liaison.documents.context import HeaderBlock, StatementDocument

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BANNER = "LIAISON STATEMENT"
FONT = "Times New Roman"
FONT_SIZE = Pt(12)
LABEL_WIDTH = Cm(4)
_LIST_STYLES = {"bullets": "List Bullet", "numbers": "List Number"}
# python-docx has no API for these two elements: they go before what follows them in the schema's sequence.
_PPR_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
_RPR_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
    "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)


def _contact_rows(table: Any, doc: StatementDocument) -> None:
    """The LS table's last rows: each contact, then what the statement answers and cites."""
    for contact in doc.contacts:
        lines = [contact.name, contact.organization_country]
        lines += [f"Tel: {contact.phone}" if contact.phone else "", f"E-mail: {contact.email}" if contact.email else ""]
        _wide_row(table, "Contact:", "\n".join(line for line in lines if line))
    if doc.in_reply_to:
        _wide_row(table, "In reply to:", doc.in_reply_to)
    if doc.external_references:
        _wide_row(table, "Other references:", ", ".join(doc.external_references))


def render_docx(doc: StatementDocument) -> bytes:
    """The .docx bytes: header block, LS table, then abstract and body."""
    word = Document()
    _page_setup(word)
    _fonts(word)
    word.core_properties.title = doc.subject
    word.core_properties.subject = BANNER.title()
    word.core_properties.language = doc.language

    if doc.header is not None:
        _header_block(word, doc.header)

    table = word.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row4(table, "Question(s):", doc.questions, "Meeting, date:", doc.meeting)
    if doc.study_group or doc.working_party:
        _row4(table, "Study Group:", doc.study_group, "Working Party:", doc.working_party)
    _wide_row(table, "Source:", doc.source)
    _wide_row(table, "Title:", doc.title, rtl=is_rtl(doc.title))
    banner = _wide_row(table, "", BANNER)
    for paragraph in banner.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in paragraph.runs:
            run.bold = True
    _wide_row(table, "For action to:", doc.addressed("action"))
    _wide_row(table, "For comment to:", doc.addressed("comment"))
    _wide_row(table, "For information to:", doc.addressed("information"))
    _wide_row(table, "Approval:", doc.approval)
    _wide_row(table, "Deadline:", "\n".join(doc.deadlines))
    _contact_rows(table, doc)
    for row in table.rows:
        row.cells[0].width = LABEL_WIDTH

    abstract = word.add_paragraph()
    abstract.paragraph_format.space_before = Pt(12)
    abstract.add_run("Abstract:").bold = True
    if doc.abstract:
        _text_run(abstract, f" {doc.abstract}", is_rtl(doc.abstract))
        _direction(abstract, doc.abstract_rtl)
    for block in doc.blocks:
        _body_block(word, block)
    _list(word, "Related work items:", doc.work_items)
    _list(word, "Attachments:", doc.attachments)

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page_setup(word: DocxDocument) -> None:
    for section in word.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)


def _fonts(word: DocxDocument) -> None:
    """Times New Roman 12 for every script: Latin (ascii, hAnsi), East Asian and complex scripts (Arabic)."""
    for name in ("Normal", "List Bullet", "List Number", "Table Grid"):
        style = word.styles[name]
        style.font.name = FONT
        style.font.size = FONT_SIZE
        properties = style.element.get_or_add_rPr()
        fonts = properties.get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        size = properties.find(qn("w:szCs"))
        if size is None:
            size = properties.insert_element_before(OxmlElement("w:szCs"), *_RPR_AFTER_SZCS)
        size.set(qn("w:val"), str(int(FONT_SIZE.pt * 2)))


def _header_block(word: DocxDocument, header: HeaderBlock) -> None:
    table = word.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _lines(left, header.left, bold=True)
    _lines(right, header.right, bold=False)
    right.paragraphs[0].runs[0].bold = True  # the document number stands out, as in ITU's template
    for paragraph in right.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.add_paragraph()


def _lines(cell: _Cell, lines: list[str], *, bold: bool) -> None:
    first = True
    for line in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.add_run(line).bold = bold
        first = False


def _row4(table: Table, label1: str, value1: str, label2: str, value2: str) -> None:
    cells = table.add_row().cells
    for cell, value, bold in zip(cells, (label1, value1, label2, value2), (True, False, True, False)):
        cell.paragraphs[0].add_run(value).bold = bold


def _wide_row(table: Table, label: str, value: str, *, rtl: bool = False) -> _Cell:
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(label).bold = True
    merged = cells[1].merge(cells[3])
    for number, line in enumerate(value.split("\n")):
        paragraph = merged.paragraphs[0] if number == 0 else merged.add_paragraph()
        _text_run(paragraph, line, rtl or is_rtl(line))
        _direction(paragraph, rtl or is_rtl(line))
    return merged


def _body_block(word: DocxDocument, block: Block) -> None:
    if block.kind == "paragraph":
        paragraph = word.add_paragraph()
        for number, line in enumerate(block.lines):
            if number:
                paragraph.add_run().add_break()
            _text_run(paragraph, line, block.rtl)
        _direction(paragraph, block.rtl)
        return
    for entry in block.lines:
        paragraph = word.add_paragraph(style=_LIST_STYLES[block.kind])
        _text_run(paragraph, entry, block.rtl)
        _direction(paragraph, block.rtl)


def _text_run(paragraph: Paragraph, text: str, rtl: bool) -> None:
    run = paragraph.add_run(text)
    if rtl:
        run._r.get_or_add_rPr().get_or_add_rtl()


def _direction(paragraph: Paragraph, rtl: bool) -> None:
    """Mark a right-to-left paragraph (``w:bidi``): Word then orders and aligns it from the right."""
    if rtl:
        properties = paragraph._p.get_or_add_pPr()
        properties.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)


def _list(word: DocxDocument, label: str, entries: list[str]) -> None:
    if not entries:
        return
    heading = word.add_paragraph()
    heading.paragraph_format.space_before = Pt(12)
    heading.add_run(label).bold = True
    for entry in entries:
        _body_block(word, Block("bullets", (entry,), is_rtl(entry)))
