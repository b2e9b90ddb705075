"""Bulk insert of travellers and their documents: one executemany per table and message.

Document rows need the id of their traveller. Asking for ids with RETURNING makes SQLite
insert row by row, so ids are reserved first and written explicitly:

- PostgreSQL: ``n`` values are drawn from the table's own sequence;
- SQLite: the first row is inserted alone and returns its id. From then on the transaction
  holds SQLite's single write lock and that id is the table's largest, so the next ``n - 1``
  ids are free.

On PostgreSQL the rows then go through COPY. On SQLite they go to the driver's ``executemany``
directly, converted the way
SQLAlchemy stores them there (dates as ISO text, JSON as text, booleans as 0/1): SQLAlchemy's
per-row parameter processing would otherwise cost more than SQLite's own work. The store
tests read every column back through SQLAlchemy on both engines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Table, insert, text
from sqlalchemy.orm import Session

from interlock.model import Traveller
from interlock.store.rows import document_row
from interlock.store.schema import TravelDocumentRow, TravellerRow

TRAVELLER: Table = TravellerRow.__table__  # type: ignore[assignment]
DOCUMENT: Table = TravelDocumentRow.__table__  # type: ignore[assignment]

_PG_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('traveller', 'id')) FROM generate_series(1, :n)"
)


def insert_travellers(
    session: Session, travellers: Sequence[Traveller], rows: list[dict[str, Any]]
) -> None:
    """Insert the ``traveller`` rows of ``travellers`` (same order) and all their documents."""
    if not rows:
        return
    ids, pending = _reserve_ids(session, rows)
    for row, traveller_id in zip(pending, ids[len(ids) - len(pending) :], strict=True):
        row["id"] = traveller_id
    insert_rows(session, TRAVELLER, pending)
    documents = [
        document_row(d, traveller_id)
        for traveller_id, t in zip(ids, travellers, strict=True)
        for d in t.documents
    ]
    insert_rows(session, DOCUMENT, documents)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows`` (all with the same keys) into ``table``."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _copy_rows(session, table, rows)
        return
    if dialect != "sqlite":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    converters = [
        (i, to)
        for i, name in enumerate(columns)
        if (to := _SQLITE_VALUE.get(type(table.c[name].type)))
    ]
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" * len(columns))
    values = [_sqlite_values(row, converters) for row in rows]
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
    session.connection().exec_driver_sql(sql, values)


def _copy_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: the rows through COPY, in the session's transaction (an executemany would
    send one INSERT per row). JSON values go as JSON text; psycopg adapts the rest."""
    columns = list(rows[0])
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    names = ", ".join(f'"{name}"' for name in columns)
    driver: Any = session.connection().connection.driver_connection
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = list(row.values())
            for i in as_json:
                values[i] = _json_text(values[i]) if values[i] is not None else None
            copy.write_row(values)


def _sqlite_values(
    row: dict[str, Any], converters: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    values = list(row.values())
    for i, to in converters:
        if values[i] is not None:
            values[i] = to(values[i])
    return tuple(values)


def _json_text(value: Any) -> str:
    """JSON text of a column value; the common empty list without calling the encoder."""
    return "[]" if isinstance(value, list) and not value else json.dumps(value)


_SQLITE_VALUE: dict[type[Any], Callable[[Any], Any]] = {
    Date: date.isoformat,
    JSON: _json_text,
    Boolean: int,
}


def _reserve_ids(
    session: Session, rows: list[dict[str, Any]]
) -> tuple[list[int], list[dict[str, Any]]]:
    """Ids for all ``rows``, and the rows still to be inserted (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        drawn = session.execute(_PG_IDS, {"n": len(rows)}).scalars()
        return [int(i) for i in drawn], rows
    returning = insert(TRAVELLER).returning(TRAVELLER.c.id)
    first = int(session.execute(returning, rows[0]).scalar_one())
    return list(range(first, first + len(rows))), rows[1:]
