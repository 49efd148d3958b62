"""Liaison statements over the API, once: what may be sent, how each field is read, and what comes back.

:class:`LiaisonStatement` is what the API answers and what the audit log records of each change (see
``statement_as_dict`` in :mod:`liaison.statements.operations`); a client may send it back.
:class:`LiaisonStatementInput` and :class:`LiaisonStatementPatch` read what is sent, by the API and the
LS form alike (:func:`liaison.statements.fields.clean_statement_fields` validates with them, one recipient
and one contact at a time with :class:`StatementRecipientInput` and :class:`StatementContactInput`, then
checks what needs the database: groups, related items and alerts, the statement replied to). The OpenAPI
document publishes the JSON Schema of these classes. Each bound is read from the model's column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import (
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonDict

from liaison.core.schemas import (
    REF_TEMPLATE,
    PageOf,
    PageQuery,
    Schema,
    SearchText,
    Timestamp,
    chosen,
    documented,
    one_of,
    version_field,
)
from liaison.core.validators import is_email
from liaison.documents import Disclosure, statement_subject
from liaison.models import APPROVAL_LEVELS, DELIVERY_STATUSES, LS_DIRECTIONS, LS_PURPOSES, LS_STATES, User
from liaison.models import LiaisonStatement as StoredStatement
from liaison.models.base import max_items, max_length
from liaison.models.statements import ACTION_PURPOSES, LS_LANGUAGES
from liaison.models.statements import StatementContact as StoredContact
from liaison.models.statements import StatementRecipient as StoredRecipient
from liaison.statements.permissions import full_disclosure


class StatementRecipient(Schema):
    """A group or an outside address the statement is for, why, and by when."""

    # None only in the audit log's snapshot of an edit, taken before a new recipient is stored: the API
    # answers after the flush, so the document promises an integer.
    id: int | None = Field(json_schema_extra={"type": "integer"})
    group: str | None = Field(
        None,
        description="Code of a group listed here; its liaison contacts get the mail.",
        json_schema_extra={"type": "string"},
    )
    email: str | None = Field(
        None,
        description="An outside address, for a recipient that is not a listed group "
        "(shown only to the statement's own group and admins).",
        json_schema_extra={"type": "string"},
    )
    name: str = Field(description="The group's name, or the name that goes with `email`.")
    purpose: str = Field(json_schema_extra={"enum": list(LS_PURPOSES)})
    deadline: dt.date | None = Field(description="Set for `action` and `comment`, never for `information`.")
    action_taken_at: Timestamp | None
    action_note: str

    @model_serializer(mode="wrap")
    def _only_the_addressee_shown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A recipient is a group or an address, and an outside address is shown only to the statement's
        # own group: the key that does not apply is left out rather than sent as null.
        shown: dict[str, Any] = handler(self)
        return {key: value for key, value in shown.items() if key not in ("group", "email") or value is not None}

    @classmethod
    def of(cls, recipient: StoredRecipient, internal: bool) -> StatementRecipient:
        if recipient.group is not None:
            who: dict[str, Any] = {"group": recipient.group.code, "name": recipient.group.name}
        elif internal:
            who = {"email": recipient.email, "name": recipient.name}
        else:
            who = {"name": recipient.public_label}
        return cls(
            id=recipient.id,
            purpose=recipient.purpose,
            deadline=recipient.deadline,
            action_taken_at=recipient.action_taken_at,
            action_note=recipient.action_note or "",
            **who,
        )


class StatementContact(Schema):
    name: str
    organization: str
    country: str
    phone: str
    email: str


class StatementPerson(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, user: User | None) -> StatementPerson | None:
        return cls(id=user.id, name=user.name) if user is not None else None


class StatementAttachment(Schema):
    id: int
    title: str
    filename: str
    content_type: str
    size: int = Field(ge=0)
    sha256: str


class StatementDelivery(Schema):
    """One mail of a sent statement, to one address."""

    address: str
    role: str = Field(json_schema_extra={"enum": ["to", "cc"]})
    recipient_id: int | None
    status: str = Field(json_schema_extra={"enum": list(DELIVERY_STATUSES)})
    attempts: int = Field(ge=0)
    last_error: str
    message_id: str | None
    sent_at: Timestamp | None
    next_attempt_at: Timestamp | None


_READ_ONLY: JsonDict = {"readOnly": True}


class LiaisonStatement(Schema):
    """A liaison statement (the ITU LS form), as one reader may see it."""

    id: int = Field(json_schema_extra=_READ_ONLY)
    reference: str | None = Field(
        description="Ours, given when it is sent: `SG17-LS123` (numbered per source study group and study period)."
    )
    direction: str = Field(json_schema_extra={"enum": list(LS_DIRECTIONS)})
    state: str = Field(json_schema_extra={"enum": list(LS_STATES)})
    subject: str = Field(description="The mail's subject: the title, or for a reply whose statement it answers.")
    title: str = Field(json_schema_extra={"maxLength": max_length(StoredStatement.title)})
    abstract: str
    body: str
    source_group: str | None = Field(description="Code of the group it comes from (ours, for an outgoing one).")
    source_text: str
    questions: str
    study_group: str
    working_party: str
    meeting_place: str
    meeting_dates: str
    recipients: list[StatementRecipient]
    contacts: list[StatementContact]
    approval_level: str = Field(json_schema_extra={"enum": list(APPROVAL_LEVELS)})
    approved_by: StatementPerson | None = Field(
        description="The chair who approved it, or recorded an approval given elsewhere."
    )
    approved_at: Timestamp | None
    approval_evidence: str = Field(
        description="Where a recorded approval was given (empty when a chair approved it here)."
    )
    logged_by: StatementPerson | None = Field(
        description="Incoming only: who logged it (null for outgoing statements)."
    )
    work_items: list[int] = Field(description="Ids of related work items.")
    alerts: list[int] = Field(description="Ids of the overlap alerts it is about.")
    in_reply_to: int | None = Field(description="Id of the statement it answers.")
    external_references: list[str] = Field(description="Other bodies' reference numbers.")
    language: str = Field(
        description="The original language (ISO 639-1).", json_schema_extra={"enum": list(LS_LANGUAGES)}
    )
    attachments: list[StatementAttachment]
    deliveries: list[StatementDelivery] = Field(
        description="One mail per address once sent; shown only to those who handle the statement (empty for others)."
    )
    version: int = Field(ge=1, description="Also the ETag.", json_schema_extra=_READ_ONLY)
    created_at: Timestamp = Field(json_schema_extra=_READ_ONLY)
    updated_at: Timestamp = Field(json_schema_extra=_READ_ONLY)
    submitted_at: Timestamp | None
    sent_at: Timestamp | None = Field(description="When we sent it, or (incoming) when the other body did.")

    @classmethod
    def of(cls, ls: StoredStatement, shown: Disclosure | None = None) -> LiaisonStatement:
        """``ls`` with what ``shown`` lets its reader see (everything, as its own group and the audit log see
        it, when None)."""
        shown = shown or full_disclosure(ls)
        return cls(
            id=ls.id,
            reference=ls.reference,
            direction=ls.direction,
            state=ls.state,
            subject=statement_subject(ls),
            title=ls.title,
            abstract=ls.abstract,
            body=ls.body,
            source_group=ls.source_group.code if ls.source_group is not None else None,
            source_text=ls.source_text,
            questions=ls.questions,
            study_group=ls.study_group,
            working_party=ls.working_party,
            meeting_place=ls.meeting_place,
            meeting_dates=ls.meeting_dates,
            recipients=[StatementRecipient.of(r, shown.internal) for r in ls.recipients],
            contacts=[
                StatementContact(
                    name=c.name, organization=c.organization, country=c.country, phone=c.phone, email=c.email
                )
                for c in ls.contacts
            ],
            approval_level=ls.approval_level,
            approved_by=StatementPerson.of(ls.approved_by),
            approved_at=ls.approved_at,
            approval_evidence=ls.approval_evidence,
            logged_by=StatementPerson.of(ls.created_by) if ls.direction == "incoming" else None,
            work_items=[item.id for item in shown.work_items],
            alerts=[alert.id for alert in shown.alerts],
            in_reply_to=ls.in_reply_to.id if ls.in_reply_to is not None else None,
            external_references=list(ls.external_references or []),
            language=ls.language,
            attachments=[
                StatementAttachment(
                    id=a.id, title=a.title, filename=a.filename, content_type=a.content_type, size=a.size,
                    sha256=a.sha256,
                )
                for a in ls.attachments
            ],
            deliveries=[
                StatementDelivery(
                    address=d.address,
                    role=d.role,
                    recipient_id=d.recipient_id,
                    status=d.status,
                    attempts=d.attempts,
                    last_error=d.last_error,
                    message_id=d.message_id,
                    sent_at=d.sent_at,
                    next_attempt_at=d.next_attempt_at if d.status == "queued" else None,
                )
                for d in (ls.deliveries if shown.internal else ())
            ],
            version=ls.version,
            created_at=ls.created_at,
            updated_at=ls.updated_at,
            submitted_at=ls.submitted_at,
            sent_at=ls.sent_at,
        )


class LiaisonStatementQuery(PageQuery):
    """The query string of ``GET /liaison-statements``."""

    repeated: ClassVar[frozenset[str]] = frozenset({"state"})

    state: list[str] = Field(
        default_factory=list,
        description="Only statements in these states: repeat the parameter or separate by commas.",
        json_schema_extra={"items": {"type": "string", "enum": list(LS_STATES)}},
    )
    group: SearchText = Field("", description="From or to this group (code) or its sub-groups.")
    direction: str = Field(
        "", description="Only outgoing or only incoming statements.", json_schema_extra={"enum": list(LS_DIRECTIONS)}
    )
    q: SearchText = Field("", description="Words that must all appear in the reference, title, abstract, body or sender.")

    @field_validator("state", mode="before")
    @classmethod
    def _states(cls, values: list[str]) -> list[str]:
        return chosen(values, LS_STATES)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: str) -> str:
        return one_of(value, LS_DIRECTIONS)


class LiaisonStatementPage(PageOf[LiaisonStatement]):
    pass


# --- Reading what a client sends ---------------------------------------------------------------------

_TEXT_FIELDS = (
    "title", "abstract", "body", "source_text", "questions", "study_group", "working_party", "meeting_place",
    "meeting_dates",
)
_APPROVAL_ALIASES = {
    "sg": "study_group",
    "study group": "study_group",
    "wp": "working_party",
    "working party": "working_party",
    "rapporteur": "rapporteur_meeting",
    "rapporteur meeting": "rapporteur_meeting",
}
MAX_REFERENCES = max_items(StoredStatement.external_references)
MAX_REFERENCE_LENGTH = max_length(StoredStatement.external_references)
MAX_RECIPIENT_NAME_LENGTH = max_length(StoredRecipient.name)
_CONTACT_LIMITS = {
    name: max_length(getattr(StoredContact, name)) for name in ("name", "organization", "country", "phone", "email")
}


def _text(limit: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(_("must be text"))
        # Browsers send a textarea's lines with CRLF: stored as LF, an unchanged form changes nothing.
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > limit:
            raise ValueError(_("at most %(limit)s characters (got %(count)s)", limit=limit, count=len(text)))
        return text

    return clean


def _language(value: Any) -> str:
    if value is None or value == "":
        return "en"
    if not isinstance(value, str) or value.strip().lower() not in LS_LANGUAGES:
        raise ValueError(_("must be one of ITU's languages: %(value)s", value=', '.join(LS_LANGUAGES)))
    return value.strip().lower()


def _approval_level(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    key = value.strip().lower()
    level = _APPROVAL_ALIASES.get(key, key.replace(" ", "_"))
    if level not in APPROVAL_LEVELS:
        raise ValueError(_("must be one of: %(value)s", value=', '.join((v for v in APPROVAL_LEVELS if v))))
    return level


def _references(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("must be a list of reference numbers"))
    if len(value) > MAX_REFERENCES:
        raise ValueError(_("at most %(MAX_REFERENCES)s references", MAX_REFERENCES=MAX_REFERENCES))
    references: list[str] = []
    for entry in value:
        text = " ".join(entry.split())
        if len(text) > MAX_REFERENCE_LENGTH:
            raise ValueError(_("%(value)s... is longer than %(MAX_REFERENCE_LENGTH)s characters", value=repr(text[:30]), MAX_REFERENCE_LENGTH=MAX_REFERENCE_LENGTH))
        if text and text not in references:
            references.append(text)
    return references


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(_("must be a date as YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("%(value)s is not a date as YYYY-MM-DD", value=repr(value.strip()))) from None


def _sent_at(value: Any) -> dt.datetime | None:
    """The other body's date: a date (noon UTC, so that it reads the same date everywhere) or a timestamp."""
    if isinstance(value, str) and "T" in value:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(_("%(value)s is not a date (YYYY-MM-DD) or timestamp", value=repr(value.strip()))) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    day = _date(value)
    return None if day is None else dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)


