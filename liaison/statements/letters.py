"""The words of a statement drafted from an overlap alert: a letter from one group to another.

It says who writes, which of the addressee's items overlaps which of ours, what the chairs decided (and
their note), what we ask and by when. How the tracker found the overlap goes in an annex, in plain words:
the engine's scores and weights mean nothing to the reader and stay out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from liaison.documents.context import long_date
from liaison.models import Group, OverlapAlert, WorkItem

#: What the chairs' decision means for the letter, by the alert's state.
_DECIDED = {
    "duplicate": "concluded that the two items duplicate each other",
    "overlap": "concluded that the two items overlap",
    "related": "concluded that the two items are related",
    "not_overlap": "concluded that the two items do not overlap, but that the groups should know of each other's work",
}
_NUMBERS = re.compile(r"\s*\((?:\d+(?:\.\d+)?%?)\)|\s*\d+(?:\.\d+)?%")


@dataclass(frozen=True)
class Letter:
    """The title, abstract and body of the drafted statement."""

    title: str
    abstract: str
    body: str


def group_label(group: Group) -> str:
    """"ITU-T Study Group 17 (ITU-T/SG17)", or the code alone when the group has no other name."""
    return group.code if group.name == group.code else f"{group.name} ({group.code})"


def plain_reason(reason: str) -> str:
    """One of the engine's reasons in words a reader takes in, without its scores."""
    if reason.startswith("same identifier "):
        return f"Both items carry the identifier {reason.removeprefix('same identifier ')}."
    if reason.startswith("both cite "):
        return f"Both items cite {reason.removeprefix('both cite ')}."
    if reason.startswith("titles "):
        return "Their titles are nearly the same."
    if reason.startswith("title spelling "):
        return "Their titles are spelt much alike."
    if reason.startswith("shared keywords: "):
        return f"Keywords in common: {reason.removeprefix('shared keywords: ')}."
    if reason.startswith("shared terms: "):
        return f"Words and phrases in common: {_NUMBERS.sub('', reason.removeprefix('shared terms: '))}."
    return _NUMBERS.sub("", reason).strip()


def alert_letter(
    alert: OverlapAlert, mine: WorkItem, other: WorkItem, *, purpose: str, deadline: dt.date
) -> Letter:
    """The letter ``mine``'s group writes to ``other``'s about their possible overlap (``purpose``: action
    asks to coordinate, comment asks for comments), answered by ``deadline``."""
    ours, theirs = mine.group, other.group
    by = long_date(deadline)
    paragraphs = [
        f"{group_label(ours)}, of {ours.body.name}, writes to {group_label(theirs)}, of {theirs.body.name}, "
        "about work of ours that appears to overlap with work of yours.",
        f"Your work item {other.reference}, \u201c{other.title}\u201d, addresses much the same subject as our "
        f"work item {mine.reference}, \u201c{mine.title}\u201d.",
        _decision(alert),
    ]
    if purpose == "action":
        asks = [
            f"We would therefore ask {theirs.code}:",
            "- to let us know how it wishes to coordinate the two work items (for example by an exchange of "
            "drafts, a joint session or a joint rapporteur group meeting), and",
            f"- to send its reply by {by}.",
        ]
    else:
        asks = [
            f"We would therefore ask {theirs.code}:",
            "- for its comments on the overlap and on how the two work items relate, and",
            f"- to send them by {by}.",
        ]
    paragraphs.append("\n".join(asks))
    paragraphs.append(
        "In the spirit of ITU Council Resolution 1306, we look forward to working with you to achieve the best "
        "possible outputs while avoiding duplication of efforts."
    )
    evidence = [f"- {plain_reason(r)}" for r in alert.reasons or []]
    if evidence:
        paragraphs.append(
            "Annex: how the possible overlap was found\n"
            "The COP liaison tracker compares the work items registered by the groups working on child online "
            "protection. It pointed to these two because:\n" + "\n".join(evidence)
        )
    asked = "coordination" if purpose == "action" else "comments"
    return Letter(
        title=f"Coordination on {mine.reference} and {other.reference}",
        abstract=(
            f"{ours.code} informs {theirs.code} that its work item {mine.reference} overlaps with "
            f"{other.reference}, and asks for {asked} by {by}."
        ),
        body="\n\n".join(paragraphs),
    )


def _decision(alert: OverlapAlert) -> str:
    if alert.state not in _DECIDED:
        return (
            "Our chairs have not yet decided whether the two items overlap; we write so that the two groups can "
            "look at it together."
        )
    sentence = f"Having compared the two items, the chairs {_DECIDED[alert.state]}"
    note = " ".join((alert.decision_note or "").split())
    if note:
        return f"{sentence}, with this note: \u201c{note}\u201d"
    return f"{sentence}."
