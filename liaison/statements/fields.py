"""Reading a liaison statement from the API's JSON shape (or a form) into clean values, with every error.

The shape is the one :func:`liaison.statements.operations.statement_as_dict` produces, so a client can
GET a statement, change it and send it back: fields that only the server sets (``id``, ``state``,
``reference``, ``deliveries``...) are ignored, unknown fields are refused. Errors are keyed by the
path of the field, e.g. ``recipients[1].deadline``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import LiaisonStatement, OverlapAlert, WorkItem
from liaison.models.base import MAX_ID, max_items, max_length
from liaison.models.organisation import Group
from liaison.models.statements import (
    ACTION_PURPOSES,
    APPROVAL_LEVELS,
    LS_DIRECTIONS,
    LS_LANGUAGES,
    LS_PURPOSES,
    StatementContact,
    StatementRecipient,
)
from liaison.core.errors import ValidationError
from liaison.statements.edits import REPLYABLE_STATES
from liaison.core.validators import is_email

#: Fields a client may set (``sent_at`` only on an incoming statement: the date the other body sent it).
WRITABLE_FIELDS = (
    "direction",
    "title",
    "abstract",
    "body",
    "source_group",
    "source_text",
    "questions",
    "study_group",
    "working_party",
    "meeting_place",
    "meeting_dates",
    "recipients",
    "contacts",
    "approval_level",
    "work_items",
    "alerts",
    "in_reply_to",
    "external_references",
    "language",
    "sent_at",
)
#: How a person names each field (in the history of a statement, and in what its audit events say).
FIELD_LABELS = {
    "direction": "Direction",
    "title": "Title",
    "abstract": "Abstract",
    "body": "Body",
    "source_group": "Source group",
    "source_text": "Sender",
    "questions": "Question(s)",
    "study_group": "Study Group",
    "working_party": "Working Party",
    "meeting_place": "Meeting place",
    "meeting_dates": "Meeting dates",
    "recipients": "Recipients",
    "contacts": "Contacts",
    "approval_level": "Approval level",
    "work_items": "Related work items",
    "alerts": "Overlap alerts",
    "in_reply_to": "In reply to",
    "external_references": "Other bodies' references",
    "language": "Original language",
    "sent_at": "Date of the statement",
    "state": "State",
}
#: Fields the server sets; sent back unchanged by a client, they are ignored.
READ_ONLY_FIELDS = frozenset(
    {
        "id",
        "reference",
        "state",
        "subject",
        "approved_by",
        "approved_at",
        "approval_evidence",
        "logged_by",
        "attachments",
        "deliveries",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
    }
)
_TEXT_FIELDS = (
    "title", "abstract", "body", "source_text", "questions", "study_group", "working_party", "meeting_place",
    "meeting_dates",
)
#: Each bound is the model column's (see :func:`liaison.models.base.max_length`).
_LIMITS = {name: max_length(getattr(LiaisonStatement, name)) for name in _TEXT_FIELDS}
#: ``id``, ``action_taken_at`` and ``action_note`` are shown by the API and ignored when sent back.
_RECIPIENT_KEYS = frozenset({"id", "group", "email", "name", "purpose", "deadline", "action_taken_at", "action_note"})
_CONTACT_KEYS = frozenset({"name", "organization", "country", "phone", "email"})
_CONTACT_LIMITS = {
    name: max_length(getattr(StatementContact, name)) for name in ("name", "organization", "country", "phone", "email")
}
_APPROVAL_ALIASES = {
    "sg": "study_group",
    "study group": "study_group",
    "wp": "working_party",
    "working party": "working_party",
    "rapporteur": "rapporteur_meeting",
    "rapporteur meeting": "rapporteur_meeting",
}
MAX_RECIPIENTS = 50
MAX_CONTACTS = 10
#: Work items, and overlap alerts, one statement may be about.
MAX_RELATED = 100
MAX_REFERENCES = max_items(LiaisonStatement.external_references)
MAX_REFERENCE_LENGTH = max_length(LiaisonStatement.external_references)
MAX_RECIPIENT_NAME_LENGTH = max_length(StatementRecipient.name)


@dataclass(frozen=True)
class RecipientValues:
    """One clean recipient: ``group`` set, or ``email`` (and maybe ``name``); ``index`` in the input list."""

    index: int
    group: Group | None
    email: str
    name: str
    purpose: str
    deadline: dt.date | None

    @property
    def key(self) -> tuple[str, str]:
        """What makes two recipients the same addressee."""
        return ("group", str(self.group.id)) if self.group is not None else ("email", self.email.lower())


@dataclass(frozen=True)
class ContactValues:
    """One clean contact."""

    name: str
    organization: str
    country: str
    phone: str
    email: str


def clean_statement_fields(
    session: Session, data: Mapping[str, Any], *, ls: LiaisonStatement | None = None, partial: bool = False
) -> dict[str, Any]:
    """Validate ``data`` and return the values to store.

    Returned keys: the plain columns, ``source_group`` (a Group or None), ``recipients`` (list of
    :class:`RecipientValues`), ``contacts`` (list of :class:`ContactValues`), ``work_items`` and ``alerts``
    (model lists), ``in_reply_to`` (a statement or None), ``sent_at`` (incoming only). With ``partial``,
    only the fields present are checked and returned.
    """
    if not isinstance(data, Mapping):
        raise ValidationError({"": "a statement must be a JSON object"})
    errors: dict[str, str] = {}
    for name in sorted(set(data) - set(WRITABLE_FIELDS) - READ_ONLY_FIELDS):
        errors[name] = "unknown field"

    direction = _direction(data, ls, errors)
    fields = [f for f in WRITABLE_FIELDS if f in data] if partial else list(WRITABLE_FIELDS)
    if direction == "outgoing" and "sent_at" in fields:
        fields.remove("sent_at")  # set by sending, never by the client
    values = _clean_each(session, data, fields, ls, errors)
    if "title" in values and not values["title"] and "title" not in errors:
        errors["title"] = "a title is required"
    _check_source(values, ls, direction, errors)
    _check_recipients_against_source(values, ls, errors)
    if errors:
        raise ValidationError(errors)
    values["direction"] = direction
    return values


def _direction(data: Mapping[str, Any], ls: LiaisonStatement | None, errors: dict[str, str]) -> str:
    """Outgoing or incoming: given when the statement is made, never changed after."""
    direction = ls.direction if ls is not None else data.get("direction") or "outgoing"
    if "direction" in data and ls is not None and data["direction"] != ls.direction:
        errors["direction"] = "the direction of a statement cannot change"
    elif direction not in LS_DIRECTIONS:
        errors["direction"] = f"must be one of: {', '.join(LS_DIRECTIONS)}"
        direction = "outgoing"
    return direction


def _clean_each(
    session: Session, data: Mapping[str, Any], fields: list[str], ls: LiaisonStatement | None, errors: dict[str, str]
) -> dict[str, Any]:
    """Each of ``fields`` cleaned on its own; what is wrong goes into ``errors``."""
    values: dict[str, Any] = {}
    cleaners: dict[str, Callable[[Any], Any]] = {
        **{name: _text(name, limit) for name, limit in _LIMITS.items()},
        "source_group": lambda v: _group(session, v),
        "approval_level": _approval_level,
        "work_items": lambda v: _rows(session, WorkItem, v, "work item"),
        "alerts": lambda v: _rows(session, OverlapAlert, v, "overlap alert"),
        "in_reply_to": lambda v: _original(session, v, ls),
        "external_references": _references,
        "language": _language,
        "sent_at": _sent_at,
    }
    for name in fields:
        if name == "direction":
            continue
        if name == "recipients":
            values[name] = _recipients(session, data.get(name), errors)
        elif name == "contacts":
            values[name] = _contacts(data.get(name), errors)
        else:
            try:
                values[name] = cleaners[name](data.get(name))
            except ValueError as exc:
                errors[name] = str(exc)
    return values


def _check_source(values: dict[str, Any], ls: LiaisonStatement | None, direction: str, errors: dict[str, str]) -> None:
    if "source_group" in errors:
        return
    group = values.get("source_group", ls.source_group if ls else None)
    text = values.get("source_text", ls.source_text if ls else "")
    if direction == "outgoing" and group is None and ("source_group" in values or ls is None):
        errors["source_group"] = "the group the statement comes from is required"
    elif direction == "incoming" and group is None and not text and ("source_group" in values or ls is None):
        errors["source_group"] = "say who sent it: a group code, or the sender's name in source_text"


def _check_recipients_against_source(
    values: dict[str, Any], ls: LiaisonStatement | None, errors: dict[str, str]
) -> None:
    if "source_group" in errors:
        return
    group = values.get("source_group", ls.source_group if ls else None)
    if group is None or "recipients" not in values:
        return
    for recipient in values["recipients"]:
        if recipient.group is not None and recipient.group.id == group.id:
            errors.setdefault(
                f"recipients[{recipient.index}].group", "a statement cannot be addressed to its own source group"
            )


def _text(name: str, limit: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("must be text")
        # Browsers send a textarea's lines with CRLF: stored as LF, an unchanged form changes nothing.
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters (got {len(text)})")
        return text

    return clean


def _group(session: Session, value: Any) -> Group | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be a group code such as ITU-T/SG17")
    group = session.scalar(select(Group).where(Group.code == value.strip()))
    if group is None:
        raise ValueError(f"no group with code {value.strip()!r}")
    return group


def _language(value: Any) -> str:
    if value is None or value == "":
        return "en"
    if not isinstance(value, str) or value.strip().lower() not in LS_LANGUAGES:
        raise ValueError(f"must be one of ITU's languages: {', '.join(LS_LANGUAGES)}")
    return value.strip().lower()


def _approval_level(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError("must be text")
    key = value.strip().lower()
    level = _APPROVAL_ALIASES.get(key, key.replace(" ", "_"))
    if level not in APPROVAL_LEVELS:
        raise ValueError(f"must be one of: {', '.join(v for v in APPROVAL_LEVELS if v)}")
    return level


def _ids(value: Any, what: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of {what} ids")
    if len(value) > MAX_RELATED:
        raise ValueError(f"at most {MAX_RELATED} {what}s")
    ids: list[int] = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int):
            raise ValueError(f"must be a list of {what} ids (numbers)")
        if entry not in ids:
            ids.append(entry)
    return ids


def _rows(session: Session, model: type[WorkItem] | type[OverlapAlert], value: Any, what: str) -> list[Any]:
    ids = _ids(value, what)
    if not ids:
        return []
    stored = [i for i in ids if 1 <= i <= MAX_ID]
    rows: Sequence[Any] = session.scalars(select(model).where(model.id.in_(stored))).all() if stored else []
    found = {row.id: row for row in rows}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValueError(f"no {what} with id {', '.join(missing)}")
    return [found[i] for i in ids]


def _original(session: Session, value: Any, ls: LiaisonStatement | None) -> LiaisonStatement | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be the id of a liaison statement")
    if ls is not None and value == ls.id:
        raise ValueError("a statement cannot reply to itself")
    original = session.get(LiaisonStatement, value) if 1 <= value <= MAX_ID else None
    if original is None:
        raise ValueError(f"no liaison statement with id {value}")
    if original.state not in REPLYABLE_STATES:
        raise ValueError("only a statement that was sent or received can be replied to")
    return original


def _references(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of reference numbers")
    if len(value) > MAX_REFERENCES:
        raise ValueError(f"at most {MAX_REFERENCES} references")
    references: list[str] = []
    for entry in value:
        text = " ".join(entry.split())
        if len(text) > MAX_REFERENCE_LENGTH:
            raise ValueError(f"{text[:30]!r}... is longer than {MAX_REFERENCE_LENGTH} characters")
        if text and text not in references:
            references.append(text)
    return references


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value.strip()!r} is not a date as YYYY-MM-DD") from None


def _sent_at(value: Any) -> dt.datetime | None:
    """The other body's date: a date (noon UTC, so that it reads the same date everywhere) or a timestamp."""
    if isinstance(value, str) and "T" in value:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value.strip()!r} is not a date (YYYY-MM-DD) or timestamp") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    day = _date(value)
    return None if day is None else dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)


