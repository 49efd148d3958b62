"""What every rendering of a statement shows, as plain values read once from the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from liaison.models import LiaisonStatement, OverlapAlert, WorkItem
from liaison.models.statements import APPROVAL_LEVEL_LABELS


@dataclass(frozen=True)
class Disclosure:
    """What of one statement one reader may see; every rendering (page, print, .docx, API, mail) takes one.

    Decided by :func:`liaison.services.statement_permissions.disclosure` (a viewer) or
    :func:`~liaison.services.statement_permissions.full_disclosure` (the statement's own mail), never here.
    """

    #: The related work items and overlap alerts the reader may see.
    work_items: Sequence[WorkItem]
    alerts: Sequence[OverlapAlert]
    #: The owning group's view: outside addressees' e-mail addresses, mail deliveries, the drafting history.
    internal: bool


@dataclass(frozen=True)
class ContactLine:
    """One "Contact:" row of the form."""

    name: str
    organization: str
    country: str
    phone: str
    email: str

    @property
    def organization_country(self) -> str:
        """"Organization / Country" as the LS form prints it."""
        return " / ".join(part for part in (self.organization, self.country) if part)


@dataclass(frozen=True)
class RecipientLine:
    """One addressee, with what is asked of it."""

    label: str
    purpose: str
    deadline: dt.date | None


@dataclass(frozen=True)
class StatementDocument:
    """The statement as the LS form shows it."""

    reference: str
    date: dt.date | None
    direction: str
    state: str
    questions: str
    study_group: str
    working_party: str
    meeting_place: str
    meeting_dates: str
    source: str
    title: str
    subject: str
    abstract: str
    body: str
    recipients: list[RecipientLine]
    approval: str
    contacts: list[ContactLine]
    attachments: list[str] = field(default_factory=list)
    work_items: list[str] = field(default_factory=list)
    external_references: list[str] = field(default_factory=list)
    in_reply_to: str = ""

    def addressed(self, purpose: str) -> str:
        """The recipients with ``purpose``, comma separated (the "For action to:" row)."""
        return ", ".join(r.label for r in self.recipients if r.purpose == purpose)

    @property
    def deadlines(self) -> list[str]:
        """One line per recipient with a deadline ("2026-05-01 (ITU-D/SG2)"), soonest first."""
        dated = sorted((r for r in self.recipients if r.deadline), key=lambda r: (r.deadline, r.label))
        return [f"{r.deadline.isoformat()} ({r.label})" for r in dated if r.deadline]

    @property
    def meeting(self) -> str:
        """Place and dates of the meeting, as one line."""
        return ", ".join(part for part in (self.meeting_place, self.meeting_dates) if part)

    @property
    def paragraphs(self) -> list[str]:
        """The body split into paragraphs at blank lines."""
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def source_label(ls: LiaisonStatement) -> str:
    """Who the statement comes from: the group's code, or the free text for bodies we do not list."""
    if ls.source_group is not None:
        return ls.source_group.code
    return ls.source_text


def reply_subject(original: LiaisonStatement) -> str:
    """"Reply to the liaison statement from <source> (<date>)"."""
    when = (original.sent_at or original.created_at).date().isoformat()
    return f"Reply to the liaison statement from {source_label(original)} ({when})"


def statement_subject(ls: LiaisonStatement) -> str:
    """The subject of the statement's mail: a reply says whose statement it answers, others give the title."""
    if ls.in_reply_to is not None:
        return reply_subject(ls.in_reply_to)
    return ls.title


def approval_text(ls: LiaisonStatement) -> str:
    """The "Approval:" row: the level, who approved it and when, or the evidence of an earlier approval."""
    level = APPROVAL_LEVEL_LABELS.get(ls.approval_level, ls.approval_level)
    parts = [f"Agreed at {level.lower()} level" if level else ""]
    if ls.approval_evidence:
        parts.append(f"approval already obtained: {ls.approval_evidence}")
    elif ls.approved_at is not None:
        who = f" by {ls.approved_by.name}" if ls.approved_by is not None else ""
        parts.append(f"approved{who} on {ls.approved_at.date().isoformat()}")
    elif ls.direction == "outgoing":
        parts.append("not yet approved")
    return "; ".join(p for p in parts if p)


def build_document(ls: LiaisonStatement, shown: Disclosure) -> StatementDocument:
    """Read ``ls`` (with its recipients, contacts and attachments loaded) into a :class:`StatementDocument`,
    with only what ``shown`` lets its reader see."""
    source = source_label(ls)
    if ls.source_group is not None and ls.source_text:
        source = f"{source} ({ls.source_text})"
    return StatementDocument(
        reference=ls.reference or "",
        date=ls.sent_at.date() if ls.sent_at is not None else None,
        direction=ls.direction,
        state=ls.state_label,
        questions=ls.questions,
        study_group=ls.study_group,
        working_party=ls.working_party,
        meeting_place=ls.meeting_place,
        meeting_dates=ls.meeting_dates,
        source=source,
        title=ls.title,
        subject=statement_subject(ls),
        abstract=ls.abstract,
        body=ls.body,
        recipients=[
            RecipientLine(r.label if shown.internal else r.public_label, r.purpose, r.deadline) for r in ls.recipients
        ],
        approval=approval_text(ls),
        contacts=[ContactLine(c.name, c.organization, c.country, c.phone, c.email) for c in ls.contacts],
        attachments=[a.title or a.filename for a in ls.attachments],
        work_items=[f"{item.reference}: {item.title}" for item in shown.work_items],
        external_references=list(ls.external_references or []),
        in_reply_to=_original_label(ls.in_reply_to),
    )


def _original_label(original: LiaisonStatement | None) -> str:
    if original is None:
        return ""
    reference = original.reference or (original.external_references or [""])[0]
    label = f"{reference} " if reference else ""
    return f"{label}\u201c{original.title}\u201d from {source_label(original)}"
