"""Languages of work items as pages show them: a name for people, a direction for the browser."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError


@lru_cache(maxsize=256)
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def language_name(tag: str | None) -> str:
    """The English name of a language tag ("ar" -> "Arabic"); the tag itself when Babel does not know it."""
    locale = _locale(tag or "")
    name = locale.get_display_name("en") if locale is not None else None
    return name or (tag or "")


def text_direction(tag: str | None) -> str:
    """"rtl" for languages written right to left (Arabic, Hebrew, Persian...), else "ltr"."""
    locale = _locale(tag or "")
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"
