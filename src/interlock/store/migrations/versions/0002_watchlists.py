"""Managed watchlists: the registry of lists, their imported versions, entries, the changes
each version made, and statuses set by hand.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)
HASH = sa.String(64)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _int(name: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _word(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(16), nullable=nullable)


def _ref(name: str, target: str) -> sa.Column[int]:
    key = sa.ForeignKey(target, ondelete="CASCADE")
    return sa.Column(name, sa.Integer(), key, nullable=False)


def upgrade() -> None:
    """Create the watchlist tables."""
    _create_watchlists()
    _create_entries()
    _create_changes()


def _create_watchlists() -> None:
    op.create_table(
        "watchlists",
        _id(),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        _word("list_type"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _int("current_version"),
        sa.UniqueConstraint("name", name=op.f("uq_watchlists_name")),
    )
    op.create_table(
        "watchlist_versions",
        _id(),
        _ref("watchlist_id", "watchlists.id"),
        _int("version"),
        sa.Column("imported_at", UTC_TIME, nullable=False),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("sha256", HASH, nullable=False),
        sa.Column("refreshed_on", sa.Date()),
        *(_int(name) for name in ("added", "removed", "changed", "unchanged")),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.UniqueConstraint(
            "watchlist_id", "version", name=op.f("uq_watchlist_versions_watchlist_id_version")
        ),
    )


def _create_entries() -> None:
    op.create_table(
        "watchlist_entries",
        _id(),
        _ref("watchlist_id", "watchlists.id"),
        sa.Column("entry_id", sa.String(), nullable=False),
        _word("kind"),
        _word("status"),
        _word("manual_status", nullable=True),
        sa.Column("review_by", sa.Date()),
        sa.Column("nominating_source", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", HASH, nullable=False),
        _int("first_version"),
        _int("last_changed_version"),
        _int("removed_in_version", nullable=True),
        sa.UniqueConstraint(
            "watchlist_id", "entry_id", name=op.f("uq_watchlist_entries_watchlist_id_entry_id")
        ),
    )
    op.create_index(
        "ix_watchlist_entries_list_status", "watchlist_entries", ["watchlist_id", "status"]
    )
    op.create_table(
        "watchlist_status_changes",
        _id(),
        _ref("entry_row_id", "watchlist_entries.id"),
        _word("status"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
    )
    op.create_index(
        op.f("ix_watchlist_status_changes_entry_row_id"),
        "watchlist_status_changes",
        ["entry_row_id"],
    )


def _create_changes() -> None:
    op.create_table(
        "watchlist_changes",
        _id(),
        _ref("version_id", "watchlist_versions.id"),
        sa.Column("entry_id", sa.String(), nullable=False),
        _word("change"),
        sa.Column("before_hash", HASH),
        sa.Column("after_hash", HASH),
        sa.Column("before", sa.JSON()),
    )
    op.create_index(op.f("ix_watchlist_changes_version_id"), "watchlist_changes", ["version_id"])


def downgrade() -> None:
    """Drop the watchlist tables, dependants first."""
    for table in ("watchlist_changes", "watchlist_status_changes", "watchlist_entries"):
        op.drop_table(table)
    for table in ("watchlist_versions", "watchlists"):
        op.drop_table(table)
