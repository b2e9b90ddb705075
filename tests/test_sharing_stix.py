"""STIX 2.1 content: TLP 2.0 markings, the builders (checked by the third-party
stix2-validator and the stix2 library) and the bundle reader (ParseError only, fuzzed)."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import stix2
from hypothesis import given, settings
from hypothesis import strategies as st
from stix2validator import ValidationOptions, validate_instance

from interlock.errors import ParseError, RefusedError
from interlock.sharing import stix, stix_read
from interlock.sharing.kinds import TLP
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

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sharing"
TLP2_BUNDLE = SHARED / "stix-tlp2" / "tlp2_marking_definitions_bundle.json"
T0 = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
INFO = ListInfo(
    name="national-sought",
    owner="Federal Police (synthetic)",
    legal_basis="Act 12/2020 s. 4 (synthetic)",
    list_type=ListType.SOUGHT,
    refreshed_on=date(2026, 4, 1),
)
ALLOWED_WARNINGS = ("{103}",)  # deterministic ids are UUIDv5; the validator prefers v4


def listed(entry_id: str = "NS-0001", **changes: Any) -> WatchlistEntry:
    values: dict[str, Any] = {
        "entry_id": entry_id,
        "list_name": INFO.name,
        "kind": EntryKind.PERSON,
        "names": [
            EntryName("ALEX SAMPLEPERSON", "ALEX", "SAMPLEPERSON"),
            EntryName("ALEKS SAMPLEPERSSON", strength=NameStrength.WEAK_ALIAS),
        ],
        "birth_dates": [
            PartialDate(1980, 2),
            PartialDate(1979, approximate=True, range_to_year=1981),
        ],
        "nationalities": ["DEU", "AUT"],
        "documents": [EntryDocument("P", "X0000001", "DEU")],
        "listed_on": date(2021, 3, 4),
        "gender": "F",
        "nominating_source": "Prosecutor's office (synthetic)",
        "reason": "sought for arrest (synthetic)",
        "review_by": date(2027, 3, 4),
    }
    return WatchlistEntry(**(values | changes))


def hit_objects(node: str = "node-b") -> list[dict[str, Any]]:
    """What a node sends when a hit on a partner's entry is confirmed."""
    entry = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    traveller = stix.traveller_identity(
        node=node,
        local_id="traveller-77",
        name="ALEX SAMPLEPERSON",
        given="ALEX",
        family="SAMPLEPERSON",
        birth_date=date(1980, 2, 3),
        nationality="DEU",
        document=EntryDocument("P", "X0000001", "DEU"),
        tlp=TLP.AMBER_STRICT,
        created=T0,
    )
    where = stix.airport_location(node=node, airport="FRA", country="DEU")
    seen = stix.sighting(
        node=node,
        alert_id="al-3f9c",
        entry_ref=entry["id"],
        location_ref=where["id"],
        traveller_ref=traveller["id"],
        first_seen=T0,
        created=T0 + timedelta(minutes=5),
        flight_number="XY123",
        tlp=TLP.AMBER_STRICT,
    )
    return [stix.node_identity_object(node), traveller, where, seen]


def check_valid(instance: dict[str, Any]) -> None:
    """stix2-validator with default options finds no error, and only the expected warnings;
    the stix2 library parses it."""
    result = validate_instance(instance, ValidationOptions())
    assert result.is_valid, [str(e) for e in result.errors]
    warnings = [str(w) for w in result.warnings]
    assert all(any(code in w for code in ALLOWED_WARNINGS) for w in warnings), warnings
    stix2.parse(instance, allow_custom=True)


# --- TLP 2.0 -----------------------------------------------------------------------------


@pytest.mark.skipif(not TLP2_BUNDLE.exists(), reason=f"{TLP2_BUNDLE} is absent")
def test_tlp_markings_are_the_official_definitions() -> None:
    official = json.loads(TLP2_BUNDLE.read_text())["objects"]
    assert [stix.TLP_MARKINGS[level] for level in TLP] == official
    assert [stix.marking_ref(level) for level in TLP] == [o["id"] for o in official]


