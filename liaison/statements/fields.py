"""Reading a liaison statement from the API's JSON shape (or a form) into clean values, with every error.

The shape is the one :func:`liaison.statements.operations.statement_as_dict` produces, so a client can
GET a statement, change it and send it back: fields that only the server sets (``id``, ``state``,
``reference``, ``deliveries``...) are ignored, unknown fields are refused. Each field is read by the
API's own schema (:mod:`liaison.statements.schemas`); what needs the database (the groups, work items,
alerts and statement named) and what spans fields (a recipient twice, the source group addressed) is
checked here. Errors are keyed by the path of the field, e.g. ``recipients[1].deadline``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.errors import ValidationError
from liaison.core.schemas import SchemaError, field_errors
from liaison.models import LiaisonStatement, OverlapAlert, WorkItem
from liaison.models.base import MAX_ID
from liaison.models.organisation import Group
from liaison.models.statements import LS_DIRECTIONS
from liaison.statements.edits import REPLYABLE_STATES
from liaison.statements.schemas import (
    CLEANERS,
    LiaisonStatementInput,
    LiaisonStatementPatch,
    StatementContactInput,
    StatementRecipientInput,
)

#: Fields a client may set (``sent_at`` only on an incoming statement: the date the other body sent it).
WRITABLE_FIELDS = tuple(name for name, field in LiaisonStatementPatch.model_fields.items() if not field.exclude)
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
MAX_RECIPIENTS = 50
MAX_CONTACTS = 10
#: Work items, and overlap alerts, one statement may be about.
MAX_RELATED = 100


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
        raise ValidationError({"": _("a statement must be a JSON object")})
    errors: dict[str, str] = {}
    direction = _direction(data, ls, errors)
    if direction == "outgoing":
        data = {name: value for name, value in data.items() if name != "sent_at"}  # set by sending, never by the client
    values = _read(data, partial, errors)
    fields = [f for f in WRITABLE_FIELDS if f in data] if partial else list(WRITABLE_FIELDS)
    values |= _look_up(session, data, [f for f in fields if f not in CLEANERS], ls, errors)
    if "title" in values and not values["title"] and "title" not in errors:
        errors["title"] = _("a title is required")
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
        errors["direction"] = _("the direction of a statement cannot change")
    elif direction not in LS_DIRECTIONS:
        errors["direction"] = _("must be one of: %(value)s", value=', '.join(LS_DIRECTIONS))
        direction = "outgoing"
    return direction


def _read(data: Mapping[str, Any], partial: bool, errors: dict[str, str]) -> dict[str, Any]:
    """The fields read without the database (text, approval level, language...), by the statement's schema.

    Unknown fields are refused there. On errors, the fields that were right are read again on their own,
    so that the checks that follow still run on them.
    """
    schema = LiaisonStatementPatch if partial else LiaisonStatementInput
    try:
        parsed = schema.model_validate(dict(data))
    except SchemaError as exc:
        errors.update(field_errors(exc, schema))
        valid = {name: value for name, value in data.items() if name in CLEANERS and name not in errors}
        parsed, partial = LiaisonStatementPatch.model_validate(valid), True
    return parsed.model_dump(include=set(CLEANERS), exclude_unset=partial)


def _look_up(
    session: Session, data: Mapping[str, Any], fields: list[str], ls: LiaisonStatement | None, errors: dict[str, str]
) -> dict[str, Any]:
    """Each of ``fields`` that names stored rows, found; what is wrong goes into ``errors``."""
    values: dict[str, Any] = {}
    cleaners: dict[str, Callable[[Any], Any]] = {
        "source_group": lambda v: _group(session, v),
        "work_items": lambda v: _rows(session, WorkItem, v, "work item"),
        "alerts": lambda v: _rows(session, OverlapAlert, v, "overlap alert"),
        "in_reply_to": lambda v: _original(session, v, ls),
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
        errors["source_group"] = _("the group the statement comes from is required")
    elif direction == "incoming" and group is None and not text and ("source_group" in values or ls is None):
        errors["source_group"] = _("say who sent it: a group code, or the sender's name in source_text")


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


def _group(session: Session, value: Any) -> Group | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(_("must be a group code such as ITU-T/SG17"))
    group = session.scalar(select(Group).where(Group.code == value.strip()))
    if group is None:
        raise ValueError(_("no group with code %(value)s", value=repr(value.strip())))
    return group


#: What is wrong with a list of related ids, by what they name: whole sentences, for the catalogs.
_ID_ERRORS = {
    "work item": {
        "not_list": _l("must be a list of work item ids"),
        "too_many": _l("at most %(most)s work items"),
        "not_number": _l("must be a list of work item ids (numbers)"),
        "missing": _l("no work item with id %(ids)s"),
    },
    "overlap alert": {
        "not_list": _l("must be a list of overlap alert ids"),
        "too_many": _l("at most %(most)s overlap alerts"),
        "not_number": _l("must be a list of overlap alert ids (numbers)"),
        "missing": _l("no overlap alert with id %(ids)s"),
    },
}


def _ids(value: Any, what: str) -> list[int]:
    errors = _ID_ERRORS[what]
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(str(errors["not_list"]))
    if len(value) > MAX_RELATED:
        raise ValueError(str(errors["too_many"]) % {"most": MAX_RELATED})
    ids: list[int] = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int):
            raise ValueError(str(errors["not_number"]))
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
        raise ValueError(str(_ID_ERRORS[what]["missing"]) % {"ids": ", ".join(missing)})
    return [found[i] for i in ids]


def _original(session: Session, value: Any, ls: LiaisonStatement | None) -> LiaisonStatement | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("must be the id of a liaison statement"))
    if ls is not None and value == ls.id:
        raise ValueError(_("a statement cannot reply to itself"))
    original = session.get(LiaisonStatement, value) if 1 <= value <= MAX_ID else None
    if original is None:
        raise ValueError(_("no liaison statement with id %(value)s", value=value))
    if original.state not in REPLYABLE_STATES:
        raise ValueError(_("only a statement that was sent or received can be replied to"))
    return original


def _recipients(session: Session, value: Any, errors: dict[str, str]) -> list[RecipientValues]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        errors["recipients"] = _("must be a list of recipients")
        return []
    if len(value) > MAX_RECIPIENTS:
        errors["recipients"] = _("at most %(MAX_RECIPIENTS)s recipients", MAX_RECIPIENTS=MAX_RECIPIENTS)
        return []
    codes = {e["group"].strip() for e in value if isinstance(e, Mapping) and isinstance(e.get("group"), str)}
    groups = {g.code: g for g in session.scalars(select(Group).where(Group.code.in_(codes)))} if codes else {}
    result: list[RecipientValues] = []
    seen: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(value):
        where = f"recipients[{index}]"
        if not isinstance(entry, Mapping):
            errors[where] = (
                _('must be an object such as {"group": "ITU-D/SG2", "purpose": "action", "deadline": "2026-05-01"}')
            )
            continue
        try:
            row = StatementRecipientInput.model_validate(dict(entry), context={"groups": groups})
        except SchemaError as exc:
            errors.update(field_errors(exc, StatementRecipientInput, at=where))
            continue
        group = groups[row.group] if row.group else None
        recipient = RecipientValues(
            index=index,
            group=group,
            email="" if group is not None else row.email or "",
            name="" if group is not None else row.name,
            purpose=row.purpose,
            deadline=row.deadline,
        )
        if recipient.key in seen:
            errors[where] = _("the same recipient as recipients[%(value)s]", value=seen[recipient.key])
            continue
        seen[recipient.key] = index
        result.append(recipient)
    return result


def _contacts(value: Any, errors: dict[str, str]) -> list[ContactValues]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        errors["contacts"] = _("must be a list of contacts")
        return []
    if len(value) > MAX_CONTACTS:
        errors["contacts"] = _("at most %(MAX_CONTACTS)s contacts", MAX_CONTACTS=MAX_CONTACTS)
        return []
    result = []
    for index, entry in enumerate(value):
        where = f"contacts[{index}]"
        if not isinstance(entry, Mapping):
            errors[where] = _('must be an object such as {"name": "...", "email": "..."}')
            continue
        try:
            contact = StatementContactInput.model_validate(dict(entry))
        except SchemaError as exc:
            errors.update(field_errors(exc, StatementContactInput, at=where))
            continue
        result.append(ContactValues(**contact.model_dump()))
    return result
