"""Partner registry, agreements, sharing groups, outbox and inbox (interlock.store.schema_sharing).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "partner_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("source_list", sa.String(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=True),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_lists")),
        sa.UniqueConstraint("list_name", name=op.f("uq_partner_lists_list_name")),
    )
    op.create_index(op.f("ix_partner_lists_partner"), "partner_lists", ["partner"], unique=False)
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(), nullable=False),
        sa.Column("envelope_key", sa.String(), nullable=False),
        sa.Column("envelope_key_id", sa.String(length=16), nullable=False),
        sa.Column("log_origin", sa.String(), nullable=False),
        sa.Column("log_key", sa.String(), nullable=False),
        sa.Column("witness_key", sa.String(), nullable=False),
        sa.Column("tls_cert", sa.Text(), nullable=True),
        sa.Column("taxii_account", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("out_seq", sa.Integer(), nullable=False),
        sa.Column("in_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("envelope_key_id", name=op.f("uq_partners_envelope_key_id")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
    )
    op.create_table(
        "share_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("refers_to", sa.String(length=36), nullable=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("corrected_by", sa.String(length=36), nullable=True),
        sa.Column("leaf_index", sa.Integer(), nullable=True),
        sa.Column("sender_leaf_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_inbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_share_inbox_message_id")),
        sa.UniqueConstraint("sender", "seq", name=op.f("uq_share_inbox_sender_seq")),
    )
    op.create_index(op.f("ix_share_inbox_refers_to"), "share_inbox", ["refers_to"], unique=False)
    op.create_table(
        "share_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("refers_to", sa.String(length=36), nullable=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("delivered_at", UTC_TIME, nullable=True),
        sa.Column("receipt", sa.JSON(), nullable=True),
        sa.Column("leaf_index", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_share_outbox_message_id")),
        sa.UniqueConstraint("recipient", "seq", name=op.f("uq_share_outbox_recipient_seq")),
    )
    op.create_index(
        "ix_share_outbox_due", "share_outbox", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "share_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("list_name", sa.String(), nullable=True),
        sa.Column("entry_id", sa.String(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_recipients")),
        sa.UniqueConstraint(
            "object_id",
            "recipient",
            "message_id",
            name=op.f("uq_share_recipients_object_id_recipient_message_id"),
        ),
    )
    op.create_index(
        op.f("ix_share_recipients_object_id"), "share_recipients", ["object_id"], unique=False
    )
    op.create_table(
        "sharing_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_groups")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_sharing_groups_name_version")),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("max_tlp", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("third_country", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_agreements_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("partner_id", "version", name=op.f("uq_agreements_partner_id_version")),
    )
    op.create_table(
        "source_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("request_message_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_source_confirmations_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_confirmations")),
        sa.UniqueConstraint(
            "request_message_id", name=op.f("uq_source_confirmations_request_message_id")
        ),
    )
    op.create_index(
        op.f("ix_source_confirmations_alert_id"), "source_confirmations", ["alert_id"], unique=False
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("source_confirmations")
    op.drop_table("agreements")
    op.drop_table("sharing_groups")
    op.drop_table("share_recipients")
    op.drop_table("share_outbox")
    op.drop_table("share_inbox")
    op.drop_table("partners")
    op.drop_table("partner_lists")
