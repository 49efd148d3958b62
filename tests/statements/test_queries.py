"""Lists for the LS pages: tabs per viewer, search, group and date filters, and no N+1 queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from liaison.core.errors import ValidationError
from liaison.models import utcnow
from liaison.organisation import operations as organisation
from liaison.statements.operations import create_statement, get_statement, statement_as_dict
from liaison.statements.queries import StatementFilters, count_tabs, search_statements
from liaison.statements.workflow import close_statement, mark_action_taken, submit_for_approval
from tests.statements.helpers import in_days, ls_data, sent_statement


def _titles(db, viewer, **filters) -> list[str]:
    return [ls.title for ls in search_statements(db, StatementFilters(**filters), viewer).items]


def _scene(db, world, upload_dir):
    """A draft, one pending approval, one sent (action for SG2), one incoming for SG17, one closed."""
    create_statement(db, world.officer, ls_data(title="Draft on grooming"))
    submit_for_approval(db, world.officer, create_statement(db, world.officer, ls_data(title="Pending on CSAM")))
    sent_statement(db, world, upload_dir, title="Sent on age assurance")
    create_statement(
        db,
        world.officer,
        ls_data(
            direction="incoming",
            source_group=None,
            source_text="UNICEF",
            title="Incoming on child rights by design",
            recipients=[{"group": "ITU-T/SG17", "purpose": "action", "deadline": in_days(5)}],
        ),
    )
    close_statement(db, world.officer, sent_statement(db, world, upload_dir, title="Closed on hotlines"))


def test_tabs_depend_on_who_is_looking(db, world, upload_dir):
    _scene(db, world, upload_dir)
    assert _titles(db, world.officer, tab="drafts") == ["Draft on grooming"]
    assert _titles(db, world.officer, tab="pending") == [], "officers do not approve"
    assert _titles(db, world.chair, tab="pending") == ["Pending on CSAM"]
    assert _titles(db, world.admin, tab="pending") == ["Pending on CSAM"]
    assert _titles(db, None, tab="sent") == ["Closed on hotlines", "Sent on age assurance"]
    assert _titles(db, None, tab="incoming") == ["Incoming on child rights by design"]
    assert _titles(db, world.officer, tab="action_needed") == ["Incoming on child rights by design"]
    assert _titles(db, world.sg2_officer, tab="action_needed") == ["Sent on age assurance"]
    assert _titles(db, None, tab="action_needed") == []
    assert _titles(db, world.stranger, tab="drafts") == []
    assert set(_titles(db, None)) == {
        "Sent on age assurance",
        "Incoming on child rights by design",
        "Closed on hotlines",
    }, "the public sees what was sent and received, never drafts"
    assert len(_titles(db, world.admin)) == 5
    assert count_tabs(db, world.officer) == {
        "all": 5,
        "drafts": 1,
        "pending": 0,
        "sent": 2,
        "incoming": 1,
        "action_needed": 1,
        "overdue": 0,
    }


def test_action_needed_ends_with_the_action_and_overdue_follows_deadlines(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir, title="Sent on age assurance")
    later = utcnow().date() + dt.timedelta(days=31)
    assert _titles(db, None, tab="overdue") == []
    assert [s.title for s in search_statements(db, StatementFilters(tab="overdue"), None, today=later).items] == [
        "Sent on age assurance"
    ]
    mark_action_taken(db, world.sg2_officer, ls.recipients[0])
    assert _titles(db, world.sg2_officer, tab="action_needed") == []
    assert search_statements(db, StatementFilters(tab="overdue"), None, today=later).total == 0


def test_search_by_words_group_and_dates(db, world, upload_dir, factory):
    _scene(db, world, upload_dir)
    assert _titles(db, world.admin, q="HOTLINES closed") == ["Closed on hotlines"]
    assert _titles(db, world.admin, q="unicef") == ["Incoming on child rights by design"]
    assert _titles(db, world.admin, q="100%") == []
    assert set(_titles(db, None, group="ITU-D")) == {"Sent on age assurance", "Closed on hotlines"}
    assert _titles(db, None, group="ITU-T/SG17/Q6") == []
    today = utcnow().date()
    assert len(_titles(db, world.admin, date_from=today, date_to=today)) == 5
    assert _titles(db, world.admin, date_to=today - dt.timedelta(days=1)) == []


@contextmanager
def counting_queries(db) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_page_of_statements_takes_a_fixed_number_of_queries(db, world, upload_dir):
    for number in range(6):
        sent_statement(db, world, upload_dir, title=f"Statement {number}")
    db.flush()
    db.expire_all()
    world.officer.group_ids()  # the viewer's own roles, loaded once per request anyway
    with counting_queries(db) as statements:
        page = search_statements(db, StatementFilters(tab="sent"), world.officer)
        shown = [(ls.source_group.code, [r.label for r in ls.recipients]) for ls in page.items]
    assert len(shown) == 6
    assert len(statements) == 3, statements  # count, the page with groups, recipients with their groups


def test_showing_a_statement_takes_the_same_queries_however_big_it_is(db, world, upload_dir, factory):
    small = sent_statement(db, world, upload_dir, recipients=[{"group": "ITU-D/SG2", "purpose": "information"}])
    for code in ("ISO/JTC1", "IEEE/SA", "OECD/DPC"):
        organisation.add_contact(db, None, factory.group(code), {"name": code, "email": f"{code[:3].lower()}@x.example"})
    big = sent_statement(
        db,
        world,
        upload_dir,
        recipients=[{"group": code, "purpose": "information"} for code in ("ITU-D/SG2", "ISO/JTC1", "IEEE/SA", "OECD/DPC")],
    )
    counts, shown_both = [], []
    db.flush()
    for ls in (small, big):
        db.expire_all()
        with counting_queries(db) as statements:
            shown_both.append(statement_as_dict(get_statement(db, None, ls.id)))
        counts.append(len(statements))
    assert [len(shown["recipients"]) for shown in shown_both] == [1, 4]
    assert counts[0] == counts[1]


def test_an_unknown_tab_is_a_validation_error(db):
    with pytest.raises(ValidationError) as refused:
        search_statements(db, StatementFilters(tab="everything"), None)
    assert refused.value.errors == {"tab": "must be one of: all, drafts, pending, sent, incoming, action_needed, overdue"}
