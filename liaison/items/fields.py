"""Reading work-item input from a form, the API or an import row into clean values, with every error.

One function serves all three doors so that they accept and refuse exactly the same things.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import ITEM_STATUSES, ITEM_TYPES, Group, WorkItem
from liaison.models.base import max_items, max_length
from liaison.models.work_items import APPROVAL_PROCESSES, EDITOR_FIELD_LENGTHS, ITEM_TYPE_LABELS, MAX_EDITORS, ApprovalProcess
from liaison.core.errors import ValidationError
from liaison.core.validators import is_email, is_web_address
from liaison.core.validators import has_nul
from liaison.similarity.language import detect_language

#: Fields a client may set, in the order forms and exports show them.
EDITABLE_FIELDS = (
    "reference",
    "title",
    "summary",
    "type",
    "status",
    "group",
    "question",
    "editors",
    "approval_process",
    "start_date",
    "target_date",
    "keywords",
    "equivalents",
    "base_text",
    "url",
    "language",
    "is_public",
)
REQUIRED_FIELDS = ("reference", "title", "group")
#: Fields of an item as it is read back, accepted (and ignored) so that a client can send it back whole.
READ_ONLY_FIELDS = frozenset({"id", "version", "body", "created_at", "updated_at"})

_TYPE_ALIASES = {label.lower(): key for key, label in ITEM_TYPE_LABELS.items()} | {
    "tr": "technical_report",
    "report": "technical_report",
    "rec": "recommendation",
    "suppl": "supplement",
    "guidelines": "guideline",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def clean_item_fields(
    session: Session, data: Mapping[str, Any], *, item: WorkItem | None = None, partial: bool = False
) -> dict[str, Any]:
    """Validate ``data`` and return model values (``group`` becomes ``group_id``).

    With ``partial`` (PATCH), only the fields present are checked and returned. Unknown
    fields are refused, so that a misspelt field name is not silently ignored.
    """
    fields = [f for f in EDITABLE_FIELDS if f in data] if partial else list(EDITABLE_FIELDS)
    values, errors = _clean_each(data, fields)
    _check_group_and_reference(session, values, errors, item)
    if values.get("language") == "" and not errors.keys() & {"title", "summary"}:
        values["language"] = detected_language(
            values.get("title", item.title if item else ""), values.get("summary", item.summary if item else "")
        )
    start = values.get("start_date", item.start_date if item else None)
    target = values.get("target_date", item.target_date if item else None)
    if start and target and target < start and "target_date" not in errors:
        errors["target_date"] = "the target date is before the start date"

    if errors:
        raise ValidationError(errors)
    return values


def _clean_each(data: Mapping[str, Any], fields: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field on its own (no database): the values, and what is wrong with the others."""
    errors = {name: "unknown field" for name in sorted(set(data) - set(EDITABLE_FIELDS) - READ_ONLY_FIELDS)}
    values: dict[str, Any] = {}
    for name in fields:
        if has_nul(data.get(name)):
            # PostgreSQL refuses NUL in text: say so here rather than fail at INSERT.
            errors[name] = "must not contain NUL characters"
            continue
        try:
            values[name] = _CLEANERS[name](data.get(name))
        except ValueError as exc:
            errors[name] = str(exc)
    for name in REQUIRED_FIELDS:
        if name in values and not values[name] and name not in errors:
            errors[name] = "this field is required"
    return values, errors


def _check_group_and_reference(
    session: Session, values: dict[str, Any], errors: dict[str, str], item: WorkItem | None
) -> None:
    """The checks that read the database: the group exists (it becomes ``group_id``), the reference is free."""
    if "group" in values and values["group"] and "group" not in errors:
        group_id = session.scalar(select(Group.id).where(Group.code == values["group"]))
        if group_id is None:
            errors["group"] = f"no group with code {values['group']!r}"
        values["group_id"] = group_id
    values.pop("group", None)
    if values.get("reference") and "reference" not in errors:
        clash = session.scalar(select(WorkItem.id).where(WorkItem.reference == values["reference"]))
        if clash is not None and (item is None or clash != item.id):
            errors["reference"] = f"reference {values['reference']!r} is already used by another work item"


def detected_language(title: str, summary: str) -> str:
    """The language of an item's text, for when the officer leaves it empty ("" when it cannot be told)."""
    return detect_language(f"{title}\n{summary}")


def clean_field(name: str, value: Any) -> Any:
    """One field's value as the model stores it, or ``ValueError`` with what is wrong (no database checks)."""
    return _CLEANERS[name](value)


