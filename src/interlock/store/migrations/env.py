"""Alembic environment: the engine comes from :func:`interlock.store.engine.alembic_config`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from interlock.store.schema import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through interlock.store.engine.migrate()")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
