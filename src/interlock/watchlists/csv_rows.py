"""CSV plumbing shared by the national-list and document-list readers.

A file is UTF-8 (a byte-order mark is allowed) with a header row; header names are matched
without regard to case or surrounding spaces. Each data row comes with the line it starts on,
and a value that cannot be read raises :class:`CellError` naming its column, so the reader can
report ``line N, column M (name)``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from interlock.errors import ParseError
from interlock.model.countries import iso_country, to_alpha3
from interlock.model.travel import Issue
from interlock.watchlists.model import ImportResult, PartialDate, WatchlistEntry, country_code

MULTI = ";"  # separates several values in one cell


class CellError(ValueError):
    """A value in one column of one row that cannot be read."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(slots=True)
class Row:
    """One data row: the line it starts on and its cells by header name (absent → "").

    Whitespace in a cell is collapsed to single spaces (a quoted cell may span lines).
    """

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def many(self, column: str) -> list[str]:
        """The ``;``-separated values of a cell, blanks dropped."""
        return [part.strip() for part in self.get(column).split(MULTI) if part.strip()]


@dataclass(slots=True)
class Table:
    """A decoded CSV file: its header and a way to place errors in it."""

    source: str
    header: list[str]
    text: str

    def where(self, line: int, column: str | None = None) -> str:
        place = f"line {line}"
        if column is not None and column in self.header:
            place += f", column {self.header.index(column) + 1} ({column})"
        elif column is not None:
            place += f", column {column} (not in the header)"
        return f"{self.source}: {place}" if self.source else place


def open_table(data: bytes, *, source: str, known: tuple[str, ...], issues: list[Issue]) -> Table:
    """Decode ``data`` and read its header; unknown columns are reported and ignored."""
    text = decode(data, source)
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise ParseError(f"unreadable CSV header: {exc}", location=_at(source, 1)) from None
    header = [name.strip().lower() for name in first]
    table = Table(source, header, text)
    if not any(header):
        raise ParseError("no header row", location=table.where(1))
    for name in header:
        if name not in known:
            issues.append(Issue(table.where(1, name), "unknown column; ignored"))
    return table


def rows(table: Table, issues: list[Issue]) -> Iterator[Row]:
    """The non-blank data rows; a row the CSV syntax cannot split is reported and skipped."""
    reader = csv.reader(io.StringIO(table.text, newline=""))
    ended = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            issues.append(Issue(table.where(ended + 1), f"bad CSV: {exc}; row skipped"))
            ended = reader.line_num
            continue
        start, ended = ended + 1, reader.line_num
        if start == 1 or not any(f.strip() for f in fields):
            continue
        if len(fields) > len(table.header):
            reason = f"{len(fields)} fields but the header has {len(table.header)}; row skipped"
            issues.append(Issue(table.where(start), reason))
            continue
        cells = zip(table.header, fields, strict=False)  # short rows: missing cells are ""
        yield Row(start, {name: " ".join(value.split()) for name, value in cells})


def read_table(
    table: Table,
    result: ImportResult,
    build: Callable[[Row], WatchlistEntry],
) -> None:
    """Build one entry per row; a row with an unreadable value or a repeated id is skipped.

    Raises :class:`ParseError` for the first bad row when rows were present but none was read,
    so a file that is wrong throughout is refused rather than imported empty.
    """
    first_error: tuple[str, str] | None = None
    seen: set[str] = set()
    for row in rows(table, result.issues):
        try:
            entry = build(row)
            if entry.entry_id in seen:
                raise CellError("id", f"id {entry.entry_id!r} repeats an earlier row")
        except CellError as exc:
            place = table.where(row.line, exc.column)
            result.issues.append(Issue(place, f"{exc.reason}; row skipped"))
            first_error = first_error or (place, exc.reason)
            continue
        seen.add(entry.entry_id)
        result.entries.append(entry)
    if not result.entries and first_error is not None:
        raise ParseError(f"{first_error[1]} (no row could be read)", location=first_error[0])


def decode(data: bytes, source: str) -> str:
    """UTF-8 text without its byte-order mark; invalid bytes are an error naming the line."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        reason = f"not UTF-8 (byte {data[exc.start]:#04x} at byte {column} of the line)"
        raise ParseError(reason, location=_at(source, line)) from None


def _at(source: str, line: int) -> str:
    return f"{source}: line {line}" if source else f"line {line}"


_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def partial_date(column: str, text: str) -> PartialDate:
    """``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``~`` before any of them, or ``YYYY..YYYY``."""
    value = text.strip()
    approximate = value.startswith("~")
    value = value.removeprefix("~").strip()
    start, dots, end = value.partition("..")
    if dots:
        first, last = _year(column, start.strip(), text), _year(column, end.strip(), text)
        if last < first:
            raise CellError(column, f"range {text!r} ends before it starts")
        return PartialDate(first, approximate=approximate, range_to_year=last)
    match = _PARTIAL.fullmatch(value)
    if match is None:
        raise CellError(column, f"{text!r} is not YYYY, YYYY-MM, YYYY-MM-DD, ~YYYY or YYYY..YYYY")
    year = int(match.group(1))
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise CellError(column, f"{text!r} is not a calendar date") from None
    return PartialDate(year, month, day, approximate=approximate)


def _year(column: str, text: str, whole: str) -> int:
    if len(text) != 4 or not text.isdigit():
        raise CellError(column, f"{whole!r}: a range is written YYYY..YYYY")
    return int(text)


def full_date(column: str, text: str) -> date | None:
    """A ``YYYY-MM-DD`` day, or None for an empty cell."""
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(column, f"{text!r} is not a YYYY-MM-DD date") from None


def country(column: str, text: str) -> str:
    """The alpha-3 (or ICAO-only) code for an alpha-2, alpha-3, ICAO code or English name."""
    code = to_alpha3(text) or to_alpha3(country_code(text))
    if code is not None:
        code = iso_country(code) or code  # ICAO "D" is DEU; organisations (UNO…) stay
    if code is None:
        raise CellError(column, f"{text!r} is not a country code")
    return code
