"""Risk rules and their versions (see interlock.store.schema_rules).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the rules tables."""
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("active_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_rules_name")),
    )
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=True),
        sa.Column("approver", sa.String(), nullable=True),
        sa.Column("approved_at", UTC_TIME, nullable=True),
        sa.Column("activated_at", UTC_TIME, nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("retired_at", UTC_TIME, nullable=True),
        sa.Column("backtest", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("backtest_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["rules.id"],
            name=op.f("fk_rule_versions_rule_id_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint("rule_id", "version", name=op.f("uq_rule_versions_rule_id_version")),
    )
    op.create_index(op.f("ix_rule_versions_rule_id"), "rule_versions", ["rule_id"], unique=False)
    op.create_index(op.f("ix_rule_versions_status"), "rule_versions", ["status"], unique=False)


def downgrade() -> None:
    """Drop the rules tables."""
    op.drop_index(op.f("ix_rule_versions_status"), table_name="rule_versions")
    op.drop_index(op.f("ix_rule_versions_rule_id"), table_name="rule_versions")
    op.drop_table("rule_versions")
    op.drop_table("rules")
