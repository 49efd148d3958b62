"""Check-as-you-type is a question, not a change: on SQLite it must not take the database's one
write lock, which would make every writer wait for anonymous visitors (issue 12, item 1)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL


@pytest.mark.skipif(bool(TEST_DATABASE_URL) and not TEST_DATABASE_URL.startswith("sqlite"),
                    reason="SQLite's single write lock; PostgreSQL locks rows")
def test_check_as_you_type_answers_while_a_writer_holds_the_lock(own_app):
    own = own_app("similar_reads")
    writer = sqlite3.connect(make_url(own.url).database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        client = own.app.test_client()
        answer = client.post("/api/v1/similar", json={"title": "Age assurance"})
        assert answer.status_code == 200, "a reader: it neither waits for the writer nor fails as locked"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
