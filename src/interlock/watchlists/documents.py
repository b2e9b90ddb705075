"""Lost, stolen and invalidated travel documents from CSV, and document-number normalisation.

Columns (header row, any order, case ignored; see docs/watchlist-formats.md):
``document_number`` and ``issuing_country`` (required), ``document_type`` (P, ID, V …),
``status`` (lost, stolen, invalidated, revoked; ``recovered`` marks the entry delisted),
``reported_on`` (YYYY-MM-DD), ``reported_by``, ``id`` (default ``ISSUER:NUMBER``).
Each row becomes an entry of kind ``document`` with one document and no names. A row with an
unreadable value is skipped whole with an issue naming its line and column.
"""

from __future__ import annotations

import unicodedata

from interlock.errors import ParseError
from interlock.watchlists.csv_rows import CellError, Row, country, full_date, open_table, read_table
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryStatus,
    ImportResult,
    WatchlistEntry,
)

LIST_NAME = "Document list"
COLUMNS = (
    "id", "document_number", "document_type", "issuing_country", "status", "reported_on",
    "reported_by",
)  # fmt: skip
REQUIRED = ("document_number", "issuing_country")
STATUSES = {
    "": EntryStatus.ACTIVE,
    "lost": EntryStatus.ACTIVE,
    "stolen": EntryStatus.ACTIVE,
    "invalidated": EntryStatus.ACTIVE,
    "revoked": EntryStatus.ACTIVE,
    "recovered": EntryStatus.DELISTED,
}
# Spaces, hyphens and dashes, dots and the MRZ filler are layout, not part of the number.
_LAYOUT = dict.fromkeys(map(ord, " \t\r\n\u00a0-.<\u2010\u2011\u2012\u2013\u2014\u2015\u2212"))


def normalise_document_number(text: str) -> str:
    """The comparable form of a document number: NFKC, upper case, no spaces, hyphens, dots, '<'.

    >>> normalise_document_number(" ab-12.345<<")
    'AB12345'
    """
    return unicodedata.normalize("NFKC", text).upper().translate(_LAYOUT)


def read_document_list(
    data: bytes, *, source: str = "", list_name: str = LIST_NAME
) -> ImportResult:
    """Read a document-list CSV; rows with unreadable values are skipped and reported.

    Raises :class:`ParseError` for a file that is not UTF-8, lacks a required column, or whose
    rows all fail.
    """
    result = ImportResult()
    table = open_table(data, source=source, known=COLUMNS, issues=result.issues)
    missing = [name for name in REQUIRED if name not in table.header]
    if missing:
        raise ParseError(f"the header lacks {', '.join(missing)}", location=table.where(1))
    read_table(table, result, lambda row: _entry(row, list_name))
    return result


def _entry(row: Row, list_name: str) -> WatchlistEntry:
    number = normalise_document_number(row.get("document_number"))
    if not number:
        raise CellError("document_number", "empty document number")
    issuer = row.get("issuing_country")
    if not issuer:
        raise CellError("issuing_country", "empty issuing country")
    code = country("issuing_country", issuer)
    status = row.get("status").casefold()
    if status not in STATUSES:
        expected = "lost, stolen, invalidated, revoked or recovered"
        raise CellError("status", f"{row.get('status')!r} is not {expected}")
    return WatchlistEntry(
        entry_id=row.get("id") or f"{code}:{number}",
        list_name=list_name,
        kind=EntryKind.DOCUMENT,
        documents=[EntryDocument(row.get("document_type").upper(), number, code)],
        listed_on=full_date("reported_on", row.get("reported_on")),
        nominating_source=row.get("reported_by"),
        reason=status,
        status=STATUSES[status],
    )
