"""ICAO Doc 9303 machine-readable zones: TD1, TD2, TD3, MRV-A and MRV-B.

Our own reading of the standard's structure (Parts 3-7; Part 11 for long document numbers):

- the type comes from the shape (3x30 TD1; 2x36 TD2 or MRV-B; 2x44 TD3 or MRV-A) and, for
  the two-line shapes, from the document code (``V…`` is a visa);
- every check digit is verified, the composite included (TD1, TD2, TD3; visas have none),
  and the result says which fail: ``checks`` maps the field name to pass/fail;
- a TD1/TD2 document number longer than nine characters: the check-digit position after
  the number holds ``<`` and the number continues in the optional data up to the first
  ``<``; the last character of that run is the check digit;
- problems that leave the zone readable (a failing check digit, an invalid date, an
  unknown country code) are warnings; a zone of the wrong shape or with characters outside
  ``A-Z 0-9 <`` raises :class:`ParseError` naming the line and the reason.

Century rules for dates are in :mod:`interlock.ingest.mrz_fields`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from interlock.errors import ParseError
from interlock.ingest.edifact import decode
from interlock.ingest.mrz_fields import check_digit, normalise_country
from interlock.ingest.mrz_layout import LAYOUTS, MrzType, mrz_type_for
from interlock.ingest.mrz_result import MrzResult, ZoneReader
from interlock.ingest.mrz_shape import MRZ_LENGTHS, clean_lines, is_mrz_line, where
from interlock.model import Format, Issue, ParsedMessage

__all__ = [
    "MrzResult",
    "MrzType",
    "check_digit",
    "looks_like_mrz",
    "normalise_country",
    "parse_mrz_text",
    "read_mrz",
]


def read_mrz(lines: Sequence[str], *, location: str = "", today: date | None = None) -> MrzResult:
    """Read one MRZ from its 2 or 3 lines (surrounding whitespace is ignored).

    ``location`` prefixes the places named in errors and warnings (``file.txt: line 2``);
    ``today`` anchors the century inference (default: the current date). Raises
    :class:`ParseError` naming the line and the reason for a wrong line count, length or
    character.
    """
    return _read(lines, location=location, first_line=1, today=today or date.today())


def looks_like_mrz(text: str) -> bool:
    """True if the text holds 2 or 3 consecutive lines of ``A-Z 0-9 <`` of length 30, 36 or 44."""
    run, length = 0, 0
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) in MRZ_LENGTHS and is_mrz_line(line):
            run, length = (run + 1, length) if len(line) == length else (1, len(line))
            if run >= 2:
                return True
        else:
            run, length = 0, 0
    return False


def parse_mrz_text(
    text: str | bytes, *, source: str = "", today: date | None = None
) -> list[ParsedMessage]:
    """One :class:`ParsedMessage` per MRZ in the text; MRZs are separated by blank lines.

    Failing check digits are warnings naming the field; a block that cannot be read becomes
    a message with no traveller and the error, and the other blocks are still returned.
    Raises :class:`ParseError` only when the text holds no lines at all.
    """
    blocks = _blocks(decode(text))
    if not blocks:
        raise ParseError("no MRZ found: the text is empty", location=source or "input")
    anchor = today or date.today()
    return [_message(lines, first, source, anchor) for first, lines in blocks]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the (1-based) number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            if not current:
                blocks.append((number, current))
            current.append(raw)
        else:
            current = []
    return blocks


def _message(lines: list[str], first: int, source: str, today: date) -> ParsedMessage:
    try:
        result = _read(lines, location=source, first_line=first, today=today)
    except ParseError as error:
        issue = Issue(error.location, error.reason)
        return ParsedMessage(format=Format.MRZ, errors=[issue], source=source)
    return ParsedMessage(
        format=Format.MRZ,
        message_type=result.type.value,
        travellers=[result.to_traveller()],
        warnings=list(result.issues),
        source=source,
        checks=dict(result.checks),
    )


def _read(lines: Sequence[str], *, location: str, first_line: int, today: date) -> MrzResult:
    clean = clean_lines(lines, location, first_line)
    layout = LAYOUTS[_type_of(clean, location, first_line)]
    reader = ZoneReader(clean, layout, location, first_line)
    return reader.result(today)


def _type_of(lines: list[str], location: str, first_line: int) -> MrzType:
    found = mrz_type_for(len(lines), len(lines[0]), lines[0][:1])
    if found is None:  # clean_lines has ruled this out; kept for the type checker
        raise ParseError("not an MRZ shape", location=where(location, first_line))
    return found
