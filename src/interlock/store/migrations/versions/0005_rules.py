"""Tables of the rules part (see interlock.store.schema_rules).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the rules tables."""


def downgrade() -> None:
    """Drop the rules tables."""
