"""Ingest screens as it stores (DESIGN.md §3): every traveller a received message carries is
screened against the active entries of the node's stored lists, and the matches at or above
the threshold are written in the transaction that stores the travellers (``matches`` table,
reason ``ingest``).

- The screener is the store's shared :class:`~interlock.screening.stored.StoredScreener`.
- Travellers from PNR (PNRGOV) are screened only against lists of persons sought or under
  alert (SG-17); with no such list they are not screened at all.
- Screening runs before the storing transaction, so the database is not held while the CPU
  works, with the snapshot of the lists this ingest last saw. Once the travellers are written,
  the storing transaction reads the lists' fingerprint (each list's version, the last
  delisting by hand). When it is the snapshot's, the matches are written with the travellers.
  When a list moved (a version imported, an entry delisted, SG-18), nothing is written with
  them: after the commit the snapshot is renewed, the travellers are screened again and those
  matches are stored. So no match is stored against an entry delisted before the commit, and
  a version imported before the commit is screened here; one imported after it finds the
  travellers committed when it is retro-screened (:mod:`interlock.screening.retro`). On
  SQLite the storing transaction holds the write lock, so nothing commits between that read
  and the commit; on PostgreSQL a version committed in that last fraction of a millisecond
  could escape both screenings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy import update
from sqlalchemy.orm import Session

from interlock.alerts.raising import (
    RaiseReport,
    Subject,
    cause_for_match,
    cause_for_rule,
    raise_alerts,
    subject_for,
)
from interlock.model import Format, ParsedMessage, Traveller
from interlock.scope import ScopeConfig, decide_message
from interlock.screening.model import Match, Query
from interlock.screening.pool import MIN_PARALLEL, Part, split
from interlock.screening.queries import query_from_traveller
from interlock.screening.screen import DEFAULT_THRESHOLD
from interlock.screening.stored import stored_fingerprint
from interlock.stopswitch import SwitchState
from interlock.store.matches import MatchReason, NewMatch, insert_matches
from interlock.store.repositories import message_traveller_ids
from interlock.store.schema import MessageRow
from interlock.watchlists.model import ListType

if TYPE_CHECKING:
    from concurrent.futures import Future

    from interlock.rules import RuleHit, RuleSet
    from interlock.screening import Screener
    from interlock.screening.pool import Found as PoolFound
    from interlock.screening.stored import Fingerprint, Snapshot, StoredScreener
    from interlock.store import Store

# Most matches stored per traveller (best first).
MATCH_LIMIT = 10
# The type of every stored list of each shared screener, as of a fingerprint (SG-17).
_TYPES: WeakKeyDictionary[StoredScreener, tuple[Fingerprint, dict[str, ListType]]] = (
    WeakKeyDictionary()
)
# Longest wait for a screening worker's share before screening it here.
POOL_TIMEOUT = 30.0
# Rules are reloaded at least this often (and whenever the stop switches or the day change).
RULES_TTL = timedelta(seconds=5)


@dataclass(slots=True)
class Found:
    """A match for the traveller at ``position`` (in message order) of a received message."""

    position: int
    flight_key: str | None
    match: Match


@dataclass(slots=True)
class Screened:
    """A traveller of the message, as alerts need it once stored."""

    traveller: Traveller
    flight_key: str | None
    travel_day: date | None


@dataclass(slots=True)
class MessageScreening:
    """The screening of one received message's travellers, stored with them by :meth:`write`
    (the store's ``on_stored`` hook).

    ``travellers``: how many the message carries; ``screened``: how many were compared with
    at least one list; ``stored``: matches written (new rows only); ``lists_moved``: the
    lists had moved from the screened snapshot by the time the travellers were written;
    ``hits``: risk-rule hits by position; ``alerts``: what raising alerts did;
    ``out_of_scope``: travellers of messages outside the route scope (SG-03), not screened.
    """

    message_id: int
    fingerprint: Fingerprint
    versions: dict[str, int]
    list_types: dict[str, ListType] = field(default_factory=dict)
    travellers: int = 0
    screened: int = 0
    out_of_scope: int = 0
    found: list[Found] = field(default_factory=list)
    hits: list[tuple[int, RuleHit]] = field(default_factory=list)
    people: list[Screened] = field(default_factory=list)
    stored: int = 0
    lists_moved: bool = False
    alerts: RaiseReport = field(default_factory=RaiseReport)
    screened_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def write(self, session: Session) -> None:
        """In the storing transaction: store the matches with the travellers and raise their
        alerts, unless the lists moved since the screening (see the module docstring)."""
        if not self.travellers:
            return
        self.lists_moved = stored_fingerprint(session) != self.fingerprint
        if not self.lists_moved:
            record_screened(session, self.message_id, self.screened)
        if self.lists_moved or not (self.found or self.hits):
            return
        traveller_ids = message_traveller_ids(session, self.message_id)
        if len(traveller_ids) != self.travellers:
            raise RuntimeError(
                f"message {self.message_id}: {len(traveller_ids)} travellers stored, "
                f"{self.travellers} screened"
            )
        self.persist(session, traveller_ids)

    def persist(self, session: Session, traveller_ids: list[int]) -> None:
        """Store the matches and raise the alerts of this screening for the stored
        travellers, in the caller's transaction."""
        self.stored += insert_matches(
            session, self.rows(traveller_ids), screened_at=self.screened_at
        )
        subjects: dict[int, Subject] = {}

        def subject(position: int) -> Subject:
            if position not in subjects:
                person = self.people[position]
                subjects[position] = subject_for(
                    traveller_ids[position], person.traveller, person.flight_key, person.travel_day
                )
            return subjects[position]

        pairs = [
            (
                subject(found.position),
                cause_for_match(
                    found.match,
                    self.list_types.get(found.match.list_name, ListType.OTHER),
                    self.versions[found.match.list_name],
                ),
            )
            for found in self.found
        ]
        pairs += [(subject(position), cause_for_rule(hit)) for position, hit in self.hits]
        report = raise_alerts(session, pairs, now=self.screened_at)
        self.alerts.raised += report.raised
        self.alerts.updated += report.updated
        self.alerts.suppressed += report.suppressed

    def rows(self, traveller_ids: list[int]) -> list[NewMatch]:
        """The matches found, as rows for the stored travellers."""
        return [
            NewMatch(
                traveller_ids[found.position],
                self.message_id,
                found.flight_key,
                self.versions[found.match.list_name],
                found.match,
                MatchReason.INGEST,
            )
            for found in self.found
        ]


def record_screened(session: Session, message_id: int, screened: int) -> None:
    """Keep how many of the message's travellers were screened (for the statistics)."""
    if screened:
        session.execute(
            update(MessageRow).where(MessageRow.id == message_id).values(screened=screened)
        )


class IngestScreening:
    """Screens the travellers of received messages and runs the risk rules on them (for the
    ingest service), honouring the stop switches (SG-55): a suspended list is not screened
    against, a suspended rule is not run, and with all suspended neither happens."""

    def __init__(
        self,
        store: Store,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = MATCH_LIMIT,
        screener: StoredScreener | None = None,
        rules: bool = True,
        scope: ScopeConfig | None = None,
    ) -> None:
        self._store = store
        self._scope = scope
        self._pool = store.screening_pool
        self._screener = screener if screener is not None else store.screener
        self.threshold = threshold
        self._limit = limit
        self._snapshot: Snapshot | None = None
        self._rules_enabled = rules
        self._rules: tuple[tuple[SwitchState, date], datetime, RuleSet] | None = None

    def screen(self, message_id: int, parsed: Sequence[ParsedMessage]) -> MessageScreening:
        """Screen every traveller of the parsed messages of one received message with the
        lists as last seen (checked when the travellers are stored: :meth:`recheck`)."""
        if self._snapshot is None:
            self._snapshot = self._screener.current()
        return self._screen(self._snapshot, message_id, parsed)

    def recheck(self, done: MessageScreening, parsed: Sequence[ParsedMessage]) -> None:
        """After the commit: when the lists moved between the screening of ``done`` and the
        writing of its travellers, renew the snapshot, screen them again and store those
        matches and alerts (see the module docstring)."""
        if not done.lists_moved:
            return
        self._snapshot = self._screener.current()
        again = self._screen(self._snapshot, done.message_id, parsed)
        with self._store.transaction() as session:
            record_screened(session, done.message_id, again.screened)
            if again.found or again.hits:
                again.persist(session, message_traveller_ids(session, done.message_id))
        done.stored += again.stored
        done.alerts = again.alerts
        done.screened = again.screened

    def _screen(
        self, snapshot: Snapshot, message_id: int, parsed: Sequence[ParsedMessage]
    ) -> MessageScreening:
        fingerprint = snapshot.fingerprint
        versions = dict(fingerprint[0])
        result = MessageScreening(message_id, fingerprint, versions, self._types(fingerprint))
        outside: set[int] = set()
        for message in parsed:
            key = message.flights[0].key if message.flights else None
            day = message.flights[0].departure_date if message.flights else None
            if self._out_of_scope(message, result.screened_at):
                outside.update(
                    range(len(result.people), len(result.people) + len(message.travellers))
                )
            result.people.extend(Screened(t, key, day) for t in message.travellers)
        result.travellers = len(result.people)
        result.out_of_scope = len(outside)
        if not result.travellers or len(outside) == result.travellers:
            return result
        state = self._store.switches.state()
        if state.all:
            return result
        screener = snapshot.screener
        if len(screener):
            self._match(result, screener, parsed, state, outside)
        ruleset = self._ruleset(state, result.screened_at)
        if ruleset is not None and len(ruleset):
            from interlock.rules import facts_for_message

            matched = frozenset(found.position for found in result.found)
            facts = facts_for_message(parsed, matched=matched, now=result.screened_at)
            for position, traveller_facts in enumerate(facts):
                if position not in outside:
                    hits = ruleset.evaluate(traveller_facts)
                    result.hits.extend((position, hit) for hit in hits)
        return result

    def _out_of_scope(self, message: ParsedMessage, now: datetime) -> bool:
        """Whether the message's flights are outside the configured route scope (SG-03); if
        so the message is flagged with the route and the reason, and its travellers are
        stored but neither screened nor run through the rules."""
        if self._scope is None:
            return False
        decision = decide_message(message, self._scope, now.date())
        if decision is None or decision.in_scope:
            return False
        warning = decision.warning()
        if warning not in message.warnings:
            message.warnings.append(warning)
        return True

    def _match(
        self,
        result: MessageScreening,
        screener: Screener,
        parsed: Sequence[ParsedMessage],
        state: SwitchState,
        outside: set[int],
    ) -> None:
        types = result.list_types
        everything = frozenset(result.versions)
        usable = frozenset(n for n in everything if not state.list_suspended(n))
        sought = frozenset(n for n in usable if types.get(n) is ListType.SOUGHT)
        part: list[tuple[int, Query, frozenset[str] | None]] = []
        keys: dict[int, str | None] = {}
        position = 0
        for message in parsed:
            pnr = message.format is Format.PNRGOV or bool(message.bookings)
            lists: frozenset[str] | None = sought if pnr else usable
            if lists == everything:
                lists = None  # no filter: every list, including one registered just now
            key = message.flights[0].key if message.flights else None
            for traveller in message.travellers:
                if position not in outside and (lists is None or lists):
                    part.append((position, query_from_traveller(traveller), lists))
                    keys[position] = key
                position += 1
        found = self._screen_part(result.fingerprint, screener, part)
        for at, match in sorted(found, key=lambda item: item[0]):
            # A list registered after the fingerprint was read: its version is not known
            # here; the check when storing sees it and screens again.
            if match.list_name in result.versions:
                result.found.append(Found(at, keys[at], match))
        result.screened += len(part)

    def _screen_part(
        self, fingerprint: Fingerprint, screener: Screener, part: Part
    ) -> list[tuple[int, Match]]:
        """Screen the travellers of ``part``; with a screening pool (``interlock serve``) a
        large message is shared with its workers, which screen with the same lists."""
        pool = self._pool
        waiting: list[tuple[Part, Future[PoolFound | None]]] = []
        if pool is not None and len(part) >= MIN_PARALLEL:
            mine, theirs = split(part, pool.workers)
            for share in theirs:
                future = pool.submit(
                    fingerprint, share, threshold=self.threshold, limit=self._limit
                )
                waiting.append((share, future))
            part = mine
        found = self._screen_here(screener, part)
        for share, future in waiting:
            try:
                done = future.result(timeout=POOL_TIMEOUT)
            except Exception:  # a worker that died or hung: its share is screened here
                done = None
            found.extend(done if done is not None else self._screen_here(screener, share))
        return found

    def _screen_here(self, screener: Screener, part: Part) -> list[tuple[int, Match]]:
        found: list[tuple[int, Match]] = []
        for position, query, lists in part:
            matches = screener.screen(
                query, threshold=self.threshold, limit=self._limit, lists=lists
            )
            found.extend((position, match) for match in matches)
        return found

    def _ruleset(self, state: SwitchState, now: datetime) -> RuleSet | None:
        """The active rules, reloaded when the switches or the day change, or after
        :data:`RULES_TTL`."""
        if not self._rules_enabled:
            return None
        key = (state, now.date())
        if self._rules is not None and self._rules[0] == key and now - self._rules[1] < RULES_TTL:
            return self._rules[2]
        from interlock.rules import load_ruleset

        with self._store.sessions() as session:
            ruleset = load_ruleset(session, today=now.date(), state=state)
        self._rules = (key, now, ruleset)
        return ruleset

    def _types(self, fingerprint: Fingerprint) -> dict[str, ListType]:
        """The type of every stored list (SG-17), read once per fingerprint."""
        known = _TYPES.get(self._screener)
        if known is not None and known[0] == fingerprint:
            return known[1]
        types = {s.info.name: s.info.list_type for s in self._store.watchlists.lists()}
        _TYPES[self._screener] = (fingerprint, types)
        return types
