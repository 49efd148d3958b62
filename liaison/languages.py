"""The six official languages of ITU that the interface speaks, in ITU's order (English alphabetical).

Plain data, no Flask: models, services and the web layer read the same list. The interface language
(what a page, a mail or a generated document is written in) is not the language of an item's content
(``WorkItem.language``), which may be any language and is never translated by liaison.
"""

from __future__ import annotations

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
#: Languages written right to left: their pages get ``dir="rtl"`` and Bootstrap's RTL stylesheet.
RIGHT_TO_LEFT = frozenset({"ar"})
#: The longest code a language column holds.
LANGUAGE_CODE_LENGTH = 5


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr``: the value of the ``dir`` attribute for ``language``."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