def _recipients(session: Session, value: Any, errors: dict[str, str]) -> list[RecipientValues]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        errors["recipients"] = "must be a list of recipients"
        return []
    if len(value) > MAX_RECIPIENTS:
        errors["recipients"] = f"at most {MAX_RECIPIENTS} recipients"
        return []
    codes = {e["group"].strip() for e in value if isinstance(e, Mapping) and isinstance(e.get("group"), str)}
    groups = {g.code: g for g in session.scalars(select(Group).where(Group.code.in_(codes)))} if codes else {}
    result: list[RecipientValues] = []
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(value):
        where = f"recipients[{index}]"
        if not isinstance(entry, Mapping):
            errors[where] = (
                'must be an object such as {"group": "ITU-D/SG2", "purpose": "action", "deadline": "2026-05-01"}'
            )
            continue
        for key in sorted(set(entry) - _RECIPIENT_KEYS):
            errors[f"{where}.{key}"] = "unknown field"
        recipient = _recipient(index, entry, groups, where, errors)
        if recipient is None:
            continue
        if recipient.key in seen:
            errors[where] = f"the same recipient as recipients[{seen[recipient.key]}]"
            continue
        seen[recipient.key] = index
        result.append(recipient)
    return result


def _recipient(
    index: int, entry: Mapping[str, Any], groups: Mapping[str, Group], where: str, errors: dict[str, str]
) -> RecipientValues | None:
    code, email, name = entry.get("group"), entry.get("email"), entry.get("name")
    addressed = _addressee(code, email, groups, where, errors)
    if addressed is None:
        return None
    ok, group = addressed
    if name is not None and (not isinstance(name, str) or len(name.strip()) > MAX_RECIPIENT_NAME_LENGTH):
        errors[f"{where}.name"] = f"must be text of at most {MAX_RECIPIENT_NAME_LENGTH} characters"
        ok = False
    purpose = entry.get("purpose")
    if purpose not in LS_PURPOSES:
        errors[f"{where}.purpose"] = f"must be one of: {', '.join(LS_PURPOSES)}"
        ok = False
    deadline = _deadline(entry.get("deadline"), purpose, where, errors)
    if not ok or f"{where}.deadline" in errors:
        return None
    return RecipientValues(
        index=index,
        group=group,
        email="" if group is not None else (email or "").strip(),
        name="" if group is not None else (name or "").strip(),
        purpose=purpose or "",
        deadline=deadline,
    )


