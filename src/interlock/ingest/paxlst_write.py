"""Write a PAXLST interchange for one flight: what carriers send, and what the parser reads back.

The layout follows the WCO/IATA/ICAO API guidelines (D02B/D05B): UNA, UNB, UNG, UNH, BGM,
the reporting party (NAD+MS), one TDT group per leg (LOC 125/87, DTM 189/232), one NAD group
per traveller, CNT, UNT, UNE, UNZ. Two-digit years are written as the guidelines ask
(YYMMDD); the parser infers the century (see :mod:`interlock.ingest.paxlst_dates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from interlock.ingest.edifact import DEFAULT_DELIMITERS, Delimiters, join_segment
from interlock.model import Flight, Role, Sex, TravelDocument, Traveller

_NAD = {Role.PASSENGER: "FL", Role.CREW: "FM"}
_BGM = {Role.PASSENGER: "745", Role.CREW: "250"}
_CNT = {Role.PASSENGER: "42", Role.CREW: "41"}
_ATT = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNSPECIFIED: "X"}

Elements = list[list[str]]


def write_paxlst(
    flight: Flight,
    travellers: Sequence[Traveller],
    *,
    manifest: Role = Role.PASSENGER,
    sender: str,
    recipient: str,
    reference: str,
    prepared_at: datetime,
    delimiters: Delimiters = DEFAULT_DELIMITERS,
    version: str = "D:05B",
) -> str:
    """One interchange holding one PAXLST message: the manifest of ``flight``.

    Each traveller's NAD qualifier follows the traveller's role (FL passenger, FM crew);
    ``manifest`` sets the document type (BGM 745 or 250). Raises :class:`ValueError` when a
    value holds a service character and the delimiters have no release character.
    """
    body: list[tuple[str, Elements]] = [
        ("UNH", [[reference], ["PAXLST", *version.split(":"), "UN", "IATA"], [_access(flight)]]),
        ("BGM", [[_BGM[manifest]]]),
        ("NAD", [["MS"], [], [], [sender]]),
        *_legs(flight),
    ]
    for traveller in travellers:
        body += _traveller(traveller)
    body += _totals(travellers, manifest)
    body.append(("UNT", [[str(len(body) + 1)], [reference]]))
    stamp = [prepared_at.strftime("%y%m%d"), prepared_at.strftime("%H%M")]
    unb = [[_syntax(travellers), "4"], [sender], [recipient], stamp, [reference], [], ["APIS"]]
    ung = [["PAXLST"], [sender], [recipient], stamp, [reference], ["UN"], version.split(":")]
    segments = [
        ("UNB", unb),
        ("UNG", ung),
        *body,
        ("UNE", [["1"], [reference]]),
        ("UNZ", [["1"], [reference]]),
    ]
    if not delimiters.release:
        _check_unescaped(segments, delimiters)
    return delimiters.una() + "".join(join_segment(t, e, delimiters) for t, e in segments)


def _legs(flight: Flight) -> list[tuple[str, Elements]]:
    """One TDT group per leg; a flight without legs still gets its TDT."""
    out: list[tuple[str, Elements]] = []
    for leg in flight.legs:
        out.append(("TDT", [["20"], [leg.carrier + leg.number], [], [], [leg.carrier]]))
        out += _place_and_time("125", leg.departure_airport, "189", leg.departure)
        out += _place_and_time("87", leg.arrival_airport, "232", leg.arrival)
    if not flight.legs:
        out.append(("TDT", [["20"], [flight.flight_number], [], [], [flight.carrier]]))
    return out


def _totals(travellers: Sequence[Traveller], manifest: Role) -> list[tuple[str, Elements]]:
    """CNT 42 / 41: the manifest's own total always, the other role's when present."""
    out: list[tuple[str, Elements]] = []
    for role in (manifest, *(r for r in Role if r is not manifest)):
        total = sum(1 for t in travellers if t.role is role)
        if total or role is manifest:
            out.append(("CNT", [[_CNT[role], str(total)]]))
    return out


def _access(flight: Flight) -> str:
    """Common access reference: flight number and day, so re-sent manifests are recognisable."""
    day = flight.departure_date
    return flight.flight_number + (day.strftime("%y%m%d") if day else "")


def _syntax(travellers: Sequence[Traveller]) -> str:
    """UNOA for plain ASCII, UNOC for Latin-1, UNOW (UTF-8) beyond."""
    text = "".join(t.surname + t.given_names for t in travellers)
    if text.isascii():
        return "UNOA"
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return "UNOW"
    return "UNOC"


def _place_and_time(
    loc: str, place: str | None, dtm: str, when: datetime | None
) -> list[tuple[str, Elements]]:
    out: list[tuple[str, Elements]] = []
    if place:
        out.append(("LOC", [[loc], [place]]))
    if when is not None:
        out.append(("DTM", [[dtm, when.strftime("%y%m%d%H%M"), "201"]]))
    return out


def _traveller(t: Traveller) -> list[tuple[str, Elements]]:
    given, _, middle = t.given_names.partition(" ")
    nad: Elements = [[_NAD[t.role]], [], [], [t.surname, given, middle]]
    if t.address:
        nad.append([t.address])
    out: list[tuple[str, Elements]] = [("NAD", nad)]
    if t.sex is not None:
        out.append(("ATT", [["2"], [], [_ATT[t.sex]]]))
    if t.birth_date is not None:
        out.append(("DTM", [["329", _yymmdd(t.birth_date)]]))
    for qualifier, value in (
        ("178", t.embarkation),
        ("179", t.debarkation),
        ("174", t.residence_country),
    ):
        if value:
            out.append(("LOC", [[qualifier], [value]]))
    if t.birth_place:
        coded = len(t.birth_place) <= 3 and t.birth_place.isalpha()
        place = [t.birth_place] if coded else ["", "", "", t.birth_place]
        out.append(("LOC", [["180"], place]))
    if t.nationality:
        out.append(("NAT", [["2"], [t.nationality]]))
    for qualifier, value in (("AVF", t.record_locator), ("SEA", t.seat), ("ABO", t.reference)):
        if value:
            out.append(("RFF", [[qualifier, value]]))
    for document in t.documents:
        out += _document(document)
    return out


def _document(doc: TravelDocument) -> list[tuple[str, Elements]]:
    out: list[tuple[str, Elements]] = [("DOC", [[doc.type, "110", "111"], [doc.number]])]
    if doc.expiry is not None:
        out.append(("DTM", [["36", _yymmdd(doc.expiry)]]))
    if doc.issue_date is not None:
        out.append(("DTM", [["182", _yymmdd(doc.issue_date)]]))
    if doc.issuing_country:
        out.append(("LOC", [["91"], [doc.issuing_country]]))
    return out


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def _check_unescaped(segments: list[tuple[str, Elements]], d: Delimiters) -> None:
    specials = {d.component, d.element, d.terminator}
    for tag, elements in segments:
        for element in elements:
            if any(ch in specials for value in element for ch in value):
                raise ValueError(
                    f"a {tag} value holds a service character and the delimiters "
                    "have no release character to escape it"
                )