#: The fields read here, each by its cleaner; every bound is the model column's.
CLEANERS: dict[str, Callable[[Any], Any]] = {
    **{name: _text(max_length(getattr(StoredStatement, name))) for name in _TEXT_FIELDS},
    "approval_level": _approval_level,
    "external_references": _references,
    "language": _language,
    "sent_at": _sent_at,
}

_SET_BY_SERVER = "Set by the server: accepted (so that a statement read can be sent back) and ignored."
_OPTIONAL_TEXT: JsonDict = {"type": ["string", "null"]}


def _set_by_server() -> Any:
    return Field(None, exclude=True, description=_SET_BY_SERVER)


class StatementRecipientInput(Schema):
    """A group (`{"group": "ITU-D/SG2"}`) or an address (`{"email": ..., "name": ...}`)."""

    # Every rule runs on every recipient, sent or not: a deadline is required for action even when absent.
    model_config = ConfigDict(extra="forbid", validate_default=True)
    missing_messages: ClassVar[Mapping[str, Any]] = {"purpose": _l("must be one of: %(value)s", value=", ".join(LS_PURPOSES))}

    group: str | None = documented({"type": "string"})
    email: str | None = documented({"type": "string"})
    name: str = documented(_OPTIONAL_TEXT)
    purpose: str = documented({"type": "string", "enum": list(LS_PURPOSES)}, default=...)
    deadline: dt.date | None = documented(
        {"type": ["string", "null"], "format": "date"}, description="Required for `action` and `comment`; none for `information`."
    )
    id: Any = _set_by_server()
    action_taken_at: Any = _set_by_server()
    action_note: Any = _set_by_server()

    @model_validator(mode="before")
    @classmethod
    def _one_addressee(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            if data.get("group") and data.get("email"):
                raise ValueError(_("give either a group or an e-mail address, not both"))
            if not data.get("group") and not data.get("email"):
                raise ValueError(_("give a group code (group) or an e-mail address (email)"))
        return data

    @field_validator("group", mode="before")
    @classmethod
    def _group(cls, value: Any, info: ValidationInfo) -> str | None:
        """A group listed here: the caller gives the codes that exist as ``context["groups"]``."""
        if not value:
            return None
        if not isinstance(value, str) or value.strip() not in (info.context or {}).get("groups", ()):
            raise ValueError(_("no group with code %(value)s", value=repr(value)))
        return value.strip()

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str | None:
        if not value:
            return None
        if not isinstance(value, str) or not is_email(value.strip()):
            raise ValueError(_("%(value)s is not an e-mail address", value=repr(value)))
        return value.strip()

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        if value is not None and (not isinstance(value, str) or len(value.strip()) > MAX_RECIPIENT_NAME_LENGTH):
            raise ValueError(_("must be text of at most %(MAX_RECIPIENT_NAME_LENGTH)s characters", MAX_RECIPIENT_NAME_LENGTH=MAX_RECIPIENT_NAME_LENGTH))
        return (value or "").strip()

    @field_validator("purpose", mode="before")
    @classmethod
    def _purpose(cls, value: Any) -> str:
        if value not in LS_PURPOSES:
            raise ValueError(cls.missing_messages["purpose"])
        return str(value)

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any, info: ValidationInfo) -> dt.date | None:
        """Required for action or comment, none for information."""
        deadline = _date(value)
        purpose = info.data.get("purpose")
        if purpose in ACTION_PURPOSES and deadline is None:
            raise ValueError(_("a deadline is required when the statement is for %(purpose)s", purpose=purpose))
        if purpose == "information" and deadline is not None:
            raise ValueError(_("a statement for information has no deadline"))
        return deadline


