"""Retention runs over real stores (SQLite and PostgreSQL): synthetic PNR pushes ingested with
a receipt time in the past, then deleted or, when held, depersonalised and sealed."""

from __future__ import annotations

import hashlib
import stat
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from auth_helpers import make_user
from interlock.access.roles import Principal, Role
from interlock.errors import ConflictError, ForbiddenError
from interlock.generate.traffic import generate_traffic
from interlock.ingest.pnrgov_write import write_pnrgov
from interlock.ingest.service import Ingestor
from interlock.model import Contact, Payment
from interlock.retention import MASK, Retention, SealKey, open_sealed
from interlock.retention.policy import subtract_months
from interlock.store import Store
from interlock.store.schema import (
    Base,
    BookingRow,
    MatchRow,
    MessageRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import AlertRow, DismissedMatchRow
from interlock.store.schema_retention import SealedRecordRow

NOW = datetime.now(UTC)
OLD = subtract_months(NOW, 7)
RECENT = NOW - timedelta(days=2)

# The synthetic person whose plaintext must not survive depersonalisation.
SURNAME, GIVEN = "QUILLFEATHERSON", "ODALYS"
DOCUMENT = "ZQ9988776"
EMAIL = "odalys.quill@example.org"
CARD = "XXXXXXXXXXXX4242"
FREQUENT = "SK 918273645"
PLAINTEXTS = (SURNAME, GIVEN, DOCUMENT, "example.org", CARD, "918273645")


def pnr_push(seed: int, *, bookings: int = 1, marked: bool = False) -> tuple[bytes, list[str]]:
    """A PNRGOV push of ``bookings`` generated bookings of one flight, and their record
    locators. With ``marked`` its first traveller is the synthetic person above."""
    traffic = generate_traffic(12, seed=seed, pnr_share=1.0)
    flight = next(ft for ft in traffic.flights if len(ft.bookings) >= bookings)
    chosen = flight.bookings[:bookings]
    if marked:
        booking, party = chosen[0]
        person = party[0]
        document = replace(person.documents[0], number=DOCUMENT)
        party[0] = replace(person, surname=SURNAME, given_names=GIVEN, documents=[document],
                           contacts=[Contact("email", EMAIL)], frequent_flyer=[FREQUENT])  # fmt: skip
        booking = replace(booking, payments=[Payment("CC", CARD, "VI")],
                          ticket_numbers=["1172345678901"])  # fmt: skip
        chosen[0] = (booking, party)
    text = write_pnrgov(flight.flight, chosen, sender=f"{flight.flight.carrier}PNR",
                        recipient="DEPIU", reference=f"{seed:07d}R",
                        prepared_at=datetime(2026, 5, 31, 12, 0))  # fmt: skip
    return text.encode(), [b.record_locator for b, _ in chosen]


def ingest(store: Store, data: bytes, received_at: datetime) -> int:
    outcome = Ingestor(store, screening=False).ingest_bytes(
        data, source="test", received_at=received_at
    )
    assert outcome.status == "stored", outcome
    assert outcome.message_id is not None
    return outcome.message_id


def add_derived(store: Store, traveller_id: int) -> None:
    """A match, an alert and a remembered dismissal about one traveller, with its name in
    their explanations, as screening and review would leave them."""
    with store.transaction() as session:
        traveller = session.get(TravellerRow, traveller_id)
        assert traveller is not None
        name = f"{traveller.given_names} {traveller.surname}"
        explanation = [{"feature": "name", "weight": 0.9, "query_value": name,
                        "entry_value": name, "reason": f"primary name; {name}"}]  # fmt: skip
        session.add(MatchRow(traveller_id=traveller_id, message_id=traveller.message_id,
                             flight_key=None, list_name="national", list_version=1,
                             entry_id=f"E{traveller_id}", score=0.93, band="high",
                             matched_name=name, explanations=explanation, screened_at=NOW,
                             reason="ingest"))  # fmt: skip
        key = hashlib.sha256(f"person {traveller_id}".encode()).hexdigest()
        session.add(AlertRow(traveller_id=traveller_id, person_key=key, identity_key=key,
                             cause_kind="entry", cause_key=f"national/E{traveller_id}",
                             category="watchlist", severity="high", priority=1, status="new",
                             due_at=NOW, created_at=NOW, updated_at=NOW,
                             explanation={"matches": explanation, "traveller": {"name": name}},
                             humanitarian=[]))  # fmt: skip
        session.add(DismissedMatchRow(identity_key=key, cause_hash=key, traveller_id=traveller_id,
                                      dismissed_by="reviewer", dismissed_at=NOW))  # fmt: skip


def travellers_of(store: Store, message_id: int) -> list[int]:
    return store.traveller_ids(message_id)


def count(store: Store, row_class: type[Any], *where: Any) -> int:
    with store.sessions() as session:
        query = select(func.count()).select_from(row_class)
        return int(session.execute(query.where(*where) if where else query).scalar_one())


def retention(store: Store, tmp_path: Path) -> Retention:
    return Retention(store, key_path=tmp_path / "keys" / "depersonalisation.key")


def dpo(store: Store, name: str = "dpo.one", unit: str = "dpo-office") -> Principal:
    return make_user(store, name, Role.DPO, unit=unit)[0]


def hold_booking(ret: Retention, who: Principal, carrier_locator: tuple[str, str]) -> None:
    ret.holds.add(who, booking=carrier_locator, evidence="CASE-2026-017",
                  reason="linked to an open serious-crime investigation",
                  review_by=date.today() + timedelta(days=90))  # fmt: skip


def carrier_of(store: Store, locator: str) -> tuple[str, str]:
    with store.sessions() as session:
        carrier = session.execute(
            select(BookingRow.carrier).where(BookingRow.record_locator == locator)
        ).scalar_one()
    return carrier, locator


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the audit log aside), to compare before and after."""
    with store.sessions() as session:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
            if table.name != AuditRow.__tablename__
        }


@pytest.mark.safeguard("SG-26")
@pytest.mark.safeguard("SG-25")
def test_unheld_old_pnr_is_deleted_with_everything_derived_recent_is_kept(
    store: Store, tmp_path: Path
) -> None:
    old_message = ingest(store, pnr_push(1, bookings=2)[0], OLD)
    new_message = ingest(store, pnr_push(2)[0], RECENT)
    old_travellers, new_travellers = (
        travellers_of(store, old_message),
        travellers_of(store, new_message),
    )
    assert old_travellers and new_travellers
    add_derived(store, old_travellers[0])
    add_derived(store, new_travellers[0])
    recent_before = {t: count(store, t, t.traveller_id == new_travellers[0])
                     for t in (MatchRow, AlertRow, DismissedMatchRow)}  # fmt: skip
    assert count(store, TravelDocumentRow, TravelDocumentRow.traveller_id.in_(old_travellers))

    report = retention(store, tmp_path).run(dpo(store))

    assert report.deleted["booking"] == 2
    assert report.deleted["traveller"] == len(old_travellers)
    assert report.deleted["message"] == 1
    assert (report.deleted["matches"], report.deleted["alerts"]) == (1, 1)
    assert report.deleted["dismissed_matches"] == 1
    assert report.depersonalised["traveller"] == 0 and report.held == 0
    assert count(store, MessageRow, MessageRow.id == old_message) == 0
    assert count(store, BookingRow, BookingRow.message_id == old_message) == 0
    assert count(store, TravellerRow, TravellerRow.id.in_(old_travellers)) == 0
    assert count(store, TravelDocumentRow, TravelDocumentRow.traveller_id.in_(old_travellers)) == 0
    for row_class in (MatchRow, AlertRow, DismissedMatchRow):
        assert count(store, row_class, row_class.traveller_id.in_(old_travellers)) == 0
        assert (
            count(store, row_class, row_class.traveller_id == new_travellers[0])
            == (recent_before[row_class])
        )
    assert count(store, MessageRow, MessageRow.id == new_message) == 1
    assert store.traveller_ids(new_message) == new_travellers
    assert not (tmp_path / "keys").exists(), "no key is made when nothing is depersonalised"


def all_text(store: Store) -> str:
    """Every value of every table, the raw message bytes and audit log included."""
    parts: list[str] = []
    with store.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes):
                        parts.append(value.decode("latin-1"))
                    else:
                        parts.append(repr(value))
    return "\n".join(parts)


@pytest.mark.safeguard("SG-27")
def test_held_old_pnr_is_depersonalised_and_sealed_under_the_key_file(
    store: Store, tmp_path: Path
) -> None:
    data, (locator,) = pnr_push(3, marked=True)
    message = ingest(store, data, OLD)
    before = all_text(store)
    assert all(word in before for word in (SURNAME, DOCUMENT, CARD, "odalys.quill", "918273645"))
    travellers = travellers_of(store, message)
    add_derived(store, travellers[0])
    ret = retention(store, tmp_path)
    hold_booking(ret, dpo(store), carrier_of(store, locator))

    report = ret.run(None)

    assert report.deleted["booking"] == 0 and report.deleted["traveller"] == 0
    assert report.depersonalised["booking"] == 1
    assert report.depersonalised["traveller"] == len(travellers)
    assert report.depersonalised["message"] == 1
    assert (report.depersonalised["matches"], report.depersonalised["alerts"]) == (1, 1)
    assert report.held == 1 + len(travellers)
    text = all_text(store)
    for plaintext in PLAINTEXTS:
        assert plaintext not in text, plaintext
    with store.sessions() as session:
        person = session.get(TravellerRow, travellers[0])
        assert person is not None
        assert (person.surname, person.given_names, person.birth_date) == (MASK, MASK, None)
        assert person.contacts == [MASK] and person.frequent_flyer == [MASK]
        raw = session.execute(select(MessageRow.raw).where(MessageRow.id == message)).scalar_one()
        assert raw == b""
        document = session.execute(
            select(TravelDocumentRow).where(TravelDocumentRow.traveller_id == travellers[0])
        ).scalar_one()
        assert document.number == MASK

    key_file = tmp_path / "keys" / "depersonalisation.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = SealKey.load(key_file)
    with store.sessions() as session:
        sealed = open_sealed(session, key, "traveller", travellers[0])
        assert (sealed["surname"], sealed["given_names"]) == (SURNAME, GIVEN)
        assert sealed["contacts"] == [{"kind": "email", "value": EMAIL}]
        assert isinstance(sealed["birth_date"], date)
        assert open_sealed(session, key, "travel_document", document.id)["number"] == DOCUMENT
        assert SURNAME.encode() in open_sealed(session, key, "message", message)["raw"]
        wrong = SealKey.of(bytes(32))
        with pytest.raises(ConflictError):
            open_sealed(session, wrong, "traveller", travellers[0])
        # a sealed record moved onto another row does not open either
        session.execute(
            update(SealedRecordRow)
            .where(SealedRecordRow.table_name == "traveller",
                   SealedRecordRow.row_id == travellers[0])
            .values(row_id=10**6)
        )  # fmt: skip
        with pytest.raises(ConflictError):
            open_sealed(session, key, "traveller", 10**6)
        session.rollback()

    again = ret.run(None)
    assert sum(again.depersonalised.values()) == 0
    assert again.skipped == report.skipped + sum(report.depersonalised.values())
    assert count(store, SealedRecordRow) == sum(report.depersonalised.values())


@pytest.mark.safeguard("SG-26")
def test_dry_run_changes_nothing_and_reports_what_the_run_then_does(
    store: Store, tmp_path: Path
) -> None:
    held_message = ingest(store, pnr_push(4, marked=True)[0], OLD)
    old_message = ingest(store, pnr_push(5, bookings=2)[0], OLD)
    ingest(store, pnr_push(6)[0], RECENT)
    add_derived(store, travellers_of(store, held_message)[0])
    add_derived(store, travellers_of(store, old_message)[0])
    ret = retention(store, tmp_path)
    with store.sessions() as session:
        locator = session.execute(
            select(BookingRow.record_locator).where(BookingRow.message_id == held_message)
        ).scalar_one()
    hold_booking(ret, dpo(store), carrier_of(store, locator))
    second_dpo = dpo(store, "dpo.two")
    before = dump(store)
    audit_before = count(store, AuditRow)

    dry = ret.run(second_dpo, dry_run=True)

    assert dump(store) == before
    assert count(store, AuditRow) == audit_before
    assert not (tmp_path / "keys").exists()
    real = ret.run(None)
    assert dry.dry_run and not real.dry_run
    assert (dry.deleted, dry.depersonalised) == (real.deleted, real.depersonalised)
    assert (dry.deleted_ids, dry.depersonalised_ids) == (real.deleted_ids, real.depersonalised_ids)
    assert (dry.held, dry.skipped) == (real.held, real.skipped)
    assert dry.deleted["booking"] == 2 and dry.depersonalised["booking"] == 1


@pytest.mark.safeguard("SG-27")
def test_a_message_with_held_and_unheld_bookings_loses_its_raw_bytes(
    store: Store, tmp_path: Path
) -> None:
    data, locators = pnr_push(7, bookings=2, marked=True)
    message = ingest(store, data, OLD)
    ret = retention(store, tmp_path)
    hold_booking(ret, dpo(store), carrier_of(store, locators[0]))

    report = ret.run(None)

    assert (report.deleted["booking"], report.depersonalised["booking"]) == (1, 1)
    assert report.depersonalised["message"] == 1
    with store.sessions() as session:
        remaining = session.execute(
            select(BookingRow.record_locator).where(BookingRow.message_id == message)
        ).scalars()
        assert list(remaining) == [locators[0]]
        key = SealKey.load(tmp_path / "keys" / "depersonalisation.key")
        assert "raw" not in open_sealed(session, key, "message", message)
        assert (
            session.execute(select(MessageRow.raw).where(MessageRow.id == message)).scalar() == b""
        )


@pytest.mark.safeguard("SG-28")
def test_a_traveller_hold_keeps_that_traveller_and_deletes_the_others(
    store: Store, tmp_path: Path
) -> None:
    traffic_seed = next(s for s in range(10, 60) if _party_size(s) >= 2)
    message = ingest(store, pnr_push(traffic_seed)[0], OLD)
    travellers = travellers_of(store, message)
    ret = retention(store, tmp_path)
    ret.holds.add(dpo(store), traveller_id=travellers[0], evidence="CASE-2026-018",
                  reason="traveller named in a court order", review_by=date.today() + timedelta(days=30))  # fmt: skip

    report = ret.run(None)

    assert report.depersonalised["traveller"] == 1
    assert report.deleted["traveller"] == len(travellers) - 1
    assert store.traveller_ids(message) == [travellers[0]]
    assert count(store, BookingRow, BookingRow.message_id == message) == 1


def _party_size(seed: int) -> int:
    traffic = generate_traffic(12, seed=seed, pnr_share=1.0)
    return len(traffic.flights[0].bookings[0][1])


@pytest.mark.safeguard("SG-30")
def test_held_data_is_deleted_with_its_sealed_records_at_the_maximum_period(
    store: Store, tmp_path: Path
) -> None:
    data, (locator,) = pnr_push(8, marked=True)
    message = ingest(store, data, OLD)
    add_derived(store, travellers_of(store, message)[0])
    ret = retention(store, tmp_path)
    hold_booking(ret, dpo(store), carrier_of(store, locator))
    first = ret.run(None)
    assert first.depersonalised["traveller"] >= 1 and count(store, SealedRecordRow) > 0
    past_maximum = subtract_months(NOW, 61)
    with store.transaction() as session:
        session.execute(update(BookingRow).values(received_at=past_maximum))
        session.execute(update(MessageRow).values(received_at=past_maximum))

    second = ret.run(None)

    assert second.deleted["booking"] == 1 and second.deleted["message"] == 1
    assert second.deleted["sealed_record"] == sum(first.depersonalised.values())
    for row_class in (SealedRecordRow, BookingRow, TravellerRow, MessageRow, MatchRow, AlertRow):
        assert count(store, row_class) == 0, row_class


@pytest.mark.safeguard("SG-26")
@pytest.mark.safeguard("SG-37")
def test_runs_are_audited_with_counts_and_ids_never_values(store: Store, tmp_path: Path) -> None:
    held_message = ingest(store, pnr_push(9, marked=True)[0], OLD)
    ingest(store, pnr_push(11)[0], OLD)
    ret = retention(store, tmp_path)
    with store.sessions() as session:
        locator = session.execute(
            select(BookingRow.record_locator).where(BookingRow.message_id == held_message)
        ).scalar_one()
    who = dpo(store)
    hold_booking(ret, who, carrier_of(store, locator))

    report = ret.run(who)

    with store.sessions() as session:
        rows = session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars().all()
    by_action = {row.action: row for row in rows}
    erase, mask = by_action["retention.erase"], by_action["retention.depersonalise"]
    assert erase.actor == who.username and erase.detail["counts"] == report.deleted
    assert mask.detail["counts"] == report.depersonalised
    assert mask.detail["ids"]["traveller"] == report.depersonalised_ids["traveller"]
    assert by_action["retention.hold"].detail["evidence"] == "CASE-2026-017"
    text = " ".join(repr((r.subject_id, r.reason, r.detail)) for r in rows)
    for plaintext in (*PLAINTEXTS, locator):
        assert plaintext not in text
    assert store.audit.verify().ok
    ret.run(None)
    with store.sessions() as session:
        last = session.execute(select(AuditRow).order_by(AuditRow.seq.desc())).scalars().first()
    assert last is not None and (last.actor, last.actor_kind) == ("node", "system")


def test_a_person_without_the_permission_cannot_run(store: Store, tmp_path: Path) -> None:
    analyst = make_user(store, "ana.lyst", Role.ANALYST)[0]
    with pytest.raises(ForbiddenError):
        retention(store, tmp_path).run(analyst, dry_run=True)
