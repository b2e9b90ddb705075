"""Tables of the unmasking part (see interlock.store.schema_unmasking).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the unmasking tables."""


def downgrade() -> None:
    """Drop the unmasking tables."""
