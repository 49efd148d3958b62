"""The words and the table rows of the annual report, shared by the .docx, HTML and CSV writers.

A cell is text, or a :class:`Link` (text with the address of its public page) that each writer
renders its own way: a hyperlink in Word and HTML, the text plus an address column in CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from liaison.reporting.annual.data import AnnualReport, ListedItem
from liaison.reporting.public_data import DECISION_LABELS

NO_ACTIVITY = "No public activity was recorded in the period."
NO_DECISIONS = "No duplicate or overlap was decided in the period."
BODY_ACTIVITY_HEADERS = ("Body", "Items registered", "Items changed", "Overlaps decided", "Statements sent", "Statements received")
GROUP_ACTIVITY_HEADERS = ("Body", "Group", *BODY_ACTIVITY_HEADERS[1:])
STATEMENT_HEADERS = ("Reference", "Title", "Direction", "From", "To", "Date", "State")
OPEN_ACTION_HEADERS = ("Statement", "From", "Asked of", "For", "Deadline", "Overdue")
ITEM_HEADERS = ("Reference", "Title", "Body", "Group", "Type", "Status", "Registered")
DECISION_HEADERS = ("Decision", "Decided", "First item", "Second item", "Chair's note", "What was done")
PURPOSE_LABELS = {"action": _l("Action"), "comment": _l("Comment"), "information": _l("Information")}


@dataclass(frozen=True)
class Link:
    """Text that links to a page of the public site (``url`` may be empty when there is no such page)."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


Cell = str | Link


def day(value: dt.datetime | dt.date | None) -> str:
    """A date as the report writes it (ISO), or a dash."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.timezone.utc).date()
    return value.isoformat()


def decision_label(state: str) -> str:
    """A decision as the report names it."""
    return str(DECISION_LABELS.get(state, state))


def days(value: float | None) -> str:
    """A median number of days, or a dash."""
    return "—" if value is None else f"{value:.1f} days"


def introduction(report: AnnualReport) -> str:
    """The opening paragraph."""
    return (
        "ITU Council Resolution 1306 asks the Council Working Group on Child Online Protection (CWG-COP) to liaise "
        "with the groups that discuss child online protection so as to avoid duplication of efforts, and to report "
        "to Council every year. This report covers "
        f"{report.period.start.isoformat()} to {report.period.end.isoformat()}. It is drawn from the liaison tracker, "
        "which keeps the child online protection work of ITU and other bodies public, finds possible overlaps "
        "between them and records the chairs' decisions and the liaison statements exchanged."
    )


def summary_rows(report: AnnualReport) -> list[tuple[str, str]]:
    """The key figures, as (measure, value)."""
    found, made = report.alerts_found, report.decisions_made
    return [
        ("Work items registered", str(report.items_total)),
        ("Bodies and groups with activity", f"{len(report.body_totals())} bodies, {len(report.activity)} groups"),
        ("Possible overlaps raised", str(sum(found.values()))),
        ("Possible overlaps raised and still open", str(found.get("open", 0))),
        ("Decisions taken by chairs", str(sum(report.decisions_made.values()))),
        ("Decisions that found a duplicate or an overlap", str(made.get("duplicate", 0) + made.get("overlap", 0))),
        ("Liaison statements sent", str(report.statements_sent)),
        ("Liaison statements sent and answered", str(report.statements_answered)),
        ("Liaison statements received", str(sum(1 for s in report.statements if s.direction == "incoming"))),
        (f"Open actions on {report.as_of.isoformat()}", str(len(report.open_actions))),
        ("Open actions past their deadline", str(sum(1 for a in report.open_actions if a.overdue))),
        ("Median time from alert to decision", days(report.median_days_to_decision)),
        ("Median time from statement to answer", days(report.median_days_to_answer)),
    ]


def body_activity_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Activity summed per body."""
    return [
        (body, *(str(t[k]) for k in ("registered", "changed", "decisions", "statements_sent", "statements_received")))
        for body, t in report.body_totals().items()
    ]


