"""The interface in ITU's six languages: no visible text of a template escapes gettext, and each of the
five catalogs holds every message, translated (entries marked fuzzy count, and are listed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

import liaison
from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES

PACKAGE = Path(liaison.__file__).parent
ROOT = PACKAGE.parent
TEMPLATES = sorted(
    path for folder in ("web/templates", "documents/templates") for path in (PACKAGE / folder).rglob("*.*")
)
TRANSLATED = sorted(code for code in INTERFACE_LANGUAGES if code != DEFAULT_LANGUAGE)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "_l": None,
            "lazy_gettext": None, "lazy_ngettext": (1, 2), "_n": (1, 2)}
#: Attributes that a person reads (or hears, with a screen reader).
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
#: What may stay as it is in every language: names and symbols, not words.
NOT_WORDS = {"liaison", "UTC", "ITU", "API", "JSON", "CSV", "HTML", "Atom", "ID", "RSS", "LS", "JSONL", "docx"}

_TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[^\W\d_]{2,}")
_ATTRIBUTE = re.compile(r"\b(" + "|".join(VISIBLE_ATTRIBUTES) + r")=([\"'])(.*?)\2", re.S)


#: Arguments of the form macros that a person reads: by keyword, and by position (``post_button``'s label).
VISIBLE_ARGUMENTS = ("help", "title", "label", "placeholder")
VISIBLE_POSITIONS = {"post_button": 1, "table": 0}


def _literal_words(node: nodes.Node) -> list[str]:
    """The words of the string literals in an expression (``"Remove " ~ name`` -> ``["Remove "]``)."""
    literals = [node] if isinstance(node, nodes.Const) else list(node.find_all(nodes.Const))
    return [c.value for c in literals if isinstance(c.value, str) and [w for w in _WORD.findall(c.value) if w not in NOT_WORDS]]


def untranslated_arguments(tree: nodes.Template) -> list[str]:
    """String literals given to a macro as visible text (``help="..."``) instead of ``_("...")``."""
    found = []
    for call in tree.find_all(nodes.Call):
        name = call.node.name if isinstance(call.node, nodes.Name) else ""
        if name in ("_", "gettext", "ngettext", "pgettext"):
            continue
        arguments = [kw.value for kw in call.kwargs if kw.key in VISIBLE_ARGUMENTS]
        if name in VISIBLE_POSITIONS and len(call.args) > VISIBLE_POSITIONS[name]:
            arguments.append(call.args[VISIBLE_POSITIONS[name]])
        for argument in arguments:
            if not any(isinstance(c.node, nodes.Name) and c.node.name == "_" for c in [argument, *argument.find_all(nodes.Call)] if isinstance(c, nodes.Call)):
                found += _literal_words(argument)
    return found


def untranslated_text(source: str) -> list[str]:
    """Visible words of a template that reach the page without passing through gettext."""
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"])
    tree = environment.parse(source)
    data = "".join(node.data for node in tree.find_all(nodes.TemplateData))
    found = [value for _, _, value in _ATTRIBUTE.findall(data) if _WORD.search(value)] + untranslated_arguments(tree)
    for fragment in _TAG.split(_TAG.sub("\x00", data)):
        for piece in _ENTITY.sub(" ", fragment or "").split("\x00"):
            words = [w for w in _WORD.findall(piece) if w not in NOT_WORDS]
            if words:
                found.append(" ".join(piece.split()))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_template_has_no_text_outside_gettext(path: Path) -> None:
    assert untranslated_text(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_text_outside_gettext() -> None:
    source = '<p title="Open it">{{ _("Fine") }} Not fine {% trans %}Also fine{% endtrans %}<b>{{ x }}</b></p>'
    assert untranslated_text(source) == ["Open it", "Not fine"]
    macros = '{{ field(f, help="Say why", cls="col-6") }}{{ post_button(u, "Remove", title="Remove " ~ n) }}'
    assert untranslated_text(macros) == ["Say why", "Remove ", "Remove"]
    assert untranslated_text('{{ field(f, help=_("Fine")) }}{{ post_button(u, _("Remove"), title=_("Remove %(n)s", n=n)) }}') == []


def extracted_messages() -> set[str]:
    """Every message id of the sources, read with the map ``make translations`` uses."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(PACKAGE), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def messages() -> set[str]:
    return extracted_messages()


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_translates_every_message(code: str, messages: set[str]) -> None:
    path = PACKAGE / "translations" / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=code)
    entries = {message.id if isinstance(message.id, str) else message.id[0]: message for message in catalog if message.id}
    missing = sorted(messages - set(entries))
    untranslated = sorted(
        key for key in messages & set(entries)
        if not all(entries[key].string if isinstance(entries[key].string, tuple) else [entries[key].string])
    )
    broken = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    fuzzy = sorted(key for key in messages & set(entries) if entries[key].fuzzy)
    if fuzzy:
        print(f"{code}: {len(fuzzy)} fuzzy entries to review: {fuzzy}")
    assert (missing, untranslated, broken) == ([], [], [])
