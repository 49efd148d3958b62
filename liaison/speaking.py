"""The language liaison speaks now, and speaking another for a while (a mail to someone, a document).

Apart from :mod:`liaison.i18n` (which chooses a request's language and needs Flask) so that services,
mail and documents, which must not import Flask, can write in their reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import force_locale, get_locale

from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES


def current_language() -> str:
    """The code of the language being spoken now (``en`` outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Speak ``code`` inside the block (mail to someone, a document): any unknown code means the default."""
    chosen = code if code in INTERFACE_LANGUAGES else DEFAULT_LANGUAGE
    with force_locale(chosen):
        yield chosen
