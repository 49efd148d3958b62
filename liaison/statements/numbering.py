"""How ITU numbers outgoing liaison statements: per source study group and study period, ``SG17-LS123``.

The series is the group that numbers (the source's nearest study group, or its top-level group when it
belongs to none, e.g. a Council working group); the period is the study period in force (a setting,
``LIAISON_STUDY_PERIOD``). Numbers restart at 1 in each series and period, and never repeat in one.
"""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison.models import Group, LiaisonStatement, ReferenceCounter
from liaison.models.statements import DEFAULT_STUDY_PERIOD, numbering_group

__all__ = ["DEFAULT_STUDY_PERIOD", "check_study_period", "next_number", "number_statement", "reference_prefix"]
from liaison.core.errors import Conflict

_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
#: The body whose groups print their codes without it (``SG17-LS123``, not ``ITU-T/SG17-LS123``): ITU-T's
#: own practice; other bodies keep their prefix, so that ITU-D's SG2 and ITU-T's SG2 never share a number.
_BARE_BODY = "ITU-T"


def check_study_period(text: str) -> str:
    """``text`` if it is a study period as ITU writes it (``2025-2028``), else :class:`ValueError`."""
    found = _PERIOD.match(text.strip())
    if found is None or not int(found.group(1)) < int(found.group(2)):
        raise ValueError(f"a study period is written as two years, the first before the second (2025-2028), not {text!r}")
    return text.strip()


def reference_prefix(group: Group) -> str:
    """How the series is printed: ``SG17`` for ``ITU-T/SG17``, the whole code for other bodies' groups."""
    series = numbering_group(group)
    bare = f"{_BARE_BODY}/"
    return series.code.removeprefix(bare) if series.body.code == _BARE_BODY else series.code


def next_number(session: Session, series: str, period: str) -> int:
    """The next number of ``series`` in ``period``, safe under concurrency.

    The UPDATE of the counter row locks it until the transaction ends, so a concurrent sender waits and
    then counts on from our number; a rolled-back send gives its number back (no gaps). The first number
    of a series inserts the row; two senders racing to insert it meet the primary key, and the loser (in
    a SAVEPOINT) goes round again and updates the winner's row.
    """
    for _ in range(3):
        number = session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.series == series, ReferenceCounter.period == period)
            .values(last_number=ReferenceCounter.last_number + 1)
            .returning(ReferenceCounter.last_number)
            .execution_options(synchronize_session=False)
        ).scalar()
        if number is not None:
            return number
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(series=series, period=period, last_number=0))
        except IntegrityError:
            continue
    raise Conflict("could not number the statement because of concurrent sends; try again")


def number_statement(session: Session, ls: LiaisonStatement, study_period: str) -> str:
    """Give the outgoing ``ls`` the next reference of its source group's series in ``study_period``."""
    if ls.source_group is None:
        raise Conflict("a statement without a source group of ours cannot be numbered")
    period = check_study_period(study_period)
    series = numbering_group(ls.source_group)
    number = next_number(session, series.code, period)
    ls.reference_series, ls.reference_period, ls.reference_number = series.code, period, number
    ls.reference = f"{reference_prefix(ls.source_group)}-LS{number}"
    return ls.reference
