"""Ingest screens as it stores (DESIGN.md §3): every traveller a received message carries is
screened against the active entries of the node's stored lists, and the matches at or above
the threshold are written in the transaction that stores the travellers (``matches`` table,
reason ``ingest``), so a traveller is never stored without the result of its screening.

- The screener is the store's shared :class:`~interlock.screening.stored.StoredScreener`:
  a list imported or an entry delisted is picked up with the next message (SG-18).
- Travellers from PNR (PNRGOV) are screened only against lists of persons sought or under
  alert (SG-17); with no such list they are not screened at all.
- Screening runs before the storing transaction, so the database is not held while the CPU
  works. A list may gain a version between that screening and the commit, and the
  retro-screening of that version (:mod:`interlock.screening.retro`) may have looked for
  travellers before these were committed. So the lists are checked again after the commit and,
  when they moved, the message's travellers are screened again and what is new is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from interlock.model import Format, ParsedMessage
from interlock.screening.lists import LoadedLists
from interlock.screening.model import Match
from interlock.screening.queries import query_from_traveller
from interlock.screening.screen import DEFAULT_THRESHOLD
from interlock.store.matches import MatchReason, NewMatch, insert_matches

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from interlock.screening.stored import Fingerprint, Snapshot, StoredScreener
    from interlock.store import Store
    from interlock.store.repositories import OnStored

# Most matches stored per traveller (best first).
MATCH_LIMIT = 10
# The sought lists of each shared screener, as of a fingerprint (SG-17).
_SOUGHT: WeakKeyDictionary[StoredScreener, tuple[Fingerprint, frozenset[str]]] = WeakKeyDictionary()


@dataclass(slots=True)
class Found:
    """A match for the traveller at ``position`` (in message order) of a received message."""

    position: int
    flight_key: str | None
    match: Match


@dataclass(slots=True)
class MessageScreening:
    """The screening of one received message's travellers, stored with them by :meth:`write`
    (:attr:`on_stored`: the store's hook, None when there is nothing to store).

    ``travellers``: how many the message carries; ``screened``: how many were compared with
    at least one list; ``stored``: matches written (new rows only).
    """

    message_id: int
    fingerprint: Fingerprint
    versions: dict[str, int]
    travellers: int = 0
    screened: int = 0
    found: list[Found] = field(default_factory=list)
    traveller_ids: list[int] = field(default_factory=list)
    stored: int = 0
    screened_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def on_stored(self) -> OnStored | None:
        """What the storing transaction calls: :meth:`write` when there are matches to store."""
        return self.write if self.found else None

    def write(self, session: Session, traveller_ids: list[int]) -> None:
        """Store the matches with the travellers (the store's ``on_stored`` hook)."""
        if len(traveller_ids) != self.travellers:
            raise RuntimeError(
                f"message {self.message_id}: {len(traveller_ids)} travellers stored, "
                f"{self.travellers} screened"
            )
        self.traveller_ids = traveller_ids
        rows = self.rows(traveller_ids)
        self.stored += insert_matches(session, rows, screened_at=self.screened_at)

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


class IngestScreening:
    """Screens the travellers of received messages (for the ingest service)."""

    def __init__(
        self,
        store: Store,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = MATCH_LIMIT,
        screener: StoredScreener | None = None,
    ) -> None:
        self._store = store
        self._screener = screener if screener is not None else store.screener
        self.threshold = threshold
        self._limit = limit

    def screen(self, message_id: int, parsed: Sequence[ParsedMessage]) -> MessageScreening:
        """Screen every traveller of the parsed messages of one received message."""
        return self._screen(self._screener.current(), message_id, parsed)

    def recheck(self, done: MessageScreening, parsed: Sequence[ParsedMessage]) -> None:
        """After the commit: when the lists moved since ``done`` was screened, screen the stored
        travellers again and store the matches that are new (see the module docstring)."""
        if not done.travellers or self._screener.fingerprint() == done.fingerprint:
            return
        again = self._screen(self._screener.current(), done.message_id, parsed)
        if again.found:
            ids = done.traveller_ids or self._store.traveller_ids(done.message_id)
            done.stored += self._store.matches.add(again.rows(ids), screened_at=again.screened_at)
        done.screened = max(done.screened, again.screened)

    def _screen(
        self, snapshot: Snapshot, message_id: int, parsed: Sequence[ParsedMessage]
    ) -> MessageScreening:
        fingerprint = snapshot.fingerprint
        versions = dict(fingerprint[0])
        result = MessageScreening(message_id, fingerprint, versions)
        result.travellers = sum(len(message.travellers) for message in parsed)
        screener = snapshot.screener
        if not len(screener):
            return result
        sought = self._sought(fingerprint)
        position = 0
        for message in parsed:
            pnr = message.format is Format.PNRGOV or bool(message.bookings)
            lists = sought if pnr else None
            if lists is not None and not lists:
                position += len(message.travellers)
                continue
            key = message.flights[0].key if message.flights else None
            for traveller in message.travellers:
                query = query_from_traveller(traveller)
                for match in screener.screen(
                    query, threshold=self.threshold, limit=self._limit, lists=lists
                ):
                    # A list registered after the fingerprint was read: its version is not
                    # known here; the check after the commit screens against it (recheck).
                    if match.list_name in versions:
                        result.found.append(Found(position, key, match))
                position += 1
                result.screened += 1
        return result

    def _sought(self, fingerprint: Fingerprint) -> frozenset[str]:
        """The stored lists of persons sought or under alert (SG-17), once per fingerprint."""
        known = _SOUGHT.get(self._screener)
        if known is not None and known[0] == fingerprint:
            return known[1]
        stored = self._store.watchlists.lists()
        sought = frozenset(LoadedLists(infos={s.info.name: s.info for s in stored}).sought())
        _SOUGHT[self._screener] = (fingerprint, sought)
        return sought
