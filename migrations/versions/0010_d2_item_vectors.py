"""Item vectors: each work item's multilingual sentence embedding, in a table of its own.

Revision ID: 0010_d2
Revises: 0009_w1
Create Date: 2026-12-05 00:50:00.000000

Existing items have none yet: `liaison overlaps scan` computes the missing ones, in batches that
it commits as it goes, so that the tracker keeps serving (items without a vector still match
through the other features).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_d2"
down_revision = "0009_w1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_vectors",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["work_items.id"], name=op.f("fk_item_vectors_item_id_work_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_vectors")),
    )
    op.create_index(op.f("ix_item_vectors_computed_at"), "item_vectors", ["computed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("item_vectors")