class StatementContactInput(Schema):
    """Who to contact about the statement."""

    model_config = ConfigDict(extra="forbid", validate_default=True)
    missing_messages: ClassVar[Mapping[str, Any]] = {"name": _l("a contact needs a name")}

    name: str = documented(_OPTIONAL_TEXT, default=...)
    organization: str = documented(_OPTIONAL_TEXT)
    country: str = documented(_OPTIONAL_TEXT)
    phone: str = documented(_OPTIONAL_TEXT)
    email: str = documented(_OPTIONAL_TEXT)

    @field_validator(*_CONTACT_LIMITS, mode="before")
    @classmethod
    def _field(cls, value: Any, info: ValidationInfo) -> str:
        assert info.field_name is not None
        if value is not None and not isinstance(value, str):
            raise ValueError(_("must be text"))
        text = " ".join((value or "").split())
        limit = _CONTACT_LIMITS[info.field_name]
        if len(text) > limit:
            raise ValueError(_("at most %(limit)s characters", limit=limit))
        if info.field_name == "name" and not text:
            raise ValueError(cls.missing_messages["name"])
        if info.field_name == "email" and text and not is_email(text):
            raise ValueError(_("%(text)s is not an e-mail address", text=repr(text)))
        return text


def _ref(model: str) -> JsonDict:
    return {"$ref": REF_TEMPLATE.format(model=model)}