def _addressee(
    code: Any, email: Any, groups: Mapping[str, Group], where: str, errors: dict[str, str]
) -> tuple[bool, Group | None] | None:
    """Whether a recipient's group or address is valid, and the group; None when neither or both are given."""
    if code and email:
        errors[where] = "give either a group or an e-mail address, not both"
        return None
    if code:
        if not isinstance(code, str) or code.strip() not in groups:
            errors[f"{where}.group"] = f"no group with code {code!r}"
            return False, None
        return True, groups[code.strip()]
    if email:
        if not isinstance(email, str) or not is_email(email.strip()):
            errors[f"{where}.email"] = f"{email!r} is not an e-mail address"
            return False, None
        return True, None
    errors[where] = "give a group code (group) or an e-mail address (email)"
    return None


def _deadline(raw: Any, purpose: Any, where: str, errors: dict[str, str]) -> dt.date | None:
    """A recipient's deadline: required for action or comment, none for information."""
    try:
        deadline = _date(raw)
    except ValueError as exc:
        errors[f"{where}.deadline"] = str(exc)
        return None
    if purpose in ACTION_PURPOSES and deadline is None:
        errors[f"{where}.deadline"] = f"a deadline is required when the statement is for {purpose}"
    elif purpose == "information" and deadline is not None:
        errors[f"{where}.deadline"] = "a statement for information has no deadline"
    return deadline


