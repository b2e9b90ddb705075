"""STIX objects served over TAXII 2.1 (see interlock.store.schema_taxii).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "taxii_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_root", sa.String(), nullable=False),
        sa.Column("collection", sa.String(length=64), nullable=False),
        sa.Column("stix_id", sa.String(), nullable=False),
        sa.Column("stix_type", sa.String(length=250), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.Column("object", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_objects")),
        sa.UniqueConstraint(
            "api_root",
            "collection",
            "stix_id",
            "version",
            name=op.f("uq_taxii_objects_api_root_collection_stix_id_version"),
        ),
    )
    op.create_index(
        "ix_taxii_objects_page",
        "taxii_objects",
        ["api_root", "collection", "added_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_taxii_objects_stix_id",
        "taxii_objects",
        ["api_root", "collection", "stix_id"],
        unique=False,
    )
    op.create_table(
        "taxii_status",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("api_root", sa.String(), nullable=False),
        sa.Column("collection", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_status")),
    )
    op.create_index(op.f("ix_taxii_status_api_root"), "taxii_status", ["api_root"], unique=False)


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_taxii_status_api_root"), table_name="taxii_status")
    op.drop_table("taxii_status")
    op.drop_index("ix_taxii_objects_stix_id", table_name="taxii_objects")
    op.drop_index("ix_taxii_objects_page", table_name="taxii_objects")
    op.drop_table("taxii_objects")
