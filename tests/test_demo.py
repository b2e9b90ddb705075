"""``interlock demo``: the planted national list is screened end to end on the embedded store.

The demo runs twice on one SQLite data folder with a small day. What it claims is checked
against the store itself: every planted passenger matched by its own entry (on the manifest,
and on the PNR when booked), no decoy and no other traveller matched by the national list,
retro-screening raising exactly the entry version 2 added, and the second run adding nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select

from interlock.demo import LIST_BASIS, LIST_NAME, LIST_OWNER, UN_LIST, DemoResult, run_demo
from interlock.demo_review import RULE_NAME
from interlock.generate.demo_list import Planted
from interlock.settings import get_settings
from interlock.store import Store
from interlock.store.matches import MatchReason, StoredMatch
from interlock.store.schema import TravelDocumentRow, TravellerRow
from interlock.store.schema_alerts import AlertRow
from interlock.watchlists.detect import read_watchlist
from interlock.watchlists.model import ListType

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TRAVELLERS = 300
SEED = 11


@dataclass
class Runs:
    first: DemoResult
    second: DemoResult
    first_output: str
    second_output: str
    data_dir: Path
    store: Store


def _run(un_list: Path | None) -> tuple[DemoResult, str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    result = run_demo(
        console, travellers=TRAVELLERS, seed=SEED, settings=get_settings(), un_list=un_list,
        now=NOW,
    )  # fmt: skip
    return result, buffer.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    data_dir = tmp_path_factory.mktemp("demo-node")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTERLOCK_DATA_DIR", str(data_dir))
        patch.delenv("INTERLOCK_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        try:
            first, first_output = _run(UN_LIST)
            second, second_output = _run(UN_LIST)
            store = Store.from_settings(get_settings())
        finally:
            get_settings.cache_clear()
    yield Runs(first, second, first_output, second_output, data_dir, store)
    store.dispose()


def _traveller(store: Store, traveller_id: int) -> tuple[str, str, object, str]:
    with store.sessions() as session:
        row = session.get(TravellerRow, traveller_id)
        assert row is not None
        number = session.execute(
            select(TravelDocumentRow.number)
            .where(TravelDocumentRow.traveller_id == traveller_id)
            .order_by(TravelDocumentRow.id)
        ).scalar()
        return row.surname, row.given_names, row.birth_date, number or ""


def _is_passenger(store: Store, match: StoredMatch, planted: Planted) -> bool:
    surname, given, born, number = _traveller(store, match.traveller_id)
    return match.flight_key == planted.flight_key and (surname, given, born, number) == (
        planted.surname,
        planted.given_names,
        planted.birth_date,
        planted.document_number,
    )


def test_every_planted_passenger_is_found_by_its_own_entry(runs: Runs) -> None:
    national = runs.first.national
    assert national is not None
    assert len(national.planted) >= 8
    assert {p.change.split(":")[0].split()[0] for p in national.planted} >= {
        "romanisation", "typo", "given", "middle", "birth", "passport",
    }  # fmt: skip
    for planted in national.planted:
        matches = runs.store.matches.find(list_name=LIST_NAME, entry_id=planted.entry_id)
        assert matches, f"{planted.entry_id} ({planted.change}) not matched"
        assert all(_is_passenger(runs.store, m, planted) for m in matches), planted
        # The passenger's manifest record, and the PNR record when the passenger is booked.
        assert len(matches) == (2 if planted.booked else 1), planted
        assert all(m.reason is MatchReason.INGEST for m in matches)


def test_planted_entries_differ_from_the_passports(runs: Runs) -> None:
    national = runs.first.national
    assert national is not None
    for planted in national.planted:
        stored = runs.store.watchlists.entry(LIST_NAME, planted.entry_id)
        assert stored is not None
        entry = stored.entry
        listed = (entry.names[0].given, entry.names[0].family)
        dates = [(d.year, d.month, d.day) for d in entry.birth_dates]
        born = planted.birth_date
        exact = [(born.year, born.month, born.day)] if born else []
        assert (listed, dates) != ((planted.given_names, planted.surname), exact), planted


def test_decoys_and_other_travellers_are_not_matched(runs: Runs) -> None:
    national = runs.first.national
    assert national is not None
    assert len(national.decoys) == 20
    planted_ids = {p.entry_id for p in [*national.planted, national.added]}
    assert not planted_ids & set(national.decoys)
    entries = {e.entry_id: e for e in runs.store.watchlists.entries_at(LIST_NAME)}
    assert set(entries) == planted_ids | set(national.decoys)
    with runs.store.sessions() as session:
        surnames = set(session.execute(select(TravellerRow.surname)).scalars())
    for decoy in national.decoys:
        assert entries[decoy].names[0].family not in surnames
        assert runs.store.matches.find(list_name=LIST_NAME, entry_id=decoy) == []
    matched = {m.entry_id for m in runs.store.matches.find(list_name=LIST_NAME)}
    assert matched <= planted_ids
    assert runs.first.misplaced() == []


def test_retro_screening_raises_exactly_the_added_entry(runs: Runs) -> None:
    national = runs.first.national
    assert national is not None
    added = national.added
    assert not added.booked and added.entry_id not in {p.entry_id for p in national.planted}
    retro = runs.first.retro
    assert retro is not None and retro.version == 2 and retro.entries == 1
    assert retro.matches == 1
    raised = runs.store.matches.find(reason=MatchReason.RETRO)
    assert len(raised) == 1
    assert (raised[0].list_name, raised[0].entry_id) == (LIST_NAME, added.entry_id)
    assert _is_passenger(runs.store, raised[0], added)
    assert raised[0].list_version == 2
    assert [m.traveller_id for m in runs.first.retro_matches] == [raised[0].traveller_id]
    assert "exactly that match" in runs.first_output


def test_the_national_list_is_a_documented_csv_registered_with_owner_and_basis(
    runs: Runs,
) -> None:
    first = runs.data_dir / "demo-lists" / f"{LIST_NAME}-1.csv"
    read = read_watchlist(first)
    assert read.format == "national_csv" and read.issues == []
    national = runs.first.national
    assert national is not None
    assert len(read.entries) == len(national.planted) + len(national.decoys)
    stored = runs.store.watchlists.get(LIST_NAME)
    assert stored is not None
    assert (stored.info.owner, stored.info.legal_basis) == (LIST_OWNER, LIST_BASIS)
    assert stored.info.list_type is ListType.SOUGHT
    assert [v.source_name for v in runs.store.watchlists.versions(LIST_NAME)] == [
        f"{LIST_NAME}-1.csv", f"{LIST_NAME}-2.csv",
    ]  # fmt: skip


@pytest.mark.skipif(not UN_LIST.exists(), reason=f"sample list absent: {UN_LIST}")
def test_the_un_list_is_imported_once(runs: Runs) -> None:
    assert runs.first.un_imported and runs.second.un_imported
    versions = runs.store.watchlists.versions("UN SC Consolidated List")
    assert len(versions) == 1
    assert versions[0].summary.added == len(read_watchlist(UN_LIST).entries)


def test_a_second_run_adds_nothing(runs: Runs) -> None:
    first, second = runs.first, runs.second
    assert first.outcomes == {"stored": first.messages}
    assert second.outcomes == {"duplicate": first.messages}
    assert second.screened == 0 and second.retro is None
    assert second.national is not None and first.national is not None
    assert second.national.rows == first.national.rows
    assert len(runs.store.watchlists.versions(LIST_NAME)) == 2
    stored = runs.store.matches.find()
    assert len(stored) == len(second.matches)
    assert {m.traveller_id for m in second.retro_matches} == {
        m.traveller_id for m in first.retro_matches
    }
    assert "not imported again" in runs.second_output


def test_the_output_tells_what_was_found(runs: Runs) -> None:
    national = runs.first.national
    assert national is not None
    count = len(national.planted)
    assert f"planted passengers found by their entry: {count} of {count}" in runs.first_output
    assert f"decoys matched: 0 of {len(national.decoys)}" in runs.first_output
    for planted in national.planted:
        assert planted.entry_id in runs.first_output
    assert "missed" not in runs.first_output and "unexpected" not in runs.first_output


def test_the_rule_is_approved_by_another_person_and_alerts_are_raised(runs: Runs) -> None:
    from interlock.rules.workflow import RuleWorkflow

    review = runs.first.review
    assert review.rule_active
    author = runs.store.users.get("demo-author").principal("test")
    [rule] = [r for r in RuleWorkflow(runs.store.sessions).rules(author) if r.name == RULE_NAME]
    assert (rule.status, rule.author, rule.approver) == ("active", "demo-author", "demo-approver")
    national = runs.first.national
    assert national is not None
    sought = sum(n for k, n in review.alerts.items() if k.startswith("watchlist:sought"))
    # one alert per planted person (manifest and PNR records of one person share it) + retro
    assert sought == len(national.planted) + 1
    with runs.store.sessions() as session:
        entries = set(
            session.execute(select(AlertRow.entry_id).where(AlertRow.list_name == LIST_NAME))
            .scalars()
            .all()
        )
    assert entries == {p.entry_id for p in [*national.planted, national.added]}


def test_one_alert_is_confirmed_with_its_pack_and_the_audit_chain_holds(runs: Runs) -> None:
    first, second = runs.first.review, runs.second.review
    assert first.confirmed is not None and first.notifications
    assert second.confirmed is None  # the second run decides nothing more
    with runs.store.sessions() as session:
        statuses = session.execute(select(AlertRow.status)).scalars().all()
    assert statuses.count("confirmed") == 1
    assert first.pack is not None and first.pack.exists()
    page = first.pack.read_text(encoding="utf-8")
    assert "Review record" in page and "demo-reviewer" in page
    assert first.audit_ok and second.audit_ok
    assert second.audit_entries > first.audit_entries


def test_without_the_un_list_the_demo_says_so_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    absent = tmp_path / "absent.xml"
    buffer = io.StringIO()
    try:
        result = run_demo(
            Console(file=buffer, width=200), travellers=60, seed=3, settings=get_settings(),
            un_list=absent, now=NOW,
        )  # fmt: skip
    finally:
        get_settings.cache_clear()
    output = buffer.getvalue()
    assert f"not found ({absent})" in output
    assert not result.un_imported
    assert result.outcomes.get("stored") == result.messages


def test_the_partner_node_receives_the_list_cosigns_and_proves_inclusion(runs: Runs) -> None:
    first, second = runs.first.sharing, runs.second.sharing
    assert first is not None and second is not None
    assert runs.first.national is not None
    listed = len(runs.first.national.planted) + len(runs.first.national.decoys) + 1
    assert (first.sent, first.accepted, first.partner_entries) == (listed, 1, listed)
    assert first.included and first.ledgers_ok
    assert first.cosigned_by == ["demo-partner.interlock/witness"]
    # the second run sends nothing new and the first message is still proved included
    assert (second.sent, second.accepted, second.partner_entries) == (0, 0, listed)
    assert second.included and second.ledgers_ok
    assert "nothing new to send" in runs.second_output


def test_the_partners_hit_opens_a_case_here_and_the_source_is_confirmed(runs: Runs) -> None:
    first, second = runs.first.sharing, runs.second.sharing
    assert first is not None and second is not None
    hit = first.hit
    assert hit is not None and hit.partner_alert is not None
    assert hit.notified and hit.case_id is not None and hit.notifications >= 1
    assert hit.source_confirmed
    assert "Hit reported by demo-partner" in runs.first_output
    # the second run decides nothing again and answers nothing twice
    again = second.hit
    assert again is not None and again.case_id == hit.case_id and again.source_confirmed
    assert "was confirmed earlier" in runs.second_output
    assert "answered in an earlier run" in runs.second_output
