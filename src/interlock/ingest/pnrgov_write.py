"""IATA PNRGOV writer: a flight and its PNRs as one PNRGOV EDIFACT interchange.

Writes UNA, UNB, UNG, UNH ``PNRGOV:13:1:IA``, MSG, ORG, TVL per flight leg, EQN (number of
PNRs), then per booking SRC, RCI (with the creation date), DAT 700, and per traveller TIF,
FTI, IFT contact lines and SSR DOCS (one per document; visas as SSR DOCO), the booking's TKT
and FOP (card numbers stay masked) in the first traveller's group, the itinerary TVL legs; UNT
with the segment count, UNE, UNZ. :func:`interlock.ingest.pnrgov.parse_pnrgov` reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from interlock.ingest.edifact import DEFAULT_DELIMITERS, join_segment
from interlock.model import Booking, Flight, FlightLeg, Payment, Sex, TravelDocument, Traveller

Element = list[str] | str
Segments = list[tuple[str, list[Element]]]
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def write_pnrgov(
    flight: Flight,
    bookings: Sequence[tuple[Booking, Sequence[Traveller]]],
    *,
    sender: str,
    recipient: str,
    reference: str,
    prepared_at: datetime,
    version: str = "13.1",
) -> str:
    """One PNRGOV interchange (text) holding one message for ``flight`` with ``bookings``."""
    major, _, minor = version.partition(".")
    stamp = [prepared_at.strftime("%y%m%d"), prepared_at.strftime("%H%M")]
    body: Segments = [
        ("UNH", ["1", ["PNRGOV", major, minor or "1", "IA"], reference]),
        ("MSG", [["", "22"]]),
        ("ORG", [[flight.carrier]]),
    ]
    body += [("TVL", _tvl(leg)) for leg in flight.legs]
    body.append(("EQN", [str(len(bookings))]))
    for booking, travellers in bookings:
        body += _booking(booking, travellers, flight.carrier)
    body.append(("UNT", [str(len(body) + 1), "1"]))
    envelope_head: Segments = [
        ("UNB", [["IATA", "1"], sender, recipient, stamp, reference]),
        ("UNG", ["PNRGOV", sender, recipient, stamp, reference, "IA", [major, minor or "1"]]),
    ]
    envelope_tail: Segments = [("UNE", ["1", reference]), ("UNZ", ["1", reference])]
    d = DEFAULT_DELIMITERS
    lines = [d.una()]
    for tag, elements in envelope_head + body + envelope_tail:
        lines.append(join_segment(tag, [[e] if isinstance(e, str) else e for e in elements], d))
    return "\n".join(lines) + "\n"


def _ddmmyy(value: datetime | date | None) -> str:
    return value.strftime("%d%m%y") if value is not None else ""


def _hhmm(value: datetime | None) -> str:
    return value.strftime("%H%M") if value is not None else ""


def _ddmmmyy(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day:02d}{_MONTHS[value.month - 1]}{value.year % 100:02d}"


def _tvl(leg: FlightLeg) -> list[Element]:
    stamps = [_ddmmyy(leg.departure), _hhmm(leg.departure), _ddmmyy(leg.arrival),
              _hhmm(leg.arrival)]  # fmt: skip
    return [stamps, leg.departure_airport or "", leg.arrival_airport or "", leg.carrier, leg.number]


def _booking(booking: Booking, travellers: Sequence[Traveller], carrier: str) -> Segments:
    rci = [booking.carrier or carrier, booking.record_locator]
    if booking.created is not None:  # the creation date is RCI component 4
        rci += ["", _ddmmyy(booking.created)]
    out: Segments = [("SRC", []), ("RCI", [rci])]
    if booking.created is not None:
        out.append(("DAT", [["700", _ddmmyy(booking.created)]]))
    for index, traveller in enumerate(travellers):
        out += _traveller(traveller, traveller.reference or str(index + 1), carrier)
        if index == 0:
            out += _ticketing(booking)
    if not travellers:
        out += _ticketing(booking)
    out += [("TVL", _tvl(leg)) for leg in booking.itinerary]
    return out


def _ticketing(booking: Booking) -> Segments:
    out: Segments = [("TKT", [[number, "T", "1"]]) for number in booking.ticket_numbers]
    out += [("FOP", [_fop(payment)]) for payment in booking.payments]
    return out


def _fop(payment: Payment) -> list[str]:
    masked = (payment.card_number_masked or "").replace("*", "X")
    return [payment.type, "", payment.amount or "", payment.card_issuer or "", masked]


def _traveller(traveller: Traveller, ref: str, carrier: str) -> Segments:
    kind = "IN" if traveller.infant else "A"
    out: Segments = [("TIF", [[traveller.surname, "I"], [traveller.given_names, kind, ref]])]
    for entry in traveller.frequent_flyer:
        airline, _, number = entry.partition(" ")
        if number:
            out.append(("FTI", [[airline, number]]))
    for contact in traveller.contacts:
        line = _contact_line(contact.kind, contact.value)
        if line:
            out.append(("IFT", [["4", "28", "", carrier], line]))
    if all(doc.type == "V" for doc in traveller.documents):
        out.append(_ssr("DOCS", _docs_text(traveller, None), carrier, ref))
    for doc in traveller.documents:
        if doc.type == "V":
            out.append(_ssr("DOCO", _doco_text(traveller, doc), carrier, ref))
        else:
            out.append(_ssr("DOCS", _docs_text(traveller, doc), carrier, ref))
    return out


def _contact_line(kind: str, value: str) -> str:
    if kind == "email":
        return "CTCE " + value.replace("_", "..").replace("@", "//")
    return f"CTCM {value}" if kind == "phone" else ""


def _ssr(code: str, text: str, carrier: str, ref: str) -> tuple[str, list[Element]]:
    return ("SSR", [[code, "HK", "1", carrier, "", "", "", "", text], ["", "", ref]])


def _sex(traveller: Traveller) -> str:
    if traveller.sex is None:
        return ""
    if traveller.infant and traveller.sex in (Sex.MALE, Sex.FEMALE):
        return traveller.sex.value + "I"
    return traveller.sex.value


def _field(value: str | None) -> str:
    return (value or "").replace("/", " ")


def _docs_text(traveller: Traveller, doc: TravelDocument | None) -> str:
    fields = [
        doc.type if doc else "",
        doc.issuing_country or "" if doc else "",
        doc.number if doc else "",
        traveller.nationality or "",
        _ddmmmyy(traveller.birth_date),
        _sex(traveller),
        _ddmmmyy(doc.expiry) if doc else "",
        traveller.surname,
        traveller.given_names,
    ]
    return "/" + "/".join(_field(f) for f in fields)


def _doco_text(traveller: Traveller, doc: TravelDocument) -> str:
    fields = [traveller.birth_place, doc.type, doc.number, "", _ddmmmyy(doc.issue_date),
              doc.issuing_country]  # fmt: skip
    return "/" + "/".join(_field(f) for f in fields)