def test_tlp_2_ids_are_not_the_tlp_1_ids_of_the_stix2_library() -> None:
    old = {stix2.TLP_WHITE.id, stix2.TLP_GREEN.id, stix2.TLP_AMBER.id, stix2.TLP_RED.id}
    assert not old & set(stix.TLP2_IDS.values())
    assert set(stix.TLP1_IDS) == old


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ([], None),
        (["marking-definition--00000000-0000-4000-8000-000000000000"], None),
        ([stix.marking_ref(TLP.GREEN)], TLP.GREEN),
        ([stix.marking_ref(TLP.GREEN), stix.marking_ref(TLP.AMBER_STRICT)], TLP.AMBER_STRICT),
        ([stix.marking_ref(TLP.RED), stix.marking_ref(TLP.CLEAR)], TLP.RED),
        ([stix2.TLP_WHITE.id], TLP.CLEAR),  # TLP 1.0 WHITE reads as CLEAR
        ([stix2.TLP_AMBER.id], TLP.AMBER),
    ],
)
def test_tlp_of_gives_the_most_restricted_level(refs: list[str], expected: TLP | None) -> None:
    assert stix.tlp_of({"object_marking_refs": refs}) == expected


def test_the_tlp_definitions_and_the_extension_definition_validate() -> None:
    check_valid(stix.bundle([*stix.TLP_MARKINGS.values(), stix.EXTENSION_DEFINITION]))


# --- builders ----------------------------------------------------------------------------


def test_a_shared_entry_bundle_validates_and_carries_its_markings() -> None:
    entry = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    built = stix.bundle([stix.node_identity_object("node-a"), entry])
    check_valid(built)
    ids = [o["id"] for o in built["objects"]]
    assert stix.marking_ref(TLP.AMBER) in ids
    assert stix.marking_ref(TLP.RED) not in ids
    assert stix.EXTENSION_ID in ids and stix.INTERLOCK_IDENTITY_ID in ids
    assert entry["identity_class"] == "individual"
    assert entry["name"] == "ALEX SAMPLEPERSON"
    assert entry["created_by_ref"] == stix.node_identity_object("node-a")["id"]


def test_a_hit_notification_bundle_validates() -> None:
    objects = hit_objects()
    check_valid(stix.bundle(objects))
    seen = objects[-1]
    assert seen["where_sighted_refs"] == [objects[2]["id"]]
    assert objects[2]["country"] == "DE"  # alpha-3 in, ISO alpha-2 out
    fields = seen["extensions"][stix.EXTENSION_ID]
    assert fields["flight_number"] == "XY123"
    assert fields["alert_id"] == "al-3f9c"
    assert fields["source_confirmation_required"] is True


def test_ids_are_deterministic_per_node_kind_and_local_id() -> None:
    once = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    again = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    other_node = stix.entry_identity(listed(), INFO, node="node-c", tlp=TLP.AMBER)
    other_entry = stix.entry_identity(listed("NS-0002"), INFO, node="node-a", tlp=TLP.AMBER)
    assert once == again
    assert len({once["id"], other_node["id"], other_entry["id"]}) == 3
    assert once["id"] == stix.entry_identity_id(
        node="node-a", list_name=INFO.name, entry_id="NS-0001"
    )
    assert hit_objects()[-1]["id"] == hit_objects()[-1]["id"]


def test_ids_are_the_ones_earlier_versions_made() -> None:
    """Ids must survive upgrades: a partner holding an object matches its next version by id."""
    node, traveller, where, seen = hit_objects()
    entry = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    assert stix.node_identity_id("node-a") == "identity--2df2f975-1b04-5872-acd2-67c8cdbe52e9"
    assert entry["id"] == "identity--0c5bf01b-8e38-592b-9527-a60fa8b95b56"
    assert traveller["id"] == "identity--457268e5-cc0e-5bbb-81a7-3f5d60185cc7"
    assert where["id"] == "location--546c7121-fa97-5714-9039-245c0e7453a5"
    assert seen["id"] == "sighting--23a16c98-eed9-5ed8-8e1d-dbb35949e9ab"
    assert seen["sighting_of_ref"] == entry["id"] and node["id"] == seen["created_by_ref"]


