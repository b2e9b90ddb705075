"""Import a national list of persons and entities from CSV (columns in docs/watchlist-formats.md).

The header names the columns (any order, case ignored); ``id`` and ``name`` or ``surname`` are
required. Several values in one cell are separated by ``;``. A row with an unreadable value is
skipped whole, with an issue naming its line and column: a half-read entry could match when it
should not (a lost ``status``) or never expire (a lost ``review_by``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from interlock.errors import ParseError
from interlock.watchlists.csv_rows import (
    CellError,
    Row,
    country,
    full_date,
    open_table,
    partial_date,
    read_table,
)
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    ImportResult,
    NameStrength,
    WatchlistEntry,
)

T = TypeVar("T")

LIST_NAME = "National list"
COLUMNS = (
    "id", "kind", "name", "given_names", "surname", "aliases", "weak_aliases", "birth_date",
    "nationality", "gender", "document_number", "document_type", "document_country",
    "nominating_source", "reason", "review_by", "status", "listed_on", "remarks",
)  # fmt: skip
_KINDS = {
    "": EntryKind.PERSON,
    "person": EntryKind.PERSON,
    "individual": EntryKind.PERSON,
    "entity": EntryKind.ENTITY,
    "organisation": EntryKind.ENTITY,
    "organization": EntryKind.ENTITY,
}
_GENDERS: dict[str, str | None] = {
    "": None, "x": None, "u": None, "unknown": None, "m": "M", "male": "M", "f": "F", "female": "F",
}  # fmt: skip
_STATUSES = {"": EntryStatus.ACTIVE, "active": EntryStatus.ACTIVE, "delisted": EntryStatus.DELISTED}


def read_national_csv(data: bytes, *, source: str = "", list_name: str = LIST_NAME) -> ImportResult:
    """Read a national-list CSV; rows with unreadable values are skipped and reported.

    Raises :class:`ParseError` for a file that is not UTF-8, has no ``id`` or name column, or
    whose rows all fail.
    """
    result = ImportResult()
    table = open_table(data, source=source, known=COLUMNS, issues=result.issues)
    if "id" not in table.header or not {"name", "surname"} & set(table.header):
        reason = "the header must name an 'id' column and a 'name' or 'surname' column"
        raise ParseError(reason, location=table.where(1))
    read_table(table, result, lambda row: _entry(row, list_name))
    return result


def _entry(row: Row, list_name: str) -> WatchlistEntry:
    entry_id = row.get("id")
    if not entry_id:
        raise CellError("id", "empty id")
    kind = _lookup(_KINDS, row, "kind", "person or entity")
    return WatchlistEntry(
        entry_id=entry_id,
        list_name=list_name,
        kind=kind,
        names=_names(row, kind),
        birth_dates=[partial_date("birth_date", v) for v in row.many("birth_date")],
        nationalities=_unique(country("nationality", v) for v in row.many("nationality")),
        documents=_documents(row),
        listed_on=full_date("listed_on", row.get("listed_on")),
        remarks=row.get("remarks"),
        gender=_lookup(_GENDERS, row, "gender", "M, F, male, female, X or empty"),
        nominating_source=row.get("nominating_source"),
        reason=row.get("reason"),
        review_by=full_date("review_by", row.get("review_by")),
        status=_lookup(_STATUSES, row, "status", "active or delisted"),
    )


def _lookup(table: dict[str, T], row: Row, column: str, expected: str) -> T:
    value = row.get(column)
    try:
        return table[value.casefold()]
    except KeyError:
        raise CellError(column, f"{value!r} is not {expected}") from None


def _names(row: Row, kind: EntryKind) -> list[EntryName]:
    given, family = row.get("given_names"), row.get("surname")
    full = row.get("name") or " ".join(part for part in (given, family) if part)
    if not full:
        column = "name" if "name" in row.cells else "surname"
        raise CellError(column, "no name: fill 'name' or 'given_names' and 'surname'")
    if kind is EntryKind.PERSON:
        names = [EntryName(full, given=given, family=family)]
    else:
        names = [EntryName(full)]
    names += [EntryName(a, strength=NameStrength.ALIAS) for a in row.many("aliases")]
    names += [EntryName(a, strength=NameStrength.WEAK_ALIAS) for a in row.many("weak_aliases")]
    return names


def _documents(row: Row) -> list[EntryDocument]:
    """One document per number; a single type or country applies to every number."""
    numbers = row.many("document_number")
    types = _spread(row, "document_type", len(numbers))
    countries = [
        country("document_country", c) if c else None
        for c in _spread(row, "document_country", len(numbers))
    ]
    return [EntryDocument(t, n, c) for n, t, c in zip(numbers, types, countries, strict=True)]


def _spread(row: Row, column: str, count: int) -> list[str]:
    values = row.many(column)
    if values and not count:
        raise CellError(column, "given without a document_number")
    if len(values) <= 1:
        return [values[0] if values else ""] * count
    if len(values) != count:
        raise CellError(column, f"{len(values)} values for {count} document numbers")
    return values


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
