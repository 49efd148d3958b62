"""The statement as plain text and as HTML (for the mail, and for a printable page), from Jinja templates."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from liaison.documents.context import StatementDocument
from liaison.models.statements import LS_PURPOSES

_TEMPLATES = Path(__file__).resolve().parent / "templates"

# Its own environment, not Flask's: mail is rendered by commands and workers as well as by requests.
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

PURPOSE_HEADINGS = {"action": "For action to", "comment": "For comment to", "information": "For information to"}


def render_text(doc: StatementDocument, *, intro: str = "") -> str:
    """Plain text, for the text part of the mail (``intro`` comes first, e.g. why the reader gets it)."""
    return _environment.get_template("ls.txt").render(doc=doc, intro=intro, purposes=_purposes())


def render_html(doc: StatementDocument, *, intro: str = "", standalone: bool = True) -> str:
    """HTML with every value escaped: a whole page for mail (``standalone``), or an ``<article>`` to embed."""
    return _environment.get_template("ls.html").render(
        doc=doc, intro=intro, purposes=_purposes(), standalone=standalone
    )


def _purposes() -> list[tuple[str, str]]:
    return [(purpose, PURPOSE_HEADINGS[purpose]) for purpose in LS_PURPOSES]
