"""Tables of the subject_requests part (see interlock.store.schema_subject_requests).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the subject_requests tables."""


def downgrade() -> None:
    """Drop the subject_requests tables."""
