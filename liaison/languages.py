"""The six official languages of ITU that the interface speaks, in ITU's order (English alphabetical).

Plain data, no Flask: models, services and the web layer read the same list. The interface language
(what a page, a mail or a generated document is written in) is not the language of an item's content
(``WorkItem.language``), which may be any language and is never translated by liaison.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

#: Code (BCP 47) -> the language's name in itself, as the language switcher shows it.
INTERFACE_LANGUAGES: dict[str, str] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
DEFAULT_LANGUAGE = "en"
#: The longest code a language column holds.
LANGUAGE_CODE_LENGTH = 5


@lru_cache(maxsize=256)
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def language_name(tag: str | None, in_language: str = DEFAULT_LANGUAGE) -> str:
    """The name of a language tag in ``in_language`` ("ar" -> "Arabic"); the tag itself when Babel does not know it."""
    locale = _locale(tag or "")
    name = locale.get_display_name(in_language) if locale is not None else None
    return name or (tag or "")


def text_direction(tag: str | None) -> str:
    """``rtl`` or ``ltr``: the ``dir`` of text in ``tag``, for the interface (Arabic) and items' content alike."""
    locale = _locale(tag or "")
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"
