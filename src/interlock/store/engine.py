"""Engines for the store, and the schema migration run programmatically (no alembic.ini).

SQLite connections get ``journal_mode=WAL`` (readers never block the writer),
``synchronous=NORMAL`` (durable at checkpoints, fast commits) and ``foreign_keys=ON``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url

from interlock.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, the folder of the file is created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    """The engine of the node's store, creating the data folder when it is missing."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_store_engine(settings.resolved_database_url)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Index pages of a busy day (hundreds of thousands of travellers) stay in memory.
        cursor.execute("PRAGMA cache_size=-262144")  # KiB: 256 MiB
        cursor.execute("PRAGMA mmap_size=1073741824")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointing at the packaged migrations and at ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate_engine(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema behind ``engine`` to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: the newest)."""
    engine = create_store_engine(url)
    try:
        migrate_engine(engine, revision)
    finally:
        engine.dispose()
