"""Sharing, second round: push back-off by failures since the partner last showed it was up;
the case a partner's hit notification opens, and its rapid-response notifications (a
notification is of an alert or of a case); the originator's seal over a partner list's terms.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns."""
    with op.batch_alter_table("share_outbox") as batch:
        batch.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("share_inbox") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.create_index("ix_share_inbox_case_id", ["case_id"])
        batch.create_foreign_key(
            "fk_share_inbox_case_id", "cases", ["case_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("partner_lists") as batch:
        batch.add_column(sa.Column("origin_seal", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.create_index("ix_notifications_case_id", ["case_id"])
        batch.create_foreign_key(
            "fk_notifications_case_id", "cases", ["case_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_check_constraint(
            "ck_notifications_one_subject", "(alert_id IS NULL) <> (case_id IS NULL)"
        )


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("ck_notifications_one_subject", type_="check")
        batch.drop_constraint("fk_notifications_case_id", type_="foreignkey")
        batch.drop_index("ix_notifications_case_id")
        batch.drop_column("case_id")
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("partner_lists") as batch:
        batch.drop_column("origin_seal")
    with op.batch_alter_table("share_inbox") as batch:
        batch.drop_constraint("fk_share_inbox_case_id", type_="foreignkey")
        batch.drop_index("ix_share_inbox_case_id")
        batch.drop_column("case_id")
    with op.batch_alter_table("share_outbox") as batch:
        batch.drop_column("failures")
