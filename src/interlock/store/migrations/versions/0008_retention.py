"""Tables of the retention part (see interlock.store.schema_retention).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the retention tables."""


def downgrade() -> None:
    """Drop the retention tables."""