def test_a_correction_is_a_later_version_of_the_same_object() -> None:
    first = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    rebuilt = stix.entry_identity(listed(nationalities=["DEU"]), INFO, node="node-a", tlp=TLP.AMBER)
    fixed = stix.correction(
        first, updated=rebuilt, reason="second nationality was wrong", modified=T0
    )
    assert fixed["id"] == first["id"] and fixed["created"] == first["created"]
    assert fixed["modified"] == "2026-05-01T09:30:00.000Z" > first["modified"]
    assert fixed["extensions"][stix.EXTENSION_ID]["nationalities"] == ["DEU"]
    assert fixed["extensions"][stix.EXTENSION_ID]["correction_reason"].startswith("second")
    revoked = stix.revocation(
        fixed, reason="delisted by the court", modified=T0 + timedelta(days=1)
    )
    assert revoked["revoked"] is True and revoked["id"] == first["id"]
    check_valid(stix.bundle([first, fixed, revoked]))
    views = stix_read.read_bundle(stix.bundle([revoked]))
    assert isinstance(views[0], stix_read.EntryView)
    assert views[0].entry.status is EntryStatus.DELISTED
    assert views[0].revocation_reason == "delisted by the court"


@pytest.mark.parametrize(
    "change",
    [
        lambda prev: stix.correction(prev, reason="r", modified=T0 - timedelta(days=3000)),
        lambda prev: stix.correction(
            prev,
            reason="r",
            modified=T0,
            updated=prev | {"id": "identity--" + "0" * 8 + "-0000-4000-8000-" + "0" * 12},
        ),
        lambda prev: stix.correction(
            stix.revocation(prev, reason="r", modified=T0),
            reason="r",
            modified=T0 + timedelta(days=1),
        ),
    ],
    ids=["not-later", "other-id", "after-revocation"],
)
def test_a_new_version_that_breaks_versioning_is_refused(
    change: Callable[[dict[str, Any]], Any],
) -> None:
    previous = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    with pytest.raises(RefusedError):
        change(previous)


def test_an_airport_without_a_known_country_is_refused() -> None:
    with pytest.raises(RefusedError, match="QQQ"):
        stix.airport_location(node="node-b", airport="QQQ")
    assert stix.airport_location(node="node-b", airport="VIE")["country"] == "AT"


def test_a_bundle_keeps_one_copy_of_each_object_version() -> None:
    entry = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.GREEN)
    built = stix.bundle([entry, entry, stix.TLP_MARKINGS[TLP.GREEN]])
    ids = [o["id"] for o in built["objects"]]
    assert len(ids) == len(set(ids)) == 4  # entry, GREEN, Interlock identity, extension


# --- reader ------------------------------------------------------------------------------


def test_the_reader_gives_back_what_was_built() -> None:
    objects = hit_objects()
    views = stix_read.read_bundle(json.dumps(stix.bundle(objects)).encode())
    node, traveller, where, seen = views[:4]
    assert isinstance(node, stix_read.IdentityView) and node.name == "node-b"
    assert isinstance(traveller, stix_read.TravellerView)
    assert (traveller.family, traveller.nationality) == ("SAMPLEPERSON", "DEU")
    assert traveller.birth_date == PartialDate(1980, 2, 3)
    assert traveller.document == EntryDocument("P", "X0000001", "DEU")
    assert traveller.meta.tlp is TLP.AMBER_STRICT
    assert isinstance(where, stix_read.LocationView) and where.country == "DE"
    assert isinstance(seen, stix_read.SightingView)
    assert seen.sighting_of_ref == objects[-1]["sighting_of_ref"]
    assert seen.where_sighted_refs == (where.meta.id,)
    assert (seen.flight_number, seen.alert_id, seen.count) == ("XY123", "al-3f9c", 1)
    assert seen.traveller_ref == traveller.meta.id
    assert seen.first_seen == T0 and seen.source_confirmation_required
    markings = [v for v in views if isinstance(v, stix_read.MarkingView)]
    assert [m.tlp for m in markings] == [TLP.AMBER_STRICT]


