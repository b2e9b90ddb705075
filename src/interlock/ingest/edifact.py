"""UN/EDIFACT lexer: bytes or text in, delimiters and segments out.

Tolerant where carriers are sloppy and exact where it matters:

- the UNA service string advice sets the delimiters (component, element, decimal mark,
  release character, repetition separator, segment terminator); without UNA the
  defaults ``:+.? '`` apply;
- a byte-order mark, leading and trailing whitespace, line breaks (CR, LF, anywhere,
  as carriers wrap long lines) and indentation before a segment tag are ignored;
- the release character escapes any delimiter, itself included;
- a typographic apostrophe (U+2019, pasted from PDF guides) where the terminator is the
  ASCII apostrophe is read as the terminator, with a warning;
- a 5-character UNA (the decimal mark left out) is repaired, with a warning.

Problems that leave segments readable are returned as :class:`Issue` s; input that is not
EDIFACT at all raises :class:`EdifactError`. Locations name the segment number (1-based,
counted from the start of the interchange, UNA excluded) and its tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interlock.errors import ParseError
from interlock.ingest.edifact_syntax import (
    DEFAULT_DELIMITERS,
    Delimiters,
    Segment,
    join_segment,
    split_escaped_elements,
    split_released,
)
from interlock.model import Issue

__all__ = [
    "DEFAULT_DELIMITERS",
    "Delimiters",
    "EdifactError",
    "Interchange",
    "Segment",
    "decode",
    "join_segment",
    "lex",
    "looks_like_edifact",
]

_SERVICE_TAGS = ("UNB", "UNG", "UNH")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}", re.ASCII)
TYPOGRAPHIC_APOSTROPHE = "\u2019"


class EdifactError(ParseError):
    """The input cannot be read as UN/EDIFACT."""


@dataclass(slots=True)
class Interchange:
    """The lexed interchange: delimiters in force, segments in order, and lexing issues."""

    delimiters: Delimiters
    segments: list[Segment]
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


def decode(data: bytes | str) -> str:
    """Text from bytes: UTF-8 (BOM dropped), falling back to Latin-1, which never fails."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_like_edifact(text: str) -> bool:
    """True when the text starts (after whitespace) with a UNA, UNB, UNG or UNH segment."""
    head = text.lstrip("\ufeff \t\r\n")[:4]
    return head[:3] in ("UNA", *_SERVICE_TAGS) and (
        head[:3] == "UNA" or len(head) < 4 or not head[3].isalnum()
    )


def lex(data: bytes | str, *, source: str = "") -> Interchange:
    """Split an interchange into segments. Raises :class:`EdifactError` if it is not EDIFACT."""
    text = decode(data).strip()
    if not text:
        raise EdifactError("empty input", location=source or "input")
    warnings: list[Issue] = []
    delimiters, body = _service_string(text, warnings, source)
    if delimiters.terminator == "'" and TYPOGRAPHIC_APOSTROPHE in body:
        body = _typographic_terminators(body, delimiters, warnings, source)
    if delimiters.terminator not in "\r\n" and ("\n" in body or "\r" in body):
        body = body.replace("\r", "").replace("\n", "")
    errors: list[Issue] = []
    segments = _segments(body, delimiters, source, warnings, errors)
    if not segments:
        raise EdifactError("no EDIFACT segments found", location=source or "input")
    return Interchange(delimiters, segments, warnings, errors)


def _typographic_terminators(body: str, d: Delimiters, warnings: list[Issue], source: str) -> str:
    """Read U+2019 as the terminator where a segment tag (or the end) follows it."""
    if "'" in body:
        pattern = re.compile(
            TYPOGRAPHIC_APOSTROPHE
            + r"(?=\s*(?:[A-Z][A-Z0-9]{2}\s*"
            + re.escape(d.element)
            + r"|$))"
        )
        fixed, count = pattern.subn("'", body)
    else:
        fixed, count = body.replace(TYPOGRAPHIC_APOSTROPHE, "'"), 1
    if count:
        warnings.append(
            Issue(
                _where(source, "text"), "typographic apostrophe (U+2019) read as segment terminator"
            )
        )
    return fixed


def _where(source: str, place: str) -> str:
    return f"{source}: {place}" if source else place


def _service_string(text: str, warnings: list[Issue], source: str) -> tuple[Delimiters, str]:
    """Read the UNA if present; return the delimiters and the text after it."""
    if not text.startswith("UNA"):
        if text[:3] not in _SERVICE_TAGS and not _TAG.match(text[:3]):
            raise EdifactError(
                "does not start with an EDIFACT segment tag", location=_where(source, "segment 1")
            )
        return DEFAULT_DELIMITERS, text
    readings: list[tuple[int, int, Delimiters, str, Issue | None]] = []
    advice = text[3:9]
    if len(advice) == 6 and _plausible(advice):
        note = None
        if advice[5] == TYPOGRAPHIC_APOSTROPHE:
            note = Issue(
                _where(source, "UNA"), 'typographic apostrophe (U+2019) in UNA read as "\'"'
            )
            advice = advice[:5] + "'"
        six = _delimiters(advice)
        readings.append((_fit(six, text[9:]), 1, six, text[9:], note))
    five = text[3:8]
    if len(five) == 5 and _plausible_five(five, text[8:]):
        repaired = five[:2] + "." + five[2:]
        note = Issue(
            _where(source, "UNA"),
            f"UNA service string has 5 characters {five!r}, expected 6; "
            f"read as {repaired!r} (decimal mark assumed '.')",
        )
        readings.append((_fit(_delimiters(repaired), text[8:]), 0, _delimiters(repaired),
                         text[8:], note))  # fmt: skip
    if not readings:
        raise EdifactError(
            f"malformed UNA service string advice {text[:9]!r}", location=_where(source, "UNA")
        )
    _, _, delimiters, rest, note = max(readings, key=lambda r: (r[0], r[1]))
    if note is not None:
        warnings.append(note)
    return delimiters, rest


