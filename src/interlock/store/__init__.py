"""The node's store: SQLAlchemy 2 tables, Alembic migrations, small repositories.

SQLite in the data folder by default, PostgreSQL through ``INTERLOCK_DATABASE_URL``.
"""

# The tables of every part, so that Base.metadata (and the migrations' check) sees them all.
from interlock.store import (  # noqa: F401
    schema_access,
    schema_alerts,
    schema_ledger,
    schema_response,
    schema_retention,
    schema_rules,
    schema_sharing,
    schema_subject_requests,
    schema_taxii,
    schema_unmasking,
)
from interlock.store.engine import create_store_engine, migrate
from interlock.store.repositories import Store
from interlock.store.views import (
    BookingInfo,
    FlightInfo,
    FlightVersionInfo,
    LegInfo,
    MessageInfo,
    MessageStatus,
    StatusChange,
)

__all__ = [
    "BookingInfo",
    "FlightInfo",
    "FlightVersionInfo",
    "LegInfo",
    "MessageInfo",
    "MessageStatus",
    "StatusChange",
    "Store",
    "create_store_engine",
    "migrate",
]
