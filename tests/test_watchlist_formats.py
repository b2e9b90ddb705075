"""Watchlist format detection, FollowTheMoney, national-list CSV and document-list CSV readers."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError, UnknownFormatError
from interlock.watchlists import (
    EntryDocument,
    EntryKind,
    EntryStatus,
    ListType,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    documents,
    national_csv,
    normalise_document_number,
    read_document_list,
    read_ftm,
    read_national_csv,
    read_watchlist,
    read_watchlist_bytes,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "watchlists"
UN_FILE = DATA / "un_sc_consolidated_2024-09-26.xml"
OFAC_DIR = DATA / "ofac_sdn_2022-01-31"
needs_un = pytest.mark.skipif(not UN_FILE.exists(), reason=f"sample list absent: {UN_FILE}")
needs_ofac = pytest.mark.skipif(not OFAC_DIR.exists(), reason=f"sample list absent: {OFAC_DIR}")


def _by_id(entries: list[WatchlistEntry]) -> dict[str, WatchlistEntry]:
    return {entry.entry_id: entry for entry in entries}


# --- the real lists through read_watchlist -------------------------------------------------------


@needs_un
def test_un_list_detected_with_its_registry_defaults() -> None:
    listed = read_watchlist(UN_FILE)
    text = UN_FILE.read_text(encoding="utf-8")
    assert listed.format == "un_xml"
    assert listed.info.name == "UN SC Consolidated List"
    assert listed.info.owner == "United Nations Security Council"
    assert "1267 (1999)" in listed.info.legal_basis and "Chapter VII" in listed.info.legal_basis
    assert listed.info.list_type is ListType.SOUGHT
    assert listed.info.refreshed_on == date(2024, 9, 26)
    kinds = [entry.kind for entry in listed.entries]
    assert (kinds.count(EntryKind.PERSON), kinds.count(EntryKind.ENTITY)) == (682, 193)
    genders = [entry.gender for entry in listed.entries]
    assert genders.count("M") == text.count("<GENDER>Male</GENDER>") == 53
    assert genders.count("F") == text.count("<GENDER>Female</GENDER>") == 2
    assert all(len(entry.reason) <= 500 for entry in listed.entries)
    assert all(entry.status is EntryStatus.ACTIVE for entry in listed.entries)


@needs_un
def test_un_entry_nominator_and_reason() -> None:
    entry = _by_id(read_watchlist(UN_FILE).entries)["QDi.268"]
    assert entry.gender == "M"
    assert entry.nominating_source == "UN Security Council (Al-Qaida)"
    assert entry.reason.startswith("Overall leader and commander of the Eastern Turkistan")
    assert entry.reason == entry.remarks  # short enough to be kept whole
    long_ones = [e for e in read_watchlist(UN_FILE).entries if len(e.remarks) > 500]
    assert long_ones, "the sample has comments longer than 500 characters"
    for e in long_ones:
        assert e.reason.endswith("…") and e.remarks.startswith(e.reason[:-1])


REPEATED_ENT_NUM = (
    "ent_num 2677 repeats an earlier record; its aliases in alt.csv are given to the first"
)


@needs_ofac
@pytest.mark.parametrize("target", ["folder", "sdn.csv"])
def test_ofac_detected_from_folder_or_sdn_file(target: str) -> None:
    path = OFAC_DIR if target == "folder" else OFAC_DIR / "sdn.csv"
    listed = read_watchlist(path)
    assert listed.format == "ofac_csv"
    assert (listed.info.name, listed.info.list_type) == ("OFAC SDN", ListType.OTHER)
    assert listed.info.owner == "US Treasury, Office of Foreign Assets Control"
    assert listed.info.legal_basis == "IEEPA, 50 U.S.C. 1701 ff.; 31 CFR Chapter V"
    assert len(listed.entries) == 9044
    assert [issue.reason for issue in listed.issues] == [REPEATED_ENT_NUM]
    text = (OFAC_DIR / "sdn.csv").read_text(encoding="utf-8")
    genders = [entry.gender for entry in listed.entries]
    assert genders.count("M") == len(re.findall(r"Gender Male\b", text)) == 1642
    assert genders.count("F") == len(re.findall(r"Gender Female\b", text)) == 158
    by_id = _by_id(listed.entries)  # the sample's last row repeats ent_num 2677: 2686 is unique
    assert (by_id["2686"].gender, by_id["2686"].reason) == ("M", "SDGT; SYRIA")
    assert by_id["4632"].reason == "IRAN; SDGT; IRGC; IFSR"
    assert {entry.nominating_source for entry in listed.entries} == {"OFAC"}
    aliases = sum(1 for e in listed.entries for n in e.names if n.strength is NameStrength.ALIAS)
    assert aliases > 8000  # alt.csv beside sdn.csv was read


@needs_ofac
def test_lone_sdn_upload_is_read_and_warns_of_missing_aliases(tmp_path: Path) -> None:
    listed = read_watchlist_bytes((OFAC_DIR / "sdn.csv").read_bytes(), name="sdn.csv")
    assert listed.format == "ofac_csv" and len(listed.entries) == 9044
    assert [i.reason for i in listed.issues] == [
        REPEATED_ENT_NUM,
        "sdn.csv alone: the aliases of alt.csv are missing",
    ]
    shutil.copy(OFAC_DIR / "sdn.csv", tmp_path / "sdn.csv")  # a path without alt/add beside it
    assert len(read_watchlist(tmp_path / "sdn.csv").issues) == 2


@needs_un
def test_truncated_un_file_names_the_line() -> None:
    data = UN_FILE.read_bytes()[:20000]
    with pytest.raises(ParseError) as caught:
        read_watchlist_bytes(data, name="un.xml")
    assert not isinstance(caught.value, UnknownFormatError)
    assert re.match(r"un\.xml: line \d+, column \d+", caught.value.location)


# --- FollowTheMoney ---------------------------------------------------------------------------

PERSON = {
    "id": "syn-p1",
    "schema": "Person",
    "properties": {
        "name": ["Jana Exampleova", "Яна Экзамплова"],
        "alias": ["Jana Examplova"],
        "weakAlias": ["Jaja"],
        "previousName": ["Jana Testova"],
        "firstName": ["Jana"],
        "lastName": ["Exampleova"],
        "birthDate": ["1970", "1971-05", "1972-05-02", "not a date"],
        "nationality": ["cz"],
        "citizenship": ["sk", "cz", "qq"],
        "gender": ["female"],
        "idNumber": ["ID-778"],
        "topics": ["sanction", "crime.terror"],
    },
}
PASSPORT = {
    "id": "syn-pp1",
    "schema": "Passport",
    "properties": {"holder": ["syn-p1"], "number": ["AB 12345"], "country": ["cz"]},
}
SANCTION = {
    "id": "syn-s1",
    "schema": "Sanction",
    "properties": {
        "entity": ["syn-o1"],
        "reason": ["Synthetic reason for listing"],
        "authority": ["Synthetic Ministry"],
        "listingDate": ["2020-03-04"],
    },
}
ORG = {"id": "syn-o1", "schema": "Company", "properties": {"name": ["Example Trading Ltd"]}}
ORG_FRAGMENT = {"id": "syn-o1", "schema": "LegalEntity", "properties": {"alias": ["ETL"]}}
ADDRESS = {"id": "syn-a1", "schema": "Address", "properties": {"full": ["1 Example St"]}}


def _jsonl(*items: object) -> bytes:
    return "\n".join(json.dumps(item, ensure_ascii=False) for item in items).encode()


FTM_FILE = _jsonl(PASSPORT, SANCTION, PERSON, ORG, ORG_FRAGMENT, ADDRESS)


def test_ftm_person_with_names_dates_countries_and_documents() -> None:
    result = read_ftm(FTM_FILE, source="syn.jsonl")
    person = _by_id(result.entries)["syn-p1"]
    assert person.kind is EntryKind.PERSON
    primary = person.names[0]
    assert (primary.full, primary.given, primary.family, primary.strength) == (
        "Jana Exampleova",
        "Jana",
        "Exampleova",
        NameStrength.PRIMARY,
    )
    strengths = {name.full: name.strength for name in person.names[1:]}
    assert strengths == {
        "Яна Экзамплова": NameStrength.ALIAS,
        "Jana Examplova": NameStrength.ALIAS,
        "Jana Testova": NameStrength.ALIAS,
        "Jaja": NameStrength.WEAK_ALIAS,
    }
    assert person.birth_dates == [
        PartialDate(1970),
        PartialDate(1971, 5),
        PartialDate(1972, 5, 2),
    ]
    assert person.nationalities == ["CZE", "SVK"]
    assert person.gender == "F"
    assert person.documents == [
        EntryDocument("ID", "ID-778"),
        EntryDocument("Passport", "AB 12345", "CZE"),  # the Passport line came before its holder
    ]
    assert person.reason == "topics: sanction, crime.terror"


def test_ftm_fragments_merge_and_sanction_attaches() -> None:
    result = read_ftm(FTM_FILE, source="syn.jsonl")
    org = _by_id(result.entries)["syn-o1"]
    assert org.kind is EntryKind.ENTITY
    assert [(n.full, n.strength) for n in org.names] == [
        ("Example Trading Ltd", NameStrength.PRIMARY),
        ("ETL", NameStrength.ALIAS),
    ]
    assert org.reason == "Synthetic reason for listing"
    assert org.nominating_source == "Synthetic Ministry"
    assert org.listed_on == date(2020, 3, 4)
    assert [str(i) for i in result.issues] == [
        "syn.jsonl: line 3: birthDate 'not a date' is not a date; dropped",
        "syn.jsonl: line 6: 1 Address entity skipped (not screened)",
        "syn.jsonl: unknown country codes dropped: 'qq' (1)",
    ]


def test_ftm_array_and_single_object_files() -> None:
    as_array = json.dumps([PERSON, ORG]).encode()
    assert [e.entry_id for e in read_ftm(as_array).entries] == ["syn-p1", "syn-o1"]
    pretty = json.dumps(ORG, indent=2).encode()
    assert [e.entry_id for e in read_ftm(pretty).entries] == ["syn-o1"]


def test_ftm_malformed_line_is_reported_and_the_rest_kept() -> None:
    data = _jsonl(PERSON) + b'\n{"id": "x", "schema": \n' + _jsonl(ORG)
    result = read_ftm(data, source="f.jsonl")
    assert [e.entry_id for e in result.entries] == ["syn-p1", "syn-o1"]
    assert any(
        str(i).startswith("f.jsonl: line 2: malformed JSON at column") for i in result.issues
    )


@pytest.mark.parametrize(
    ("data", "location", "reason"),
    [
        (b'\n\n{"id": "a", "schema": "Person"\n', "f.jsonl: line 3", "malformed JSON"),
        (b'{"schema": "Person", "properties": {}}\n', "f.jsonl: line 1", "needs a string 'id'"),
        (b"[1, 2]\n", "f.jsonl: item 1", "not an FtM entity"),
        (b'[{"id": "a", "schema": "Person"}\n', "f.jsonl: line 2, column 1", "malformed JSON"),
        (b'{"id": "a", "schema": "Person", "properties": {}}\n', "f.jsonl: line 1", "no name"),
        (b'{"id": "a"}\n\xff\xfe\n', "f.jsonl: line 1", "needs a string"),
        (b"\n \n", "f.jsonl", "no FollowTheMoney entity"),
    ],
)
def test_ftm_without_a_readable_entity_is_a_parse_error(
    data: bytes, location: str, reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        read_ftm(data, source="f.jsonl")
    assert caught.value.location == location
    assert reason in caught.value.reason


# --- national-list CSV ------------------------------------------------------------------------

NATIONAL_HEADER = (
    "id,kind,name,given_names,surname,aliases,weak_aliases,birth_date,nationality,gender,"
    "document_number,document_type,document_country,nominating_source,reason,review_by,status\n"
)
NATIONAL_ROWS = (
    'NL-1,person,,Jana,Exampleova,"Jana Examplova; J. Exampleova",Jaja,'
    "~1970;1971..1973;1969-02-28,CZ;SVK;D,female,AB 123;CD-456,P,CZ;SK,"
    "Synthetic Police,Synthetic reason,2030-01-01,active\n"
    "NL-2,entity,Example Trading Ltd,,,ETL,,,GB,,,,,,,,\n"
    'NL-3,person,"Karel\nSample",,,,,1980,CZE,M,,,,,,2020-01-01,\n'
    "NL-4,person,Eva Demo,,,,,1975-06,CZE,F,X-1,ID,,,,,delisted\n"
)


def test_national_csv_reads_every_column() -> None:
    result = read_national_csv((NATIONAL_HEADER + NATIONAL_ROWS).encode(), list_name="nat")
    assert result.issues == []
    one = _by_id(result.entries)["NL-1"]
    assert (one.list_name, one.kind, one.gender) == ("nat", EntryKind.PERSON, "F")
    assert (one.names[0].full, one.names[0].given, one.names[0].family) == (
        "Jana Exampleova",
        "Jana",
        "Exampleova",
    )
    assert [(n.full, n.strength) for n in one.names[1:]] == [
        ("Jana Examplova", NameStrength.ALIAS),
        ("J. Exampleova", NameStrength.ALIAS),
        ("Jaja", NameStrength.WEAK_ALIAS),
    ]
    assert one.birth_dates == [
        PartialDate(1970, approximate=True),
        PartialDate(1971, range_to_year=1973),
        PartialDate(1969, 2, 28),
    ]
    assert one.nationalities == ["CZE", "SVK", "DEU"]
    assert one.documents == [
        EntryDocument("P", "AB 123", "CZE"),
        EntryDocument("P", "CD-456", "SVK"),
    ]
    assert (one.nominating_source, one.reason) == ("Synthetic Police", "Synthetic reason")
    assert one.review_by == date(2030, 1, 1) and one.is_active(date(2029, 12, 31))
    assert _by_id(result.entries)["NL-2"].kind is EntryKind.ENTITY


def test_national_csv_expiry_and_delisting_stop_matching() -> None:
    entries = _by_id(read_national_csv((NATIONAL_HEADER + NATIONAL_ROWS).encode()).entries)
    today = date(2025, 1, 1)
    assert entries["NL-3"].names[0].full == "Karel Sample"  # the quoted line break collapsed
    assert not entries["NL-3"].is_active(today)  # review_by passed
    assert entries["NL-4"].status is EntryStatus.DELISTED and not entries["NL-4"].is_active(today)
    assert entries["NL-4"].documents == [EntryDocument("ID", "X-1", None)]


def test_national_csv_line_numbers_count_quoted_line_breaks() -> None:
    rows = NATIONAL_ROWS.replace("X-1,ID,,", "X-1,ID,QQ,")
    result = read_national_csv((NATIONAL_HEADER + rows).encode(), source="n.csv")
    assert [str(i) for i in result.issues] == [
        "n.csv: line 6, column 13 (document_country): 'QQ' is not a country code; row skipped"
    ]


GOOD_ROW = "NL-9,person,,Jana,Exampleova,,,1970,CZE,F,,,,,,,\n"


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        ("NL-9,person,,Jana,Exampleova,,,1970-13,CZE,F,,,,,,,\n", "column 8 (birth_date)",
         "'1970-13' is not a calendar date"),
        ("NL-9,person,,Jana,Exampleova,,,1975..1970,CZE,F,,,,,,,\n", "column 8 (birth_date)",
         "ends before it starts"),
        ("NL-9,person,,Jana,Exampleova,,,05/02/1970,CZE,F,,,,,,,\n", "column 8 (birth_date)",
         "is not YYYY"),
        ("NL-9,person,,Jana,Exampleova,,,,QQ,F,,,,,,,\n", "column 9 (nationality)",
         "'QQ' is not a country code"),
        ("NL-9,robot,,Jana,Exampleova,,,,,,,,,,,,\n", "column 2 (kind)", "not person or entity"),
        ("NL-9,person,,Jana,Exampleova,,,,,?,,,,,,,\n", "column 10 (gender)", "'?' is not M"),
        ("NL-9,person,,,,,,,,,,,,,,,\n", "column 3 (name)", "no name"),
        (",person,,Jana,Exampleova,,,,,,,,,,,,\n", "column 1 (id)", "empty id"),
        ("NL-9,person,,Jana,Exampleova,,,,,,,P,,,,,\n", "column 12 (document_type)",
         "given without a document_number"),
        ("NL-9,person,,Jana,Exampleova,,,,,,A;B;C,,CZ;SK,,,,\n", "column 13 (document_country)",
         "2 values for 3 document numbers"),
        ("NL-9,person,,Jana,Exampleova,,,,,,,,,,,2030-1-1,\n", "column 16 (review_by)",
         "not a YYYY-MM-DD date"),
        ("NL-9,person,,Jana,Exampleova,,,,,,,,,,,,gone\n", "column 17 (status)",
         "not active or delisted"),
        ("NL-1,person,,Jana,Exampleova,,,,,,,,,,,,\n", "column 1 (id)", "repeats an earlier row"),
        ("NL-9,person,,Jana,Exampleova,,,,,,,,,,,,,extra\n", "line 3", "18 fields but the header has 17"),
    ],
)  # fmt: skip
def test_national_csv_bad_value_skips_the_row_naming_line_and_column(
    row: str, where: str, reason: str
) -> None:
    data = (NATIONAL_HEADER + NATIONAL_ROWS.split("\n")[0] + "\n" + row + GOOD_ROW).encode()
    result = read_national_csv(data, source="n.csv")
    assert [e.entry_id for e in result.entries] == ["NL-1", "NL-9"]
    [issue] = result.issues
    assert issue.location.startswith("n.csv: line 3") and where in issue.location
    assert reason in issue.reason


@pytest.mark.parametrize(
    ("data", "location", "reason"),
    [
        (b"name,birth_date\nJana,1970\n", "n.csv: line 1", "must name an 'id' column"),
        (b"", "n.csv: line 1", "no header row"),
        (b"id,name\nA,Jana\n\xff\n", "n.csv: line 3", "not UTF-8"),
        (b"id,name,gender\n1,Jana,?\n2,Karel,??\n", "n.csv: line 2, column 3 (gender)", "'?'"),
    ],
)
def test_national_csv_unreadable_file_is_a_parse_error(
    data: bytes, location: str, reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        read_national_csv(data, source="n.csv")
    assert caught.value.location == location
    assert reason in caught.value.reason


def test_national_csv_unknown_column_is_reported_and_ignored() -> None:
    result = read_national_csv(b"ID, Name ,Colour\n1,Jana Exampleova,blue\n", source="n.csv")
    assert [e.names[0].full for e in result.entries] == ["Jana Exampleova"]
    assert [str(i) for i in result.issues] == [
        "n.csv: line 1, column 3 (colour): unknown column; ignored"
    ]


# --- document list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("ab 12-34.5<<", "AB12345"),
        ("L898902C3", "L898902C3"),
        ("\uff21\uff22\uff11\uff12", "AB12"),  # full-width letters and digits
        ("X\u2013123\u00a0456", "X123456"),  # en dash, no-break space
        ("", ""),
    ],
)
def test_normalise_document_number(raw: str, normal: str) -> None:
    assert normalise_document_number(raw) == normal


DOCUMENT_LIST = (
    "document_number,document_type,issuing_country,status,reported_on,id\n"
    "ab 123-456,P,DE,stolen,2024-01-02,\n"
    "C01X00T47,ID,D,lost,,\n"
    "99 88,V,FRA,recovered,2023-05-06,FR-REF-7\n"
)


def test_document_list_entries() -> None:
    result = read_document_list(DOCUMENT_LIST.encode(), source="d.csv", list_name="stolen")
    assert result.issues == []
    assert [e.entry_id for e in result.entries] == ["DEU:AB123456", "DEU:C01X00T47", "FR-REF-7"]
    first, _, recovered = result.entries
    assert (first.kind, first.names, first.list_name) == (EntryKind.DOCUMENT, [], "stolen")
    assert first.documents == [EntryDocument("P", "AB123456", "DEU")]
    assert (first.reason, first.listed_on, first.status) == (
        "stolen",
        date(2024, 1, 2),
        EntryStatus.ACTIVE,
    )
    assert recovered.status is EntryStatus.DELISTED and not recovered.is_active(date(2024, 1, 1))


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        (" - . ,P,DE,lost,,", "column 1 (document_number)", "empty document number"),
        ("A1,P,,lost,,", "column 3 (issuing_country)", "empty issuing country"),
        ("A1,P,ZZ,lost,,", "column 3 (issuing_country)", "'ZZ' is not a country code"),
        ("A1,P,DE,found,,", "column 4 (status)", "'found' is not lost"),
        ("A1,P,DE,lost,02.01.2024,", "column 5 (reported_on)", "not a YYYY-MM-DD date"),
        ("AB 123456,P,DEU,lost,,", "column 6 (id)", "repeats an earlier row"),
    ],
)
def test_document_list_bad_row_names_line_and_column(row: str, where: str, reason: str) -> None:
    lines = DOCUMENT_LIST.split("\n")
    data = "\n".join([*lines[:2], row, *lines[2:]]).encode()
    result = read_document_list(data, source="d.csv")
    assert len(result.entries) == 3
    [issue] = result.issues
    assert issue.location == f"d.csv: line 3, {where}"
    assert reason in issue.reason


def test_document_list_without_required_column_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="lacks issuing_country") as caught:
        read_document_list(b"document_number,status\nA1,lost\n", source="d.csv")
    assert caught.value.location == "d.csv: line 1"


# --- detection ---------------------------------------------------------------------------------

UN_SMALL = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n<!-- synthetic -->\n"
    b"<CONSOLIDATED_LIST dateGenerated='2030-01-02T00:00:00Z'><INDIVIDUALS><INDIVIDUAL>"
    b"<FIRST_NAME>JANA</FIRST_NAME><SECOND_NAME>EXAMPLEOVA</SECOND_NAME>"
    b"<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>"
    b"<GENDER>Female</GENDER><COMMENTS1>Synthetic.</COMMENTS1>"
    b"</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
)
SDN_SMALL = b'1,"EXAMPLEOVA, Jana",individual,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
NATIONAL_SMALL = (NATIONAL_HEADER + NATIONAL_ROWS).encode()
SAMPLES = {
    "un.xml": (UN_SMALL, "un_xml"),
    "sdn.csv": (SDN_SMALL, "ofac_csv"),
    "ftm.jsonl": (FTM_FILE, "ftm"),
    "national.csv": (NATIONAL_SMALL, "national_csv"),
    "stolen.csv": (DOCUMENT_LIST.encode(), "document_csv"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_format_detected_from_content(tmp_path: Path, name: str) -> None:
    data, expected = SAMPLES[name]
    path = tmp_path / ("list" + Path(name).suffix)  # the name says nothing of the format
    path.write_bytes(data)
    listed = read_watchlist(path)
    assert listed.format == expected and listed.entries
    assert read_watchlist_bytes(data, name=name).format == expected


def test_small_un_file_defaults_and_new_fields() -> None:
    listed = read_watchlist_bytes(UN_SMALL, name="un.xml")
    assert listed.info.refreshed_on == date(2030, 1, 2)
    [entry] = listed.entries
    assert (entry.gender, entry.nominating_source, entry.reason) == (
        "F",
        "UN Security Council (Al-Qaida)",
        "Synthetic.",
    )


@pytest.mark.parametrize(
    ("name", "list_type"),
    [("ftm.jsonl", ListType.SOUGHT), ("national.csv", ListType.SOUGHT),
     ("stolen.csv", ListType.DOCUMENTS)],
)  # fmt: skip
def test_local_lists_named_after_the_file_with_unspecified_owner(
    name: str, list_type: ListType
) -> None:
    listed = read_watchlist_bytes(SAMPLES[name][0], name=f"uploads/{name}")
    stem = Path(name).stem
    assert (listed.info.name, listed.info.list_type) == (stem, list_type)
    assert (listed.info.owner, listed.info.legal_basis) == ("unspecified", "unspecified")
    assert {entry.list_name for entry in listed.entries} == {stem}


def test_entity_only_local_list_is_other() -> None:
    listed = read_watchlist_bytes(b"id,kind,name\nE1,entity,Example Trading Ltd\n", name="e.csv")
    assert listed.info.list_type is ListType.OTHER


def test_ofac_folder_with_aliases(tmp_path: Path) -> None:
    (tmp_path / "SDN.CSV").write_bytes(SDN_SMALL)
    (tmp_path / "alt.csv").write_bytes(b'1,10,aka,"EXAMPLOVA, Jana",-0- \n')
    for path in (tmp_path, tmp_path / "SDN.CSV"):
        listed = read_watchlist(path)
        assert listed.format == "ofac_csv" and listed.issues == []
        assert [n.family for n in listed.entries[0].names] == ["EXAMPLEOVA", "EXAMPLOVA"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<html><body/></html>",
        b"<!DOCTYPE html><html/>",
        b'{"name": "not ftm"}\n',
        b"surname,given_names\nExampleova,Jana\n",
        b"\x00\x01\x02binary",
    ],
)
def test_unknown_format_names_the_path(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mystery.dat"
    path.write_bytes(content)
    with pytest.raises(UnknownFormatError) as caught:
        read_watchlist(path)
    assert caught.value.location == str(path)


def test_folder_without_sdn_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"no sdn\.csv"):
        read_watchlist(tmp_path)
    with pytest.raises(ParseError, match="cannot read") as caught:
        read_watchlist(tmp_path / "absent.csv")
    assert caught.value.location == str(tmp_path / "absent.csv")


def test_un_entity_payload_refused_through_detection() -> None:
    evil = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        b"<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ParseError, match="unsafe XML refused"):
        read_watchlist_bytes(evil, name="evil.xml")


def test_an_unknown_xml_encoding_is_a_parse_error_at_line_one() -> None:
    # Found by the fuzzer below: expat raises LookupError for an encoding it does not know.
    data = (
        b"<?xml version='1.0' encoding='TF-8'?>\n"
        b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ParseError, match="unreadable XML") as caught:
        read_watchlist_bytes(data, name="odd.xml")
    assert caught.value.location == "odd.xml: line 1, column 1"


# --- fuzzing -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        read_watchlist_bytes(data, name="random")


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))][0])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=6) | st.sampled_from(
            [b",", b";", b"\n", b'"', b"{", b"}", b"[", b"<", b"..", b"~", b"-", b"\xff"]
        ))  # fmt: skip
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + len(chunk)]
        elif action == "replace":
            data[at : at + len(chunk)] = chunk
        else:
            del data[at:]
    return bytes(data)


@settings(max_examples=400, deadline=None)
@given(_mutated())
def test_mutated_valid_files_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        listed = read_watchlist_bytes(data, name="mutated")
        for entry in listed.entries:
            assert entry.entry_id
            assert entry.kind is EntryKind.DOCUMENT or entry.names


# --- the format document stays true to the code ---------------------------------------------------

FORMATS_DOC = Path(__file__).resolve().parents[1] / "docs" / "watchlist-formats.md"


def _doc_section(title: str) -> str:
    return FORMATS_DOC.read_text(encoding="utf-8").split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    ("title", "columns", "expected"),
    [
        ("National list (CSV)", national_csv.COLUMNS, "national_csv"),
        ("Document list (CSV)", documents.COLUMNS, "document_csv"),
    ],
)
def test_doc_lists_every_column_and_its_example_reads(
    title: str, columns: tuple[str, ...], expected: str
) -> None:
    section = _doc_section(title)
    documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted(columns)
    example = section.split("```csv\n", 1)[1].split("```", 1)[0]
    listed = read_watchlist_bytes(example.encode(), name="example.csv")
    assert listed.format == expected
    assert listed.issues == [] and len(listed.entries) == example.count("\n") - 1
