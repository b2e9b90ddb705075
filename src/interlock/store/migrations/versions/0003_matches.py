"""Screening matches: a watchlist entry that scored at or above the threshold for a stored
traveller, at ingest or by retro-screening.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the matches table."""
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "traveller_id",
            sa.Integer(),
            sa.ForeignKey("traveller.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("message.id"), nullable=False),
        sa.Column("flight_key", sa.String()),
        sa.Column("list_name", sa.String(), nullable=False),
        sa.Column("list_version", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("matched_name", sa.String(), nullable=False),
        sa.Column("explanations", sa.JSON(), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.UniqueConstraint(
            "traveller_id",
            "list_name",
            "entry_id",
            name=op.f("uq_matches_traveller_id_list_name_entry_id"),
        ),
    )
    op.create_index(op.f("ix_matches_message_id"), "matches", ["message_id"])
    op.create_index(op.f("ix_matches_flight_key"), "matches", ["flight_key"])
    op.create_index("ix_matches_list_entry", "matches", ["list_name", "entry_id"])


def downgrade() -> None:
    """Drop the matches table."""
    op.drop_table("matches")
