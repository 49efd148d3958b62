"""Liaison statements (recipients, contacts, attachments, links to items and alerts, reference counters,
reminders) and the generic mail outbox (messages, attachments, one delivery per address).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:01:51.546068
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ls_reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ls_reference_counters'))
    )
    op.create_table('liaison_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('reference_year', sa.Integer(), nullable=True),
    sa.Column('reference_number', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('source_group_id', sa.Integer(), nullable=True),
    sa.Column('source_text', sa.String(length=200), nullable=False),
    sa.Column('questions', sa.String(length=200), nullable=False),
    sa.Column('study_group', sa.String(length=200), nullable=False),
    sa.Column('working_party', sa.String(length=200), nullable=False),
    sa.Column('meeting_place', sa.String(length=200), nullable=False),
    sa.Column('meeting_dates', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('abstract', sa.Text(), server_default='', nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('approval_level', sa.String(length=30), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_evidence', sa.Text(), server_default='', nullable=False),
    sa.Column('in_reply_to_id', sa.Integer(), nullable=True),
    sa.Column('external_references', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("(direction = 'outgoing' AND state IN ('draft', 'pending_approval', 'approved', 'sent', 'answered', 'closed', 'withdrawn')) OR (direction = 'incoming' AND state IN ('received', 'answered', 'closed', 'withdrawn'))", name=op.f('ck_liaison_statements_state_direction')),
    sa.CheckConstraint("approval_level IN ('', 'study_group', 'working_party', 'rapporteur_meeting', 'other')", name=op.f('ck_liaison_statements_approval_level')),
    sa.CheckConstraint("direction IN ('outgoing', 'incoming')", name=op.f('ck_liaison_statements_direction')),
    sa.CheckConstraint("state IN ('draft', 'pending_approval', 'approved', 'sent', 'received', 'answered', 'closed', 'withdrawn')", name=op.f('ck_liaison_statements_state')),
    sa.CheckConstraint('in_reply_to_id IS NULL OR in_reply_to_id <> id', name=op.f('ck_liaison_statements_not_own_reply')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_liaison_statements_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_liaison_statements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['in_reply_to_id'], ['liaison_statements.id'], name=op.f('fk_liaison_statements_in_reply_to_id_liaison_statements')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_liaison_statements_sent_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_group_id'], ['groups.id'], name=op.f('fk_liaison_statements_source_group_id_groups')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_liaison_statements_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison_statements')),
    sa.UniqueConstraint('reference', name=op.f('uq_liaison_statements_reference')),
    sa.UniqueConstraint('reference_year', 'reference_number', name=op.f('uq_liaison_statements_reference_year_reference_number'))
    )
    with op.batch_alter_table('liaison_statements', schema=None) as batch_op:
        batch_op.create_index('ix_liaison_statements_direction_state', ['direction', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_statements_in_reply_to_id'), ['in_reply_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_statements_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_statements_source_group_id'), ['source_group_id'], unique=False)

    op.create_table('ls_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_ls_attachments_size')),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_ls_attachments_statement_id_liaison_statements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_ls_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ls_attachments'))
    )
    with op.batch_alter_table('ls_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_attachments_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_ls_attachments_statement_id'), ['statement_id'], unique=False)

    op.create_table('ls_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=60), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_ls_contacts_statement_id_liaison_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ls_contacts'))
    )
    with op.batch_alter_table('ls_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_contacts_statement_id'), ['statement_id'], unique=False)

    op.create_table('ls_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('action_taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_taken_by_id', sa.Integer(), nullable=True),
    sa.Column('action_note', sa.Text(), server_default='', nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(group_id IS NULL) <> (email = '')", name=op.f('ck_ls_recipients_group_or_email')),
    sa.CheckConstraint("purpose = 'information' OR deadline IS NOT NULL", name=op.f('ck_ls_recipients_deadline')),
    sa.CheckConstraint("purpose IN ('action', 'comment', 'information')", name=op.f('ck_ls_recipients_purpose')),
    sa.ForeignKeyConstraint(['action_taken_by_id'], ['users.id'], name=op.f('fk_ls_recipients_action_taken_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['liaison_statements.id'], name=op.f('fk_ls_recipients_answered_by_id_liaison_statements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_ls_recipients_group_id_groups')),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_ls_recipients_statement_id_liaison_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ls_recipients'))
    )
    with op.batch_alter_table('ls_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_recipients_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_ls_recipients_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ls_recipients_statement_id'), ['statement_id'], unique=False)

    op.create_table('ls_work_items',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_ls_work_items_statement_id_liaison_statements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_items.id'], name=op.f('fk_ls_work_items_work_item_id_work_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'work_item_id', name=op.f('pk_ls_work_items'))
    )
    with op.batch_alter_table('ls_work_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_work_items_work_item_id'), ['work_item_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('to_addrs', sa.JSON(), nullable=False),
    sa.Column('cc_addrs', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=False),
    sa.Column('text_body', sa.Text(), server_default='', nullable=False),
    sa.Column('html_body', sa.Text(), server_default='', nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_outbox_messages_statement_id_liaison_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_statement_id'), ['statement_id'], unique=False)

    op.create_table('ls_alerts',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['overlap_alerts.id'], name=op.f('fk_ls_alerts_alert_id_overlap_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_ls_alerts_statement_id_liaison_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'alert_id', name=op.f('pk_ls_alerts'))
    )
    with op.batch_alter_table('ls_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_alerts_alert_id'), ['alert_id'], unique=False)

    op.create_table('ls_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('days_to_deadline', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_ls_reminders_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_id'], ['ls_recipients.id'], name=op.f('fk_ls_reminders_recipient_id_ls_recipients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ls_reminders')),
    sa.UniqueConstraint('recipient_id', 'sent_on', name=op.f('uq_ls_reminders_recipient_id_sent_on'))
    )
    with op.batch_alter_table('ls_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ls_reminders_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('outbox_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_outbox_attachments_outbox_message_id_outbox_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments'))
    )
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachments_outbox_message_id'), ['outbox_message_id'], unique=False)

    op.create_table('outbox_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.Text(), server_default='', nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role IN ('to', 'cc')", name=op.f('ck_outbox_deliveries_role')),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')", name=op.f('ck_outbox_deliveries_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_deliveries_attempts')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_outbox_deliveries_outbox_message_id_outbox_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['ls_recipients.id'], name=op.f('fk_outbox_deliveries_recipient_id_ls_recipients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['liaison_statements.id'], name=op.f('fk_outbox_deliveries_statement_id_liaison_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_deliveries')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_deliveries_message_id')),
    sa.UniqueConstraint('outbox_message_id', 'address', name=op.f('uq_outbox_deliveries_outbox_message_id_address'))
    )
    with op.batch_alter_table('outbox_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_deliveries_outbox_message_id'), ['outbox_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_deliveries_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_deliveries_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index('ix_outbox_deliveries_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_deliveries_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_deliveries_statement_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_deliveries_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_deliveries_outbox_message_id'))

    op.drop_table('outbox_deliveries')
    with op.batch_alter_table('outbox_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachments_outbox_message_id'))

    op.drop_table('outbox_attachments')
    with op.batch_alter_table('ls_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_reminders_recipient_id'))

    op.drop_table('ls_reminders')
    with op.batch_alter_table('ls_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_alerts_alert_id'))

    op.drop_table('ls_alerts')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_statement_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_kind'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('ls_work_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_work_items_work_item_id'))

    op.drop_table('ls_work_items')
    with op.batch_alter_table('ls_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_recipients_statement_id'))
        batch_op.drop_index(batch_op.f('ix_ls_recipients_group_id'))
        batch_op.drop_index(batch_op.f('ix_ls_recipients_deadline'))

    op.drop_table('ls_recipients')
    with op.batch_alter_table('ls_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_contacts_statement_id'))

    op.drop_table('ls_contacts')
    with op.batch_alter_table('ls_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ls_attachments_statement_id'))
        batch_op.drop_index(batch_op.f('ix_ls_attachments_sha256'))

    op.drop_table('ls_attachments')
    with op.batch_alter_table('liaison_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liaison_statements_source_group_id'))
        batch_op.drop_index(batch_op.f('ix_liaison_statements_sent_at'))
        batch_op.drop_index(batch_op.f('ix_liaison_statements_in_reply_to_id'))
        batch_op.drop_index('ix_liaison_statements_direction_state')

    op.drop_table('liaison_statements')
    op.drop_table('ls_reference_counters')
