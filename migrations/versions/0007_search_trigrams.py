"""Trigram indexes for the search of work items (PostgreSQL; empty stand-ins on SQLite).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 02:30:00.000000

The search matches any part of the reference, title, summary or keywords (ILIKE '%word%'), which
no B-tree can serve: with 100,000 items every search counted its results by reading the whole table
(bench/load). pg_trgm's GIN indexes serve such patterns. SQLite has no trigram index: there the column
indexes are partial ones that hold no row, so that both schemas match the models, and the index on
the keywords (an expression, which SQLite's schema cannot be compared on) is left out.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("reference", "title", "summary")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # A trusted extension since PostgreSQL 13: the owner of the database may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in COLUMNS:
        op.create_index(
            f"ix_work_items_{name}_trgm", "work_items", [name], postgresql_using="gin",
            postgresql_ops={name: "gin_trgm_ops"}, sqlite_where=sa.false(),
        )
    if postgresql:
        # Alembic gives no operator class to an expression: the statement is written out.
        op.execute(
            "CREATE INDEX ix_work_items_keywords_trgm ON work_items "
            "USING gin ((CAST(keywords AS VARCHAR)) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_work_items_keywords_trgm", table_name="work_items")
    for name in reversed(COLUMNS):
        op.drop_index(f"ix_work_items_{name}_trgm", table_name="work_items")
