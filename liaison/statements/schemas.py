"""Liaison statements as the API shows them: one class per shape, built from the stored rows.

:class:`LiaisonStatement` is what the API answers, what the audit log records of each change (see
``statement_as_dict`` in :mod:`liaison.statements.operations`), and what a client may send back: its
writable fields are read by :mod:`liaison.statements.fields` (which checks them against the database).
The OpenAPI document publishes the JSON Schema of these classes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer
from pydantic.json_schema import JsonDict

from liaison.core.schemas import PageOf, Schema, Timestamp
from liaison.documents import Disclosure, statement_subject
from liaison.models import APPROVAL_LEVELS, DELIVERY_STATUSES, LS_DIRECTIONS, LS_PURPOSES, LS_STATES, User
from liaison.models import LiaisonStatement as StoredStatement
from liaison.models.base import max_length
from liaison.models.statements import LS_LANGUAGES, StatementRecipient as StoredRecipient
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


class LiaisonStatementPage(PageOf[LiaisonStatement]):
    pass
