"""Item vectors found by the hash of their text: an item whose text another item already has (an
edition of the same publication, say) is given a copy of that item's vector, not a new one.

Revision ID: 0011_v2
Revises: 0010_d2
Create Date: 2026-12-05 10:05:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0011_v2"
down_revision = "0010_d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_item_vectors_text_hash"), "item_vectors", ["text_hash"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_item_vectors_text_hash"), table_name="item_vectors")
