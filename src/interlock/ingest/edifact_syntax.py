"""UN/EDIFACT syntax pieces shared by the lexer and the writers: delimiters and segments.

:class:`Segment` splits its data elements lazily. The lexer hands it the text already cut
at the element separator; components are split only when asked for, so a parser that reads
two values of a segment does not pay for splitting all of them. Segments whose text holds
the release character are split (and unescaped) eagerly by the lexer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


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
        release = self.release or " "
        return (
            f"UNA{self.component}{self.element}{self.decimal}"
            f"{release}{self.repetition}{self.terminator}"
        )

    def escape(self, value: str) -> str:
        """Put the release character before every service character in ``value``."""
        if not self.release:
            return value
        specials = self.component + self.element + self.release + self.terminator
        return value.translate(_escape_table(specials, self.release))


@lru_cache(maxsize=64)
def _escape_table(specials: str, release: str) -> dict[int, str]:
    """str.translate table putting ``release`` before each service character."""
    return {ord(ch): release + ch for ch in specials}


DEFAULT_DELIMITERS = Delimiters()


class Segment:
    """One segment: its tag, its data elements (each a list of components) and its place.

    ``number`` counts segments from the start of the interchange (1-based, UNA excluded).
    """

    __slots__ = ("_component", "_elements", "_parts", "number", "tag")

    def __init__(
        self,
        tag: str,
        elements: list[list[str]] | None = None,
        number: int = 0,
        *,
        parts: list[str] | None = None,
        component: str = ":",
    ) -> None:
        self.tag = tag
        self.number = number
        self._elements = elements
        self._parts = parts if parts is not None else [tag]
        self._component = component

    @property
    def elements(self) -> list[list[str]]:
        """The data elements after the tag, each a list of its components."""
        if self._elements is None:
            comp = self._component
            self._elements = [p.split(comp) for p in self._parts[1:]]
        return self._elements

    @elements.setter
    def elements(self, value: list[list[str]]) -> None:
        self._elements = value

    @property
    def location(self) -> str:
        return f"segment {self.number} ({self.tag})"

    def get(self, element: int, component: int = 0) -> str:
        """Value at ``element`` (1-based, after the tag), ``component`` (0-based); '' if absent."""
        if self._elements is None:
            parts = self._parts
            if element < 1 or element >= len(parts):
                return ""
            value = parts[element]
            if self._component not in value:
                return value if component == 0 else ""
            comps = value.split(self._component)
        else:
            if element < 1 or element > len(self._elements):
                return ""
            comps = self._elements[element - 1]
        return comps[component] if 0 <= component < len(comps) else ""

    def element_count(self) -> int:
        """How many data elements follow the tag."""
        return len(self._parts) - 1 if self._elements is None else len(self._elements)

    def element(self, element: int) -> list[str]:
        """All components of data element ``element`` (1-based), empty if absent."""
        if self._elements is None:
            parts = self._parts
            if element < 1 or element >= len(parts):
                return []
            return parts[element].split(self._component)
        if element < 1 or element > len(self._elements):
            return []
        return self._elements[element - 1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return (self.tag, self.number, self.elements) == (other.tag, other.number, other.elements)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Segment(tag={self.tag!r}, elements={self.elements!r}, number={self.number!r})"


def split_released(text: str, sep: str, release: str) -> list[str]:
    """Split on ``sep`` except where the release character escapes it; escapes stay in place.

    A separator is escaped when the text before it ends in an odd run of release characters.
    """
    parts = text.split(sep)
    if not release or release not in text:
        return parts
    out: list[str] = []
    pending: str | None = None
    for part in parts:
        if pending is not None:
            part = pending + sep + part
        if part.endswith(release) and (len(part) - len(part.rstrip(release))) % 2 == 1:
            pending = part
        else:
            out.append(part)
            pending = None
    if pending is not None:
        out.append(pending)
    return out


def unescape(value: str, release: str) -> str:
    """Drop release characters, keeping the character each one escapes."""
    if not release or release not in value:
        return value
    out: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == release:
            if i + 1 < n:
                out.append(value[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def split_escaped_elements(raw: str, d: Delimiters) -> list[list[str]]:
    """Elements and components of one segment text that holds release characters."""
    return [
        [unescape(c, d.release) for c in split_released(e, d.component, d.release)]
        for e in split_released(raw, d.element, d.release)
    ]


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
