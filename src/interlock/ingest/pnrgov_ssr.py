"""PNRGOV SSR segments: the API data SSRs DOCS, DOCO and DOCA, and where an SSR points.

``SSR+CODE:STATUS:QTY:CARRIER:::BOARD:OFF:FREE TEXT+SEAT::TRAVELLER-REF`` — the free text is
component 9 of the first element; the traveller reference, when given, is component 3 of the
second. DOCS free text (IATA API format)::

    /P/GBR/123456789/GBR/12JUL64/M/23AUG19/SURNAME/GIVEN/MIDDLE[/H]

document type, issuing country, number, nationality, birth date (DDMMMYY), sex (M, F, MI/FI
for infants, U/X), expiry (DDMMMYY), surname, given names. DOCO (visa):
``/BIRTHPLACE/V/NUMBER/ISSUE PLACE/ISSUE DATE/COUNTRY``. DOCA (address):
``/R|D/COUNTRY/ADDRESS/CITY/STATE/POSTCODE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from interlock.ingest.edifact import Segment
from interlock.model import Sex, TravelDocument
from interlock.model.countries import to_alpha3

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
_SEXES = {
    "M": (Sex.MALE, False),
    "F": (Sex.FEMALE, False),
    "MI": (Sex.MALE, True),
    "FI": (Sex.FEMALE, True),
    "U": (Sex.UNSPECIFIED, False),
    "X": (Sex.UNSPECIFIED, False),
}


@dataclass(slots=True)
class DocsData:
    """What one SSR DOCS says about a traveller."""

    document: TravelDocument | None
    nationality: str | None
    birth_date: date | None
    sex: Sex | None
    infant: bool
    surname: str
    given_names: str


def ssr_code(segment: Segment) -> str:
    """The SSR code (DOCS, SEAT, AVML …), upper case."""
    return segment.get(1, 0).strip().upper()


def ssr_text(segment: Segment) -> str:
    """The SSR free text (components 9 onwards of the first element, rejoined)."""
    comps = segment.element(1)
    return ":".join(comps[8:]) if len(comps) > 8 else ""


def ssr_reference(segment: Segment) -> str:
    """The traveller reference the SSR names (``+::1``), or ''."""
    return segment.get(2, 2).strip()


def country(code: str) -> str | None:
    """An alpha-3 (or ICAO) country code from alpha-2/alpha-3 input; unknown codes kept as given."""
    code = code.strip().upper()
    if not code:
        return None
    return to_alpha3(code) or code


def ddmmmyy(text: str, *, before: date | None = None) -> date | None:
    """A ``DDMMMYY`` date. With ``before`` (birth dates), the century puts it on or before it."""
    text = text.strip().upper()
    if len(text) != 7 or not (text.isascii() and text[:2].isdigit() and text[5:].isdigit()):
        return None
    month = _MONTHS.get(text[2:5])
    if month is None:
        return None
    yy = int(text[5:])
    try:
        value = date(2000 + yy, month, int(text[:2]))
        if before is not None and value > before:
            value = date(1900 + yy, month, int(text[:2]))
    except ValueError:
        return None
    return value


def _fields(text: str, count: int) -> list[str]:
    parts = text.strip().split("/")
    if parts and parts[0] == "":
        parts = parts[1:]
    return [p.strip() for p in parts] + [""] * max(count - len(parts), 0)


def read_docs(text: str, *, today: date) -> DocsData:
    """Read DOCS free text; missing fields are None/''. ``today`` fixes birth-date centuries."""
    f = _fields(text, 10)
    sex, infant = _SEXES.get(f[5].upper(), (None, False))
    document = None
    if f[2]:
        document = TravelDocument(
            type=f[0].upper(),  # '' when the carrier left it out: never guessed
            number=f[2].upper(),
            issuing_country=country(f[1]),
            expiry=ddmmmyy(f[6]),
        )
    given = " ".join(" ".join(p for p in f[8:10] if p).split())
    return DocsData(
        document=document,
        nationality=country(f[3]),
        birth_date=ddmmmyy(f[4], before=today),
        sex=sex,
        infant=infant,
        surname=" ".join(f[7].split()),
        given_names=given,
    )


def read_doco(text: str, *, today: date) -> tuple[str | None, TravelDocument | None]:
    """(place of birth, visa or other document) from DOCO free text."""
    f = _fields(text, 6)
    birth_place = " ".join(f[0].split()) or None
    if not f[2]:
        return birth_place, None
    document = TravelDocument(
        type=f[1].upper() or "V",
        number=f[2].upper(),
        issuing_country=country(f[5]),
        issue_date=ddmmmyy(f[4], before=today),
    )
    return birth_place, document


def read_doca(text: str) -> tuple[str, str | None, str | None]:
    """(R residence or D destination, country, address line) from DOCA free text."""
    f = _fields(text, 6)
    address = ", ".join(p for p in f[2:6] if p) or None
    return f[0].upper(), country(f[1]), address
