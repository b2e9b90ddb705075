"""How many of a message's travellers were screened when it was stored (statistics, SG-60).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add message.screened (0 for the messages stored before)."""
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("screened", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop message.screened."""
    with op.batch_alter_table("message") as batch:
        batch.drop_column("screened")
