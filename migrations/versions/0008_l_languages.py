"""Languages: each person's interface language, each contact's and each group's language for mail,
and "translation" links between items that are one work in several languages.

Revision ID: 0008_l
Revises: 0007
Create Date: 2026-12-05 00:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_l"
down_revision = "0007"
branch_labels = None
depends_on = None

LANGUAGES = "'ar', 'zh', 'en', 'fr', 'ru', 'es'"
OLD_LINK_TYPES = "'duplicates', 'overlaps', 'related', 'supersedes'"
NEW_LINK_TYPES = OLD_LINK_TYPES + ", 'translation'"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch.create_check_constraint("language", f"language IN ({LANGUAGES})")
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch.create_check_constraint("language", f"language IN ({LANGUAGES})")
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), server_default="en", nullable=False))
        batch.create_check_constraint("language", f"language IN ({LANGUAGES})")
    with op.batch_alter_table("item_links") as batch:
        batch.drop_constraint(op.f("ck_item_links_type"), type_="check")
        batch.create_check_constraint("type", f"type IN ({NEW_LINK_TYPES})")


def downgrade() -> None:
    op.execute("DELETE FROM item_links WHERE type = 'translation'")
    with op.batch_alter_table("item_links") as batch:
        batch.drop_constraint(op.f("ck_item_links_type"), type_="check")
        batch.create_check_constraint("type", f"type IN ({OLD_LINK_TYPES})")
    for table in ("groups", "contacts", "users"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_language"), type_="check")
            batch.drop_column("language")
