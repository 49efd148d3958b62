"""Reading JSON that someone else wrote (API bodies, JSON Lines imports) strictly.

Python's parser is lenient where liaison must not be: it reads ``NaN`` and ``Infinity`` (which JSON
does not have) as numbers that text fields then stored as "nan", fails with a ValueError on an integer
of more than 4,300 digits, and accepts ``"\\ud800"``, half of a UTF-16 pair, which no database can
store. Every door reads JSON through :func:`parse`, so that all of them refuse the same things:

- a body that is not JSON, or nests deeper than :data:`MAX_DEPTH`: :class:`MalformedJSON` (a 400);
- JSON whose values cannot be kept: :class:`UnusableJSON` (a 422) naming each value by its path
  (``title``, ``recipients[1].name``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: Objects and arrays inside each other: a work item or statement needs 3; the rest is an attack.
MAX_DEPTH = 32
#: Digits of a number, as Python's own limit on converting integers (sys.get_int_max_str_digits).
MAX_NUMBER_DIGITS = 4300
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOO_DEEP = f"it nests arrays or objects too deeply (at most {MAX_DEPTH} levels)"


class MalformedJSON(ValueError):
    """The text is not JSON that liaison reads; the message says where or why."""


class UnusableJSON(ValueError):
    """The text is JSON, but holds values that cannot be kept; ``errors`` maps their paths to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{path or 'the value'}: {message}" for path, message in errors.items()))
        self.errors = errors


class _Refused:
    """Stands in the parsed document for a value the hooks refused, until the walk finds its path."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a number JSON allows: send a finite number")


def _integer(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        return _Refused(f"a number of more than {MAX_NUMBER_DIGITS} digits")
    return int(text)


def _float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_DIGITS:
        return _Refused(f"a number of more than {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    return value if math.isfinite(value) else _Refused(f"{text} is beyond the range of a number")


def parse(raw: bytes | str) -> Any:
    """The JSON document in ``raw`` (UTF-8 bytes or text), or :class:`MalformedJSON` / :class:`UnusableJSON`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        document = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except UnicodeDecodeError as exc:
        raise MalformedJSON(f"it is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise MalformedJSON(f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise MalformedJSON(_TOO_DEEP) from None
    errors = _check(document)
    if errors:
        raise UnusableJSON(errors)
    return document


def _check(document: Any) -> dict[str, str]:
    """What cannot be kept, by path; without recursion, so that the depth of the document costs no stack."""
    errors: dict[str, str] = {}
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise MalformedJSON(_TOO_DEEP)
            if isinstance(value, dict):
                for key, child in value.items():
                    child_path = f"{path}.{key}" if path else key
                    if _SURROGATE.search(key):
                        errors[_printable(child_path)] = _HALF_PAIR
                    stack.append((child, child_path, depth + 1))
            else:
                stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(value))
        elif isinstance(value, _Refused):
            errors[_printable(path)] = value.reason
        elif isinstance(value, str) and _SURROGATE.search(value):
            errors[_printable(path)] = _HALF_PAIR
    return dict(sorted(errors.items()))


_HALF_PAIR = "holds half of a UTF-16 surrogate pair (e.g. \\ud800 alone), which is no character"


def _printable(path: str) -> str:
    # A key may itself hold a lone surrogate, which could not be sent back in the problem document.
    return path.encode("utf-8", "backslashreplace").decode("utf-8")
