"""Review of overlap alerts: chairs' decisions (labels), calibrated models, digest notifications, digest preference.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:05:17.547214
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calibration_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trained_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('trained_by_id', sa.Integer(), nullable=True),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('intercept', sa.Float(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('n_positive', sa.Integer(), nullable=False),
    sa.Column('n_negative', sa.Integer(), nullable=False),
    sa.Column('precision', sa.Float(), nullable=False),
    sa.Column('recall', sa.Float(), nullable=False),
    sa.Column('baseline_precision', sa.Float(), nullable=False),
    sa.Column('baseline_recall', sa.Float(), nullable=False),
    sa.Column('cv', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('threshold >= 0 AND threshold <= 1', name=op.f('ck_calibration_models_threshold_range')),
    sa.ForeignKeyConstraint(['trained_by_id'], ['users.id'], name=op.f('fk_calibration_models_trained_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_models'))
    )
    with op.batch_alter_table('calibration_models', schema=None) as batch_op:
        batch_op.create_index('ix_calibration_models_is_active_id', ['is_active', 'id'], unique=False)

    op.create_table('alert_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('engine_version', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.JSON(), nullable=False),
    sa.Column('link_touched', sa.Boolean(), nullable=False),
    sa.Column('link_base', sa.JSON(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undo_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("decision IN ('duplicate', 'overlap', 'related', 'not_overlap')", name=op.f('ck_alert_decisions_decision')),
    sa.ForeignKeyConstraint(['alert_id'], ['overlap_alerts.id'], name=op.f('fk_alert_decisions_alert_id_overlap_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_alert_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_alert_decisions_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_decisions'))
    )
    with op.batch_alter_table('alert_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_alert_decisions_alert_id_undone_at', ['alert_id', 'undone_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_decisions_decided_by_id'), ['decided_by_id'], unique=False)

    op.create_table('alert_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['overlap_alerts.id'], name=op.f('fk_alert_notifications_alert_id_overlap_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_alert_notifications_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alert_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_notifications')),
    sa.UniqueConstraint('alert_id', 'user_id', name=op.f('uq_alert_notifications_alert_id_user_id'))
    )
    with op.batch_alter_table('alert_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_notifications_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_digest', sa.String(length=10), server_default='daily', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_users_alert_digest'), "alert_digest IN ('off', 'daily', 'immediate')"
        )



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_alert_digest'), type_='check')
        batch_op.drop_column('alert_digest')

    with op.batch_alter_table('alert_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_notifications_user_id'))

    op.drop_table('alert_notifications')
    with op.batch_alter_table('alert_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_decisions_decided_by_id'))
        batch_op.drop_index('ix_alert_decisions_alert_id_undone_at')

    op.drop_table('alert_decisions')
    with op.batch_alter_table('calibration_models', schema=None) as batch_op:
        batch_op.drop_index('ix_calibration_models_is_active_id')

    op.drop_table('calibration_models')