class _StatementFields(Schema):
    """Every field of a statement as it may be sent. Those that name stored rows (groups, work items,
    alerts, a statement) and the direction, which depends on the statement, are read in
    :mod:`liaison.statements.fields`; this class documents them and refuses unknown fields."""

    direction: Any = documented(
        {"type": "string", "enum": list(LS_DIRECTIONS), "default": "outgoing"},
        description="`incoming` logs a statement another body sent to our groups.",
    )
    title: str = documented({"type": "string", "maxLength": max_length(StoredStatement.title)})
    abstract: str = documented(_OPTIONAL_TEXT)
    body: str = documented(_OPTIONAL_TEXT)
    source_group: Any = documented(
        _OPTIONAL_TEXT,
        description="Required for an outgoing statement: a group code, e.g. `ITU-T/SG17`. An incoming one gives "
        "it or `source_text`.",
    )
    source_text: str = documented(_OPTIONAL_TEXT)
    questions: str = documented(_OPTIONAL_TEXT)
    study_group: str = documented(_OPTIONAL_TEXT)
    working_party: str = documented(_OPTIONAL_TEXT)
    meeting_place: str = documented(_OPTIONAL_TEXT)
    meeting_dates: str = documented(_OPTIONAL_TEXT)
    recipients: Any = documented({"type": "array", "items": _ref("StatementRecipientInput")})
    contacts: Any = documented({"type": "array", "items": _ref("StatementContactInput")})
    approval_level: str = documented(
        _OPTIONAL_TEXT,
        description="One of " + ", ".join(f"`{v}`" for v in APPROVAL_LEVELS if v)
        + " (also `SG`, `WP`, `rapporteur`); needed before approval.",
    )
    work_items: Any = documented({"type": "array", "items": {"type": "integer"}})
    alerts: Any = documented({"type": "array", "items": {"type": "integer"}})
    in_reply_to: Any = documented({"type": ["integer", "null"]}, description="Id of a statement sent or received.")
    external_references: list[str] = documented({"type": "array", "items": {"type": "string"}})
    language: str = documented(
        {"type": ["string", "null"], "enum": [*LS_LANGUAGES, "", None], "default": "en"},
        description="The original language, one of ITU's six (ISO 639-1).",
    )
    sent_at: dt.datetime | None = documented(
        _OPTIONAL_TEXT, description="Incoming only: the date (YYYY-MM-DD) or time the other body sent it."
    )
    id: Any = _set_by_server()
    reference: Any = _set_by_server()
    state: Any = _set_by_server()
    subject: Any = _set_by_server()
    approved_by: Any = _set_by_server()
    approved_at: Any = _set_by_server()
    approval_evidence: Any = _set_by_server()
    logged_by: Any = _set_by_server()
    attachments: Any = _set_by_server()
    deliveries: Any = _set_by_server()
    created_at: Any = _set_by_server()
    updated_at: Any = _set_by_server()
    submitted_at: Any = _set_by_server()

    @field_validator(*CLEANERS, mode="before")
    @classmethod
    def _clean(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return CLEANERS[info.field_name](value)


class LiaisonStatementInput(_StatementFields):
    """A new statement. Unknown fields are refused (422); errors name each field, e.g. `recipients[0].deadline`."""

    # Fields not sent take what their cleaner makes of nothing: English, no approval level...
    model_config = ConfigDict(extra="forbid", validate_default=True)
    missing_messages: ClassVar[Mapping[str, str]] = {"title": "a title is required"}

    title: str = documented({"type": "string", "maxLength": max_length(StoredStatement.title)}, default=...)
    version: Any = _set_by_server()


class LiaisonStatementPatch(_StatementFields):
    """The fields to change; the others stay. Changing a statement pending approval or approved takes it back to draft."""

    version: Any = version_field("The version you edited, unless sent as If-Match.")
