"""The interface language: Flask-Babel, how a request's language is chosen, and the gettext catalogs.

A request is answered in, first, the ``lang`` parameter of its URL (links stay shareable: ``?lang=fr``
shows the page in French to whoever opens it, and this browser keeps the choice for the next pages),
then the language this browser chose earlier, then the logged-in person's preference (account page),
then the browser's ``Accept-Language``, then ``BABEL_DEFAULT_LOCALE``.

Catalogs live in ``liaison/translations/<lang>/LC_MESSAGES/messages.po``; the compiled ``.mo`` files are
built by ``make install`` (``pybabel compile``) and, if one is missing or older than its ``.po``, here
when the application starts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, g, has_request_context, request, session
from flask_babel import Babel, format_date, format_time, refresh

from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES, text_direction
from liaison.speaking import current_language

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"
#: The URL parameter that chooses the language of one page (and of this browser's next ones).
LANGUAGE_PARAMETER = "lang"
#: Where the session keeps the language a browser chose with the switcher.
SESSION_KEY = "lang"

babel = Babel()


def init_app(app: Flask) -> None:
    """Flask-Babel with liaison's locale selector, the catalogs compiled, and the template helpers."""
    compile_catalogs(TRANSLATIONS)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_language)
    # {% trans %} blocks read as one line whatever their layout, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.before_request(remember_language)
    app.after_request(vary_on_language)
    app.context_processor(language_context)
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")


def compile_catalogs(directory: Path) -> None:
    """Compile each ``.po`` whose ``.mo`` is missing or older (a checkout that skipped ``make install``).

    Fuzzy entries are left out, as ``pybabel compile`` does: an entry a translator was unsure of shows
    in English until it is reviewed.
    """
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            # Written aside, then renamed: processes starting together never read a half-written catalog.
            with tempfile.NamedTemporaryFile("wb", dir=mo_path.parent, suffix=".tmp", delete=False) as mo_file:
                write_mo(mo_file, catalog)
            os.replace(mo_file.name, mo_path)
        except OSError as exc:  # an installed, read-only package: its catalogs were compiled at install
            log.warning("could not compile %s: %s", po_path, exc)


def requested_language() -> str | None:
    """The valid ``lang`` parameter of this request's URL, if any (an unknown one is ignored)."""
    value = request.args.get(LANGUAGE_PARAMETER)
    return value if value in INTERFACE_LANGUAGES else None


def remember_language() -> None:
    """Keep a language chosen by URL for this browser's next pages (pages only: the API keeps no session).

    The request's language is chosen afresh first: Flask-Babel keeps it in ``g``, which outlives the
    request when an application context is shared by several (tests, a command serving requests).
    """
    refresh()
    chosen = requested_language()
    if chosen is not None and not request.path.startswith("/api/") and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def select_language() -> str:
    """The language of this request (see the module's docstring for the order)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = requested_language()
    if chosen is not None:
        return chosen
    if not request.path.startswith("/api/"):
        remembered = session.get(SESSION_KEY)
        if remembered in INTERFACE_LANGUAGES:
            return str(remembered)
    user = g.get("user")
    if user is not None and user.language in INTERFACE_LANGUAGES:
        return str(user.language)
    from flask import current_app

    fallback = current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    return request.accept_languages.best_match(tuple(INTERFACE_LANGUAGES), default=fallback) or fallback


def url_in_language(code: str) -> str:
    """This page's URL with ``lang=code``; every other parameter kept as it is."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != LANGUAGE_PARAMETER]
    args.append((LANGUAGE_PARAMETER, code))
    return f"{request.path}?{urlencode(args)}"


def vary_on_language(response: Response) -> Response:
    """A page differs by the browser's languages: caches must not hand a French page to a Russian reader."""
    response.vary.add("Accept-Language")
    return response


def format_day(value: dt.date | dt.datetime) -> str:
    """A date as the reader's language writes it ("5 déc. 2026", "2026年12月5日")."""
    return format_date(value, "medium")


def format_moment(value: dt.datetime) -> str:
    """A UTC time to the minute as the reader's language writes it (the templates say "UTC" after it)."""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"


def language_context() -> dict[str, Any]:
    """What ``base.html`` needs for ``<html lang dir>``, the stylesheet and the switcher."""
    code = current_language()
    return {
        "current_language": code,
        "text_direction": text_direction(code),
        "interface_languages": INTERFACE_LANGUAGES,
        "url_in_language": url_in_language,
        "direction_of": text_direction,
    }
