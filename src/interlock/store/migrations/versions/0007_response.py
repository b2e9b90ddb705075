"""The notification outbox of rapid response (see interlock.store.schema_response).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the notifications table."""
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("playbook", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("acked_at", UTC_TIME, nullable=True),
        sa.Column("acked_by", sa.String(), nullable=True),
        sa.Column("ack_token", sa.String(), nullable=True),
        sa.Column("ack_token_hash", sa.String(length=64), nullable=False),
        sa.Column("escalate_at", UTC_TIME, nullable=True),
        sa.Column("escalate_to", sa.JSON(), nullable=False),
        sa.Column("escalated_from", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_notifications_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["escalated_from"],
            ["notifications.id"],
            name=op.f("fk_notifications_escalated_from_notifications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("ack_token_hash", name=op.f("uq_notifications_ack_token_hash")),
    )
    op.create_index(op.f("ix_notifications_alert_id"), "notifications", ["alert_id"])
    op.create_index(op.f("ix_notifications_escalated_from"), "notifications", ["escalated_from"])
    op.create_index("ix_notifications_status_next", "notifications", ["status", "next_attempt_at"])


def downgrade() -> None:
    """Drop the notifications table."""
    op.drop_index("ix_notifications_status_next", table_name="notifications")
    op.drop_index(op.f("ix_notifications_escalated_from"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_alert_id"), table_name="notifications")
    op.drop_table("notifications")
