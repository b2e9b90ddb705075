"""The ingest pipeline: received bytes → recorded message → parsed → stored.

Order of work, so that nothing accepted is ever lost:

1. the raw bytes are recorded as RECEIVED (with sha256, sender, time) and committed;
   the same bytes a second time are not stored again and the outcome is ``duplicate``;
2. the bytes are parsed (PARSED, with format, warnings, errors and dropped PNR elements),
   or the message is FAILED with the reason naming the place; its raw bytes stay;
3. the travellers are screened against the node's stored lists, then the flights, bookings,
   travellers and their matches are written and the message is STORED, in one transaction
   (:mod:`interlock.screening.intake`). A partly broken message is STORED with its errors kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interlock.errors import NotFoundError, ParseError
from interlock.ingest.detect import parse_message
from interlock.model import ParsedMessage
from interlock.store import MessageInfo, MessageStatus, Store

if TYPE_CHECKING:
    from interlock.screening.intake import IngestScreening, MessageScreening


@dataclass(slots=True)
class IngestOutcome:
    """What became of one received message. ``status``: stored, duplicate or failed.
    ``screened``: travellers screened against at least one list; ``matches``: matches stored;
    ``rule_hits``: risk-rule hits; ``alerts``: alerts raised (new ones; a re-sent manifest
    updates the alerts it raised before); ``out_of_scope``: travellers of flights outside the
    route scope (SG-03), stored and flagged but not screened."""

    message_id: int | None
    sha256: str
    status: str
    format: str | None = None
    travellers: int = 0
    flights: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reason: str | None = None
    screened: int = 0
    matches: int = 0
    rule_hits: int = 0
    alerts: int = 0
    out_of_scope: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Received:
    """A message recorded as RECEIVED, waiting to be parsed and stored."""

    message_id: int
    sha256: str
    sender: str | None
    received_at: datetime


class Ingestor:
    """Takes messages into the node's store, screening their travellers as it goes.

    ``screening``: True (default) screens with the store's shared screener at the configured
    threshold (``Settings.screen_threshold``), False stores without screening, or a configured
    :class:`~interlock.screening.intake.IngestScreening`.
    """

    def __init__(self, store: Store, *, screening: IngestScreening | bool = True) -> None:
        self._store = store
        self._screening: IngestScreening | None = None
        if screening is True:
            from interlock.scope import ScopeConfig
            from interlock.screening.intake import IngestScreening
            from interlock.settings import get_settings

            settings = get_settings()
            scope = (
                ScopeConfig.load(settings.route_scope_file) if settings.route_scope_file else None
            )
            self._screening = IngestScreening(
                store, threshold=settings.screen_threshold, scope=scope
            )
        elif screening is not False:
            self._screening = screening

    def ingest_bytes(
        self,
        data: bytes,
        *,
        source: str,
        sender: str | None = None,
        received_at: datetime | None = None,
    ) -> IngestOutcome:
        """Record, parse and store one received message (see the module docstring)."""
        received = self.receive(data, source=source, sender=sender, received_at=received_at)
        if isinstance(received, IngestOutcome):
            return received
        try:
            parsed = _parse(data, source)
        except ParseError as err:
            return self.complete(received, str(err))
        except Exception as err:
            self._fail(received.message_id, f"internal error while parsing: {type(err).__name__}")
            raise
        return self.complete(received, parsed)

    def receive(
        self,
        data: bytes,
        *,
        source: str,
        sender: str | None = None,
        received_at: datetime | None = None,
    ) -> Received | IngestOutcome:
        """Stage 1: record the raw bytes as RECEIVED (committed), or report a duplicate."""
        received_at = received_at or datetime.now(UTC)
        digest = hashlib.sha256(data).hexdigest()
        message_id = self._store.messages.record_received(
            data, sha256=digest, source=source, sender=sender, received_at=received_at
        )
        if message_id is None:
            return self._duplicate(digest)
        return Received(message_id, digest, sender, received_at)

    def complete(self, received: Received, parsed: list[ParsedMessage] | str) -> IngestOutcome:
        """Stage 3: store what stage 2 parsed, or mark the message FAILED with the reason."""
        if isinstance(parsed, str):
            self._store.messages.mark(received.message_id, MessageStatus.FAILED, reason=parsed)
            return IngestOutcome(received.message_id, received.sha256, "failed", reason=parsed)
        return self._store_parsed(
            received.message_id, received.sha256, parsed, received.sender, received.received_at
        )

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        on_progress: Callable[[Path, IngestOutcome], None] | None = None,
        parse_workers: int = 0,
        sender: str | None = None,
    ) -> list[IngestOutcome]:
        """Ingest files; directories are walked recursively in sorted order.

        Every path is checked before anything is ingested: a missing one raises
        :class:`interlock.errors.NotFoundError`. With ``parse_workers`` > 0, parsing runs in
        that many worker processes while this process records and stores, in file order.
        """
        files = expand_paths(paths)
        if parse_workers > 0:
            from interlock.ingest.pipeline import ingest_pipelined

            return ingest_pipelined(
                self, files, workers=parse_workers, on_progress=on_progress, sender=sender
            )
        outcomes: list[IngestOutcome] = []
        for path in files:
            outcome = self.ingest_bytes(path.read_bytes(), source=str(path), sender=sender)
            outcomes.append(outcome)
            if on_progress is not None:
                on_progress(path, outcome)
        return outcomes

    def _store_parsed(
        self,
        message_id: int,
        digest: str,
        parsed: list[ParsedMessage],
        sender: str | None,
        received_at: datetime,
    ) -> IngestOutcome:
        screening = self._screen(message_id, parsed)  # may flag a route out of scope (SG-03)
        summary = _summarise(parsed)
        values: dict[str, Any] = dict(summary)
        if sender is None and parsed[0].sender:
            values["sender"] = parsed[0].sender
        try:
            stored = self._store.store_content(
                message_id,
                parsed,
                received_at=received_at,
                parsed_values=values,
                on_stored=screening.write if screening is not None else None,
            )
        except Exception as err:
            self._fail(message_id, f"could not store: {type(err).__name__}")
            raise
        if screening is not None and self._screening is not None:
            self._screening.recheck(screening, parsed)
        return IngestOutcome(
            message_id,
            digest,
            "stored",
            format=summary["format"],
            travellers=stored.travellers,
            flights=stored.flight_keys,
            warnings=summary["warnings"],
            errors=summary["errors"],
            screened=screening.screened if screening is not None else 0,
            matches=screening.stored if screening is not None else 0,
            rule_hits=len(screening.hits) if screening is not None else 0,
            alerts=len(screening.alerts.raised) if screening is not None else 0,
            out_of_scope=screening.out_of_scope if screening is not None else 0,
        )

    def _screen(self, message_id: int, parsed: list[ParsedMessage]) -> MessageScreening | None:
        if self._screening is None:
            return None
        try:
            return self._screening.screen(message_id, parsed)
        except Exception as err:
            self._fail(message_id, f"could not screen: {type(err).__name__}")
            raise

    def _fail(self, message_id: int, reason: str) -> None:
        self._store.messages.mark(message_id, MessageStatus.FAILED, reason=reason)

    def _duplicate(self, digest: str) -> IngestOutcome:
        known = self._store.messages.by_sha256(digest)
        if known is None:  # removed between the insert and this read
            raise NotFoundError(f"message {digest} vanished while being ingested")
        return _duplicate_outcome(known)


def parse_for_ingest(data: bytes, source: str) -> list[ParsedMessage] | str:
    """Stage 2, safe to run in a worker process: the parsed messages, or the reason they
    cannot be read (a ParseError's text, naming the place)."""
    try:
        return _parse(data, source)
    except ParseError as err:
        return str(err)


def _parse(data: bytes, source: str) -> list[ParsedMessage]:
    parsed = parse_message(data, source=source)
    if not parsed:
        raise ParseError("no message found in the input", location=source)
    return parsed


def _summarise(parsed: list[ParsedMessage]) -> dict[str, Any]:
    """Format, warnings, errors and dropped elements of the parsed messages of one input."""
    dropped: list[str] = []
    for message in parsed:
        dropped.extend(d for d in message.dropped_elements if d not in dropped)
    return {
        "format": parsed[0].format.value,
        "warnings": [str(w) for m in parsed for w in m.warnings],
        "errors": [str(e) for m in parsed for e in m.errors],
        "dropped_elements": dropped,
    }


def _duplicate_outcome(known: MessageInfo) -> IngestOutcome:
    reason = f"already received as message {known.id} ({known.status})"
    return IngestOutcome(
        known.id,
        known.sha256,
        "duplicate",
        format=known.format,
        travellers=known.traveller_count,
        flights=list(known.flights),
        warnings=list(known.warnings),
        errors=list(known.errors),
        reason=reason,
    )


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files named, and the files under directories named (recursively, sorted, no hidden)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(_walk(path)))
        elif path.is_file():
            files.append(path)
        else:
            raise NotFoundError(f"{path}: no such file or directory")
    return files


def _walk(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if path.is_file() and not hidden:
            yield path
