"""Where each field sits in the five ICAO Doc 9303 machine-readable zones, declared as data.

Positions follow ICAO Doc 9303 Parts 4 (TD3 passports), 5 (TD1 cards), 6 (TD2 cards) and
7 (MRV-A and MRV-B visas). A :class:`Span` is zero-based and end-exclusive, so "positions
6 to 14 of the upper line" (one-based, as the standard counts) is ``Span(0, 5, 14)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class MrzType(StrEnum):
    """The ICAO 9303 machine-readable zone layouts."""

    TD1 = "TD1"  # 3 lines of 30: identity cards
    TD2 = "TD2"  # 2 lines of 36: identity cards, older official documents
    TD3 = "TD3"  # 2 lines of 44: passports
    MRVA = "MRVA"  # 2 lines of 44, document code V: full-size visas
    MRVB = "MRVB"  # 2 lines of 36, document code V: smaller visas


class Span(NamedTuple):
    """A run of characters: zero-based line index, start and end (exclusive) in that line."""

    line: int
    start: int
    end: int

    def take(self, lines: list[str]) -> str:
        """The characters of this span."""
        return lines[self.line][self.start : self.end]


DOCUMENT_CODE = Span(0, 0, 2)  # the same in every layout
ISSUING_STATE = Span(0, 2, 5)


@dataclass(frozen=True, slots=True)
class Layout:
    """Field positions of one MRZ type.

    ``*_check`` spans are one character long. ``overflow`` is the optional-data span a
    document number longer than nine characters continues into (TD1 and TD2 only).
    ``personal_check`` exists for TD3 only; ``composite`` and ``composite_over`` for TD1,
    TD2 and TD3 (visas have no composite check digit).
    """

    type: MrzType
    line_count: int
    line_length: int
    name: Span
    document_number: Span
    document_check: Span
    nationality: Span
    birth_date: Span
    birth_check: Span
    sex: Span
    expiry_date: Span
    expiry_check: Span
    optional: tuple[Span, ...]
    overflow: Span | None = None
    personal_check: Span | None = None
    composite: Span | None = None
    composite_over: tuple[Span, ...] = ()


def _two_line(
    mrz_type: MrzType,
    length: int,
    *,
    composite: bool,
    personal: bool = False,
    overflow: bool = False,
) -> Layout:
    """TD2, TD3, MRV-A and MRV-B share the lower-line layout up to position 28."""
    optional_end = length - (1 if composite else 0) - (1 if personal else 0)
    optional = Span(1, 28, optional_end)
    return Layout(
        type=mrz_type,
        line_count=2,
        line_length=length,
        name=Span(0, 5, length),
        document_number=Span(1, 0, 9),
        document_check=Span(1, 9, 10),
        nationality=Span(1, 10, 13),
        birth_date=Span(1, 13, 19),
        birth_check=Span(1, 19, 20),
        sex=Span(1, 20, 21),
        expiry_date=Span(1, 21, 27),
        expiry_check=Span(1, 27, 28),
        optional=(optional,),
        overflow=optional if overflow else None,
        personal_check=Span(1, optional_end, optional_end + 1) if personal else None,
        composite=Span(1, length - 1, length) if composite else None,
        composite_over=(
            (Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, length - 1)) if composite else ()
        ),
    )


TD1_LAYOUT = Layout(
    type=MrzType.TD1,
    line_count=3,
    line_length=30,
    name=Span(2, 0, 30),
    document_number=Span(0, 5, 14),
    document_check=Span(0, 14, 15),
    nationality=Span(1, 15, 18),
    birth_date=Span(1, 0, 6),
    birth_check=Span(1, 6, 7),
    sex=Span(1, 7, 8),
    expiry_date=Span(1, 8, 14),
    expiry_check=Span(1, 14, 15),
    optional=(Span(0, 15, 30), Span(1, 18, 29)),
    overflow=Span(0, 15, 30),
    composite=Span(1, 29, 30),
    composite_over=(Span(0, 5, 30), Span(1, 0, 7), Span(1, 8, 15), Span(1, 18, 29)),
)

LAYOUTS: dict[MrzType, Layout] = {
    MrzType.TD1: TD1_LAYOUT,
    MrzType.TD2: _two_line(MrzType.TD2, 36, composite=True, overflow=True),
    MrzType.TD3: _two_line(MrzType.TD3, 44, composite=True, personal=True),
    MrzType.MRVA: _two_line(MrzType.MRVA, 44, composite=False),
    MrzType.MRVB: _two_line(MrzType.MRVB, 36, composite=False),
}


def mrz_type_for(line_count: int, line_length: int, document_code: str) -> MrzType | None:
    """The layout for a zone of this shape; document code ``V…`` marks a visa. None if no fit."""
    visa = document_code.startswith("V")
    if line_count == 3 and line_length == 30:
        return MrzType.TD1
    if line_count == 2 and line_length == 36:
        return MrzType.MRVB if visa else MrzType.TD2
    if line_count == 2 and line_length == 44:
        return MrzType.MRVA if visa else MrzType.TD3
    return None
