"""The body of one PAXLST message part: flight legs (TDT group) and travellers (NAD group).

A :class:`PartBuilder` is fed the segments between UNH and UNT in order. Each segment tag
has one handler; the handlers keep the current leg, traveller and document as state, as
the message's segment groups nest by position, not by markup. A value that cannot be read
becomes an error naming the segment; the rest of the traveller is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from interlock.ingest.edifact import Segment
from interlock.ingest.paxlst_dates import expiry_date, flight_time, past_date
from interlock.model import Flight, FlightLeg, Issue, Role, Sex, TravelDocument, Traveller

TRAVELLER_ROLES = {"FL": Role.PASSENGER, "DDT": Role.PASSENGER, "FM": Role.CREW, "DDU": Role.CREW}
SEXES = {"M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNSPECIFIED, "X": Sex.UNSPECIFIED}
DEPARTURE, ARRIVAL, ROUTING = "125", "87", "92"


class PartBuilder:
    """State while reading one message part; the results are plain lists."""

    __slots__ = (
        "_loc92_departure",
        "_skip_document",
        "counts",
        "document",
        "errors",
        "flights",
        "leg",
        "source",
        "today",
        "traveller",
        "travellers",
        "warnings",
    )

    def __init__(self, source: str, today: date) -> None:
        self.source = source
        self.today = today
        self.flights: list[Flight] = []
        self.travellers: list[Traveller] = []
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.counts: list[tuple[Segment, str, int]] = []
        self.leg: FlightLeg | None = None
        self.traveller: Traveller | None = None
        self.document: TravelDocument | None = None
        self._skip_document = False
        self._loc92_departure = False

    def feed(self, segment: Segment) -> None:
        """Read one segment; anything unexpected becomes an error entry, never an exception."""
        handler = HANDLERS.get(segment.tag)
        if handler is None:
            return
        try:
            handler(self, segment)
        except Exception as exc:  # any defect in one segment must not lose the message
            self.error(segment, f"cannot read segment ({type(exc).__name__})")

    def where(self, segment: Segment) -> str:
        """``source: segment N (TAG)``, or without the source when there is none."""
        place = f"segment {segment.number} ({segment.tag})"
        return f"{self.source}: {place}" if self.source else place

    def error(self, segment: Segment, reason: str) -> None:
        """Record a part of the segment that could not be read."""
        self.errors.append(Issue(self.where(segment), reason))

    def warn(self, segment: Segment, reason: str) -> None:
        """Record something read but doubtful, or ignored on purpose."""
        self.warnings.append(Issue(self.where(segment), reason))


def _tdt(b: PartBuilder, seg: Segment) -> None:
    reference = seg.get(2).strip().replace(" ", "")
    carrier = seg.get(5).strip()
    if not carrier:
        size = 3 if reference[:3].isalpha() and len(reference) > 3 else 2
        carrier = reference[:size]
    number = reference[len(carrier) :] if reference.startswith(carrier) else reference
    b.traveller = b.document = None
    b.leg = FlightLeg(carrier, number)
    if not b.flights or b.flights[-1].carrier != carrier or b.flights[-1].number != number:
        b.flights.append(Flight(carrier, number))
    b.flights[-1].legs.append(b.leg)


def _current_leg(b: PartBuilder, seg: Segment, *, new_if: str) -> FlightLeg | None:
    """The leg a LOC belongs to; a second departure (or arrival) in one TDT starts a new leg."""
    leg = b.leg
    if leg is None:
        b.warn(seg, "flight place outside a TDT group ignored")
        return None
    full = leg.departure_airport if new_if == "departure" else leg.arrival_airport
    if full is not None or (new_if == "departure" and leg.arrival_airport is not None):
        leg = b.leg = FlightLeg(leg.carrier, leg.number)
        b.flights[-1].legs.append(leg)
    return leg


def _flight_loc(b: PartBuilder, seg: Segment, qualifier: str, place: str | None) -> None:
    b._loc92_departure = False
    if qualifier == DEPARTURE:
        leg = _current_leg(b, seg, new_if="departure")
        if leg is not None:
            leg.departure_airport = place
        return
    if qualifier == ARRIVAL:
        leg = _current_leg(b, seg, new_if="arrival")
        if leg is not None:
            leg.arrival_airport = place
        return
    leg = b.leg
    as_departure = leg is None or leg.departure_airport is None or leg.arrival_airport is not None
    leg = _current_leg(b, seg, new_if="departure" if as_departure else "arrival")
    if leg is not None:
        b._loc92_departure = as_departure
        if as_departure:
            leg.departure_airport = place
        else:
            leg.arrival_airport = place


def _loc(b: PartBuilder, seg: Segment) -> None:
    qualifier = seg.get(1)
    place = seg.element(2)
    code = place[0].strip() if place else ""
    if qualifier in (DEPARTURE, ARRIVAL, ROUTING):
        _flight_loc(b, seg, qualifier, code or None)
        return
    if qualifier == "91":
        _document_country(b, seg, code or None)
        return
    t = b.traveller
    if t is None:
        return
    if qualifier == "178":
        t.embarkation = code or None
    elif qualifier == "179":
        t.debarkation = code or None
    elif qualifier == "22":
        if t.debarkation is None:
            t.debarkation = code or None
    elif qualifier == "174":
        t.residence_country = code or None
    elif qualifier == "180":
        name = place[3].strip() if len(place) > 3 else ""
        t.birth_place = code or name or None


def _document_country(b: PartBuilder, seg: Segment, code: str | None) -> None:
    if b.document is not None:
        b.document.issuing_country = code
    elif not b._skip_document and b.traveller is not None:
        b.warn(seg, "issuing country (LOC 91) without a DOC segment ignored")


def _dtm(b: PartBuilder, seg: Segment) -> None:
    parts = seg.element(1)
    qualifier = parts[0]
    value = parts[1] if len(parts) > 1 else ""
    try:
        if qualifier == "329":
            if b.traveller is not None:
                b.traveller.birth_date = past_date(value, b.today)
        elif qualifier in ("36", "182"):
            _document_date(b, seg, qualifier, value)
        elif qualifier in ("189", "232"):
            _leg_time(b, seg, qualifier, value, parts[2] if len(parts) > 2 else "")
    except ValueError as exc:
        what = _DATE_NAMES.get(qualifier, "date")
        b.error(seg, f"{what} (DTM {qualifier}) not read: {exc}")


_DATE_NAMES = {
    "329": "birth date",
    "36": "document expiry date",
    "182": "document issue date",
    "189": "departure time",
    "232": "arrival time",
}


def _document_date(b: PartBuilder, seg: Segment, qualifier: str, value: str) -> None:
    doc = b.document
    if doc is None:
        if not b._skip_document and b.traveller is not None:
            b.warn(seg, f"{_DATE_NAMES[qualifier]} without a DOC segment ignored")
        return
    if qualifier == "36":
        doc.expiry = expiry_date(value, b.today)
    else:
        doc.issue_date = past_date(value, b.today)


def _leg_time(b: PartBuilder, seg: Segment, qualifier: str, value: str, fmt: str) -> None:
    leg = b.leg
    if leg is None:
        b.warn(seg, "flight time outside a TDT group ignored")
        return
    when = flight_time(value, fmt)
    if qualifier == "189":
        leg.departure = when
        b._loc92_departure = False
        return
    if b._loc92_departure and leg.arrival_airport is None and leg.departure is None:
        leg.arrival_airport, leg.departure_airport = leg.departure_airport, None
        b._loc92_departure = False
    leg.arrival = when


def _nad(b: PartBuilder, seg: Segment) -> None:
    qualifier = seg.get(1).strip()
    b.document = None
    b._skip_document = False
    role = TRAVELLER_ROLES.get(qualifier)
    if role is None:
        b.traveller = None
        if qualifier != "MS":
            b.warn(seg, f"party {qualifier[:10]!r} is not a traveller (FL, FM, DDT, DDU); skipped")
        return
    name = seg.element(4)
    surname = name[0].strip()
    given = " ".join(" ".join(name[1:]).split()) if len(name) > 1 else ""
    traveller = Traveller(surname, given, role=role)
    if seg.element_count() > 4:
        address = ", ".join(v for v in (seg.get(i).strip() for i in range(5, 10)) if v)
        traveller.address = address or None
    if not surname:
        b.error(seg, "traveller without a surname")
    b.travellers.append(traveller)
    b.traveller = traveller
    b.leg = None


def _att(b: PartBuilder, seg: Segment) -> None:
    if b.traveller is None or seg.get(1) != "2":
        return
    code = seg.get(3).strip().upper()
    sex = SEXES.get(code)
    if sex is None and code:
        b.error(seg, f"unknown gender code {code[:10]!r}")
    b.traveller.sex = sex


def _nat(b: PartBuilder, seg: Segment) -> None:
    if b.traveller is not None:
        b.traveller.nationality = seg.get(2).strip() or None


def _rff(b: PartBuilder, seg: Segment) -> None:
    t = b.traveller
    if t is None:
        return
    parts = seg.element(1)
    qualifier = parts[0]
    value = parts[1].strip() if len(parts) > 1 else ""
    if qualifier == "AVF":
        t.record_locator = value or None
    elif qualifier == "SEA":
        t.seat = value or None
    elif qualifier == "ABO":
        t.reference = value or None


def _doc(b: PartBuilder, seg: Segment) -> None:
    if b.traveller is None:
        b.warn(seg, "document outside a traveller group ignored")
        return
    number = seg.get(2).strip()
    b.document = None
    b._skip_document = not number
    if not number:
        b.warn(seg, "document without a number skipped")
        return
    b.document = TravelDocument(seg.get(1).strip().upper(), number)
    b.traveller.documents.append(b.document)


def _cnt(b: PartBuilder, seg: Segment) -> None:
    qualifier = seg.get(1)
    raw = (seg.get(1, 1) or seg.get(2)).strip()
    if not (raw.isascii() and raw.isdigit()):
        b.error(seg, f"control total {raw[:20]!r} is not a number")
        return
    b.counts.append((seg, qualifier, int(raw)))


HANDLERS: dict[str, Callable[[PartBuilder, Segment], None]] = {
    "TDT": _tdt,
    "LOC": _loc,
    "DTM": _dtm,
    "NAD": _nad,
    "ATT": _att,
    "NAT": _nat,
    "RFF": _rff,
    "DOC": _doc,
    "CNT": _cnt,
}
