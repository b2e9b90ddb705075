"""Data-subject requests and their timeline (SG-45)
(see interlock.store.schema_subject_requests).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the subject_requests tables."""
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("surname", sa.String(), nullable=True),
        sa.Column("given_names", sa.String(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(), nullable=True),
        sa.Column("found_ids", sa.JSON(), nullable=False),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("touched_ids", sa.JSON(), nullable=False),
        sa.Column("legal_ground", sa.String(length=32), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("purge_after", sa.Date(), nullable=True),
        sa.Column("details_purged_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
    )
    op.create_index(
        op.f("ix_subject_requests_due_on"), "subject_requests", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_subject_requests_purge_after"), "subject_requests", ["purge_after"], unique=False
    )
    op.create_index(
        op.f("ix_subject_requests_status"), "subject_requests", ["status"], unique=False
    )
    op.create_table(
        "subject_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_requests.id"],
            name=op.f("fk_subject_request_events_request_id_subject_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request_events")),
    )
    op.create_index(
        op.f("ix_subject_request_events_request_id"),
        "subject_request_events",
        ["request_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the subject_requests tables."""
    op.drop_index(op.f("ix_subject_request_events_request_id"), table_name="subject_request_events")
    op.drop_table("subject_request_events")
    op.drop_index(op.f("ix_subject_requests_status"), table_name="subject_requests")
    op.drop_index(op.f("ix_subject_requests_purge_after"), table_name="subject_requests")
    op.drop_index(op.f("ix_subject_requests_due_on"), table_name="subject_requests")
    op.drop_table("subject_requests")
