"""Importers for the UN SC consolidated XML and the OFAC SDN legacy CSV trio."""

from __future__ import annotations

import contextlib
import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.watchlists import (
    EntryKind,
    EntryStatus,
    ImportResult,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    country_code,
    read_ofac,
    read_un_xml,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "watchlists"
UN_FILE = DATA / "un_sc_consolidated_2024-09-26.xml"
OFAC_DIR = DATA / "ofac_sdn_2022-01-31"
needs_un = pytest.mark.skipif(not UN_FILE.exists(), reason=f"sample list absent: {UN_FILE}")
needs_ofac = pytest.mark.skipif(not OFAC_DIR.exists(), reason=f"sample list absent: {OFAC_DIR}")


@pytest.fixture(scope="module")
def un() -> ImportResult:
    return read_un_xml(UN_FILE.read_bytes(), source=UN_FILE.name)


@pytest.fixture(scope="module")
def ofac() -> ImportResult:
    parts = [(OFAC_DIR / name).read_bytes() for name in ("sdn.csv", "alt.csv", "add.csv")]
    return read_ofac(*parts, source="ofac")


def _by_id(result: ImportResult) -> dict[str, WatchlistEntry]:
    return {entry.entry_id: entry for entry in result.entries}


def _names(entry: WatchlistEntry, strength: NameStrength) -> set[str]:
    return {name.full for name in entry.names if name.strength is strength}


@needs_un
def test_un_counts_match_an_independent_tag_count(un: ImportResult) -> None:
    text = UN_FILE.read_text(encoding="utf-8")
    kinds = [entry.kind for entry in un.entries]
    assert kinds.count(EntryKind.PERSON) == len(re.findall(r"<INDIVIDUAL>", text)) == 682
    assert kinds.count(EntryKind.ENTITY) == len(re.findall(r"<ENTITY>", text)) == 193
    assert un.issues == []
    strengths = [name.strength for entry in un.entries for name in entry.names]
    assert strengths.count(NameStrength.WEAK_ALIAS) == text.count("<QUALITY>Low</QUALITY>")
    originals = sum(1 for e in un.entries for n in e.names if n.script == "original")
    assert originals == len(re.findall(r"<NAME_ORIGINAL_SCRIPT>[^<]", text))


@needs_un
def test_un_known_entry_with_aliases_split_by_quality(un: ImportResult) -> None:
    entry = _by_id(un)["TAi.005"]
    assert entry.kind is EntryKind.PERSON
    assert _names(entry, NameStrength.PRIMARY) == {"MUHAMMAD TAHER ANWARI", "محمد طاهر أنوري"}
    assert _names(entry, NameStrength.ALIAS) == {
        "Mohammad Taher Anwari",
        "Muhammad Tahir Anwari",
        "Mohammad Tahre Anwari",
    }
    assert _names(entry, NameStrength.WEAK_ALIAS) == {"Haji Mudir"}
    assert [n.full for n in entry.names if n.script == "original"] == ["محمد طاهر أنوري"]
    assert entry.nationalities == ["AFG"]
    assert entry.listed_on is not None and entry.listed_on.isoformat() == "2001-02-23"
    assert entry.source_reference == "Taliban"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("TAi.005", PartialDate(1961, approximate=True)),  # APPROXIMATELY, YEAR
        ("TAi.023", PartialDate(1963, range_to_year=1968)),  # BETWEEN 1963 and 1968
        ("TAi.008", PartialDate(1969)),  # EXACT, year only
        ("TAi.139", PartialDate(1965, 3, 29)),  # EXACT, full DATE
    ],
)
@needs_un
def test_un_birth_dates(un: ImportResult, ref: str, expected: PartialDate) -> None:
    assert expected in _by_id(un)[ref].birth_dates


@needs_un
def test_un_document_with_issuing_country(un: ImportResult) -> None:
    docs = _by_id(un)["TAi.139"].documents
    assert [(d.type, d.number, d.country) for d in docs] == [("Passport", "D 000763", "AFG")]


