"""What every rendering of a statement shows, as plain values read once from the model."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Sequence

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from liaison.documents.blocks import Block, is_rtl, split_blocks
from liaison.languages import language_name
from liaison.models import LiaisonStatement, OverlapAlert, WorkItem
from liaison.models.organisation import Group
from liaison.models.statements import DEFAULT_STUDY_PERIOD, numbering_group
from liaison.speaking import current_language, language

#: The sectors of ITU as their documents head them, by body code (lazy: each document in its own language).
ITU_SECTORS = {
    "ITU-T": _l("TELECOMMUNICATION STANDARDIZATION SECTOR"),
    "ITU-D": _l("TELECOMMUNICATION DEVELOPMENT SECTOR"),
    "ITU-R": _l("RADIOCOMMUNICATION SECTOR"),
    "ITU Council": _l("COUNCIL"),
}
ITU = _l("INTERNATIONAL TELECOMMUNICATION UNION")
#: The "Approval:" row's first words, by approval level: whole sentences, as languages decline the level.
AGREED_AT = {
    "study_group": _l("Agreed at study group level"),
    "working_party": _l("Agreed at working party level"),
    "rapporteur_meeting": _l("Agreed at rapporteur meeting level"),
    "other": _l("Agreed at another level"),
}
#: The LS form's rows of addressees, by what is asked of them.
PURPOSE_HEADINGS = {
    "action": _l("For action to"),
    "comment": _l("For comment to"),
    "information": _l("For information to"),
}
_STUDY_GROUP = re.compile(r"(?:^|/)SG(\d+)$")
_PERIOD = re.compile(r"^\d{4}-\d{4}$")


@dataclass(frozen=True)
class HeaderBlock:
    """The block at the top of an ITU document: who issues it (left) and which document it is (right)."""

    organisation: str
    sector: str
    group: str
    study_period: str
    document: str
    language: str
    date: dt.date

    @property
    def left(self) -> list[str]:
        """"INTERNATIONAL TELECOMMUNICATION UNION", the sector and the study period, as ITU stacks them."""
        return [line for line in (self.organisation, self.sector, self.study_period) if line]

    @property
    def right(self) -> list[str]:
        """The document number, the group, "Original: English" and the date."""
        return [
            self.document,
            self.group,
            _("Original: %(language)s", language=self.language),
            _("Date: %(date)s", date=long_date(self.date)),
        ]


def long_date(day: dt.date) -> str:
    """A date as ITU documents write it in the language spoken now: "5 December 2026", "5 décembre 2026",
    "2026年12月5日" (British English's long form for English, as ITU writes it; the locale's for the others)."""
    code = current_language()
    return format_date(day, "long", locale="en_GB" if code == "en" else code)


@dataclass(frozen=True)
class Disclosure:
    """What of one statement one reader may see; every rendering (page, print, .docx, API, mail) takes one.

    Decided by :func:`liaison.statements.permissions.disclosure` (a viewer) or
    :func:`~liaison.statements.permissions.full_disclosure` (the statement's own mail), never here.
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
    header: HeaderBlock | None = None
    language: str = "en"
    attachments: list[str] = field(default_factory=list)
    work_items: list[str] = field(default_factory=list)
    external_references: list[str] = field(default_factory=list)
    in_reply_to: str = ""

    @property
    def rtl(self) -> bool:
        """Whether the statement is written right to left (Arabic): its title and abstract are set so."""
        return self.language == "ar" or is_rtl(self.title)

    @property
    def blocks(self) -> list[Block]:
        """The body as paragraphs and lists, each knowing its own direction."""
        return split_blocks(self.body)

    @property
    def abstract_rtl(self) -> bool:
        """Whether the abstract reads right to left."""
        return is_rtl(self.abstract) if self.abstract.strip() else self.rtl

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


def docx_filename(ls: LiaisonStatement) -> str:
    """The .docx's file name: the reference made safe for any file system (``ITU-D-SG2-LS5.docx``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ls.reference or f"LS-draft-{ls.id}") + ".docx"


def source_label(ls: LiaisonStatement) -> str:
    """Who the statement comes from: the group's code, or the free text for bodies we do not list."""
    if ls.source_group is not None:
        return ls.source_group.code
    return ls.source_text


def reply_subject(original: LiaisonStatement) -> str:
    """"Reply to the liaison statement from <source> (<date>)"."""
    when = (original.sent_at or original.created_at).date().isoformat()
    return _("Reply to the liaison statement from %(source)s (%(date)s)", source=source_label(original), date=when)


def statement_subject(ls: LiaisonStatement) -> str:
    """The subject of the statement's mail: a reply says whose statement it answers, others give the title."""
    if ls.in_reply_to is not None:
        return reply_subject(ls.in_reply_to)
    return ls.title


def approval_text(ls: LiaisonStatement) -> str:
    """The "Approval:" row: the level, who approved it and when, or the evidence of an earlier approval."""
    parts = [str(AGREED_AT[ls.approval_level]) if ls.approval_level in AGREED_AT else ""]
    if ls.approval_evidence:
        parts.append(_("approval already obtained: %(evidence)s", evidence=ls.approval_evidence))
    elif ls.approved_at is not None:
        when = ls.approved_at.date().isoformat()
        if ls.approved_by is not None:
            parts.append(_("approved by %(name)s on %(date)s", name=ls.approved_by.name, date=when))
        else:
            parts.append(_("approved on %(date)s", date=when))
    elif ls.direction == "outgoing":
        parts.append(_("not yet approved"))
    return "; ".join(p for p in parts if p)


def header_block(ls: LiaisonStatement, study_period: str, today: dt.date) -> HeaderBlock:
    """The ITU header of ``ls``: its issuer from the source group's body and study group, its number, the
    study period it was numbered in (else ``study_period``), its original language and its date."""
    group = ls.source_group
    heading = _group_heading(numbering_group(group)) if group is not None else ls.source_text.upper()
    body = group.body if group is not None else None
    if body is not None and body.kind == "itu":
        organisation, sector = str(ITU), str(ITU_SECTORS.get(body.code, body.name.upper()))
    else:
        organisation, sector = (body.name.upper() if body is not None else ""), ""
    period = ls.reference_period if ls.reference_period and _PERIOD.match(ls.reference_period) else study_period
    return HeaderBlock(
        organisation=organisation,
        sector=sector,
        group=heading,
        study_period=_("STUDY PERIOD %(period)s", period=period) if period else "",
        document=ls.reference or _("Draft liaison statement (numbered when sent)"),
        language=language_name(ls.language, current_language()),
        date=ls.sent_at.date() if ls.sent_at is not None else today,
    )


def _group_heading(group: Group) -> str:
    """"STUDY GROUP 17" for a study group (``.../SG17``), else the group's name in capitals."""
    number = _STUDY_GROUP.search(group.code)
    if number is not None:
        return _("STUDY GROUP %(number)s", number=number.group(1))
    return group.name.upper()


def build_document(
    ls: LiaisonStatement,
    shown: Disclosure,
    *,
    study_period: str = DEFAULT_STUDY_PERIOD,
    today: dt.date | None = None,
) -> StatementDocument:
    """Read ``ls`` (with its recipients, contacts and attachments loaded) into a :class:`StatementDocument`,
    with only what ``shown`` lets its reader see.

    ``study_period`` heads a statement not numbered yet (the setting in force); ``today`` dates a draft.
    Its fixed text is in the statement's own language, whoever reads it: ITU issues a statement in one
    language, and a French form around an English statement would be a document ITU never sent.
    """
    with language(ls.language):
        return _document(ls, shown, study_period, today or dt.datetime.now(dt.timezone.utc).date())


def _document(ls: LiaisonStatement, shown: Disclosure, study_period: str, today: dt.date) -> StatementDocument:
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
        header=header_block(ls, study_period, today),
        language=ls.language,
    )


def _original_label(original: LiaisonStatement | None) -> str:
    if original is None:
        return ""
    reference = original.reference or (original.external_references or [""])[0]
    label = f"{reference} " if reference else ""
    return _("%(reference)s\u201c%(title)s\u201d from %(source)s", reference=label, title=original.title,
             source=source_label(original))
