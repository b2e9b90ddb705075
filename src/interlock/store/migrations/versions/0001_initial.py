"""Initial schema: messages and their status history, flights with manifest versions and legs,
bookings (one row per PNR push), travellers and travel documents.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _text(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False)


def _ref(
    name: str, target: str, *, nullable: bool = False, cascade: bool = False
) -> sa.Column[int]:
    key = sa.ForeignKey(target, ondelete="CASCADE" if cascade else None)
    return sa.Column(name, sa.Integer(), key, nullable=nullable)


def _index(table: str, *columns: str, name: str | None = None) -> None:
    op.create_index(name or op.f(f"ix_{table}_{columns[0]}"), table, list(columns))


def upgrade() -> None:
    """Create every table of the store."""
    _create_message()
    _create_flight()
    _create_booking()
    _create_traveller()


def _create_message() -> None:
    op.create_table(
        "message",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        _text("sender"),
        _text("source", nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("format", sa.String(16)),
        *(_json(name) for name in ("warnings", "errors", "dropped_elements", "flight_keys")),
        sa.Column("traveller_count", sa.Integer(), nullable=False),
    )
    for column in ("format", "received_at", "status"):
        _index("message", column)
    op.create_table(
        "message_status",
        _id(),
        _ref("message_id", "message.id", cascade=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.Text()),
    )
    _index("message_status", "message_id")


def _create_flight() -> None:
    op.create_table(
        "flight",
        _id(),
        _text("key", nullable=False),
        _text("carrier", nullable=False),
        _text("number", nullable=False),
        sa.Column("departure_date", sa.Date()),
        _text("origin"),
        _text("destination"),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("key", name=op.f("uq_flight_key")),
    )
    _index("flight", "departure_date")
    op.create_table(
        "flight_version",
        _id(),
        _ref("flight_id", "flight.id", cascade=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _ref("message_id", "message.id"),
        _text("manifest", nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("traveller_count", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "flight_id", "version", name=op.f("uq_flight_version_flight_id_version")
        ),
    )
    _index("flight_version", "flight_id", "is_current", name="ix_flight_version_flight_current")
    _index("flight_version", "message_id")
    op.create_table(
        "flight_leg",
        _id(),
        _ref("flight_version_id", "flight_version.id", cascade=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("carrier", nullable=False),
        _text("number", nullable=False),
        _text("departure_airport"),
        _text("arrival_airport"),
        sa.Column("departure", sa.DateTime()),
        sa.Column("arrival", sa.DateTime()),
    )
    _index("flight_leg", "flight_version_id")


def _create_booking() -> None:
    op.create_table(
        "booking",
        _id(),
        _text("carrier", nullable=False),
        _text("record_locator", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        _ref("message_id", "message.id"),
        _ref("flight_id", "flight.id", nullable=True),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("created", sa.Date()),
        sa.Column("traveller_count", sa.Integer(), nullable=False),
        _text("travel_agent"),
        *(_json(n) for n in ("itinerary", "payments", "contacts", "ticket_numbers", "history")),
        sa.UniqueConstraint(
            "carrier",
            "record_locator",
            "version",
            name=op.f("uq_booking_carrier_record_locator_version"),
        ),
    )
    _index("booking", "carrier", "record_locator", name="ix_booking_locator")
    _index("booking", "flight_id")
    _index("booking", "message_id")


def _create_traveller() -> None:
    op.create_table(
        "traveller",
        _id(),
        _ref("message_id", "message.id"),
        _ref("flight_version_id", "flight_version.id", nullable=True, cascade=True),
        _ref("booking_id", "booking.id", nullable=True, cascade=True),
        _text("surname", nullable=False),
        _text("given_names", nullable=False),
        sa.Column("birth_date", sa.Date()),
        _text("birth_date_precision", nullable=False),
        _text("sex"),
        _text("nationality"),
        _text("role", nullable=False),
        sa.Column("infant", sa.Boolean(), nullable=False),
        *(_text(n) for n in ("record_locator", "reference", "seat", "residence_country")),
        *(_text(n) for n in ("birth_place", "embarkation", "debarkation")),
        sa.Column("address", sa.Text()),
        _json("contacts"),
        _json("frequent_flyer"),
    )
    for column in ("booking_id", "flight_version_id", "message_id", "surname"):
        _index("traveller", column)
    op.create_table(
        "travel_document",
        _id(),
        _ref("traveller_id", "traveller.id", cascade=True),
        _text("type", nullable=False),
        _text("number", nullable=False),
        _text("issuing_country"),
        sa.Column("expiry", sa.Date()),
        sa.Column("issue_date", sa.Date()),
    )
    _index("travel_document", "number")
    _index("travel_document", "traveller_id")


def downgrade() -> None:
    """Drop every table of the store, dependants first."""
    for table in ("travel_document", "traveller", "booking", "flight_leg", "flight_version"):
        op.drop_table(table)
    for table in ("flight", "message_status", "message"):
        op.drop_table(table)
