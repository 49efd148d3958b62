"""The words and the table rows of the annual report, shared by the .docx, HTML and CSV writers.

A cell is text, or a :class:`Link` (text with the address of its public page) that each writer
renders its own way: a hyperlink in Word and HTML, the text plus an address column in CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import format_decimal, format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from liaison.models.statements import STATE_LABELS
from liaison.models.work_items import ITEM_STATUS_LABELS
from liaison.reporting.annual.data import AnnualReport, ListedItem
from liaison.reporting.public_data import DECISION_LABELS

# Lazy: the report is written in the language of whoever asks for it (the page's, or ``liaison report
# --language``), so each text is looked up when it is written, not when this module is imported.
NO_ACTIVITY = _l("No public activity was recorded in the period.")
NO_DECISIONS = _l("No duplicate or overlap was decided in the period.")
BODY_ACTIVITY_HEADERS = (
    _l("Body"), _l("Items registered"), _l("Items changed"), _l("Overlaps decided"), _l("Statements sent"),
    _l("Statements received"),
)
GROUP_ACTIVITY_HEADERS = (_l("Body"), _l("Group"), *BODY_ACTIVITY_HEADERS[1:])
STATEMENT_HEADERS = (_l("Reference"), _l("Title"), _l("Direction"), _l("From"), _l("To"), _l("Date"), _l("State"))
OPEN_ACTION_HEADERS = (_l("Statement"), _l("From"), _l("Asked of"), _l("For"), _l("Deadline"), _l("Overdue"))
ITEM_HEADERS = (_l("Reference"), _l("Title"), _l("Body"), _l("Group"), _l("Type"), _l("Status"), _l("Registered"))
DECISION_HEADERS = (
    _l("Decision"), _l("Decided"), _l("First item"), _l("Second item"), _l("Chair's note"), _l("What was done"),
)
SUMMARY_HEADERS = (_l("Measure"), _l("Value"))
OVERLAP_HEADERS = (_l("Outcome"), _l("Alerts raised in the period"), _l("Decisions taken in the period"))
#: The last column of a CSV section whose rows link to public pages.
ADDRESS_HEADER = _l("Address")
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
    return "—" if value is None else _("%(days)s days", days=format_decimal(value, "0.0"))


def count(value: int) -> str:
    """A count as the language writes numbers (thousands separated)."""
    return str(format_number(value))


def introduction(report: AnnualReport) -> str:
    """The opening paragraph."""
    return _(
        "ITU Council Resolution 1306 asks the Council Working Group on Child Online Protection (CWG-COP) to liaise "
        "with the groups that discuss child online protection so as to avoid duplication of efforts, and to report "
        "to Council every year. This report covers %(start)s to %(end)s. It is drawn from the liaison tracker, "
        "which keeps the child online protection work of ITU and other bodies public, finds possible overlaps "
        "between them and records the chairs' decisions and the liaison statements exchanged.",
        start=report.period.start.isoformat(), end=report.period.end.isoformat(),
    )


def summary_rows(report: AnnualReport) -> list[tuple[str, str]]:
    """The key figures, as (measure, value)."""
    found, made = report.alerts_found, report.decisions_made
    bodies, groups = len(report.body_totals()), len(report.activity)
    return [
        (_("Work items registered"), count(report.items_total)),
        (_("Bodies and groups with activity"), ", ".join((
            ngettext("%(number)s body", "%(number)s bodies", bodies, number=count(bodies)),
            ngettext("%(number)s group", "%(number)s groups", groups, number=count(groups)),
        ))),
        (_("Possible overlaps raised"), count(sum(found.values()))),
        (_("Possible overlaps raised and still open"), count(found.get("open", 0))),
        (_("Decisions taken by chairs"), count(sum(report.decisions_made.values()))),
        (_("Decisions that found a duplicate or an overlap"), count(made.get("duplicate", 0) + made.get("overlap", 0))),
        (_("Liaison statements sent"), count(report.statements_sent)),
        (_("Liaison statements sent and answered"), count(report.statements_answered)),
        (_("Liaison statements received"), count(sum(1 for s in report.statements if s.direction == "incoming"))),
        (open_actions_title(report), count(len(report.open_actions))),
        (_("Open actions past their deadline"), count(sum(1 for a in report.open_actions if a.overdue))),
        (_("Median time from alert to decision"), days(report.median_days_to_decision)),
        (_("Median time from statement to answer"), days(report.median_days_to_answer)),
    ]


def open_actions_title(report: AnnualReport) -> str:
    """"Open actions on <date>"."""
    return _("Open actions on %(date)s", date=report.as_of.isoformat())


def body_activity_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Activity summed per body."""
    return [
        (body, *(count(t[k]) for k in ("registered", "changed", "decisions", "statements_sent", "statements_received")))
        for body, t in report.body_totals().items()
    ]


