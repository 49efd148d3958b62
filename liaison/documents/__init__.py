"""Liaison statements as documents: the ITU-style .docx, and text and HTML for mail and printing.

All renderings start from one :class:`StatementDocument` (plain values), so they always agree.
Nothing here imports Flask.
"""

from liaison.documents.context import Disclosure, StatementDocument, build_document, statement_subject
from liaison.documents.ls_docx import DOCX_MIMETYPE, render_docx
from liaison.documents.ls_text import render_html, render_text

__all__ = [
    "DOCX_MIMETYPE",
    "Disclosure",
    "StatementDocument",
    "build_document",
    "render_docx",
    "render_html",
    "render_text",
    "statement_subject",
]