def _contacts(value: Any, errors: dict[str, str]) -> list[ContactValues]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        errors["contacts"] = "must be a list of contacts"
        return []
    if len(value) > MAX_CONTACTS:
        errors["contacts"] = f"at most {MAX_CONTACTS} contacts"
        return []
    result = []
    for index, entry in enumerate(value):
        where = f"contacts[{index}]"
        if not isinstance(entry, Mapping):
            errors[where] = 'must be an object such as {"name": "...", "email": "..."}'
            continue
        fields = _contact_fields(entry, where, errors)
        if not any(k.startswith(where) for k in errors):
            result.append(ContactValues(**fields))
    return result


def _contact_fields(entry: Mapping[str, Any], where: str, errors: dict[str, str]) -> dict[str, str]:
    """One contact's fields as text, trimmed; what is wrong goes into ``errors`` under ``where``."""
    for key in sorted(set(entry) - _CONTACT_KEYS):
        errors[f"{where}.{key}"] = "unknown field"
    fields: dict[str, str] = {}
    for key, limit in _CONTACT_LIMITS.items():
        raw = entry.get(key)
        if raw is not None and not isinstance(raw, str):
            errors[f"{where}.{key}"] = "must be text"
            continue
        text = " ".join((raw or "").split())
        if len(text) > limit:
            errors[f"{where}.{key}"] = f"at most {limit} characters"
        fields[key] = text
    if not fields.get("name") and f"{where}.name" not in errors:
        errors[f"{where}.name"] = "a contact needs a name"
    if fields.get("email") and not is_email(fields["email"]):
        errors[f"{where}.email"] = f"{fields['email']!r} is not an e-mail address"
    return fields
