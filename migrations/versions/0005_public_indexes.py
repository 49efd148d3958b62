"""Indexes of the public pages: lists in their default order, dashboard counts, decided overlaps.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-28 00:45:00.000000

With 100,000 items, the public list of items sorted by last change, the dashboard's counts per group
and status, and the list of decided overlaps by date each read an index in order instead of sorting
or scanning the table (see bench/bench_public.py).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_work_items_public_updated", "work_items", ["is_public", "updated_at", "id"])
    op.create_index("ix_work_items_public_group_status", "work_items", ["is_public", "group_id", "status"])
    op.create_index("ix_overlap_alerts_state_decided_at", "overlap_alerts", ["state", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_overlap_alerts_state_decided_at", table_name="overlap_alerts")
    op.drop_index("ix_work_items_public_group_status", table_name="work_items")
    op.drop_index("ix_work_items_public_updated", table_name="work_items")
