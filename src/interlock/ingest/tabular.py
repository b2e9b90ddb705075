"""Traveller lists as CSV (with a header row) and JSON lines.

Columns (CSV header names and JSONL keys are the same; unknown ones are ignored, with a warning):

==================  ==============================================================
``id``              the sender's reference for the person (kept as ``reference``)
``surname``         family name(s)
``given_names``     given name(s)
``name``            the whole name, used when ``surname`` is absent: ``SURNAME, GIVEN`` or
                    ``GIVEN SURNAME`` (the last word is then taken as the surname)
``birth_date``      ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (precision kept)
``sex``/``gender``  M, F or X (also male/female)
``nationality``     ISO 3166 alpha-2 or alpha-3, or an ICAO 9303 code
``role``            passenger (default) or crew
``document_type``   ICAO document code, default P
``document_number`` travel document number
``document_country`` issuing state (alpha-2/alpha-3/ICAO)
``document_expiry`` ``YYYY-MM-DD``
``record_locator``  booking reference
``seat``, ``embarkation``, ``debarkation``, ``residence_country``, ``birth_place``
``carrier``, ``flight_number``, ``flight_date`` (``YYYY-MM-DD``), ``departure_airport``,
``arrival_airport``: when given, travellers are grouped into those flights
==================  ==============================================================

Each bad row becomes an error naming the line and the reason; the other rows are kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from interlock.errors import ParseError
from interlock.model import (
    DatePrecision,
    Flight,
    FlightLeg,
    Format,
    Issue,
    ParsedMessage,
    Role,
    Sex,
    TravelDocument,
    Traveller,
)
from interlock.model.countries import to_alpha3

COLUMNS = (
    "id", "surname", "given_names", "name", "birth_date", "sex", "gender", "nationality", "role",
    "document_type", "document_number", "document_country", "document_expiry", "record_locator",
    "seat", "embarkation", "debarkation", "residence_country", "birth_place", "carrier",
    "flight_number", "flight_date", "departure_airport", "arrival_airport",
)  # fmt: skip
_SEX = {"M": Sex.MALE, "MALE": Sex.MALE, "F": Sex.FEMALE, "FEMALE": Sex.FEMALE,
        "X": Sex.UNSPECIFIED, "U": Sex.UNSPECIFIED}  # fmt: skip


class RowError(ValueError):
    """A value in one row that cannot be read."""


def parse_csv(text: str, *, source: str = "") -> ParsedMessage:
    """Read a CSV traveller list with a header row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    message = ParsedMessage(format=Format.CSV, message_type="CSV", source=source)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ParseError(f"unreadable CSV header: {exc}", location=_at(source, 1)) from None
    if not header or not ({"surname", "name"} & set(header)):
        raise ParseError(
            "CSV header must name a 'surname' or 'name' column", location=_at(source, 1)
        )
    reader.fieldnames = header
    _warn_unknown(message, header, _at(source, 1))
    _read_rows(message, _csv_rows(reader, message, source), source)
    return message


