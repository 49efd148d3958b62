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
from flask_babel import gettext as _

from liaison.documents.blocks import Block, is_rtl
from liaison.documents.context import PURPOSE_HEADINGS, HeaderBlock, StatementDocument
from liaison.speaking import language

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
        lines += [_("Tel: %(phone)s", phone=contact.phone) if contact.phone else "",
                  _("E-mail: %(email)s", email=contact.email) if contact.email else ""]
        _wide_row(table, label(_("Contact")), "\n".join(line for line in lines if line))
    if doc.in_reply_to:
        _wide_row(table, label(_("In reply to")), doc.in_reply_to)
    if doc.external_references:
        _wide_row(table, label(_("Other references")), ", ".join(doc.external_references))


def label(text: str) -> str:
    """A field's label as the language writes it before a value ("Source:", "Source :", "来源：")."""
    return _("%(label)s:", label=text)


def render_docx(doc: StatementDocument) -> bytes:
    """The .docx bytes: header block, LS table, then abstract and body, with the fixed text in the
    statement's language (as :func:`~liaison.documents.context.build_document` wrote its values)."""
    with language(doc.language):
        return _render(doc)


def _render(doc: StatementDocument) -> bytes:
    banner_text = _("LIAISON STATEMENT")
    word = Document()
    _page_setup(word)
    _fonts(word)
    word.core_properties.title = doc.subject
    word.core_properties.subject = banner_text
    word.core_properties.language = doc.language

    if doc.header is not None:
        _header_block(word, doc.header)

    table = word.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row4(table, label(_("Question(s)")), doc.questions, label(_("Meeting, date")), doc.meeting)
    if doc.study_group or doc.working_party:
        _row4(table, label(_("Study Group")), doc.study_group, label(_("Working Party")), doc.working_party)
    _wide_row(table, label(_("Source")), doc.source)
    _wide_row(table, label(_("Title")), doc.title, rtl=is_rtl(doc.title))
    banner = _wide_row(table, "", banner_text)
    for paragraph in banner.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in paragraph.runs:
            run.bold = True
    for purpose, heading in PURPOSE_HEADINGS.items():
        _wide_row(table, label(str(heading)), doc.addressed(purpose))
    _wide_row(table, label(_("Approval")), doc.approval)
    _wide_row(table, label(_("Deadline")), "\n".join(doc.deadlines))
    _contact_rows(table, doc)
    for row in table.rows:
        row.cells[0].width = LABEL_WIDTH

    abstract = word.add_paragraph()
    abstract.paragraph_format.space_before = Pt(12)
    _text_run(abstract, label(_("Abstract")), doc.abstract_rtl, bold=True)
    if doc.abstract:
        _text_run(abstract, f" {doc.abstract}", is_rtl(doc.abstract))
    _direction(abstract, doc.abstract_rtl)
    for block in doc.blocks:
        _body_block(word, block)
    _list(word, label(_("Related work items")), doc.work_items)
    _list(word, label(_("Attachments")), doc.attachments)

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
        _text_run(paragraph, line, is_rtl(line), bold=bold)
        _direction(paragraph, is_rtl(line))
        first = False


def _row4(table: Table, label1: str, value1: str, label2: str, value2: str) -> None:
    cells = table.add_row().cells
    for cell, value, bold in zip(cells, (label1, value1, label2, value2), (True, False, True, False)):
        _text_run(cell.paragraphs[0], value, is_rtl(value), bold=bold)
        _direction(cell.paragraphs[0], is_rtl(value))


def _wide_row(table: Table, heading: str, value: str, *, rtl: bool = False) -> _Cell:
    cells = table.add_row().cells
    _text_run(cells[0].paragraphs[0], heading, is_rtl(heading), bold=True)
    _direction(cells[0].paragraphs[0], is_rtl(heading))
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


def _text_run(paragraph: Paragraph, text: str, rtl: bool, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    if rtl:
        run._r.get_or_add_rPr().get_or_add_rtl()


def _direction(paragraph: Paragraph, rtl: bool) -> None:
    """Mark a right-to-left paragraph (``w:bidi``): Word then orders and aligns it from the right."""
    if rtl:
        properties = paragraph._p.get_or_add_pPr()
        properties.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)


def _list(word: DocxDocument, title: str, entries: list[str]) -> None:
    if not entries:
        return
    heading = word.add_paragraph()
    heading.paragraph_format.space_before = Pt(12)
    _text_run(heading, title, is_rtl(title), bold=True)
    _direction(heading, is_rtl(title))
    for entry in entries:
        _body_block(word, Block("bullets", (entry,), is_rtl(entry)))
