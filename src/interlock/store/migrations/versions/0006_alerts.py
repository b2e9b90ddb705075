"""Alerts, their reviews and timeline, remembered dismissals (SG-25), actions on persons
(SG-24) and cases.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the alert and case tables."""
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("assigned_to", sa.String(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"], unique=False)
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("traveller_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("cause_kind", sa.String(length=16), nullable=False),
        sa.Column("cause_key", sa.String(), nullable=False),
        sa.Column("list_name", sa.String(), nullable=True),
        sa.Column("list_version", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.String(), nullable=True),
        sa.Column("rule_name", sa.String(), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=True),
        sa.Column("flight_key", sa.String(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("resent", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("humanitarian", sa.JSON(), nullable=False),
        sa.Column("assigned_to", sa.String(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_alerts_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["traveller.id"],
            name=op.f("fk_alerts_traveller_id_traveller"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("person_key", "cause_key", name=op.f("uq_alerts_person_key_cause_key")),
    )
    op.create_index(op.f("ix_alerts_case_id"), "alerts", ["case_id"], unique=False)
    op.create_index(op.f("ix_alerts_flight_key"), "alerts", ["flight_key"], unique=False)
    op.create_index(op.f("ix_alerts_identity_key"), "alerts", ["identity_key"], unique=False)
    op.create_index(op.f("ix_alerts_rule_name"), "alerts", ["rule_name"], unique=False)
    op.create_index(op.f("ix_alerts_status"), "alerts", ["status"], unique=False)
    op.create_index(
        "ix_alerts_status_priority", "alerts", ["status", "priority", "due_at"], unique=False
    )
    op.create_index(op.f("ix_alerts_traveller_id"), "alerts", ["traveller_id"], unique=False)
    op.create_table(
        "case_travellers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("traveller_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_travellers_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["traveller.id"],
            name=op.f("fk_case_travellers_traveller_id_traveller"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_travellers")),
        sa.UniqueConstraint(
            "case_id", "traveller_id", name=op.f("uq_case_travellers_case_id_traveller_id")
        ),
    )
    op.create_index(
        op.f("ix_case_travellers_case_id"), "case_travellers", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_travellers_traveller_id"), "case_travellers", ["traveller_id"], unique=False
    )
    op.create_table(
        "dismissed_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("cause_hash", sa.String(length=64), nullable=False),
        sa.Column("traveller_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_by", sa.String(), nullable=False),
        sa.Column("dismissed_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["traveller.id"],
            name=op.f("fk_dismissed_matches_traveller_id_traveller"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismissed_matches")),
        sa.UniqueConstraint(
            "identity_key", "cause_hash", name=op.f("uq_dismissed_matches_identity_key_cause_hash")
        ),
    )
    op.create_index(
        op.f("ix_dismissed_matches_traveller_id"),
        "dismissed_matches",
        ["traveller_id"],
        unique=False,
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_events_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    op.create_index(op.f("ix_alert_events_alert_id"), "alert_events", ["alert_id"], unique=False)
    op.create_table(
        "alert_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("band_shown", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_reviews_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_reviews")),
    )
    op.create_index(op.f("ix_alert_reviews_alert_id"), "alert_reviews", ["alert_id"], unique=False)
    op.create_table(
        "person_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("traveller_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("humanitarian_note", sa.Text(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_person_actions_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["traveller_id"],
            ["traveller.id"],
            name=op.f("fk_person_actions_traveller_id_traveller"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_actions")),
    )
    op.create_index(
        op.f("ix_person_actions_alert_id"), "person_actions", ["alert_id"], unique=False
    )
    op.create_index(
        op.f("ix_person_actions_traveller_id"), "person_actions", ["traveller_id"], unique=False
    )


def downgrade() -> None:
    """Drop the alert and case tables."""
    for table in (
        "person_actions",
        "alert_reviews",
        "alert_events",
        "dismissed_matches",
        "case_travellers",
        "alerts",
        "case_events",
        "cases",
    ):
        op.drop_table(table)