def _text(column: Any):
    """A cleaner for text of at most as many characters as ``column`` holds.

    Only text is text: a number (or NaN, which a lenient JSON parser reads as one) is refused
    rather than stored as "123" or "nan".
    """
    limit = max_length(column)

    def clean(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("must be text")
        text = value.strip()
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters (got {len(text)})")
        return text

    return clean


def _choice(choices: tuple[str, ...], default: str, aliases: Mapping[str, str] | None = None):
    def clean(value: Any) -> str:
        if value is None or value == "":
            return default
        if not isinstance(value, str):
            raise ValueError("must be text")
        key = value.strip()
        lowered = key.lower().replace(" ", "_")
        for candidate in (key, lowered, (aliases or {}).get(key.lower(), "")):
            if candidate in choices:
                return candidate
        raise ValueError(f"must be one of: {', '.join(c for c in choices if c)}")

    return clean


def _approval(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError("must be text")
    upper = value.strip().upper()
    for process in ApprovalProcess:
        if process and upper == process.upper():
            return process.value
    *named, last = (p for p in APPROVAL_PROCESSES if p)
    raise ValueError(f"must be {', '.join(named)} or {last}")


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    text = value.strip()
    # Work programmes often give only a year and month ("2026-03"): take the first of the month.
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date as YYYY-MM-DD")


def _string_list(column: Any):
    """A cleaner for a list of text (or one text of entries separated by commas, semicolons or lines),
    within the bounds of ``column``."""
    most, length = max_items(column), max_length(column)

    def clean(value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            parts = re.split(r"[;,\n]", value)
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("must be a list of text")
            parts = list(value)
        else:
            raise ValueError("must be a list of text")
        # Checked before the entries are: a list of a million entries is refused without reading them.
        if len(parts) > most:
            raise ValueError(f"at most {most} entries (got {len(parts)})")
        seen: dict[str, None] = {}
        for part in parts:
            cleaned = " ".join(part.split())
            if len(cleaned) > length:
                raise ValueError(f"{cleaned[:30]!r}... is longer than {length} characters")
            if cleaned and cleaned.lower() not in {s.lower() for s in seen}:
                seen[cleaned] = None
        return list(seen)

    return clean


def _editors(value: Any) -> list[dict[str, str]]:
    """Editors as ``{"name", "affiliation", "email"}``; text is one per line, ``Name; Affiliation; e-mail``."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        rows: list[Any] = [line for line in value.splitlines() if line.strip()]
    elif isinstance(value, (list, tuple)):
        rows = list(value)
    else:
        raise ValueError("must be a list of editors")
    if len(rows) > MAX_EDITORS:
        raise ValueError(f"at most {MAX_EDITORS} editors (got {len(rows)})")
    return [_editor(number, row) for number, row in enumerate(rows, start=1)]


def _editor(number: int, row: Any) -> dict[str, str]:
    """Editor ``number`` from a ``Name; Affiliation; e-mail`` line or a mapping, or ValueError."""
    if isinstance(row, str):
        parts = [p.strip() for p in row.split(";")]
        row = dict(zip(("name", "affiliation", "email"), parts + ["", ""]))
    if not isinstance(row, dict) or not all(isinstance(v, str) for v in row.values()):
        raise ValueError(f"editor {number}: give name, affiliation and e-mail as text")
    extra = set(row) - {"name", "affiliation", "email"}
    if extra:
        raise ValueError(f"editor {number}: unknown field {sorted(extra)[0]!r}")
    editor = {k: " ".join(str(row.get(k, "")).split()) for k in EDITOR_FIELD_LENGTHS}
    for key, limit in EDITOR_FIELD_LENGTHS.items():
        if len(editor[key]) > limit:
            raise ValueError(f"editor {number}: the {key} has more than {limit} characters")
    if not editor["name"]:
        raise ValueError(f"editor {number}: a name is required")
    if editor["email"] and not is_email(editor["email"]):
        raise ValueError(f"editor {number}: {editor['email']!r} is not an e-mail address")
    return editor


def _url(value: Any) -> str:
    text = _text(WorkItem.url)(value)
    if text and not is_web_address(text):
        raise ValueError("must be an http:// or https:// address")
    return text


def _language(value: Any) -> str:
    # Empty is allowed here: clean_item_fields then detects the language from the title and summary.
    text = _text(WorkItem.language)(value)
    if text and not _LANGUAGE.match(text):
        raise ValueError("must be a language tag such as en, fr or zh-Hans")
    return text


def _boolean(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off", "n"):
        return False
    raise ValueError("must be true or false")


#: Every bound comes from the model's column (see :func:`liaison.models.base.max_length`).
_CLEANERS = {
    "reference": _text(WorkItem.reference),
    "title": _text(WorkItem.title),
    "summary": _text(WorkItem.summary),
    "type": _choice(ITEM_TYPES, "other", _TYPE_ALIASES),
    "status": _choice(ITEM_STATUSES, "proposed"),
    "group": _text(Group.code),
    "question": _text(WorkItem.question),
    "editors": _editors,
    "approval_process": _approval,
    "start_date": _date,
    "target_date": _date,
    "keywords": _string_list(WorkItem.keywords),
    "equivalents": _string_list(WorkItem.equivalents),
    "base_text": _text(WorkItem.base_text),
    "url": _url,
    "language": _language,
    "is_public": _boolean,
}
