"""Stored screening matches: one row per traveller, list and entry (``matches`` table).

A match is written when a traveller is ingested (reason ``ingest``) or when a list later gains
or changes an entry the traveller matches (``retro``). The same traveller, list and entry is
stored once: a later screening that finds it again leaves the first row as it is. The alerting
issue builds alerts on these rows; they carry no review state of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.screening.model import Band, Explanation, Match
from interlock.store.schema import MatchRow
from interlock.store.writer import insert_or_ignore

_UNIQUE = ["traveller_id", "list_name", "entry_id"]


class MatchReason(StrEnum):
    """Why a traveller was screened when the match was found."""

    INGEST = "ingest"  # the traveller's message was ingested
    RETRO = "retro"  # a list gained or changed entries after the traveller was stored


@dataclass(frozen=True, slots=True)
class NewMatch:
    """A match to store for a stored traveller."""

    traveller_id: int
    message_id: int
    flight_key: str | None
    list_version: int
    match: Match
    reason: MatchReason


@dataclass(frozen=True, slots=True)
class StoredMatch:
    """A stored match, as read back."""

    id: int
    traveller_id: int
    message_id: int
    flight_key: str | None
    list_name: str
    list_version: int
    entry_id: str
    score: float
    band: Band
    matched_name: str
    explanations: list[Explanation] = field(default_factory=list)
    screened_at: datetime | None = None
    reason: MatchReason = MatchReason.INGEST

    def to_dict(self) -> dict[str, Any]:
        """The match as JSON-ready data."""
        return {
            "id": self.id,
            "traveller_id": self.traveller_id,
            "message_id": self.message_id,
            "flight_key": self.flight_key,
            "list": self.list_name,
            "list_version": self.list_version,
            "entry_id": self.entry_id,
            "score": round(self.score, 4),
            "band": self.band.value,
            "matched_name": self.matched_name,
            "explanations": [e.as_dict() for e in self.explanations],
            "screened_at": self.screened_at.isoformat() if self.screened_at else None,
            "reason": self.reason.value,
        }


def insert_matches(
    session: Session, matches: Sequence[NewMatch], *, screened_at: datetime | None = None
) -> int:
    """Insert ``matches`` in the caller's transaction; a (traveller, list, entry) already stored
    is left as it is. Returns how many rows were new."""
    if not matches:
        return 0
    at = screened_at or datetime.now(UTC)
    rows = [_row(m, at) for m in matches]
    statement = (
        insert_or_ignore(session, MatchRow)
        .on_conflict_do_nothing(index_elements=_UNIQUE)
        .returning(MatchRow.id)
    )
    return len(session.execute(statement, rows).all())


def _row(new: NewMatch, at: datetime) -> dict[str, Any]:
    match = new.match
    return {
        "traveller_id": new.traveller_id,
        "message_id": new.message_id,
        "flight_key": new.flight_key,
        "list_name": match.list_name,
        "list_version": new.list_version,
        "entry_id": match.entry_id,
        "score": match.score,
        "band": match.band.value,
        "matched_name": match.matched_name,
        "explanations": [e.as_dict() for e in match.explanations],
        "screened_at": at,
        "reason": new.reason.value,
    }


class MatchRepository:
    """Store and read screening matches."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, matches: Sequence[NewMatch], *, screened_at: datetime | None = None) -> int:
        """Store ``matches`` in one transaction (see :func:`insert_matches`); how many were new."""
        if not matches:
            return 0
        with self._sessions.begin() as session:
            return insert_matches(session, matches, screened_at=screened_at)

    def find(
        self,
        *,
        traveller_id: int | None = None,
        message_id: int | None = None,
        list_name: str | None = None,
        entry_id: str | None = None,
        reason: MatchReason | None = None,
    ) -> list[StoredMatch]:
        """The stored matches that fit every filter given, oldest first."""
        query = _filtered(select(MatchRow), traveller_id, message_id, list_name, entry_id, reason)
        with self._sessions() as session:
            rows = session.execute(query.order_by(MatchRow.id)).scalars()
            return [_stored(row) for row in rows]

    def count(self, *, reason: MatchReason | None = None) -> int:
        """How many matches are stored (of one ``reason``)."""
        query = _filtered(select(func.count(MatchRow.id)), None, None, None, None, reason)
        with self._sessions() as session:
            return int(session.execute(query).scalar_one())


def _filtered(
    query: Select[Any],
    traveller_id: int | None,
    message_id: int | None,
    list_name: str | None,
    entry_id: str | None,
    reason: MatchReason | None,
) -> Select[Any]:
    conditions = [
        column == value
        for column, value in (
            (MatchRow.traveller_id, traveller_id),
            (MatchRow.message_id, message_id),
            (MatchRow.list_name, list_name),
            (MatchRow.entry_id, entry_id),
            (MatchRow.reason, reason.value if reason else None),
        )
        if value is not None
    ]
    return query.where(*conditions) if conditions else query


def _stored(row: MatchRow) -> StoredMatch:
    return StoredMatch(
        id=row.id,
        traveller_id=row.traveller_id,
        message_id=row.message_id,
        flight_key=row.flight_key,
        list_name=row.list_name,
        list_version=row.list_version,
        entry_id=row.entry_id,
        score=row.score,
        band=Band(row.band),
        matched_name=row.matched_name,
        explanations=[Explanation(**item) for item in row.explanations],
        screened_at=row.screened_at,
        reason=MatchReason(row.reason),
    )
