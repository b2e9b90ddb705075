"""UN/EDIFACT PAXLST (Advance Passenger Information) manifests, D02B/D05B and the CBP variant.

The interchange is cut into message parts at UNH/UNT; each part's body is read by
:mod:`interlock.ingest.paxlst_groups`. Parts that share a common access reference
(UNH element 3, sent with a sequence number in element 4, e.g. ``+ABC01+02:F``) are one
manifest split for size and are merged back into one :class:`ParsedMessage`.

The envelope (UNB) gives sender, recipient, preparation time and the interchange control
reference. BGM 745 is a passenger manifest, 250 (and 336) a crew manifest. CNT 42
(passengers) and 41 (crew), and the UNT segment count, are checked against what was read; a
mismatch is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from interlock.errors import ParseError
from interlock.ingest.edifact import Interchange, Segment
from interlock.ingest.paxlst_dates import envelope_time
from interlock.ingest.paxlst_groups import HANDLERS, PartBuilder
from interlock.model import Flight, Format, Issue, ParsedMessage, Role, Traveller

MANIFEST_ROLES = {"745": Role.PASSENGER, "250": Role.CREW, "336": Role.CREW}
_TOTALS = {"42": Role.PASSENGER, "41": Role.CREW}
_NOUNS = {Role.PASSENGER: "passengers", Role.CREW: "crew members"}


@dataclass(slots=True)
class _Envelope:
    sender: str | None = None
    recipient: str | None = None
    reference: str | None = None
    prepared_at: datetime | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class _Part:
    builder: PartBuilder
    version: str | None = None
    common_reference: str = ""
    sequence: int = 0
    manifest: Role | None = None
    marker: str = ""  # UNH sequence marker: C (more parts follow) or F (final part)
    where: str = ""
    start: int = 0  # the UNH segment's number; 0 for a part without UNH


def parse_paxlst(interchange: Interchange, *, source: str = "") -> list[ParsedMessage]:
    """Read every PAXLST manifest in a lexed interchange; multi-part messages are merged.

    Raises :class:`ParseError` when the interchange holds no PAXLST message at all; problems
    inside a message are kept in its ``errors`` and ``warnings``.
    """
    try:
        envelope, parts = _split(interchange, source)
        if not parts:
            raise ParseError("no PAXLST message (UNH … PAXLST) found", location=source or "input")
        return [_manifest(group, envelope, interchange, source) for group in _groups(parts)]
    except ParseError:
        raise
    except Exception as exc:  # a defect must surface as a parse error, never a crash
        reason = f"PAXLST could not be read ({type(exc).__name__})"
        raise ParseError(reason, location=source or "input") from exc


def _split(interchange: Interchange, source: str) -> tuple[_Envelope, list[_Part]]:
    """Walk the segments once: envelope values, and one builder per message part."""
    envelope = _Envelope()
    parts: list[_Part] = []
    part: _Part | None = None
    builder: PartBuilder | None = None
    in_message = False
    handlers = HANDLERS
    for seg in interchange.segments:
        tag = seg.tag
        handler = handlers.get(tag)
        if handler is not None and builder is not None:  # the hot path: body segments
            try:
                handler(builder, seg)
            except Exception as exc:  # one defective segment must not lose the message
                builder.error(seg, f"cannot read segment ({type(exc).__name__})")
        elif tag == "BGM" and part is not None:
            part.manifest = _bgm(part.builder, seg)
        elif tag == "UNH":
            in_message = True
            part = _unh(seg, source, _reference_day(envelope), envelope)
            builder = part.builder if part is not None else None
            if part is not None:
                parts.append(part)
        elif tag == "UNT":
            if part is not None:
                _check_unt(part, seg)
            part, builder, in_message = None, None, False
        elif tag == "UNB":
            _unb(seg, source, envelope)
        elif not in_message and not tag.startswith("UN"):
            part = _orphan(seg, source, _reference_day(envelope), envelope, first=not parts)
            if part is not None:
                parts.append(part)
                in_message = True
                builder = part.builder
                builder.feed(seg)
    return envelope, parts


def _reference_day(envelope: _Envelope) -> date:
    """The day two-digit years are read against: the interchange's preparation date (UNB),
    so a message reads the same whatever day it is parsed; today's date when UNB has none."""
    return envelope.prepared_at.date() if envelope.prepared_at else date.today()


def _orphan(
    seg: Segment, source: str, today: date, envelope: _Envelope, *, first: bool
) -> _Part | None:
    """A body segment outside UNH … UNT: read as a headless message if none came before."""
    if not first:
        envelope.warnings.append(Issue(_where(source, seg), "segment outside a message ignored"))
        return None
    envelope.warnings.append(Issue(_where(source, seg), "no UNH segment before the message body"))
    return _Part(PartBuilder(source, today))


def _where(source: str, seg: Segment) -> str:
    place = f"segment {seg.number} ({seg.tag})"
    return f"{source}: {place}" if source else place


def _unb(seg: Segment, source: str, envelope: _Envelope) -> None:
    envelope.sender = seg.get(2).strip() or None
    envelope.recipient = seg.get(3).strip() or None
    envelope.reference = seg.get(5).strip() or None
    try:
        envelope.prepared_at = envelope_time(seg.get(4).strip(), seg.get(4, 1))
    except ValueError as exc:
        envelope.errors.append(Issue(_where(source, seg), f"preparation time not read: {exc}"))


