"""Which language a text is written in.

Detection is py3langid's naive Bayes model (97 languages, shipped inside the package: nothing is
downloaded). Pure functions: text in, ISO 639-1 code out. Names of languages are
:func:`liaison.languages.language_name`'s.
"""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: Below this probability the guess is not trusted: a reference or a three-word title says little
#: ("Age assurance framework" is English at 0.46, "COP" Romanian at 0.04).
MIN_CONFIDENCE = 0.3


@functools.cache
def _get_identifier() -> LanguageIdentifier:
    # Loading the model takes about half a second: once per process, on first use (two threads
    # that race on the very first call each load it once, harmlessly).
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, or "" when it cannot be told."""
    if not text or not text.strip():
        return ""
    code, confidence = _get_identifier().classify(text)
    return code if confidence >= MIN_CONFIDENCE and len(code) == 2 else ""


def primary_language(tag: str) -> str:
    """The language part of a tag, lower case: "zh" for "zh-Hans", "" for ""."""
    return tag.split("-", 1)[0].strip().lower()


def languages_differ(tag_a: str, tag_b: str) -> bool:
    """Whether two tags name different languages; an unknown ("") language differs from none."""
    a, b = primary_language(tag_a), primary_language(tag_b)
    return bool(a and b and a != b)