def _csv_rows(
    reader: csv.DictReader[str], message: ParsedMessage, source: str
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Rows with their line numbers; a CSV syntax error ends the list, keeping earlier rows."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message.errors.append(Issue(_at(source, reader.line_num), f"CSV syntax: {exc}"))
            return
        yield reader.line_num, row


def parse_jsonl(text: str, *, source: str = "") -> ParsedMessage:
    """Read JSON lines, one traveller object per line (DESIGN.md §3)."""
    message = ParsedMessage(format=Format.JSONL, message_type="JSONL", source=source)
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            message.errors.append(Issue(_at(source, number), f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(value, dict):
            message.errors.append(Issue(_at(source, number), "expected a JSON object"))
            continue
        rows.append((number, value))
    unknown = sorted({k for _, row in rows for k in row} - set(COLUMNS))
    if unknown:
        message.warnings.append(Issue(_at(source, 0), f"unknown keys ignored: {unknown}"))
    _read_rows(message, rows, source)
    return message


def _at(source: str, line: int) -> str:
    place = f"line {line}" if line else "lines"
    return f"{source}: {place}" if source else place


def _warn_unknown(message: ParsedMessage, header: list[str], where: str) -> None:
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        message.warnings.append(Issue(where, f"unknown columns ignored: {unknown}"))


def _read_rows(
    message: ParsedMessage, rows: Iterable[tuple[int, Mapping[str, Any]]], source: str
) -> None:
    flights: dict[str, Flight] = {}
    for number, row in rows:
        try:
            traveller = traveller_from_row(row)
            flight = _flight_from_row(row)
        except RowError as exc:
            message.errors.append(Issue(_at(source, number), str(exc)))
            continue
        message.travellers.append(traveller)
        if flight is not None:
            flights.setdefault(flight.key, flight)
    message.flights = list(flights.values())


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RowError(f"{key}: expected text, got {type(value).__name__}")
    return str(value).strip()


def traveller_from_row(row: Mapping[str, Any]) -> Traveller:
    """One traveller from a CSV row or JSON object (columns as in the module docstring)."""
    surname, given = _text(row, "surname"), _text(row, "given_names")
    if not surname:
        surname, given = split_name(_text(row, "name"))
    if not surname and not given:
        raise RowError("no name: 'surname' or 'name' is required")
    birth, precision = parse_partial_date(_text(row, "birth_date"), "birth_date")
    return Traveller(
        surname=surname,
        given_names=given,
        birth_date=birth,
        birth_date_precision=precision,
        sex=_sex(_text(row, "sex") or _text(row, "gender")),
        nationality=_country(row, "nationality"),
        role=_role(_text(row, "role")),
        documents=_documents(row),
        record_locator=_text(row, "record_locator") or None,
        reference=_text(row, "id") or None,
        seat=_text(row, "seat") or None,
        embarkation=_text(row, "embarkation").upper() or None,
        debarkation=_text(row, "debarkation").upper() or None,
        residence_country=_country(row, "residence_country"),
        birth_place=_text(row, "birth_place") or None,
    )


def split_name(name: str) -> tuple[str, str]:
    """(surname, given names) from a whole name: ``SURNAME, GIVEN`` or ``GIVEN … SURNAME``."""
    name = " ".join(name.split())
    if "," in name:
        surname, _, given = name.partition(",")
        return surname.strip(), given.strip()
    given, _, surname = name.rpartition(" ")
    return surname, given


def parse_partial_date(value: str, field: str) -> tuple[date | None, DatePrecision]:
    """A date given as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, with its precision."""
    if not value:
        return None, DatePrecision.DAY
    try:
        if len(value) == 4 and value.isdigit():
            return date(int(value), 1, 1), DatePrecision.YEAR
        if len(value) == 7 and value[4] == "-":
            return date(int(value[:4]), int(value[5:7]), 1), DatePrecision.MONTH
        return date.fromisoformat(value), DatePrecision.DAY
    except ValueError:
        raise RowError(f"{field}: {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _sex(value: str) -> Sex | None:
    if not value:
        return None
    try:
        return _SEX[value.upper()]
    except KeyError:
        raise RowError(f"sex: {value!r} is not M, F or X") from None


def _role(value: str) -> Role:
    try:
        return Role(value.lower()) if value else Role.PASSENGER
    except ValueError:
        raise RowError(f"role: {value!r} is not passenger or crew") from None


def _country(row: Mapping[str, Any], key: str) -> str | None:
    value = _text(row, key)
    if not value:
        return None
    code = to_alpha3(value)
    if code is None:
        raise RowError(f"{key}: {value!r} is not an ISO 3166 or ICAO 9303 country code")
    return code


def _documents(row: Mapping[str, Any]) -> list[TravelDocument]:
    number = _text(row, "document_number").upper().replace(" ", "")
    if not number:
        return []
    expiry, _ = parse_partial_date(_text(row, "document_expiry"), "document_expiry")
    return [
        TravelDocument(
            type=_text(row, "document_type").upper() or "P",
            number=number,
            issuing_country=_country(row, "document_country"),
            expiry=expiry,
        )
    ]


def _flight_from_row(row: Mapping[str, Any]) -> Flight | None:
    carrier, number = _text(row, "carrier").upper(), _text(row, "flight_number").upper()
    if not number:
        return None
    if not carrier and len(number) > 2 and number[:2].isalnum() and not number[:2].isdigit():
        carrier, number = number[:2], number[2:]
    day, _ = parse_partial_date(_text(row, "flight_date"), "flight_date")
    departure = datetime(day.year, day.month, day.day) if day else None
    leg = FlightLeg(
        carrier=carrier,
        number=number,
        departure_airport=_text(row, "departure_airport").upper() or None,
        arrival_airport=_text(row, "arrival_airport").upper() or None,
        departure=departure,
    )
    return Flight(carrier=carrier, number=number, legs=[leg])