def _unh(seg: Segment, source: str, today: date, envelope: _Envelope) -> _Part | None:
    kind = seg.get(2).strip()
    if kind != "PAXLST":
        reason = f"message type {kind[:20]!r} is not PAXLST; message skipped"
        envelope.errors.append(Issue(_where(source, seg), reason))
        return None
    version = f"{seg.get(2, 1)}:{seg.get(2, 2)}" if seg.get(2, 1) else None
    sequence = seg.get(4).strip()
    return _Part(
        PartBuilder(source, today),
        version=version,
        common_reference=seg.get(3).strip() if sequence else "",
        sequence=int(sequence) if sequence.isascii() and sequence.isdigit() else 0,
        marker=seg.get(4, 1).strip().upper(),
        where=_where(source, seg),
        start=seg.number,
    )


def _check_unt(part: _Part, seg: Segment) -> None:
    """UNT's segment count (UNH and UNT included) against the part read: a mismatch may mean
    segments were lost in transmission, so it is a warning."""
    declared = seg.get(1).strip()
    found = seg.number - part.start + 1
    if part.start and declared.isascii() and declared.isdigit() and int(declared) != found:
        reason = f"UNT declares {int(declared)} segments, the message has {found}"
        part.builder.warn(seg, reason)


def _bgm(builder: PartBuilder, seg: Segment) -> Role | None:
    code = seg.get(1).strip()
    role = MANIFEST_ROLES.get(code)
    if role is None:
        builder.warn(seg, f"document code {code[:10]!r} is not 745 (passengers) or 250 (crew)")
    return role


def _groups(parts: list[_Part]) -> list[list[_Part]]:
    """Parts of one manifest (same common access reference) together, in sequence order."""
    groups: dict[str, list[_Part]] = {}
    order: list[list[_Part]] = []
    for part in parts:
        key = part.common_reference
        if key and key in groups:
            groups[key].append(part)
            continue
        group = [part]
        order.append(group)
        if key:
            groups[key] = group
    for group in order:
        group.sort(key=lambda p: p.sequence)
    return order


def _manifest(
    group: list[_Part], envelope: _Envelope, interchange: Interchange, source: str
) -> ParsedMessage:
    first = group[0]
    message = ParsedMessage(
        format=Format.PAXLST,
        message_type="PAXLST",
        version=first.version,
        sender=envelope.sender,
        recipient=envelope.recipient,
        reference=envelope.reference,
        prepared_at=envelope.prepared_at,
        manifest=first.manifest,
        warnings=[*interchange.warnings, *envelope.warnings],
        errors=[*interchange.errors, *envelope.errors],
        source=source,
    )
    for part in group:
        builder = part.builder
        _merge_flights(message.flights, builder.flights)
        message.travellers.extend(builder.travellers)
        message.warnings.extend(builder.warnings)
        message.errors.extend(builder.errors)
    _check_totals(message, group)
    _check_sequence(message, group)
    return message


def _check_sequence(message: ParsedMessage, group: list[_Part]) -> None:
    """A multi-part manifest must run 1, 2, … n with the last part marked F (final)."""
    numbered = [p.sequence for p in group if p.sequence]
    if not numbered:
        return
    missing = sorted(set(range(1, max(numbered) + 1)) - set(numbered))
    last = group[-1]
    if missing:
        message.warnings.append(Issue(last.where, f"multi-part manifest: parts {missing} missing"))
    if last.marker == "C":
        reason = (f"multi-part manifest incomplete: part {last.sequence} says more parts "
                  "follow (C) but no final part (F) was received")  # fmt: skip
        message.warnings.append(Issue(last.where, reason))


def _merge_flights(merged: list[Flight], flights: list[Flight]) -> None:
    """Add a part's flights, dropping empty legs and flights already reported."""
    for flight in flights:
        flight.legs = [
            leg
            for leg in flight.legs
            if leg.departure_airport or leg.arrival_airport or leg.departure or leg.arrival
        ]
        if flight not in merged:
            merged.append(flight)


def _check_totals(message: ParsedMessage, group: list[_Part]) -> None:
    """CNT 42/41 against the passengers/crew read (the whole manifest, or that part)."""
    totals = _role_counts(message.travellers)
    for part in group:
        for seg, qualifier, declared in part.builder.counts:
            role = _TOTALS.get(qualifier)
            if role is None:
                continue
            found = totals[role]
            if declared == found or declared == _role_counts(part.builder.travellers)[role]:
                continue
            reason = f"control total CNT {qualifier} declares {declared} {_NOUNS[role]}, "
            reason += f"but {found} were read"
            other = Role.CREW if role is Role.PASSENGER else Role.PASSENGER
            if totals[other]:
                reason += f" (and {totals[other]} {_NOUNS[other]})"
            message.warnings.append(Issue(part.builder.where(seg), reason))


def _role_counts(travellers: list[Traveller]) -> dict[Role, int]:
    counts = {Role.PASSENGER: 0, Role.CREW: 0}
    for traveller in travellers:
        counts[traveller.role] += 1
    return counts
