"""Liaison statements are numbered as ITU numbers them, per source study group and study period
(``SG17-LS123``), and say their original language.

Revision ID: 0009_w1
Revises: 0008_l
Create Date: 2026-12-05 01:00:00.000000

Statements sent before keep their references (``LS/2026/0042``): they become the series ``LS`` of the
period ``2026``, so that the new unique triple (series, period, number) holds for them too. The
counters move the same way. Numbers restart each study period, so the reference alone is no longer
unique (an index stays, for look-ups).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_w1"
down_revision = "0008_l"
branch_labels = None
depends_on = None

_LANGUAGES = "language IN ('en', 'fr', 'es', 'ru', 'ar', 'zh')"


def upgrade() -> None:
    with op.batch_alter_table("liaison_statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_series", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("reference_period", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=5), server_default="en", nullable=False))
    op.execute(
        "UPDATE liaison_statements SET reference_series = 'LS', reference_period = CAST(reference_year AS VARCHAR(9))"
        " WHERE reference_year IS NOT NULL"
    )
    with op.batch_alter_table("liaison_statements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_liaison_statements_reference", type_="unique")
        batch_op.drop_constraint("uq_liaison_statements_reference_year_reference_number", type_="unique")
        batch_op.drop_column("reference_year")
        batch_op.alter_column("reference", existing_type=sa.String(length=20), type_=sa.String(length=140))
        batch_op.alter_column("language", server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f("uq_liaison_statements_reference_series_reference_period_reference_number"),
            ["reference_series", "reference_period", "reference_number"],
        )
        batch_op.create_check_constraint(op.f("ck_liaison_statements_language"), _LANGUAGES)
        batch_op.create_index(batch_op.f("ix_liaison_statements_reference"), ["reference"], unique=False)

    op.create_table(
        "ls_reference_counters_new",
        sa.Column("series", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=9), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "period", name=op.f("pk_ls_reference_counters_new")),
    )
    op.execute(
        "INSERT INTO ls_reference_counters_new (series, period, last_number)"
        " SELECT 'LS', CAST(year AS VARCHAR(9)), last_number FROM ls_reference_counters"
    )
    op.drop_table("ls_reference_counters")
    op.rename_table("ls_reference_counters_new", "ls_reference_counters")
    _rename_primary_key("ls_reference_counters_new", "ls_reference_counters")


def downgrade() -> None:
    op.create_table(
        "ls_reference_counters_old",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ls_reference_counters_old")),
    )
    op.execute(
        "INSERT INTO ls_reference_counters_old (year, last_number) SELECT CAST(period AS INTEGER), last_number"
        " FROM ls_reference_counters WHERE series = 'LS'"
    )
    op.drop_table("ls_reference_counters")
    op.rename_table("ls_reference_counters_old", "ls_reference_counters")
    _rename_primary_key("ls_reference_counters_old", "ls_reference_counters")

    with op.batch_alter_table("liaison_statements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_year", sa.Integer(), nullable=True))
    # Only the old numbering fits the old columns; references given since are dropped with their series.
    op.execute(
        "UPDATE liaison_statements SET reference_year = CAST(reference_period AS INTEGER) WHERE reference_series = 'LS'"
    )
    op.execute(
        "UPDATE liaison_statements SET reference = NULL, reference_number = NULL"
        " WHERE reference_series IS NOT NULL AND reference_series <> 'LS'"
    )
    with op.batch_alter_table("liaison_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_liaison_statements_reference"))
        batch_op.drop_constraint(op.f("ck_liaison_statements_language"), type_="check")
        batch_op.drop_constraint(
            "uq_liaison_statements_reference_series_reference_period_reference_number", type_="unique"
        )
        batch_op.alter_column("reference", existing_type=sa.String(length=140), type_=sa.String(length=20))
        batch_op.drop_column("language")
        batch_op.drop_column("reference_period")
        batch_op.drop_column("reference_series")
        batch_op.create_unique_constraint("uq_liaison_statements_reference", ["reference"])
        batch_op.create_unique_constraint(
            "uq_liaison_statements_reference_year_reference_number", ["reference_year", "reference_number"]
        )


def _rename_primary_key(old: str, new: str) -> None:
    # SQLite keeps no names for primary keys; PostgreSQL's must follow the table's new name.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT pk_{old} TO pk_{new}")
