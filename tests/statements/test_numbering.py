"""ITU numbering of outgoing statements: per source study group and study period, unique under concurrency."""

from __future__ import annotations

import threading

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session

from liaison import create_app, migrate
from liaison.config import ConfigurationError
from liaison.db import database, make_engine
from liaison.models import LiaisonStatement
from liaison.organisation import operations as organisation
from liaison.statements.numbering import check_study_period, next_number, reference_prefix
from liaison.statements.operations import create_statement
from liaison.statements.presentation import find_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval
from tests.conftest import app_on_own_database
from tests.factories import Factory
from tests.statements.helpers import approved_statement, ls_data, sent_statement


def test_statements_are_numbered_per_study_group_and_study_period(db, world, factory, upload_dir):
    first, second = (sent_statement(db, world, upload_dir) for _ in range(2))
    assert (first.reference_series, first.reference_period) == ("ITU-T/SG17", "2025-2028")
    assert second.reference_number == first.reference_number + 1
    assert second.reference == f"SG17-LS{second.reference_number}"

    # A Question's statements count in its study group's series, with the study group's prefix.
    factory.group("ITU-T/SG17/Q6")
    from_question = _sent_by_admin(db, world, upload_dir, source_group="ITU-T/SG17/Q6")
    assert from_question.reference == f"SG17-LS{second.reference_number + 1}"

    # Another sector's SG2 is another series, printed with its body so that the two never read alike.
    sg2 = _sent_by_admin(
        db, world, upload_dir, approver=world.sg2_chair, source_group="ITU-D/SG2",
        recipients=[{"group": "ITU-T/SG17", "purpose": "information"}],
    )
    assert sg2.reference == "ITU-D/SG2-LS1"

    # The next study period starts again at 1.
    later = approved_statement(db, world)
    send_statement(db, world.officer, later, upload_dir=upload_dir, study_period="2029-2032")
    assert (later.reference, later.reference_period) == ("SG17-LS1", "2029-2032")
    # A reference typed in a form names the latest period's statement of that number.
    assert find_statement(db, None, "sg17-ls1") == later


def _sent_by_admin(db, world, upload_dir, approver=None, **overrides) -> LiaisonStatement:
    ls = create_statement(db, world.admin, ls_data(**overrides))
    submit_for_approval(db, world.admin, ls)
    approve_statement(db, approver or world.admin, ls)
    return send_statement(db, world.admin, ls, upload_dir=upload_dir)


def test_a_study_group_of_its_own_kind_numbers_its_subgroups(db, factory):
    sg = factory.group("ITU-T/SG21", kind="study_group")
    wp = organisation.ensure_group(db, None, "ITU-T/SG21/WP1", kind="working_party")
    question = organisation.ensure_group(db, None, "ITU-T/SG21/WP1/Q3", kind="question")
    council = factory.group("ITU Council/CWG-COP", kind="council_working_group")
    assert [reference_prefix(g) for g in (sg, wp, question)] == ["SG21"] * 3
    assert reference_prefix(council) == "ITU Council/CWG-COP"


@pytest.mark.parametrize("text", ["2025", "2028-2025", "25-28", "2025-2028-2031", ""])
def test_a_study_period_is_two_years_in_order(text):
    with pytest.raises(ValueError):
        check_study_period(text)
    assert check_study_period(" 2025-2028 ") == "2025-2028"


def test_the_setting_is_checked_when_the_app_starts(tmp_path):
    with pytest.raises(ConfigurationError, match="LIAISON_STUDY_PERIOD"):
        create_app({"LIAISON_STUDY_PERIOD": "2025/28", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


def test_parallel_sends_get_distinct_consecutive_numbers(tmp_path):
    """Real concurrency on a database of its own (SQLite or PostgreSQL, as the run's): four clients send
    four statements of one series through the API at the same moment, each in its own request and
    transaction."""
    senders = 4
    with app_on_own_database("ls_numbering", tmp_path) as app:
        with database(app).sessionmaker() as session:
            headers, statement_ids = _approved_statements(session, senders)
            session.commit()
        barrier = threading.Barrier(senders)
        answers: list[tuple[int, str]] = []
        lock = threading.Lock()

        def sender(statement_id: int) -> None:
            client = app.test_client()
            barrier.wait(30)
            response = client.post(f"/api/v1/liaison-statements/{statement_id}/send", headers=headers)
            with lock:
                answers.append((response.status_code, (response.get_json() or {}).get("reference", "")))

        threads = [threading.Thread(target=sender, args=(i,)) for i in statement_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert sorted(answers) == [(200, f"SG17-LS{n}") for n in range(1, senders + 1)]


def _approved_statements(session: Session, count: int) -> tuple[dict[str, str], list[int]]:
    """The officer's API headers and ``count`` approved statements of ITU-T/SG17."""
    factory = Factory(session)
    target = factory.group("ITU-D/SG2")
    organisation.add_contact(session, None, target, {"name": "Rita", "email": "rita@sg2.example"})
    officer = factory.user(name="Parallel Officer", officer_of=("ITU-T/SG17",))
    chair = factory.user(name="Parallel Chair", chair_of=("ITU-T/SG17",))
    statements = []
    for _ in range(count):
        ls = create_statement(session, officer, ls_data(recipients=[{"group": target.code, "purpose": "information"}]))
        submit_for_approval(session, officer, ls)
        approve_statement(session, chair, ls)
        statements.append(ls.id)
    return factory.token(officer), statements


def test_next_number_counts_on_from_the_counter_row(db):
    assert [next_number(db, "ITU-T/SG99", "2031-2034") for _ in range(3)] == [1, 2, 3]
    assert next_number(db, "ITU-T/SG99", "2035-2038") == 1
    assert next_number(db, "ITU-D/SG99", "2031-2034") == 1


def _revision_before_numbering() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    (numbering,) = [s for s in script.walk_revisions() if s.path.endswith("_w1_ls_numbering.py")]
    return str(numbering.down_revision)


def test_the_migration_keeps_references_given_before(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    before = _revision_before_numbering()
    migrate.upgrade(url, before)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO bodies (code, name, kind, url, description) VALUES ('ITU-T', 'ITU-T', 'itu', '', '')")
        connection.exec_driver_sql("INSERT INTO groups (code, name, kind, body_id, mandate, url) VALUES ('ITU-T/SG17', 'SG17', 'other', 1, '', '')")
        connection.exec_driver_sql(
            "INSERT INTO liaison_statements (reference, reference_year, reference_number, direction, state, source_group_id,"
            " source_text, questions, study_group, working_party, meeting_place, meeting_dates, title, abstract, body,"
            " approval_level, approval_evidence, external_references, version)"
            " VALUES ('LS/2026/0007', 2026, 7, 'outgoing', 'sent', 1, '', '', '', '', '', '', 'T', '', '', 'study_group',"
            " '', '[]', 1)"
        )
        connection.exec_driver_sql("INSERT INTO ls_reference_counters (year, last_number) VALUES (2026, 7)")
    migrate.upgrade(url)
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT reference, reference_series, reference_period, reference_number, language FROM liaison_statements"
        ).one()
        assert tuple(row) == ("LS/2026/0007", "LS", "2026", 7, "en")
        assert tuple(connection.exec_driver_sql("SELECT series, period, last_number FROM ls_reference_counters").one()) == (
            "LS", "2026", 7
        )
    migrate.downgrade(url, before)
    with engine.connect() as connection:
        assert tuple(connection.exec_driver_sql("SELECT reference, reference_year FROM liaison_statements").one()) == (
            "LS/2026/0007", 2026
        )
    engine.dispose()
