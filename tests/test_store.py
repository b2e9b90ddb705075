"""The node's store, run against SQLite and PostgreSQL alike (see conftest.py)."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from interlock.model import (
    Booking,
    Contact,
    DatePrecision,
    Flight,
    FlightLeg,
    Format,
    ParsedMessage,
    Payment,
    Role,
    Sex,
    TravelDocument,
    Traveller,
)
from interlock.settings import Settings
from interlock.store import MessageStatus, Store
from interlock.store.rows import mask_card_number
from interlock.store.schema import (
    Base,
    BookingRow,
    FlightLegRow,
    TravelDocumentRow,
    TravellerRow,
)

T0 = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)


def flight(number: str = "123", day: int = 1) -> Flight:
    departure = datetime(2024, 5, day, 9, 30)
    leg = FlightLeg("XY", number, "FRA", "JFK", departure, departure + timedelta(hours=8))
    return Flight("XY", number, [leg])


def person(surname: str, *, role: Role = Role.PASSENGER, number: str = "P1") -> Traveller:
    return Traveller(
        surname=surname,
        given_names="ALEX SAM",
        birth_date=date(1980, 2, 1),
        birth_date_precision=DatePrecision.MONTH,
        sex=Sex.FEMALE,
        nationality="DEU",
        role=role,
        documents=[TravelDocument("P", number, "DEU", date(2030, 1, 1), date(2020, 1, 2))],
        reference="ABO1",
        seat="12A",
        embarkation="FRA",
        debarkation="JFK",
        contacts=[Contact("phone", "+49 30 000000")],
        frequent_flyer=["XY 1234"],
    )


def manifest(surnames: list[str], *, role: Role = Role.PASSENGER, day: int = 1) -> ParsedMessage:
    people = [person(s, role=role, number=f"P{i}") for i, s in enumerate(surnames)]
    return ParsedMessage(Format.PAXLST, manifest=role, flights=[flight(day=day)], travellers=people)


def receive(store: Store, data: bytes, at: datetime = T0) -> int:
    digest = hashlib.sha256(data).hexdigest()
    message_id = store.messages.record_received(
        data, sha256=digest, source="test", sender="XY", received_at=at
    )
    assert message_id is not None
    return message_id


def test_migration_matches_the_tables(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.parametrize(
    ("model", "table", "elsewhere"),
    [
        (Traveller, TravellerRow, {"documents"}),
        (TravelDocument, TravelDocumentRow, set()),
        (FlightLeg, FlightLegRow, set()),
        (Booking, BookingRow, set()),
    ],
)
def test_every_domain_field_has_a_column(model: type, table: type, elsewhere: set[str]) -> None:
    columns = set(table.__table__.columns.keys())  # type: ignore[attr-defined]
    assert {f.name for f in fields(model)} - elsewhere <= columns


def test_same_bytes_are_recorded_once(store: Store) -> None:
    first = receive(store, b"UNA:+.? '\x00\xff raw")
    digest = hashlib.sha256(b"UNA:+.? '\x00\xff raw").hexdigest()
    again = store.messages.record_received(
        b"UNA:+.? '\x00\xff raw", sha256=digest, source="x", sender=None, received_at=T0
    )
    assert again is None
    assert store.messages.raw(first) == b"UNA:+.? '\x00\xff raw"
    info = store.messages.get(first)
    assert info is not None
    assert (info.sha256, info.size, info.sender, info.received_at) == (digest, 15, "XY", T0)
    assert [h.status for h in info.history] == ["received"]


def test_status_history_keeps_every_step_and_the_reason(store: Store) -> None:
    message_id = receive(store, b"broken")
    store.messages.mark(message_id, MessageStatus.FAILED, reason="line 3: no surname")
    info = store.messages.get(message_id)
    assert info is not None
    assert (info.status, info.reason) == ("failed", "line 3: no surname")
    assert [(h.status, h.reason) for h in info.history] == [
        ("received", None),
        ("failed", "line 3: no surname"),
    ]
    assert store.messages.get(message_id + 1) is None


def test_naive_receipt_time_is_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.messages.record_received(
            b"x", sha256="0" * 64, source="t", sender=None, received_at=datetime(2024, 1, 1)
        )


def test_manifest_travellers_round_trip(store: Store) -> None:
    parsed = manifest(["ONE", "TWO"])
    message_id = receive(store, b"m1")
    stored = store.store_content(message_id, [parsed], received_at=T0)
    assert (stored.travellers, stored.flight_keys) == (2, ["XY123/2024-05-01"])
    assert store.travellers.for_flight("XY123/2024-05-01") == parsed.travellers
    assert store.travellers.for_message(message_id) == parsed.travellers
    info = store.messages.get(message_id)
    assert info is not None
    assert (info.status, info.traveller_count, info.flights) == (
        "stored",
        2,
        ["XY123/2024-05-01"],
    )


def test_later_manifest_becomes_current_and_keeps_history(store: Store) -> None:
    first = receive(store, b"v1")
    store.store_content(first, [manifest(["ONE", "TWO"])], received_at=T0)
    second = receive(store, b"v2", T0 + timedelta(hours=1))
    store.store_content(second, [manifest(["ONE", "TWO", "THREE"])], received_at=T0)
    found = store.flights.get("XY123/2024-05-01")
    assert found is not None
    assert (found.current_version, found.traveller_count) == (2, 3)
    assert [(v.version, v.message_id, v.traveller_count, v.is_current) for v in found.versions] == [
        (1, first, 2, False),
        (2, second, 3, True),
    ]
    assert [leg.departure_airport for leg in found.versions[0].legs] == ["FRA"]
    surnames = [t.surname for t in store.travellers.for_flight(found.key)]
    assert surnames == ["ONE", "TWO", "THREE"]
    old = [t.surname for t in store.travellers.for_flight(found.key, version=1)]
    assert old == ["ONE", "TWO"]


def test_crew_manifest_does_not_replace_the_passengers(store: Store) -> None:
    store.store_content(receive(store, b"pax"), [manifest(["PAX"])], received_at=T0)
    crew = manifest(["PILOT", "PURSER"], role=Role.CREW)
    store.store_content(receive(store, b"crew"), [crew], received_at=T0)
    found = store.flights.get("XY123/2024-05-01")
    assert found is not None
    assert [v.is_current for v in found.versions] == [True, True]
    assert found.traveller_count == 3
    roles = sorted(t.role.value for t in store.travellers.for_flight(found.key))
    assert roles == ["crew", "crew", "passenger"]


def test_flights_list_by_day(store: Store) -> None:
    message_id = receive(store, b"two days")
    store.store_content(
        message_id, [manifest(["B"], day=2), manifest(["A"], day=1)], received_at=T0
    )
    keys = [(f.key, f.traveller_count, f.origin, f.destination) for f in store.flights.list()]
    assert keys == [("XY123/2024-05-01", 1, "FRA", "JFK"), ("XY123/2024-05-02", 1, "FRA", "JFK")]
    assert store.flights.list(offset=1, limit=1)[0].key == "XY123/2024-05-02"
    assert store.flights.get("XY999/2024-05-01") is None


def pnr_push(locator: str, card: str, names: list[str]) -> ParsedMessage:
    people = [Traveller(surname=n, record_locator=locator) for n in names]
    booking = Booking(
        record_locator=locator,
        carrier="XY",
        traveller_count=len(names),
        itinerary=flight().legs,
        payments=[Payment("CC", card_number_masked=card, card_issuer="VI")],
        contacts=[Contact("email", "someone@example.org")],
    )
    return ParsedMessage(Format.PNRGOV, flights=[flight()], travellers=people, bookings=[booking])


def test_every_pnr_push_is_kept_as_a_version(store: Store) -> None:
    first = receive(store, b"pnr1")
    store.store_content(first, [pnr_push("ABC123", "XXXXXXXXXXXX1111", ["ONE"])], received_at=T0)
    second = receive(store, b"pnr2")
    push = pnr_push("ABC123", "4111111111111111", ["ONE", "TWO"])
    store.store_content(second, [push], received_at=T0)
    history = store.bookings.history("ABC123", carrier="XY")
    assert [(b.version, b.is_current, b.message_id) for b in history] == [
        (1, False, first),
        (2, True, second),
    ]
    assert history[1].booking.payments[0].card_number_masked == "XXXXXXXXXXXX1111"
    assert history[1].booking.itinerary == push.bookings[0].itinerary
    assert [t.surname for t in store.travellers.for_message(second)] == ["ONE", "TWO"]
    assert store.flights.get("XY123/2024-05-01") is not None


def test_many_bookings_in_one_push_each_get_their_next_version(store: Store) -> None:
    first = receive(store, b"pnr-a")
    store.store_content(first, [pnr_push("AAA111", "1111", ["ONE"])], received_at=T0)
    push = pnr_push("BBB222", "2222", ["TWO"])
    again = pnr_push("AAA111", "3333", ["ONE"])
    twice = pnr_push("BBB222", "4444", ["TWO", "THREE"])
    push.bookings += again.bookings + twice.bookings
    push.travellers += again.travellers
    second = receive(store, b"pnr-b")
    store.store_content(second, [push], received_at=T0)
    a = store.bookings.history("AAA111", carrier="XY")
    b = store.bookings.history("BBB222", carrier="XY")
    assert [(x.version, x.is_current, x.message_id) for x in a] == [
        (1, False, first),
        (2, True, second),
    ]
    assert [(x.version, x.is_current) for x in b] == [(1, False), (2, True)]
    assert b[1].booking.payments[0].card_number_masked == "4444"


@pytest.mark.parametrize(
    ("given", "masked"),
    [
        ("4111111111111111", "XXXXXXXXXXXX1111"),
        ("XXXXXXXXXXXX1111", "XXXXXXXXXXXX1111"),
        ("4111 1111 1111 1234", "XXXX XXXX XXXX 1234"),
        ("123", "123"),
        (None, None),
    ],
)
def test_card_numbers_keep_only_the_last_four_digits(given: str | None, masked: str | None) -> None:
    assert mask_card_number(given) == masked


def test_summary_counts(store: Store) -> None:
    store.store_content(receive(store, b"a"), [manifest(["ONE", "TWO"])], received_at=T0)
    failed = receive(store, b"b")
    store.messages.mark(failed, MessageStatus.FAILED, reason="bad")
    store.messages.mark(receive(store, b"c"), MessageStatus.PARSED, format="pnrgov")
    summary = store.summary()
    assert summary["messages"] == 3
    assert (summary["messages_stored"], summary["messages_failed"]) == (1, 1)
    assert (summary["messages_parsed"], summary["messages_received"]) == (1, 0)
    assert summary["format_pnrgov"] == 1
    assert (summary["flights"], summary["flight_versions"]) == (1, 1)
    assert (summary["travellers"], summary["travel_documents"], summary["bookings"]) == (2, 2, 0)


def test_store_from_settings_creates_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "new" / "node")
    store = Store.from_settings(settings)
    try:
        assert store.ping()
        assert (tmp_path / "new" / "node" / "interlock.db").is_file()
        with store.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()
        assert mode == "wal"
    finally:
        store.dispose()