def _fit(d: Delimiters, body: str) -> int:
    """How many of the first segments read under ``d`` start with a well-formed tag: decides
    between a 6-character UNA and a 5-character one whose sixth character is a line break."""
    probe = body[:3000].replace(TYPOGRAPHIC_APOSTROPHE, "'")
    if d.terminator not in "\r\n":
        probe = probe.replace("\r", "").replace("\n", "")
    chunks = [c.strip() for c in probe.split(d.terminator)[:12]]
    return sum(1 for c in chunks if _TAG.fullmatch(c[:3]) and c[3:4] in (d.element, ""))


def _plausible(advice: str) -> bool:
    """Six service characters, pairwise distinct where they must be, none alphanumeric."""
    component, element, release, terminator = advice[0], advice[1], advice[3], advice[5]
    key = (component, element, terminator)
    return (
        len(set(key)) == 3
        and not any(ch.isalnum() for ch in key)
        and release not in key
        and not release.isalnum()
    )


def _plausible_five(five: str, after: str) -> bool:
    """A UNA missing one character: the next text must begin a service segment."""
    return (
        after.lstrip(" \r\n")[:3] in _SERVICE_TAGS
        and len(set(five)) == 5
        and not any(ch.isalnum() for ch in five)
    )


def _delimiters(advice: str) -> Delimiters:
    release = advice[3] if advice[3] != " " else ""
    return Delimiters(advice[0], advice[1], advice[2], release, advice[4], advice[5])


def _segments(
    body: str, d: Delimiters, source: str, warnings: list[Issue], errors: list[Issue]
) -> list[Segment]:
    release = d.release
    escaped = bool(release) and release in body
    raw_segments = (
        split_released(body, d.terminator, release) if escaped else body.split(d.terminator)
    )
    tail = raw_segments[-1].strip()
    junk = bool(tail) and not _TAG.fullmatch(tail[:3])
    if junk:  # trailing text, not a segment: reported once, by _unterminated below
        raw_segments.pop()
    segments: list[Segment] = []
    append = segments.append
    element, component = d.element, d.component
    number = 0
    new_segment = object.__new__
    for raw in raw_segments:
        raw = raw.strip()
        if not raw:
            continue
        number += 1
        if escaped and release in raw:
            segment = _escaped_segment(raw, d, number)
        else:
            parts = raw.split(element)
            if parts[0] not in _GOOD_TAGS:
                parts[0] = parts[0].split(component)[0].strip()
            # Built without __init__: this loop runs once per segment and is the hot path.
            segment = new_segment(Segment)
            segment.tag = parts[0]
            segment.number = number
            segment._elements = None
            segment._parts = parts
            segment._component = component
        append(segment)
        if segment.tag not in _GOOD_TAGS:
            _check_tag(segment.tag, number, source, errors)
    if tail:
        place = _where(source, f"segment {number + junk}")
        _unterminated(tail, d, place, warnings, errors)
    return segments


def _escaped_segment(raw: str, d: Delimiters, number: int) -> Segment:
    """A segment holding release characters: split and unescaped at once."""
    elements = split_escaped_elements(raw, d)
    return Segment(elements[0][0].strip(), elements[1:], number)


_GOOD_TAGS: set[str] = set()


def _check_tag(tag: str, number: int, source: str, errors: list[Issue]) -> None:
    if _TAG.fullmatch(tag):
        if len(_GOOD_TAGS) < 4096:
            _GOOD_TAGS.add(tag)
        return
    # The reason describes the shape only: a bad tag may be a fragment of a name (SG-37).
    reason = "invalid segment tag (a capital and 2 capitals or digits expected)"
    errors.append(Issue(_where(source, f"segment {number}"), reason))


def _unterminated(
    tail: str, d: Delimiters, place: str, warnings: list[Issue], errors: list[Issue]
) -> None:
    """The text after the last terminator: a UNZ missing its terminator, or junk."""
    if tail.startswith("UNZ" + d.element) and len(tail) <= 44:
        warnings.append(Issue(place, "last segment (UNZ) has no segment terminator"))
    else:
        head = tail[:3] if _TAG.fullmatch(tail[:3]) else "?"
        reason = f"{len(tail)} characters after the last segment terminator (tag {head})"
        errors.append(Issue(place, reason + ": truncated message or trailing text"))
