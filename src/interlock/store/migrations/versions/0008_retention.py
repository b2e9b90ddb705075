"""Retention holds (SG-28) and sealed records of depersonalised rows (SG-27)
(see interlock.store.schema_retention).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the retention tables."""
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("carrier", sa.String(), nullable=True),
        sa.Column("record_locator", sa.String(), nullable=True),
        sa.Column("traveller_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", UTC_TIME, nullable=False),
        sa.Column("released_by", sa.String(), nullable=True),
        sa.Column("released_at", UTC_TIME, nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_holds")),
    )
    op.create_index(
        "ix_retention_holds_locator",
        "retention_holds",
        ["carrier", "record_locator"],
        unique=False,
    )
    op.create_index(
        op.f("ix_retention_holds_traveller_id"), "retention_holds", ["traveller_id"], unique=False
    )
    op.create_table(
        "sealed_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_records")),
        sa.UniqueConstraint(
            "table_name", "row_id", name=op.f("uq_sealed_records_table_name_row_id")
        ),
    )


def downgrade() -> None:
    """Drop the retention tables."""
    op.drop_table("sealed_records")
    op.drop_index(op.f("ix_retention_holds_traveller_id"), table_name="retention_holds")
    op.drop_index("ix_retention_holds_locator", table_name="retention_holds")
    op.drop_table("retention_holds")
