"""Screening queries from traveller data: any message ``interlock parse`` reads, JSONL query
files (DESIGN.md §3), or one mapping (a line of such a file, an API request, CLI options).

A JSONL query file is a traveller list in the tabular format (``interlock.ingest.tabular``):
one object per line with ``id``, ``name`` or ``given_names`` + ``surname``, ``birth_date``
(``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``nationality`` (ISO 3166 alpha-2 or alpha-3, or an
ICAO 9303 code; kept as alpha-3), ``gender``, ``document_number`` and ``document_country``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from interlock.errors import ParseError
from interlock.ingest.detect import parse_message
from interlock.ingest.tabular import RowError, parse_partial_date
from interlock.model import DatePrecision, Format, Issue, Sex, Traveller
from interlock.model.countries import iso_country, to_alpha3
from interlock.screening.model import Query
from interlock.watchlists.model import PartialDate

QUERY_KEYS = (
    "id", "name", "given_names", "surname", "birth_date", "nationality", "gender",
    "document_number", "document_country",
)  # fmt: skip
_GENDER = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "X": None, "U": None}
_TABULAR = (Format.JSONL, Format.CSV)


def partial_date(value: date | None, precision: DatePrecision) -> PartialDate | None:
    """A traveller's birth date as a :class:`PartialDate`, keeping only what is known."""
    if value is None:
        return None
    if precision is DatePrecision.YEAR:
        return PartialDate(value.year)
    if precision is DatePrecision.MONTH:
        return PartialDate(value.year, value.month)
    return PartialDate(value.year, value.month, value.day)


def alpha3(code: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2, alpha-3 or ICAO 9303 code (``D`` → ``DEU``); ICAO codes
    without a country (``XXA`` stateless, ``UNO`` …) stay as they are; None if unknown."""
    code = to_alpha3(code)
    return iso_country(code) or code


def query_from_traveller(t: Traveller, *, id: str | None = None) -> Query:
    """The screening query for one traveller: names, birth date with its precision,
    nationality, sex as gender (``X`` gives none), the first travel document."""
    document = t.documents[0] if t.documents else None
    return Query(
        given_names=t.given_names,
        surname=t.surname,
        id=id,
        birth_date=partial_date(t.birth_date, t.birth_date_precision),
        nationality=alpha3(t.nationality),
        gender=t.sex.value if t.sex in (Sex.MALE, Sex.FEMALE) else None,
        document_number=document.number if document else None,
        document_country=alpha3(document.issuing_country) if document else None,
    )


def read_queries(
    path: Path, *, issues: list[Issue] | None = None
) -> Iterator[tuple[Query, dict[str, Any]]]:
    """Every traveller in one input file as a query, with the traveller's JSON view for output
    (``Traveller.to_dict()`` plus ``id``, ``source``, ``position`` 1-based in the file, and the
    message ``format``: PNR travellers are screened only against sought lists, SG-17).

    A JSONL or CSV query file with a bad line raises :class:`ParseError` naming the file and
    the line, before any query is given. A message (PAXLST, PNRGOV, MRZ) that is partly broken
    gives the travellers that parsed; its errors and warnings are appended to ``issues``.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(exc.strerror or "cannot read", location=str(path)) from None
    messages = parse_message(data, source=str(path))
    for message in messages:
        if message.errors and message.format in _TABULAR:
            first = message.errors[0]
            more = f" (and {len(message.errors) - 1} more)" if len(message.errors) > 1 else ""
            raise ParseError(first.reason + more, location=first.location)
        if issues is not None:
            issues.extend(message.errors)
            issues.extend(message.warnings)
    position = 0
    for message in messages:
        for traveller in message.travellers:
            position += 1
            view = traveller.to_dict()
            view.update(id=traveller.reference, source=str(path), position=position,
                        format=message.format.value)  # fmt: skip
            yield query_from_traveller(traveller, id=traveller.reference), view


def query_from_mapping(row: Mapping[str, Any], *, location: str = "") -> Query:
    """One query from a mapping with the JSONL query keys; ``name`` is kept whole (the
    screener does not trust name order). Raises :class:`ParseError` naming ``location``."""
    try:
        return _query(row)
    except RowError as exc:
        raise ParseError(str(exc), location=location) from None


def _query(row: Mapping[str, Any]) -> Query:
    name, given, surname = _text(row, "name"), _text(row, "given_names"), _text(row, "surname")
    if not (name or given or surname):
        raise RowError("no name: 'name' or 'given_names' and 'surname' is required")
    birth, precision = parse_partial_date(_text(row, "birth_date"), "birth_date")
    number = _text(row, "document_number").upper().replace(" ", "")
    return Query(
        name=name if not (given or surname) else "",
        given_names=given,
        surname=surname,
        id=_text(row, "id") or None,
        birth_date=partial_date(birth, precision),
        nationality=_country(row, "nationality"),
        gender=_gender(_text(row, "gender") or _text(row, "sex")),
        document_number=number or None,
        document_country=_country(row, "document_country"),
    )


def query_view(query: Query) -> dict[str, Any]:
    """The JSON view of a query given directly (``interlock match``, the API)."""
    return {
        "id": query.id,
        "name": query.full_name,
        "birth_date": date_text(query.birth_date),
        "nationality": query.nationality,
        "gender": query.gender,
        "document_number": query.document_number,
        "document_country": query.document_country,
    }


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise RowError(f"{key}: expected text, got {type(value).__name__}")
    return " ".join(str(value).split())


def _country(row: Mapping[str, Any], key: str) -> str | None:
    value = _text(row, key)
    if not value:
        return None
    code = alpha3(value)
    if code is None:
        raise RowError(f"{key}: {value!r} is not an ISO 3166 or ICAO 9303 country code")
    return code


def _gender(value: str) -> str | None:
    if not value:
        return None
    try:
        return _GENDER[value.upper()]
    except KeyError:
        raise RowError(f"gender: {value!r} is not M, F or X") from None


def date_text(value: PartialDate | None) -> str | None:
    """A partial date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if value is None:
        return None
    parts = [f"{value.year:04d}"]
    if value.month is not None:
        parts.append(f"{value.month:02d}")
        if value.day is not None:
            parts.append(f"{value.day:02d}")
    return "-".join(parts)