def test_a_received_entry_becomes_an_entry_of_the_local_list() -> None:
    built = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    entry = stix_read.entry_from_identity(built, "partner-node-a")
    assert entry == listed(list_name="partner-node-a")
    with pytest.raises(ParseError, match="not an identity of a watchlist entry"):
        stix_read.entry_from_identity(stix.node_identity_object("node-a"), "partner-node-a")


def test_a_sighting_from_another_tool_requires_source_confirmation() -> None:
    seen = copy.deepcopy(hit_objects()[-1])
    del seen["extensions"]
    view = stix_read.read_object(seen)
    assert isinstance(view, stix_read.SightingView)
    assert view.source_confirmation_required and view.alert_id is None


def _hit_bundle() -> dict[str, Any]:
    entry = stix.entry_identity(listed(), INFO, node="node-a", tlp=TLP.AMBER)
    return stix.bundle([stix.node_identity_object("node-a"), entry, *hit_objects()[1:]])


def _ext(obj: dict[str, Any]) -> dict[str, Any]:
    extension: dict[str, Any] = obj["extensions"][stix.EXTENSION_ID]
    return extension


def _marking_index(bundle: dict[str, Any]) -> int:
    return next(i for i, o in enumerate(bundle["objects"]) if o["type"] == "marking-definition")


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "year as text",
        lambda b: _ext(b["objects"][1])["birth_dates"][0].update(year="1980"),
        "objects[1].extension.birth_dates[0].year",
    ),
    (
        "id of another type",
        lambda b: b["objects"][1].update(id=b["objects"][3]["id"]),
        "objects[1].id",
    ),
    (
        "timestamp with a space",
        lambda b: b["objects"][4].update(first_seen="2026-05-01 09:30:00Z"),
        "objects[4].first_seen",
    ),
    ("negative count", lambda b: b["objects"][4].update(count=-1), "objects[4].count"),
    (
        "name without full",
        lambda b: _ext(b["objects"][2])["names"][0].pop("full"),
        "objects[2].extension.names[0].full",
    ),
    (
        "30 February",
        lambda b: _ext(b["objects"][1]).update(listed_on="2021-02-30"),
        "objects[1].extension.listed_on",
    ),
    ("STIX 2.0", lambda b: b["objects"][1].update(spec_version="2.0"), "objects[1].spec_version"),
    (
        "modified before created",
        lambda b: b["objects"][1].update(modified="2000-01-01T00:00:00.000Z"),
        "objects[1].modified",
    ),
    (
        "unknown status",
        lambda b: _ext(b["objects"][1]).update(entry_status="gone"),
        "objects[1].extension.entry_status",
    ),
    (
        "bad marking ref",
        lambda b: b["objects"][1].update(object_marking_refs=["TLP:RED"]),
        "objects[1].object_marking_refs[0]",
    ),
    (
        "extension not an object",
        lambda b: b["objects"][4]["extensions"].update({stix.EXTENSION_ID: []}),
        "objects[4].extension",
    ),
    (
        "spoofed TLP definition",
        lambda b: b["objects"][_marking_index(b)].update(name="TLP:CLEAR"),
        "objects[5]",
    ),
    ("not a bundle", lambda b: b.update(type="report"), "bundle.type"),
    ("objects not a list", lambda b: b.update(objects={}), "bundle.objects"),
]


@pytest.mark.parametrize(("case", "damage", "location"), BROKEN, ids=[c[0] for c in BROKEN])
def test_a_malformed_bundle_names_the_object_and_field(
    case: str, damage: Callable[[dict[str, Any]], None], location: str
) -> None:
    broken = _hit_bundle()
    assert stix_read.read_bundle(broken)  # whole, it reads
    damage(broken)
    with pytest.raises(ParseError) as caught:
        stix_read.read_bundle(json.dumps(broken).encode())
    assert caught.value.location == location


