"""SG-06 on a parsed PNRGOV message: sensitive codes removed from every free-text field.

Structured fields (names, document numbers, codes, dates) are left alone: a code word there is
not a remark about the person (MAAS is also a surname). Free text that survives SG-05 —
addresses, contact values, agency, history details, and the warnings and errors, which may
quote the input — is scrubbed with :func:`pnr_minimise.scrub`.
"""

from __future__ import annotations

from interlock.ingest.pnr_minimise import scrub
from interlock.model import Booking, Contact, Issue, ParsedMessage, Traveller


def scrub_message(msg: ParsedMessage) -> None:
    """Remove SG-06 codes, in place, from every free-text field of ``msg``."""
    for traveller in msg.travellers:
        _scrub_traveller(traveller)
    for booking in msg.bookings:
        _scrub_booking(booking)
    msg.warnings = [_scrub_issue(issue) for issue in msg.warnings]
    msg.errors = [_scrub_issue(issue) for issue in msg.errors]


def _optional(value: str | None) -> str | None:
    return scrub(value) or None if value else value


def _contacts(contacts: list[Contact]) -> list[Contact]:
    cleaned = [Contact(c.kind, scrub(c.value)) for c in contacts]
    return [c for c in cleaned if c.value]


def _scrub_traveller(traveller: Traveller) -> None:
    traveller.address = _optional(traveller.address)
    traveller.birth_place = _optional(traveller.birth_place)
    traveller.contacts = _contacts(traveller.contacts)
    traveller.frequent_flyer = [v for v in (scrub(f) for f in traveller.frequent_flyer) if v]


def _scrub_booking(booking: Booking) -> None:
    booking.contacts = _contacts(booking.contacts)
    booking.travel_agent = _optional(booking.travel_agent)
    for item in booking.history:
        item.detail = scrub(item.detail)


def _scrub_issue(issue: Issue) -> Issue:
    return Issue(scrub(issue.location), scrub(issue.reason))
