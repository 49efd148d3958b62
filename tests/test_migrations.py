"""The schema comes only from Alembic: one head, and the migrated schema matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from liaison import migrate
from liaison.db import make_engine
from liaison.models import Base


def test_migrations_have_a_single_head():
    assert len(migrate.head_revisions()) == 1


# The trigram indexes are expressions (PostgreSQL only, empty stand-ins on SQLite): SQLite's
# reflection cannot compare them, and Alembic says so; the rest of the schema is still compared.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert migrate.current_revision(connection) in migrate.head_revisions()
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert "work_items" in inspect(engine).get_table_names()
    engine.dispose()


def test_upgrading_sqlite_keeps_rows_that_point_at_copied_tables(tmp_path):
    # Batch migrations copy tables; with foreign keys on, dropping the old copy cascaded and
    # deleted every API token and membership of an existing database.
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0002")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO bodies (code, name, kind, url, description) VALUES ('B', 'B', 'itu', '', '')")
        connection.exec_driver_sql("INSERT INTO groups (code, name, kind, body_id, mandate, url) VALUES ('B/G', 'G', 'other', 1, '', '')")
        connection.exec_driver_sql(
            "INSERT INTO users (email, name, password_hash, is_admin, is_active) VALUES ('a@example.org', 'A', 'x', 0, 1)"
        )
        connection.exec_driver_sql("INSERT INTO memberships (user_id, group_id, role) VALUES (1, 1, 'officer')")
        connection.exec_driver_sql("INSERT INTO api_tokens (user_id, name, prefix, token_hash) VALUES (1, '', 'p', 'h')")
    migrate.upgrade(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM api_tokens").scalar() == 1
        assert connection.exec_driver_sql("SELECT count(*) FROM memberships").scalar() == 1
    engine.dispose()
