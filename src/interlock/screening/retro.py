"""Retro-screening: when a list gains or changes entries, the travellers already in the store
are screened against those entries only (issue 3, "Interfaces").

Which travellers: those of the current manifests (and, for a list of persons sought or under
alert, the current PNR pushes, SG-17) of flights whose departure date falls in the window
``[now - retro_window_past_days, now + retro_window_future_hours]`` (dates compared, since
departure dates are the carriers' local ones; a flight on the window's first or last day is
in it). Which entries: those the version added or changed that may match today (SG-18).

The travellers are read in batches from one streaming query (a few columns and the first
travel document each), so the store may hold many; the screener holds only the new entries,
so each traveller costs little. New matches are stored with reason ``retro``; a traveller
already matched to the same entry keeps the earlier match, so running it twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from interlock.alerts.raising import Cause, Subject, cause_for_match, raise_alerts, subject_for
from interlock.errors import NotFoundError
from interlock.model import DatePrecision, Format, Sex, TravelDocument, Traveller
from interlock.screening.queries import query_from_traveller
from interlock.screening.screen import Screener
from interlock.store.matches import MatchReason, NewMatch, insert_matches
from interlock.store.schema import (
    BookingRow,
    FlightRow,
    FlightVersionRow,
    MessageRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.watchlists.model import ListType

if TYPE_CHECKING:
    from interlock.settings import Settings
    from interlock.store import Store

BATCH = 2_000


@dataclass(frozen=True, slots=True)
class RetroSummary:
    """What one retro-screening did: the version's entries that may match (``entries``), the
    window of departure dates, travellers screened and new matches stored."""

    list_name: str
    version: int
    entries: int
    window_start: date
    window_end: date
    travellers: int
    matches: int

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        data = asdict(self)
        data["window_start"] = self.window_start.isoformat()
        data["window_end"] = self.window_end.isoformat()
        return data


def retro_window(now: datetime, *, past_days: int, future_hours: int) -> tuple[date, date]:
    """The first and last departure date of the retro-screening window around ``now``."""
    return (now - timedelta(days=past_days)).date(), (now + timedelta(hours=future_hours)).date()


def retro_screen(
    store: Store,
    list_name: str,
    version: int,
    *,
    now: datetime,
    settings: Settings | None = None,
    batch: int = BATCH,
) -> RetroSummary:
    """Screen the stored travellers in the window around ``now`` against the entries that
    ``version`` of ``list_name`` added or changed, and store the new matches (see the module
    docstring). Window and threshold come from ``settings`` (default: the node's)."""
    if now.tzinfo is None:
        raise ValueError("retro_screen: 'now' must be timezone-aware")
    if settings is None:
        from interlock.settings import get_settings

        settings = get_settings()
    start, end = retro_window(
        now,
        past_days=settings.retro_window_past_days,
        future_hours=settings.retro_window_future_hours,
    )
    stored = store.watchlists.get(list_name)
    if stored is None:
        raise NotFoundError(f"no watchlist named {list_name!r}")
    today = now.date()
    entries = [
        entry
        for entry in store.watchlists.entries_added_in(list_name, version, include_changed=True)
        if entry.is_active(today)
    ]
    summary = RetroSummary(list_name, version, len(entries), start, end, 0, 0)
    if not entries:
        return summary
    screener = Screener(entries, today=today)
    sought = stored.info.list_type is ListType.SOUGHT
    found: list[NewMatch] = []
    pairs: list[tuple[Subject, Cause]] = []
    screened = 0
    with store.sessions() as session:
        for rows in _window_travellers(session, start, end, with_pnr=sought, batch=batch):
            documents = _first_documents(session, [row.id for row in rows])
            for row in rows:
                screened += 1
                traveller = _traveller(row, documents.get(row.id))
                query = query_from_traveller(traveller)
                for match in screener.screen(query, threshold=settings.screen_threshold):
                    found.append(
                        NewMatch(row.id, row.message_id, row.key, version, match, MatchReason.RETRO)
                    )
                    subject = subject_for(row.id, traveller, row.key, row.departure_date)
                    pairs.append((subject, cause_for_match(match, stored.info.list_type, version)))
    with store.transaction() as session:
        new = insert_matches(session, found, screened_at=now)
        raise_alerts(session, pairs, now=now)
    return RetroSummary(list_name, version, len(entries), start, end, screened, new)


_COLUMNS = (
    TravellerRow.id,
    TravellerRow.message_id,
    FlightRow.key,
    FlightRow.departure_date,
    TravellerRow.surname,
    TravellerRow.given_names,
    TravellerRow.birth_date,
    TravellerRow.birth_date_precision,
    TravellerRow.sex,
    TravellerRow.nationality,
)


def _window_travellers(
    session: Session, start: date, end: date, *, with_pnr: bool, batch: int
) -> Iterator[list[Any]]:
    """Batches of the travellers to screen: those on the current manifests of the flights in
    the window, and with ``with_pnr`` those of the current PNR pushes for those flights. PNR
    travellers are left out otherwise, wherever they are stored (SG-17)."""
    in_window = FlightRow.departure_date.between(start, end)
    manifests = (
        select(*_COLUMNS)
        .join(FlightVersionRow, FlightVersionRow.id == TravellerRow.flight_version_id)
        .join(FlightRow, FlightRow.id == FlightVersionRow.flight_id)
        .where(in_window, FlightVersionRow.is_current)
    )
    bookings = (
        select(*_COLUMNS)
        .join(BookingRow, BookingRow.id == TravellerRow.booking_id)
        .join(FlightRow, FlightRow.id == BookingRow.flight_id)
        .where(in_window, BookingRow.is_current)
    )
    queries = [manifests, bookings] if with_pnr else [_not_from_pnr(manifests)]
    for query in queries:
        result = session.execute(query.order_by(TravellerRow.id).execution_options(yield_per=batch))
        for part in result.partitions():
            yield list(part)


def _not_from_pnr(query: Select[Any]) -> Select[Any]:
    pnr = Format.PNRGOV.value
    return query.join(MessageRow, MessageRow.id == TravellerRow.message_id).where(
        or_(MessageRow.format.is_(None), MessageRow.format != pnr)
    )


def _first_documents(session: Session, ids: list[int]) -> dict[int, TravelDocument]:
    """The first travel document of each traveller (the one screening looks at)."""
    first: dict[int, TravelDocument] = {}
    columns = (
        TravelDocumentRow.traveller_id,
        TravelDocumentRow.type,
        TravelDocumentRow.number,
        TravelDocumentRow.issuing_country,
    )
    for start in range(0, len(ids), 500):
        query = (
            select(*columns)
            .where(TravelDocumentRow.traveller_id.in_(ids[start : start + 500]))
            .order_by(TravelDocumentRow.id)
        )
        for traveller_id, kind, number, country in session.execute(query):
            first.setdefault(traveller_id, TravelDocument(kind, number, country))
    return first


def _traveller(row: Any, document: TravelDocument | None) -> Traveller:
    """The screened part of a stored traveller."""
    return Traveller(
        surname=row.surname,
        given_names=row.given_names,
        birth_date=row.birth_date,
        birth_date_precision=DatePrecision(row.birth_date_precision),
        sex=Sex(row.sex) if row.sex else None,
        nationality=row.nationality,
        documents=[document] if document is not None else [],
    )
