"""Requests to unmask depersonalised data (SG-29) (see interlock.store.schema_unmasking).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
_INDEXED = ("requester_id", "status", "traveller_id")


def upgrade() -> None:
    """Create the unmasking tables."""
    op.create_table(
        "unmask_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(), nullable=True),
        sa.Column("record_locator", sa.String(), nullable=True),
        sa.Column("traveller_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requester_unit", sa.String(), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decider_unit", sa.String(), nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("expires_at", UTC_TIME, nullable=True),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("last_read_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmask_requests")),
    )
    op.create_index(
        "ix_unmask_requests_locator",
        "unmask_requests",
        ["carrier", "record_locator"],
        unique=False,
    )
    for column in _INDEXED:
        op.create_index(
            op.f(f"ix_unmask_requests_{column}"), "unmask_requests", [column], unique=False
        )


def downgrade() -> None:
    """Drop the unmasking tables."""
    for column in reversed(_INDEXED):
        op.drop_index(op.f(f"ix_unmask_requests_{column}"), table_name="unmask_requests")
    op.drop_index("ix_unmask_requests_locator", table_name="unmask_requests")
    op.drop_table("unmask_requests")
