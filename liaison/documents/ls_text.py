"""The statement as plain text and as HTML (for the mail, and for a printable page), from Jinja templates."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from liaison.documents.context import PURPOSE_HEADINGS, StatementDocument
from liaison.languages import text_direction
from liaison.models.statements import LS_PURPOSES
from liaison.speaking import current_language, language

_TEMPLATES = Path(__file__).resolve().parent / "templates"

# Its own environment, not Flask's: mail is rendered by commands and workers as well as by requests.
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    extensions=["jinja2.ext.i18n"],
)
# Flask-Babel's functions: the text is in the language of the surrounding request or of
# ``liaison.speaking.language()`` (mail goes out in its reader's language).
_environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
_environment.policies["ext.i18n.trimmed"] = True



def render_text(doc: StatementDocument, *, intro: str = "") -> str:
    """Plain text, for the text part of the mail (``intro`` comes first, e.g. why the reader gets it).

    ``intro`` is in the reader's language; the statement's form in its own (see ``build_document``).
    """
    with language(doc.language):
        return _environment.get_template("ls.txt").render(doc=doc, intro=intro, purposes=_purposes())


def render_html(doc: StatementDocument, *, intro: str = "", standalone: bool = True) -> str:
    """HTML with every value escaped: a whole page for mail (``standalone``), or an ``<article>`` to embed.

    The page and ``intro`` are in the reader's language, the statement's form in its own.
    """
    reader = current_language()
    with language(doc.language) as written_in:
        return _environment.get_template("ls.html").render(
            doc=doc, intro=intro, purposes=_purposes(), standalone=standalone,
            language=reader, direction=text_direction(reader),
            doc_language=written_in, doc_direction=text_direction(written_in),
        )


def _purposes() -> list[tuple[str, str]]:
    return [(purpose, str(PURPOSE_HEADINGS[purpose])) for purpose in LS_PURPOSES]
