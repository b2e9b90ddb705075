"""IATA PNRGOV (PNR data pushed to governments, EDIFACT, versions 10.1–16.1): the parser.

One :class:`ParsedMessage` per UNH message. Message level: MSG, ORG (the pushing carrier),
TVL (the flight the push is for → ``flights``), EQN (number of PNRs). Each SRC group is one
PNR → a :class:`Booking` and its travellers (see :mod:`pnrgov_groups`).

The record locator is taken from the PNR's RCI: of several locators (``RCI+1A:2LS6KP+KE:EDP2RW``)
the one of a carrier that pushes the message (ORG or flight carrier) is preferred, else the
first, which is the locator of the system that holds the PNR.

Minimisation (SAFEGUARDS SG-05, SG-06) is applied on receipt: dropped elements are listed by
name in ``dropped_elements`` and logged (logger ``interlock.ingest.pnrgov``) by name and count
only. A missing segment terminator that glues a known segment onto the previous one
(``RPI+1+HKIFT+…``) is repaired with a warning; any segment that cannot be read becomes an
error naming it, and the rest of the message is kept.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from interlock.errors import ParseError
from interlock.ingest import pnr_minimise as minimise
from interlock.ingest.edifact import Interchange, Segment
from interlock.ingest.pnrgov_fields import leg_from_tvl
from interlock.ingest.pnrgov_groups import MessageContext, PnrReader
from interlock.ingest.pnrgov_repair import check_trailer, repair_run_on, split_messages
from interlock.ingest.pnrgov_scrub import scrub_message
from interlock.model import Flight, FlightLeg, Format, Issue, ParsedMessage

logger = logging.getLogger("interlock.ingest.pnrgov")


def parse_pnrgov(interchange: Interchange, *, source: str = "") -> list[ParsedMessage]:
    """Parse every PNRGOV message (UNH … UNT) of a lexed interchange.

    Raises :class:`ParseError` only when the interchange holds no UNH message at all.
    """
    envelope = _envelope(interchange.segments)
    messages = split_messages(interchange.segments)
    if not messages:
        where = f"{source}: segment 1" if source else "segment 1"
        raise ParseError("no UNH message header in the interchange", location=where)
    parsed = [_message(body, envelope, interchange, source) for body in messages]
    if source:
        for message in parsed:
            message.warnings = [_placed(issue, source) for issue in message.warnings]
            message.errors = [_placed(issue, source) for issue in message.errors]
    return parsed


def _placed(issue: Issue, source: str) -> Issue:
    """The issue with the file named in its location, as the lexer's issues already are."""
    if issue.location.startswith(f"{source}:"):
        return issue
    return Issue(f"{source}: {issue.location}" if issue.location else source, issue.reason)


def _envelope(segments: list[Segment]) -> ParsedMessage:
    head = ParsedMessage(format=Format.PNRGOV, message_type="PNRGOV")
    for segment in segments:
        if segment.tag == "UNB":
            head.sender = segment.get(2, 0).strip() or None
            head.recipient = segment.get(3, 0).strip() or None
            head.prepared_at = _stamp(segment.get(4, 0), segment.get(4, 1))
            head.reference = segment.get(5, 0).strip() or None
            break
    return head


def _stamp(day: str, hour: str) -> datetime | None:
    day, hour = day.strip(), hour.strip().ljust(4, "0")
    if len(day) != 6 or not (day + hour[:4]).isascii() or not (day + hour[:4]).isdigit():
        return None
    try:
        return datetime(2000 + int(day[:2]), int(day[2:4]), int(day[4:]), int(hour[:2]),
                        int(hour[2:4]))  # fmt: skip
    except ValueError:
        return None


def _message(
    body: list[Segment], head: ParsedMessage, interchange: Interchange, source: str
) -> ParsedMessage:
    msg = ParsedMessage(
        format=Format.PNRGOV,
        message_type="PNRGOV",
        sender=head.sender,
        recipient=head.recipient,
        reference=head.reference,
        prepared_at=head.prepared_at,
        source=source,
        warnings=list(interchange.warnings),
        errors=list(interchange.errors),
    )
    today = head.prepared_at.date() if head.prepared_at else date.today()
    context = MessageContext(flight_numbers=set(), carriers=set(), today=today)
    _read_segments(body, msg, context)
    msg.warnings.extend(context.warnings)
    _record_drops(msg, context, source)
    scrub_message(msg)
    return msg


def _read_segments(body: list[Segment], msg: ParsedMessage, context: MessageContext) -> None:
    reader: PnrReader | None = None
    counted: tuple[int, Segment] | None = None
    check_trailer(body, context.warnings)
    for segment in repair_run_on(body, context.warnings):
        try:
            if segment.tag == "UNT":
                continue
            if segment.tag == "SRC":
                _finish(reader, msg)
                reader = PnrReader(context, segment)
            elif reader is not None:
                reader.feed(segment)
            else:
                declared = _message_level(segment, msg, context)
                counted = (declared, segment) if declared is not None else counted
        except Exception as exc:  # a parser must not raise on bad input: keep what parsed
            reason = f"cannot read segment ({type(exc).__name__})"
            msg.errors.append(Issue(segment.location, reason))
    _finish(reader, msg)
    if counted is not None and counted[0] != len(msg.bookings):
        reason = f"EQN declares {counted[0]} PNRs, the message has {len(msg.bookings)}"
        msg.warnings.append(Issue(counted[1].location, reason))


def _finish(reader: PnrReader | None, msg: ParsedMessage) -> None:
    if reader is None:
        return
    booking, travellers = reader.finish()
    msg.bookings.append(booking)
    msg.travellers.extend(travellers)


def _message_level(segment: Segment, msg: ParsedMessage, context: MessageContext) -> int | None:
    """Read a segment before the first SRC; return the EQN count when it is one."""
    tag = segment.tag
    if tag == "UNH":
        _header(segment, msg)
    elif tag == "ORG" and segment.get(1, 0).strip():
        context.carriers.add(segment.get(1, 0).strip())
    elif tag == "TVL":
        leg = leg_from_tvl(segment)
        if leg is None:
            msg.warnings.append(Issue(segment.location, "flight TVL without carrier/airports"))
        else:
            _add_flight_leg(msg, context, leg)
    elif tag == "EQN":
        count = segment.get(1, 0).strip()
        return int(count) if count.isascii() and count.isdigit() else None
    elif not minimise.segment_allowed(tag):
        context.dropped[tag if tag.isalnum() else "unknown-segment"] += 1
    return None


def _header(segment: Segment, msg: ParsedMessage) -> None:
    kind = segment.get(2, 0).strip().upper()
    major, minor = segment.get(2, 1).strip(), segment.get(2, 2).strip()
    msg.version = f"{major}.{minor}" if major and minor else major or None
    if kind != "PNRGOV":
        msg.errors.append(Issue(segment.location, "UNH message type is not PNRGOV"))


def _add_flight_leg(msg: ParsedMessage, context: MessageContext, leg: FlightLeg) -> None:
    context.carriers.add(leg.carrier)
    context.flight_numbers.add((leg.carrier, leg.number.lstrip("0")))
    for flight in msg.flights:
        if flight.carrier == leg.carrier and flight.number == leg.number:
            flight.legs.append(leg)
            return
    msg.flights.append(Flight(carrier=leg.carrier, number=leg.number, legs=[leg]))


def _record_drops(msg: ParsedMessage, context: MessageContext, source: str) -> None:
    for name, count in context.dropped.items():
        msg.dropped_elements.append(name)
        logger.info(
            "PNR element dropped on receipt: element=%s count=%d source=%s",
            name,
            count,
            source or "-",
        )
