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
from interlock.model import Issue

_SERVICE_TAGS = ("UNB", "UNG", "UNH")
_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_LINE_BREAKS = str.maketrans("", "", "\r\n")
TYPOGRAPHIC_APOSTROPHE = "\u2019"


class EdifactError(ParseError):
    """The input cannot be read as UN/EDIFACT."""


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters of an interchange (UNA or the defaults)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "
    terminator: str = "'"

    def una(self) -> str:
        """The UNA service string advice that announces these delimiters."""
        return (
            f"UNA{self.component}{self.element}{self.decimal}"
            f"{self.release}{self.repetition}{self.terminator}"
        )

    def escape(self, value: str) -> str:
        """Put the release character before every service character in ``value``."""
        if not self.release:
            return value
        specials = {self.component, self.element, self.release, self.terminator}
        if not any(ch in value for ch in specials):
            return value
        return "".join(self.release + ch if ch in specials else ch for ch in value)


DEFAULT_DELIMITERS = Delimiters()


@dataclass(slots=True)
class Segment:
    """One segment: its tag, its data elements (each a list of components) and its place."""

    tag: str
    elements: list[list[str]]
    number: int

    @property
    def location(self) -> str:
        return f"segment {self.number} ({self.tag})"

    def get(self, element: int, component: int = 0) -> str:
        """Value at ``element`` (1-based, after the tag), ``component`` (0-based); '' if absent."""
        if element < 1 or element > len(self.elements):
            return ""
        comps = self.elements[element - 1]
        return comps[component] if component < len(comps) else ""

    def element(self, element: int) -> list[str]:
        """All components of data element ``element`` (1-based), empty if absent."""
        if element < 1 or element > len(self.elements):
            return []
        return self.elements[element - 1]


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
        warnings.append(
            Issue(
                _where(source, "text"), "typographic apostrophe (U+2019) read as segment terminator"
            )
        )
        body = body.replace(TYPOGRAPHIC_APOSTROPHE, "'")
    if delimiters.terminator not in "\r\n":
        body = body.translate(_LINE_BREAKS)
    segments, errors = _segments(body, delimiters, source, warnings)
    if not segments:
        raise EdifactError("no EDIFACT segments found", location=source or "input")
    return Interchange(delimiters, segments, warnings, errors)


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
    advice = text[3:9]
    rest = text[9:]
    if len(advice) == 6 and _plausible(advice):
        if advice[5] == TYPOGRAPHIC_APOSTROPHE:
            warnings.append(
                Issue(_where(source, "UNA"), 'typographic apostrophe (U+2019) in UNA read as "\'"')
            )
            advice = advice[:5] + "'"
        return _delimiters(advice), rest
    five = text[3:8]
    if len(five) == 5 and _plausible_five(five, text[8:]):
        repaired = five[:2] + "." + five[2:]
        warnings.append(
            Issue(
                _where(source, "UNA"),
                f"UNA service string has 5 characters {five!r}, expected 6; "
                f"read as {repaired!r} (decimal mark assumed '.')",
            )
        )
        return _delimiters(repaired), text[8:]
    raise EdifactError(
        f"malformed UNA service string advice {text[:9]!r}", location=_where(source, "UNA")
    )


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
    body: str, d: Delimiters, source: str, warnings: list[Issue]
) -> tuple[list[Segment], list[Issue]]:
    if d.release and d.release in body:
        raw_segments = _split_released(body, d.terminator, d.release)
    else:
        raw_segments = body.split(d.terminator)
    errors: list[Issue] = []
    tail = raw_segments.pop() if raw_segments else ""
    if tail.strip():
        raw_segments.append(tail)
        place = _where(source, f"segment {len(raw_segments)}")
        if re.fullmatch(r"UNZ\W[\w\W]{0,40}", tail.strip()) and tail.strip()[3:4] == d.element:
            warnings.append(Issue(place, "last segment (UNZ) has no segment terminator"))
        else:
            errors.append(
                Issue(place, f"text without a segment terminator at the end: {tail.strip()[:40]!r}")
            )
    segments: list[Segment] = []
    for raw in raw_segments:
        raw = raw.strip()
        if not raw:
            continue
        number = len(segments) + 1
        elements = _elements(raw, d)
        tag = elements[0][0].strip() if elements[0] else ""
        if not _TAG.fullmatch(tag):
            errors.append(
                Issue(_where(source, f"segment {number}"), f"invalid segment tag {tag[:20]!r}")
            )
        segments.append(Segment(tag, elements[1:], number))
    return segments, errors


def _elements(raw: str, d: Delimiters) -> list[list[str]]:
    if d.release and d.release in raw:
        return [
            [_unescape(c, d.release) for c in _split_released(e, d.component, d.release)]
            for e in _split_released(raw, d.element, d.release)
        ]
    comp = d.component
    return [e.split(comp) for e in raw.split(d.element)]


def _split_released(text: str, sep: str, release: str) -> list[str]:
    """Split on ``sep`` except where it is escaped by ``release``; escapes stay in place."""
    parts: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == release:
            i += 2
            continue
        if ch == sep:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _unescape(value: str, release: str) -> str:
    if release not in value:
        return value
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == release and i + 1 < len(value):
            out.append(value[i + 1])
            i += 2
        else:
            if value[i] != release:
                out.append(value[i])
            i += 1
    return "".join(out)


def join_segment(tag: str, elements: list[list[str]] | list[str], d: Delimiters) -> str:
    """Write one segment (with its terminator), escaping service characters in values."""
    parts = [tag]
    for element in elements:
        comps = [element] if isinstance(element, str) else list(element)
        while comps and not comps[-1]:
            comps.pop()
        parts.append(d.component.join(d.escape(c) for c in comps))
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return d.element.join(parts) + d.terminator
