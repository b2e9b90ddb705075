"""Outbox messages count the failed pushes since the partner last showed it was up.

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
    """Add ``share_outbox.failures`` (the back-off counts these, not every attempt)."""
    with op.batch_alter_table("share_outbox") as batch:
        batch.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("share_outbox") as batch:
        batch.drop_column("failures")