@pytest.mark.parametrize(
    "data", [b"", b"\xff\xfe", b"[1, 2]", b"{" * 100_000, b'{"type": "bundle"}']
)
def test_bytes_that_are_no_bundle_are_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        stix_read.read_bundle(data)


# --- properties --------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
_filled = _text.filter(bool)
_days = st.dates(date(1900, 1, 1), date(2099, 12, 31))


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(_days)
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return PartialDate(
        day.year,
        None if precision == "year" else day.month,
        day.day if precision == "day" else None,
        approximate=draw(st.booleans()),
        range_to_year=draw(st.none() | st.integers(day.year, 2100)),
    )


entries = st.builds(
    WatchlistEntry,
    entry_id=_filled,
    list_name=st.just(INFO.name),
    kind=st.sampled_from(EntryKind),
    names=st.lists(
        st.builds(
            EntryName,
            full=_filled,
            given=_text,
            family=_text,
            strength=st.sampled_from(NameStrength),
            script=st.none() | _filled,
        ),
        min_size=1,
        max_size=3,
    ),
    birth_dates=st.lists(partial_dates(), max_size=2),
    nationalities=st.lists(st.sampled_from(["DEU", "AUT", "FRA", "XXA"]), max_size=2),
    documents=st.lists(
        st.builds(EntryDocument, type=_filled, number=_filled, country=st.none() | _filled),
        max_size=2,
    ),
    listed_on=st.none() | _days,
    source_reference=_text,
    gender=st.sampled_from([None, "M", "F"]),
    nominating_source=_text,
    reason=_text,
    review_by=st.none() | _days,
    status=st.sampled_from(EntryStatus),
)


@settings(max_examples=40)
@given(entry=entries, tlp=st.sampled_from(TLP))
def test_any_entry_survives_the_round_trip_and_validates(entry: WatchlistEntry, tlp: TLP) -> None:
    built = stix.bundle([stix.entry_identity(entry, INFO, node="node-a", tlp=tlp)])
    check_valid(built)
    view = stix_read.read_bundle(json.dumps(built).encode())[0]
    assert isinstance(view, stix_read.EntryView)
    assert view.entry == entry
    assert view.meta.tlp is tlp
    assert (view.list_owner, view.legal_basis) == (INFO.owner, INFO.legal_basis)


_stixish = st.sampled_from(
    [
        "identity",
        "sighting",
        "marking-definition",
        "2.1",
        "watchlist-entry",
        "traveller",
        "2026-05-01T09:30:00.000Z",
        "identity--2df2f975-1b04-5872-acd2-67c8cdbe52e9",
        stix.marking_ref(TLP.RED),
        stix.EXTENSION_ID,
    ]
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text | _stixish,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(_text | _stixish, inner, max_size=4)
    ),
    max_leaves=12,
)


def _read_or_parse_error(data: bytes | dict[str, Any]) -> None:
    with contextlib.suppress(ParseError):
        stix_read.read_bundle(data)


@given(st.binary(max_size=200))
def test_fuzz_bytes_raise_only_parse_errors(data: bytes) -> None:
    _read_or_parse_error(data)


@given(_json)
def test_fuzz_json_values_raise_only_parse_errors(value: Any) -> None:
    _read_or_parse_error(json.dumps(value).encode())
    _read_or_parse_error(
        {
            "type": "bundle",
            "id": "bundle--" + "0" * 8 + "-0000-4000-8000-" + "0" * 12,
            "objects": [value],
        }
    )


@given(st.data())
def test_fuzz_damaged_bundles_raise_only_parse_errors(data: st.DataObject) -> None:
    damaged = _hit_bundle()
    node: Any = damaged
    while isinstance(node, dict | list) and node and data.draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        node = node[data.draw(st.sampled_from(keys))]
    if isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node)))
        if data.draw(st.booleans()):
            del node[key]
        else:
            node[key] = data.draw(_json)
    elif isinstance(node, list):
        node.append(data.draw(_json))
    _read_or_parse_error(damaged)
