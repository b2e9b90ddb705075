"""Ledger tables (see interlock.store.schema_ledger).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
LEAF_INDEX = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TABLES = (
    "ledger_alarms",
    "ledger_checkpoints",
    "ledger_cosignatures",
    "ledger_head",
    "ledger_leaves",
    "ledger_witness_state",
    "ledger_witnessed",
)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "ledger_leaves",
        sa.Column("idx", LEAF_INDEX, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_ledger_leaves")),
    )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_head")),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_ledger_checkpoints")),
    )
    op.create_table(
        "ledger_cosignatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("witness", sa.String(), nullable=False),
        sa.Column("vkey", sa.String(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_cosignatures")),
        sa.UniqueConstraint("size", "witness", name=op.f("uq_ledger_cosignatures_size_witness")),
    )
    op.create_table(
        "ledger_witness_state",
        sa.Column("witness", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("witness", name=op.f("pk_ledger_witness_state")),
    )
    op.create_table(
        "ledger_witnessed",
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_ledger_witnessed")),
    )
    op.create_table(
        "ledger_alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_alarms")),
    )
    op.create_index(op.f("ix_ledger_alarms_origin"), "ledger_alarms", ["origin"], unique=False)


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_ledger_alarms_origin"), table_name="ledger_alarms")
    for table in _TABLES:
        op.drop_table(table)