def group_activity_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Activity per group."""
    return [
        (
            a.body,
            a.group,
            count(a.registered),
            count(a.changed),
            count(a.decisions),
            count(a.statements_sent),
            count(a.statements_received),
        )
        for a in report.activity
    ]


def overlaps_paragraph(report: AnnualReport) -> str:
    """What the overlap figures mean."""
    found = sum(report.alerts_found.values())
    decided = sum(report.decisions_made.values())
    still_open = report.alerts_found.get("open", 0)
    return " ".join((
        ngettext(
            "The tracker raised %(number)s possible overlap between public work items in the period,",
            "The tracker raised %(number)s possible overlaps between public work items in the period,",
            found, number=count(found),
        ),
        ngettext("of which %(number)s is still under review.", "of which %(number)s are still under review.", still_open,
                 number=count(still_open)),
        ngettext("Chairs took %(number)s decision in the period (some on alerts raised earlier).",
                 "Chairs took %(number)s decisions in the period (some on alerts raised earlier).", decided,
                 number=count(decided)),
        _("Alerts under review are counted here but not listed: they are the groups' internal work."),
    ))


def overlap_rows(report: AnnualReport) -> list[tuple[str, str, str]]:
    """Per outcome: alerts raised in the period that ended so, and decisions of that kind taken in the period."""
    rows = [
        (decision_label(state), count(report.alerts_found.get(state, 0)), count(report.decisions_made.get(state, 0)))
        for state in report.decisions_made
    ]
    rows.append((decision_label("open"), count(report.alerts_found.get("open", 0)), "—"))
    return rows


def pair_headers(report: AnnualReport) -> tuple[str, ...]:
    """The columns of the table of overlaps by pair of bodies."""
    return (_("Bodies"), _("Found"), *(decision_label(state) for state in report.alerts_found))


def pair_rows(report: AnnualReport) -> list[tuple[str, ...]]:
    """Alerts raised in the period per pair of bodies, by what became of them."""
    return [
        (
            _("Within %(body)s", body=p.first) if p.first == p.second
            else _("%(first)s and %(second)s", first=p.first, second=p.second),
            count(p.found),
            *(count(p.by_state.get(state, 0)) for state in report.alerts_found),
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
            "; ".join([*(str(made) for made in e.links), *(statement_done(s) for s in e.statements)]),
        )
        for e in report.decisions
    ]


def statement_done(reference: str) -> str:
    """A statement sent about a decided overlap, as "what was done"."""
    return _("Liaison statement %(reference)s", reference=reference)


def statements_paragraph(report: AnnualReport) -> str:
    """What the statement figures are."""
    received = sum(1 for s in report.statements if s.direction == "incoming")
    return " ".join((
        ngettext(
            "%(number)s liaison statement was sent in the period (%(answered)s answered so far)",
            "%(number)s liaison statements were sent in the period (%(answered)s answered so far)",
            report.statements_sent, number=count(report.statements_sent), answered=count(report.statements_answered),
        ),
        ngettext("and %(number)s was received from other bodies.", "and %(number)s were received from other bodies.",
                 received, number=count(received)),
    ))


def statement_rows(report: AnnualReport) -> list[tuple[Cell, ...]]:
    """The statements sent and received in the period."""
    return [
        (
            Link(s.reference or "—", s.url),
            s.title,
            _("Sent") if s.direction == "outgoing" else _("Received"),
            s.source,
            ", ".join(s.recipients),
            day(s.sent_at),
            str(STATE_LABELS["answered"]) if s.answered else str(STATE_LABELS.get(s.state, s.state)),
        )
        for s in report.statements
    ]


def open_actions_paragraph(report: AnnualReport) -> str:
    """What counts as an open action."""
    overdue = sum(1 for a in report.open_actions if a.overdue)
    return ngettext(
        "On %(date)s, %(number)s action or comment asked for in liaison statements was not yet recorded as done, "
        "%(overdue)s of them past the deadline.",
        "On %(date)s, %(number)s actions or comments asked for in liaison statements were not yet recorded as done, "
        "%(overdue)s of them past the deadline.",
        len(report.open_actions), date=report.as_of.isoformat(), number=count(len(report.open_actions)),
        overdue=count(overdue),
    )


def open_action_rows(report: AnnualReport) -> list[tuple[Cell, ...]]:
    """The open actions, earliest deadline first."""
    return [
        (
            Link(f"{a.statement_reference}: {a.statement_title}" if a.statement_reference else a.statement_title, a.url),
            a.source,
            a.recipient,
            str(PURPOSE_LABELS.get(a.purpose, a.purpose)),
            day(a.deadline),
            _("Yes") if a.overdue else _("No"),
        )
        for a in report.open_actions
    ]


def items_paragraph(report: AnnualReport) -> str:
    """How many items were registered, and whether all are listed."""
    listed = len(report.items)
    sentence = ngettext(
        "%(number)s public work item was registered in the period.",
        "%(number)s public work items were registered in the period.",
        report.items_total, number=count(report.items_total),
    )
    if listed < report.items_total:
        sentence += " " + _(
            "The first %(listed)s are listed below, by body and group; the CSV version of this report lists them all.",
            listed=count(listed),
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
            str(ITEM_STATUS_LABELS.get(i.status, i.status.capitalize())),
            day(i.created_at),
        )
        for i in items
    ]


def about(report: AnnualReport) -> list[str]:
    """How the figures were counted."""
    return [
        _("The report counts only what the tracker publishes: public work items, overlaps decided between public "
          "items, and liaison statements once sent or received. An item is counted as registered on the day it was "
          "entered in the tracker, and as changed when it was edited in the period after being registered earlier. "
          "A statement is answered when a reply came or a recipient recorded the action it took."),
        _("Generated %(moment)s by liaison. The secretariat may edit this document before submitting it.",
          moment=report.generated_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def plain(cells: Sequence[Cell]) -> list[str]:
    """The text of each cell."""
    return [str(cell) for cell in cells]
