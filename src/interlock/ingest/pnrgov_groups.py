"""One PNR (a PNRGOV ``SRC`` group) read segment by segment into a Booking and its travellers.

The group's parts follow one another without explicit ends, so the reader keeps a state:

- ``pnr``: after SRC — RCI (locator, creation date; else DAT 700, the last change), ORG
  (agency), ADD, IFT, SSR;
- ``traveller``: after a TIF — FTI, IFT, SSR DOCS/DOCO/DOCA/CTC*, ADD, TKT, FOP belong to it;
- ``leg`` / ``checkin``: after an itinerary TVL, and after TRI inside it (a TIF there repeats a
  traveller for check-in; one not seen before is added);
- ``split``: after EQN — the RCI names the split-off PNR (Annex I element 11);
- ``nonair``: after MSG inside the PNR — hotel and car segments, dropped (not air travel);
- ``history``: after ABI/SAC — each following segment becomes a HistoryItem.

A TIF qualified ``G`` (``TIF+ACME TOUR:G``) is the name of a group booking, not a person: it
is neither a traveller nor counted, and is listed as a dropped element.

Minimisation (SG-05/06) happens here, as each segment is read: see :mod:`pnr_minimise`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from interlock.ingest import pnr_minimise as minimise
from interlock.ingest.edifact import Segment
from interlock.ingest.pnrgov_fields import (
    address_from_add,
    contact_from_line,
    contact_from_text,
    ddmmyy,
    leg_from_tvl,
    payment_from_fop,
)
from interlock.ingest.pnrgov_people import People
from interlock.ingest.pnrgov_ssr import ssr_code, ssr_reference, ssr_text
from interlock.model import Booking, Contact, FlightLeg, HistoryItem, Issue, Traveller

_ACTIONS = {"A": "added", "X": "cancelled", "C": "changed", "U": "updated"}
_IGNORED_IFT = frozenset({"15", "43"})  # fare calculation (el. 13), billing details (el. 6)


@dataclass(slots=True)
class MessageContext:
    """What every PNR of one message shares: the pushed flight, drops and warnings."""

    flight_numbers: set[tuple[str, str]]
    carriers: set[str]
    today: date
    dropped: Counter[str] = field(default_factory=Counter)
    warnings: list[Issue] = field(default_factory=list)


class PnrReader:
    """Reads the segments of one SRC group; :meth:`finish` gives the booking and travellers."""

    def __init__(self, context: MessageContext, start: Segment) -> None:
        self.context = context
        self.start = start
        self.booking = Booking(record_locator="")
        self.people = People(context.today)
        self.state = "pnr"
        self.leg: FlightLeg | None = None
        self.action = "changed"
        self._handlers: dict[str, Callable[[Segment], None]] = {
            "RCI": self._rci, "DAT": self._dat, "ORG": self._org, "ADD": self._add,
            "IFT": self._ift, "SSR": self._ssr, "TIF": self._tif, "FTI": self._fti,
            "TKT": self._tkt, "FOP": self._fop, "TVL": self._tvl, "TRI": self._tri,
            "EQN": self._eqn, "MSG": self._msg, "ABI": self._abi, "SAC": self._sac,
        }  # fmt: skip

    def feed(self, segment: Segment) -> None:
        """Read one segment of the group."""
        handler = self._handlers.get(segment.tag)
        if handler is not None:
            handler(segment)
        elif not minimise.segment_allowed(segment.tag):
            self.drop(segment.tag if segment.tag.isalnum() else "unknown-segment")

    def finish(self) -> tuple[Booking, list[Traveller]]:
        """The booking and its travellers, each carrying the record locator."""
        travellers = self.people.travellers
        if not self.booking.record_locator:
            self.context.warnings.append(Issue(self.start.location, "PNR without RCI locator"))
        for traveller in travellers:
            traveller.record_locator = self.booking.record_locator or None
        self.booking.traveller_count = len(travellers)
        return self.booking, travellers

    def drop(self, name: str) -> None:
        """Record an element dropped on receipt (by name, never by value)."""
        self.context.dropped[name] += 1

    def _history(self, element: str, detail: str = "") -> None:
        self.booking.history.append(HistoryItem(self.action, element, detail))

    def _rci(self, segment: Segment) -> None:
        found = [e for e in segment.elements if len(e) > 1 and e[1].strip()]
        if not found:
            return
        if self.state == "split":
            detail = f"{found[0][0].strip()}:{found[0][1].strip()}"
            self.booking.history.append(HistoryItem("split", "RCI", detail))
        elif self.state == "history":
            self._history("RCI")
        elif self.state == "pnr" and not self.booking.record_locator:
            own = [e for e in found if e[0].strip() in self.context.carriers]
            chosen = (own or found)[0]
            self.booking.carrier, self.booking.record_locator = chosen[0].strip(), chosen[1].strip()
            # RCI component 4 is the date the PNR was created (DDMMYY)
            self.booking.created = ddmmyy(chosen[3]) if len(chosen) > 3 else None

    def _dat(self, segment: Segment) -> None:
        """DAT 700 is the PNR's last transaction: the creation date only when RCI has none."""
        if self.state != "pnr" or self.booking.created is not None:
            return
        for element in segment.elements:
            if element and element[0].strip() == "700" and len(element) > 1:
                self.booking.created = ddmmyy(element[1])
                return

    def _org(self, segment: Segment) -> None:
        if self.state == "pnr" and self.booking.travel_agent is None:
            agent = " ".join(c.strip() for c in segment.element(2) if c.strip())
            self.booking.travel_agent = agent or None

    def _add(self, segment: Segment) -> None:
        if self.state == "history":
            self._history("ADD")
            return
        address, tail = address_from_add(segment)
        contacts = self._contacts_here()
        if self.state == "traveller" and self.people.current is not None:
            self.people.current.address = self.people.current.address or address
        elif address:
            contacts.append(Contact("address", address))
        if tail:
            found = contact_from_text(tail)
            letter, value = found if found else ("P", tail)
            self._add_contact(contacts, contact_from_line(letter, value), "ADD:free-text")

    def _contacts_here(self) -> list[Contact]:
        current = self.people.current
        if self.state == "traveller" and current is not None:
            return current.contacts
        return self.booking.contacts

    def _add_contact(self, contacts: list[Contact], contact: Contact | None, drop: str) -> None:
        if contact is None:
            self.drop(drop)
        elif contact not in contacts:
            contacts.append(contact)

    def _ift(self, segment: Segment) -> None:
        qualifier = segment.get(1, 1).strip()
        if self.state == "history":
            self.drop("IFT:history-text")
            return
        if qualifier in _IGNORED_IFT:
            return
        text = " ".join(" ".join(e) for e in segment.elements[1:]).strip()
        found = contact_from_text(text)
        if found is None:
            self.drop("IFT:free-text")
        elif found[0] == "T":
            self.booking.travel_agent = self.booking.travel_agent or found[1].strip() or None
        else:
            self._add_contact(self._contacts_here(), contact_from_line(*found), "IFT:contact")

    def _ssr(self, segment: Segment) -> None:
        code = ssr_code(segment)
        dropped = minimise.ssr_drop_name(code)
        if dropped is not None:
            self.drop(dropped)
        elif self.state == "history":
            self._history(f"SSR:{code}")
        elif self.state != "nonair":
            self._apply_ssr(segment, code)

    def _apply_ssr(self, segment: Segment, code: str) -> None:
        target = self._ssr_target(segment)
        if code == "SEAT":
            self._seats(segment)
        elif code.startswith("CTC") and len(code) == 4:
            contacts = target.contacts if target else self.booking.contacts
            line = contact_from_line(code[3], ssr_text(segment).lstrip("/"))
            self._add_contact(contacts, line, "SSR:contact")
        elif code in ("DOCS", "DOCO", "DOCA") and target is not None:
            self.people.apply_api_ssr(target, code, ssr_text(segment))
        elif code in ("DOCS", "DOCO", "DOCA"):
            self.context.warnings.append(Issue(segment.location, f"{code} for no known traveller"))

    def _ssr_target(self, segment: Segment) -> Traveller | None:
        reference, current = ssr_reference(segment), self.people.current
        mine = current is not None and (not reference or current.reference == reference)
        if self.state == "traveller" and current is not None and mine:
            return current
        return self.people.by_reference(reference) or self.people.only()

    def _seats(self, segment: Segment) -> None:
        leg = self.leg
        if self.state not in ("leg", "checkin") or leg is None:
            return
        if (leg.carrier, leg.number.lstrip("0")) not in self.context.flight_numbers:
            return
        for element in segment.elements[1:]:
            traveller = self.people.by_reference(element[2].strip() if len(element) > 2 else "")
            if traveller is not None and element[0].strip():
                traveller.seat = element[0].strip()

    def _tif(self, segment: Segment) -> None:
        if segment.get(1, 1).strip().upper() == "G":  # a group booking's name, not a person
            self.drop("TIF:group-name")
        elif self.state == "history":
            self._history("TIF")
        elif self.state in ("leg", "checkin"):
            self.people.check_in(segment)
        elif self.state != "nonair":
            self.people.add(segment)
            self.state = "traveller"

    def _fti(self, segment: Segment) -> None:
        current = self.people.current
        carrier, number = segment.get(1, 0).strip(), segment.get(1, 1).strip()
        if self.state == "traveller" and current is not None and number:
            entry = f"{carrier} {number}".strip()
            if entry not in current.frequent_flyer:
                current.frequent_flyer.append(entry)

    def _tkt(self, segment: Segment) -> None:
        number = segment.get(1, 0).strip()
        if self.state == "history":
            self._history("TKT")
        elif number and number not in self.booking.ticket_numbers:
            self.booking.ticket_numbers.append(number)

    def _fop(self, segment: Segment) -> None:
        payment = payment_from_fop(segment)
        if self.state == "history":
            self._history("FOP")
        elif payment is not None and payment not in self.booking.payments:
            self.booking.payments.append(payment)

    def _tvl(self, segment: Segment) -> None:
        leg = leg_from_tvl(segment)
        if self.state == "nonair":
            self.drop("TVL:non-air")
        elif self.state == "history":
            self._history("TVL", _leg_summary(leg) if leg else "")
        elif leg is not None:
            self.booking.itinerary.append(leg)
            self.leg, self.state = leg, "leg"

    def _tri(self, segment: Segment) -> None:
        if self.state in ("leg", "checkin"):
            self.state = "checkin"

    def _eqn(self, segment: Segment) -> None:
        if self.state != "history":
            self.state = "split"

    def _msg(self, segment: Segment) -> None:
        if self.state != "history":
            self.state = "nonair"

    def _abi(self, segment: Segment) -> None:
        self.state = "history"

    def _sac(self, segment: Segment) -> None:
        code = segment.get(3, 0).strip().upper()
        self.state = "history"
        self.action = _ACTIONS.get(code, code.lower() or "changed")


def _leg_summary(leg: FlightLeg) -> str:
    day = leg.departure.date().isoformat() if leg.departure else ""
    return f"{leg.carrier}{leg.number} {leg.departure_airport}-{leg.arrival_airport} {day}".strip()