@needs_ofac
def test_ofac_entry_count_equals_sdn_rows(ofac: ImportResult) -> None:
    with (OFAC_DIR / "sdn.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    assert len(ofac.entries) == len(rows) == 9044
    # ent_num 2677 stands twice in this file (a person and a company): reported, both kept.
    assert [issue.reason for issue in ofac.issues] == [
        "ent_num 2677 repeats an earlier record; its aliases in alt.csv are given to the first"
    ]
    with (OFAC_DIR / "alt.csv").open(encoding="utf-8", newline="") as handle:
        alt_rows = sum(1 for row in csv.reader(handle) if row)
    strengths = [n.strength for e in ofac.entries for n in e.names]
    assert strengths.count(NameStrength.ALIAS) == alt_rows
    assert sum(1 for e in ofac.entries if e.birth_dates) > 4000
    assert sum(1 for e in ofac.entries if e.documents) > 800


@needs_ofac
def test_ofac_repeated_ent_num_keeps_aliases_with_the_first_record(ofac: ImportResult) -> None:
    person, company = [e for e in ofac.entries if e.entry_id == "2677"]
    assert person.kind is EntryKind.PERSON and company.kind is EntryKind.ENTITY
    assert "Abbud ZUMAR" in _names(person, NameStrength.ALIAS)
    assert [n.full for n in company.names] == ["HAMER AND NAIL CONSTRUCTION LIMITED"]


@needs_ofac
def test_ofac_person_with_aliases_dob_and_passports(ofac: ImportResult) -> None:
    entry = _by_id(ofac)["2676"]
    primary = entry.names[0]
    assert (primary.family, primary.given) == ("AL ZAWAHIRI", "Dr. Ayman")
    assert primary.strength is NameStrength.PRIMARY
    assert {n.family for n in entry.names if n.strength is NameStrength.ALIAS} >= {
        "AL-ZAWAHIRI",
        "SALIM",
    }
    assert entry.birth_dates == [PartialDate(1951, 6, 19)]
    assert [(d.number, d.country) for d in entry.documents] == [
        ("1084010", "EGY"),
        ("19820215", None),
    ]
    assert entry.source_reference == "SDGT"


@needs_ofac
def test_ofac_circa_alt_dob_nationality_and_weak_alias(ofac: ImportResult) -> None:
    by_id = _by_id(ofac)
    iraqi = by_id["7854"]
    assert iraqi.birth_dates == [PartialDate(1946, approximate=True), PartialDate(1949)]
    assert iraqi.nationalities == ["IRQ"]
    bank = by_id["306"]
    assert bank.kind is EntryKind.ENTITY
    assert _names(bank, NameStrength.WEAK_ALIAS) == {"BNC"}
    assert _names(bank, NameStrength.ALIAS) == {"NATIONAL BANK OF CUBA"}


SDN_ROW = '{n},"DOE, Jane",individual,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{r}"\n'


@pytest.mark.parametrize(
    ("remark", "expected"),
    [
        ("DOB 01 Jan 1960; alt. DOB 1962.", [PartialDate(1960, 1, 1), PartialDate(1962)]),
        ("DOB circa 1965.", [PartialDate(1965, approximate=True)]),
        ("DOB 1957 to 1959.", [PartialDate(1957, range_to_year=1959)]),
        ("DOB Mar 1970.", [PartialDate(1970, 3)]),
        ("DOB 01 Jan 1960 to 31 Dec 1962.", [PartialDate(1960, 1, 1, range_to_year=1962)]),
        ("DOB sometime.", []),
    ],
)
def test_ofac_dob_remarks(remark: str, expected: list[PartialDate]) -> None:
    result = read_ofac(SDN_ROW.format(n=1, r=remark).encode())
    assert result.entries[0].birth_dates == expected


def test_ofac_bad_rows_are_skipped_with_issues() -> None:
    sdn = SDN_ROW.format(n=1, r="-0-") + "x,short row\n" + SDN_ROW.format(n=2, r="-0-")
    alt = '1,10,aka,"ROE, Janet",-0- \n99,11,aka,"NOBODY",-0- \n'
    result = read_ofac(sdn.encode(), alt.encode(), source="t")
    assert [e.entry_id for e in result.entries] == ["1", "2"]
    assert [str(i) for i in result.issues] == [
        "t: sdn.csv line 2: bad SDN row; skipped",
        "t: alt.csv line 2: alias for unknown ent_num '99'; skipped",
    ]
    assert result.entries[0].names[1].family == "ROE"


def test_ofac_without_any_record_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no readable SDN record"):
        read_ofac(b"not,a,list\n", source="bad.csv")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Iraq", "IRQ"),
        ("Syrian Arab Republic", "SYR"),
        ("Syria", "SYR"),
        ("Russian Federation", "RUS"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("United States", "USA"),
        ("Korea, North", "PRK"),
        ("Kosovo", "KOSOVO"),
        ("na", "NA"),
    ],
)
def test_country_code(value: str, code: str) -> None:
    assert country_code(value) == code


