"""The shape of a machine-readable zone: line count, line length and character set.

ICAO 9303 zones are 3 lines of 30 (TD1), or 2 lines of 36 (TD2, MRV-B) or 44 (TD3, MRV-A),
in upper-case ``A-Z``, digits and the filler ``<``. Surrounding whitespace is tolerated;
anything else is an error naming the line and the reason. Spaces inside a line (as OCR
produces) and lower case are reported, never guessed away.
"""

from __future__ import annotations

from collections.abc import Sequence

from interlock.errors import ParseError

MRZ_LENGTHS = (30, 36, 44)
_MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
_TWO_LINE_LENGTHS = (36, 44)


def where(location: str, line: int) -> str:
    """``location: line N``, or ``line N`` without a location."""
    return f"{location}: line {line}" if location else f"line {line}"


def is_mrz_line(line: str) -> bool:
    """True if every character of ``line`` is ``A-Z``, ``0-9`` or ``<``."""
    return not line.strip(_MRZ_CHARS)


def clean_lines(lines: Sequence[str], location: str, first_line: int) -> list[str]:
    """The lines without surrounding whitespace, checked for count, characters and length."""
    if len(lines) not in (2, 3):
        raise ParseError(
            f"an MRZ has 2 or 3 lines, found {len(lines)}", location=where(location, first_line)
        )
    clean = [str(line).strip() for line in lines]
    for offset, line in enumerate(clean):
        _check_characters(line, where(location, first_line + offset))
    expected = _expected_length(clean)
    for offset, line in enumerate(clean):
        if len(line) != expected:
            raise ParseError(
                _length_reason(len(line), expected, len(clean)),
                location=where(location, first_line + offset),
            )
    return clean


def _expected_length(lines: list[str]) -> int:
    if len(lines) == 3:
        return 30
    for line in lines:
        if len(line) in _TWO_LINE_LENGTHS:
            return len(line)
    return 0


def _length_reason(found: int, expected: int, count: int) -> str:
    if expected:
        return f"line has {found} characters, expected {expected}"
    return f"line has {found} characters; a {count}-line MRZ has lines of 36 or 44"


def _check_characters(line: str, location: str) -> None:
    if is_mrz_line(line):
        return
    for index, char in enumerate(line, start=1):
        if char in _MRZ_CHARS:
            continue
        if char.isspace():
            reason = f"whitespace inside the line at position {index} (OCR?); not guessed"
        elif "a" <= char <= "z":
            reason = f"lower-case {char!r} at position {index}; an MRZ is upper case"
        else:
            reason = f"character {char!r} at position {index} is not allowed (A-Z, 0-9, <)"
        raise ParseError(reason, location=location)