def group_activity_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Activity per group."""
    return [
        (
            a.body,
            a.group,
            str(a.registered),
            str(a.changed),
            str(a.decisions),
            str(a.statements_sent),
            str(a.statements_received),
        )
        for a in report.activity
    ]


def overlaps_paragraph(report: AnnualReport) -> str:
    """What the overlap figures mean."""
    found = sum(report.alerts_found.values())
    decided = sum(report.decisions_made.values())
    return (
        f"The tracker raised {found} possible overlap{'s' if found != 1 else ''} between public work items in the "
        f"period, of which {report.alerts_found.get('open', 0)} {'are' if report.alerts_found.get('open', 0) != 1 else 'is'} "
        f"still under review. Chairs took {decided} decision{'s' if decided != 1 else ''} in the period (some on alerts "
        "raised earlier). Alerts under review are counted here but not listed: they are the groups' internal work."
    )


def overlap_rows(report: AnnualReport) -> list[tuple[str, str, str]]:
    """Per outcome: alerts raised in the period that ended so, and decisions of that kind taken in the period."""
    rows = [
        (decision_label(state), str(report.alerts_found.get(state, 0)), str(report.decisions_made.get(state, 0)))
        for state in report.decisions_made
    ]
    rows.append((decision_label("open"), str(report.alerts_found.get("open", 0)), "—"))
    return rows


def pair_headers(report: AnnualReport) -> tuple[str, ...]:
    """The columns of the table of overlaps by pair of bodies."""
    return ("Bodies", "Found", *(decision_label(state) for state in report.alerts_found))


def pair_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Alerts raised in the period per pair of bodies, by what became of them."""
    return [
        (
            f"Within {p.first}" if p.first == p.second else f"{p.first} and {p.second}",
            str(p.found),
            *(str(p.by_state.get(state, 0)) for state in report.alerts_found),
        )
        for p in report.overlap_pairs
    ]


def decision_rows(report: AnnualReport) -> list[tuple[Cell, ...]]:
    """The duplicates and overlaps decided, one row each."""
    return [
        (
            Link(decision_label(e.decision), e.url),
            day(e.decided_at),
            Link(f"{e.item_a.reference} ({e.item_a.group}): {e.item_a.title}", e.item_a.url),
            Link(f"{e.item_b.reference} ({e.item_b.group}): {e.item_b.title}", e.item_b.url),
            e.note,
            "; ".join([*e.links, *(f"Liaison statement {s}" for s in e.statements)]),
        )
        for e in report.decisions
    ]


def statements_paragraph(report: AnnualReport) -> str:
    """What the statement figures are."""
    received = sum(1 for s in report.statements if s.direction == "incoming")
    return (
        f"{report.statements_sent} liaison statement{'s were' if report.statements_sent != 1 else ' was'} sent in the period "
        f"({report.statements_answered} answered so far) and {received} "
        f"{'were' if received != 1 else 'was'} received from other bodies."
    )


def statement_rows(report: AnnualReport) -> list[tuple[Cell, ...]]:
    """The statements sent and received in the period."""
    return [
        (
            Link(s.reference or "—", s.url),
            s.title,
            "Sent" if s.direction == "outgoing" else "Received",
            s.source,
            ", ".join(s.recipients),
            day(s.sent_at),
            "Answered" if s.answered else s.state.replace("_", " ").capitalize(),
        )
        for s in report.statements
    ]


def open_actions_paragraph(report: AnnualReport) -> str:
    """What counts as an open action."""
    overdue = sum(1 for a in report.open_actions if a.overdue)
    return (
        f"On {report.as_of.isoformat()}, {len(report.open_actions)} action{'s' if len(report.open_actions) != 1 else ''} "
        f"or comment{'s' if len(report.open_actions) != 1 else ''} asked for in liaison statements "
        f"{'were' if len(report.open_actions) != 1 else 'was'} not yet recorded as done, {overdue} of them past the deadline."
    )


def open_action_rows(report: AnnualReport) -> list[tuple[Cell, ...]]:
    """The open actions, earliest deadline first."""
    return [
        (
            Link(f"{a.statement_reference}: {a.statement_title}" if a.statement_reference else a.statement_title, a.url),
            a.source,
            a.recipient,
            PURPOSE_LABELS.get(a.purpose, a.purpose),
            day(a.deadline),
            "Yes" if a.overdue else "No",
        )
        for a in report.open_actions
    ]


def items_paragraph(report: AnnualReport) -> str:
    """How many items were registered, and whether all are listed."""
    listed = len(report.items)
    sentence = f"{report.items_total} public work item{'s were' if report.items_total != 1 else ' was'} registered in the period."
    if listed < report.items_total:
        sentence += (
            f" The first {listed} are listed below, by body and group; the CSV version of this report lists them all."
        )
    return sentence


def item_rows(items: Iterable[ListedItem]) -> list[tuple[Cell, ...]]:
    """Work items, one row each."""
    return [
        (
            Link(i.item.reference, i.item.url),
            i.item.title,
            i.item.body,
            i.item.group,
            i.type,
            i.status.capitalize(),
            day(i.created_at),
        )
        for i in items
    ]


def about(report: AnnualReport) -> list[str]:
    """How the figures were counted."""
    return [
        "The report counts only what the tracker publishes: public work items, overlaps decided between public "
        "items, and liaison statements once sent or received. An item is counted as registered on the day it was "
        "entered in the tracker, and as changed when it was edited in the period after being registered earlier. "
        "A statement is answered when a reply came or a recipient recorded the action it took.",
        f"Generated {report.generated_at.astimezone(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by liaison. "
        "The secretariat may edit this document before submitting it.",
    ]


def plain(cells: Sequence[Cell]) -> list[str]:
    """The text of each cell."""
    return [str(cell) for cell in cells]