def test_un_malformed_xml_names_the_line() -> None:
    data = b"<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL></INDIVIDUALS>\n"
    with pytest.raises(ParseError) as caught:
        read_un_xml(data, source="broken.xml")
    assert caught.value.location.startswith("broken.xml: line 3")


def test_un_wrong_root_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not <CONSOLIDATED_LIST>"):
        read_un_xml(b"<OTHER/>")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol3;</FIRST_NAME>
<REFERENCE_NUMBER>X</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&ext;</FIRST_NAME>
<REFERENCE_NUMBER>X</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_un_entity_payloads_are_refused(payload: bytes) -> None:
    with pytest.raises(ParseError, match="unsafe XML refused"):
        read_un_xml(payload, source="evil.xml")


def test_un_record_without_reference_is_an_issue() -> None:
    data = (
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>JANE</FIRST_NAME>"
        b"</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><FIRST_NAME>ACME TRADING</FIRST_NAME>"
        b"<REFERENCE_NUMBER>QDe.999</REFERENCE_NUMBER></ENTITY></ENTITIES></CONSOLIDATED_LIST>"
    )
    result = read_un_xml(data)
    assert [e.entry_id for e in result.entries] == ["QDe.999"]
    assert [str(i) for i in result.issues] == ["INDIVIDUAL #1: no REFERENCE_NUMBER; record skipped"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_un_random_bytes_raise_only_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        read_un_xml(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.binary(max_size=200))
def test_ofac_random_bytes_raise_only_parse_error(sdn: bytes, alt: bytes) -> None:
    with contextlib.suppress(ParseError):
        read_ofac(sdn, alt)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(',"-0;\n\r DOBPasport()1a')), max_size=300))
def test_ofac_csv_like_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        read_ofac(("1,x,individual,P,,,,,,,," + text).encode(), text.encode())


@needs_un
def test_un_gender_nominator_reason_and_status(un: ImportResult) -> None:
    by_id = _by_id(un)
    assert by_id["TAi.013"].gender == "M"
    assert by_id["TAi.005"].gender is None  # no GENDER element
    assert by_id["TAi.005"].nominating_source == "UN Security Council (Taliban)"
    assert by_id["TAi.005"].reason == by_id["TAi.005"].remarks
    assert all(len(e.reason) <= 500 and e.status is EntryStatus.ACTIVE for e in un.entries)


@pytest.mark.parametrize(
    ("remark", "gender"),
    [
        ("Gender Male.", "M"),
        ("DOB 1960; Gender Female", "F"),
        ("Ministry of Gender and Culture.", None),
    ],
)
def test_ofac_gender_from_remarks(remark: str, gender: str | None) -> None:
    assert read_ofac(SDN_ROW.format(n=1, r=remark).encode()).entries[0].gender == gender


def test_ofac_programs_become_the_reason() -> None:
    row = '7,"ROE, Jan",individual,"IRAN] [SDGT] [IRGC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    entry = read_ofac(row.encode()).entries[0]
    assert (entry.reason, entry.nominating_source) == ("IRAN; SDGT; IRGC", "OFAC")
    assert entry.source_reference == "IRAN] [SDGT] [IRGC"
