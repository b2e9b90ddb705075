"""The node's store: SQLAlchemy 2 tables, Alembic migrations, small repositories.

SQLite in the data folder by default, PostgreSQL through ``INTERLOCK_DATABASE_URL``.
"""

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
