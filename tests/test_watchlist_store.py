"""Managed watchlists in the node's store: registry, versions, entry hygiene, diffs."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.errors import NotFoundError
from interlock.model.travel import Issue
from interlock.store import Store
from interlock.watchlists.detect import WatchlistFile, read_watchlist
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    ListInfo,
    ListType,
    NameStrength,
    PartialDate,
    WatchlistEntry,
)
from interlock.watchlists.registry import RegistryError
from interlock.watchlists.versions import (
    content_hash,
    diff_entries,
    entry_from_json,
    entry_to_json,
    unique_entries,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "watchlists"
UN_FILE = DATA / "un_sc_consolidated_2024-09-26.xml"
OFAC_DIR = DATA / "ofac_sdn_2022-01-31"
needs_un = pytest.mark.skipif(not UN_FILE.exists(), reason=f"sample list absent: {UN_FILE}")
needs_ofac = pytest.mark.skipif(not OFAC_DIR.exists(), reason=f"sample list absent: {OFAC_DIR}")
TODAY = date(2026, 11, 26)
LOCAL = ListInfo("Local alerts", "Ministry of the Interior", "Police Act s. 12", ListType.SOUGHT)
# A synthetic person added to the derived UN list.
NEW_UN_PERSON = (
    "<INDIVIDUAL><DATAID>9999999</DATAID><VERSIONNUM>1</VERSIONNUM>"
    "<FIRST_NAME>ELIN</FIRST_NAME><SECOND_NAME>SYNTHETICA</SECOND_NAME>"
    "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>"
    "<LISTED_ON>2026-01-02</LISTED_ON><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT"
    "</TYPE_OF_DATE><DATE>1980-05-06</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL>"
)


# --- entries as JSON ------------------------------------------------------------------------

_text = st.text(max_size=12)
_names = st.builds(
    EntryName,
    _text,
    _text,
    _text,
    st.sampled_from(NameStrength),
    st.none() | st.sampled_from(["original", "cyrillic"]),
)
_dates = st.builds(
    PartialDate,
    st.integers(1900, 2030),
    st.none() | st.integers(1, 12),
    st.none() | st.integers(1, 31),
    st.booleans(),
    st.none() | st.integers(1900, 2030),
)
_documents = st.builds(EntryDocument, _text, _text, st.none() | st.sampled_from(["FRA", "EGY"]))
_entries = st.builds(
    WatchlistEntry,
    entry_id=st.text(min_size=1, max_size=10),
    list_name=_text,
    kind=st.sampled_from(EntryKind),
    names=st.lists(_names, max_size=3),
    birth_dates=st.lists(_dates, max_size=2),
    nationalities=st.lists(st.sampled_from(["FRA", "EGY", "IRQ"]), max_size=2),
    documents=st.lists(_documents, max_size=2),
    listed_on=st.none() | st.dates(),
    source_reference=_text,
    remarks=_text,
    gender=st.none() | st.sampled_from(["M", "F"]),
    nominating_source=_text,
    reason=_text,
    review_by=st.none() | st.dates(),
    status=st.sampled_from(EntryStatus),
)


@given(_entries)
def test_entry_json_round_trips_through_json_text(entry: WatchlistEntry) -> None:
    text = json.dumps(entry_to_json(entry))
    assert entry_from_json(json.loads(text)) == entry


@given(_entries, _text)
def test_content_hash_ignores_the_list_name_only(entry: WatchlistEntry, other: str) -> None:
    digest = content_hash(entry)
    assert content_hash(replace(entry, list_name=other)) == digest
    assert content_hash(replace(entry, remarks=entry.remarks + "x")) != digest
    assert content_hash(replace(entry, entry_id=entry.entry_id + "x")) != digest


# --- diff and unique ids (pure) -------------------------------------------------------------


def person(entry_id: str, name: str, **more: Any) -> WatchlistEntry:
    return WatchlistEntry(
        entry_id,
        "Local alerts",
        EntryKind.PERSON,
        [EntryName(name)],
        nominating_source="Police",
        reason="wanted",
        **more,
    )


def test_diff_entries_by_id_with_the_changed_fields() -> None:
    old = [person("A", "Ana Lind"), person("B", "Bo Berg"), person("C", "Cy Holm")]
    new = [
        person("B", "Bo Berg", birth_dates=[PartialDate(1980)]),
        person("C", "Cy Holm"),
        person("D", "Di Novak"),
    ]
    diff = diff_entries(old, new)
    assert [e.entry_id for e in diff.added] == ["D"]
    assert [e.entry_id for e in diff.removed] == ["A"]
    assert [(a.entry_id, b.entry_id, f) for a, b, f in diff.changed] == [
        ("B", "B", ["birth_dates"])
    ]
    assert diff.unchanged == 1


def test_diff_entries_ignores_the_list_name() -> None:
    renamed = replace(person("A", "Ana Lind"), list_name="Other")
    assert diff_entries([person("A", "Ana Lind")], [renamed]).unchanged == 1


def test_repeated_ids_are_dropped_or_renamed_and_reported() -> None:
    issues: list[Issue] = []
    first, same, other = person("7", "Ana Lind"), person("7", "Ana Lind"), person("7", "Bo Berg")
    kept = unique_entries([first, same, other], issues, list_name="L")
    assert [(e.entry_id, e.names[0].full, e.list_name) for e in kept] == [
        ("7", "Ana Lind", "L"),
        ("7#2", "Bo Berg", "L"),
    ]
    assert [i.location for i in issues] == ["entry #2", "entry #3"]
    assert "kept as '7#2'" in issues[1].reason


# --- the store ------------------------------------------------------------------------------


def import_file(store: Store, path: Path, name: str | None = None) -> tuple[WatchlistFile, object]:
    read = read_watchlist(path)
    info = replace(read.info, name=name or read.info.name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    summary = store.watchlists.import_version(
        info, read.entries, source_name=path.name, sha256=digest, issues=read.issues
    )
    return read, summary


def derived_un(tmp_path: Path) -> tuple[Path, str, str]:
    """A copy of the UN list without its first individual, with the second one's first name
    changed and a synthetic person added. Returns the file, the dropped and the changed id."""
    text = UN_FILE.read_text(encoding="utf-8")
    blocks = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S)
    dropped, renamed = (_reference(b) for b in blocks[:2])
    assert "QDi.999" not in text
    changed = re.sub(
        r"<FIRST_NAME>[^<]*</FIRST_NAME>", "<FIRST_NAME>ZACHARIAS</FIRST_NAME>", blocks[1], count=1
    )
    assert changed != blocks[1]
    text = text.replace(blocks[0], "", 1).replace(blocks[1], changed, 1)
    text = text.replace("</INDIVIDUALS>", NEW_UN_PERSON + "</INDIVIDUALS>", 1)
    path = tmp_path / "un_derived.xml"
    path.write_text(text, encoding="utf-8")
    return path, dropped, renamed


def _reference(block: str) -> str:
    found = re.search(r"<REFERENCE_NUMBER>([^<]+)</REFERENCE_NUMBER>", block)
    assert found is not None
    return found.group(1)


def as_json(entries: list[WatchlistEntry]) -> list[dict[str, object]]:
    return sorted((entry_to_json(e) for e in entries), key=lambda d: str(d["entry_id"]))


@needs_un
def test_the_same_file_twice_is_one_version(store: Store) -> None:
    read, first = import_file(store, UN_FILE)
    _, again = import_file(store, UN_FILE)
    name = read.info.name
    assert first == replace(again, duplicate=False)
    assert (first.version, first.added, first.removed, again.duplicate) == (1, 875, 0, True)
    assert [v.version for v in store.watchlists.versions(name)] == [1]
    stored = store.watchlists.get(name, today=TODAY)
    assert stored is not None
    assert (stored.current_version, stored.entries, stored.active) == (1, 875, 875)
    assert stored.info.refreshed_on == date(2024, 9, 26)
    assert stored.info.owner == read.info.owner and stored.info.list_type is ListType.SOUGHT
    assert as_json(store.watchlists.active_entries(name, TODAY)) == as_json(read.entries)


@needs_un
def test_a_modified_copy_records_exactly_what_changed(store: Store, tmp_path: Path) -> None:
    read, _ = import_file(store, UN_FILE)
    name = read.info.name
    path, dropped, renamed = derived_un(tmp_path)
    modified, summary = import_file(store, path, name)
    assert summary == replace(summary, version=2, added=1, removed=1, changed=1, unchanged=873)
    diff = store.watchlists.diff(name, 1, 2)
    assert [e.entry_id for e in diff.added] == ["QDi.999"]
    assert [e.entry_id for e in diff.removed] == [dropped]
    assert [(old.entry_id, fields) for old, _new, fields in diff.changed] == [(renamed, ["names"])]
    assert diff.changed[0][1].names[0].full.startswith("ZACHARIAS ")
    file_diff = diff_entries(read.entries, modified.entries)
    assert [e.entry_id for e in file_diff.added] == ["QDi.999"]
    assert [e.entry_id for e in file_diff.removed] == [dropped]
    assert [e.entry_id for e in store.watchlists.entries_added_in(name, 2)] == ["QDi.999"]
    assert as_json(store.watchlists.entries_at(name, 1)) == as_json(read.entries)
    assert as_json(store.watchlists.entries_at(name, 2)) == as_json(modified.entries)


@needs_un
def test_the_old_file_again_relists_and_reverts(store: Store, tmp_path: Path) -> None:
    read, _ = import_file(store, UN_FILE)
    name = read.info.name
    path, dropped, _renamed = derived_un(tmp_path)
    import_file(store, path, name)
    _, back = import_file(store, UN_FILE, name)
    assert (back.version, back.added, back.removed, back.changed, back.duplicate) == (
        3,
        1,
        1,
        1,
        False,
    )
    relisted = store.watchlists.entry(name, dropped)
    assert relisted is not None and relisted.entry.status is EntryStatus.ACTIVE
    assert (relisted.first_version, relisted.removed_in_version) == (1, None)
    gone = store.watchlists.entry(name, "QDi.999")
    assert gone is not None and gone.removed_in_version == 3
    assert store.watchlists.diff(name, 1, 3).unchanged == 875
    assert not store.watchlists.diff(name, 1, 3).changed
    assert len(store.watchlists.diff(name, 2, 3).changed) == 1
    assert as_json(store.watchlists.entries_at(name, 3)) == as_json(read.entries)
    with pytest.raises(NotFoundError, match="no version 4"):
        store.watchlists.diff(name, 1, 4)


@needs_ofac
def test_ofac_imports_in_one_go_and_keeps_the_repeated_id(store: Store) -> None:
    read = read_watchlist(OFAC_DIR)
    summary = store.watchlists.import_version(
        read.info, read.entries, source_name="ofac", sha256="0" * 64, issues=read.issues
    )
    assert (summary.added, summary.version) == (9044, 1)
    assert any("'2677'" in issue.reason for issue in summary.issues)
    assert len(store.watchlists.active_entries(read.info.name, TODAY)) == 9044
    [version] = store.watchlists.versions(read.info.name)
    assert version.summary.issues == summary.issues


@pytest.mark.safeguard("SG-18")
def test_delisted_removed_and_expired_entries_never_match(store: Store) -> None:
    entries = [
        person("A", "Ana Lind"),
        person("B", "Bo Berg", review_by=TODAY - timedelta(days=1)),
        person("C", "Cy Holm", review_by=TODAY),
        person("D", "Di Novak", status=EntryStatus.DELISTED),
        person("E", "Eva Stav"),
    ]
    store.watchlists.import_version(LOCAL, entries, source_name="v1", sha256="1" * 64)
    assert _ids(store.watchlists.active_entries("Local alerts", TODAY)) == ["A", "C", "E"]
    store.watchlists.set_status("Local alerts", "A", EntryStatus.DELISTED, "court order 17/26")
    assert _ids(store.watchlists.active_entries(None, TODAY)) == ["C", "E"]
    assert _ids(store.watchlists.active_entries(None, TODAY + timedelta(days=1))) == ["E"]
    summary = store.watchlists.import_version(LOCAL, entries[:4], source_name="v2", sha256="2" * 64)
    assert (summary.removed, summary.unchanged) == (1, 4)
    assert _ids(store.watchlists.active_entries("Local alerts", TODAY)) == ["C"]
    removed = store.watchlists.entry("Local alerts", "E")
    assert removed is not None
    assert (removed.entry.status, removed.removed_in_version) == (EntryStatus.DELISTED, 2)
    assert removed.entry.nominating_source == "Police" and removed.entry.reason == "wanted"
    stored = store.watchlists.get("Local alerts", today=TODAY)
    assert stored is not None and (stored.entries, stored.active) == (4, 1)


@pytest.mark.safeguard("SG-18")
def test_a_delisting_by_hand_outlives_reimports_and_needs_a_reason(store: Store) -> None:
    entries = [person("A", "Ana Lind"), person("B", "Bo Berg")]
    store.watchlists.import_version(LOCAL, entries, source_name="v1", sha256="1" * 64)
    with pytest.raises(RegistryError, match="reason is required"):
        store.watchlists.set_status("Local alerts", "A", EntryStatus.DELISTED, "  ")
    decided = store.watchlists.set_status("Local alerts", "A", EntryStatus.DELISTED, "error")
    assert [(d.status, d.reason) for d in decided.decisions] == [("delisted", "error")]
    changed = [person("A", "Ana Lind", remarks="new remark"), person("B", "Bo Berg")]
    summary = store.watchlists.import_version(LOCAL, changed, source_name="v2", sha256="2" * 64)
    assert summary.changed == 1
    assert _ids(store.watchlists.active_entries("Local alerts", TODAY)) == ["B"]
    store.watchlists.set_status("Local alerts", "A", EntryStatus.ACTIVE, "checked again")
    assert _ids(store.watchlists.active_entries("Local alerts", TODAY)) == ["A", "B"]
    store.watchlists.import_version(LOCAL, changed[1:], source_name="v3", sha256="3" * 64)
    with pytest.raises(RegistryError, match="not on the list since version 3"):
        store.watchlists.set_status("Local alerts", "A", EntryStatus.ACTIVE, "why not")
    with pytest.raises(NotFoundError):
        store.watchlists.set_status("Local alerts", "Z", EntryStatus.DELISTED, "no such")


@pytest.mark.safeguard("SG-17")
@pytest.mark.parametrize("owner", ["unspecified", " ", "UNSPECIFIED"])
def test_a_list_without_owner_or_legal_basis_is_refused(store: Store, owner: str) -> None:
    bad = replace(LOCAL, owner=owner)
    with pytest.raises(RegistryError, match=r"owner unspecified.*SG-17"):
        store.watchlists.register(bad)
    with pytest.raises(RegistryError, match="SG-17"):
        store.watchlists.import_version(
            bad, [person("A", "Ana Lind")], source_name="x", sha256="1" * 64
        )
    with pytest.raises(RegistryError, match="legal basis unspecified"):
        store.watchlists.register(replace(LOCAL, legal_basis=""))
    assert store.watchlists.lists() == []


@pytest.mark.safeguard("SG-17")
def test_the_registry_keeps_owner_basis_type_and_refresh_date(store: Store) -> None:
    info = replace(LOCAL, refreshed_on=date(2026, 11, 1), description="border alerts")
    store.watchlists.import_version(
        info, [person("A", "Ana Lind")], source_name="a.csv", sha256="1" * 64
    )
    store.watchlists.register(replace(LOCAL, list_type=ListType.OTHER, owner="Customs"))
    [stored] = store.watchlists.lists(today=TODAY)
    assert stored.info == replace(info, list_type=ListType.OTHER, owner="Customs", description="")
    assert stored.to_dict()["type"] == "other" and stored.to_dict()["refreshed_on"] == "2026-11-01"


def test_unknown_list_is_not_found(store: Store) -> None:
    assert store.watchlists.get("nope") is None
    with pytest.raises(NotFoundError, match="no watchlist named 'nope'"):
        store.watchlists.active_entries("nope", TODAY)


def _ids(entries: list[WatchlistEntry]) -> list[str]:
    return sorted(e.entry_id for e in entries)
