"""ICAO 9303 machine-readable zones: shared vectors, check digits, fields, errors, properties."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ingest.mrz import (
    MrzResult,
    MrzType,
    check_digit,
    looks_like_mrz,
    normalise_country,
    parse_mrz_text,
    read_mrz,
)
from interlock.model import Format, Sex

TODAY = date(2025, 6, 1)
VECTORS_FILE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mrz" / ("mrz_vectors.json")
)
MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

# Synthetic documents (made-up people) used below.
TD3_OK = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD1_LONG_NUMBER = [
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
]


def _vectors() -> list[dict[str, Any]]:
    if not VECTORS_FILE.exists():
        return []
    vectors: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text())["vectors"]
    return vectors


VECTORS = _vectors()
needs_vectors = pytest.mark.skipif(
    not VECTORS, reason=f"shared MRZ vectors not found at {VECTORS_FILE}"
)


# --- shared test vectors -------------------------------------------------------------------


@needs_vectors
@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_gives_recorded_checks_type_and_number(vector: dict[str, Any]) -> None:
    result = read_mrz(vector["lines"], today=TODAY)
    assert result.type == MrzType(vector["type"])
    assert result.checks == vector["checks"]
    assert result.all_valid is vector["all_check_digits_valid"]
    assert result.document_number == vector["document_number"]


@needs_vectors
def test_every_failing_vector_check_is_a_named_warning() -> None:
    for vector in VECTORS:
        result = read_mrz(vector["lines"], today=TODAY)
        failing = {name for name, ok in vector["checks"].items() if not ok}
        named = {
            w.split("check digit for ")[1].split(" ")[0] for w in result.warnings if "check" in w
        }
        assert named == failing, vector["id"]


# --- check digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digit"),
    [
        ("L898902C3", 6),
        ("740812", 2),
        ("120415", 9),
        ("ZE184226B<<<<<", 1),
        ("", 0),
        ("<<<<<<", 0),
        ("A", 0),  # 10 * 7 = 70
        ("B", 7),  # 11 * 7 = 77
        ("Z", 5),  # 35 * 7 = 245
        ("0000001", 7),  # weights repeat 7-3-1: the 7th position weighs 7
    ],
)
def test_check_digit(value: str, digit: int) -> None:
    assert check_digit(value) == digit


@pytest.mark.parametrize("value", ["abc", "12 3", "L8989-02", "É"])
def test_check_digit_rejects_other_characters(value: str) -> None:
    with pytest.raises(ParseError, match="position"):
        check_digit(value)


# --- type detection and fields -------------------------------------------------------------


def test_td3_fields() -> None:
    result = read_mrz(TD3_OK, today=TODAY)
    assert result.type is MrzType.TD3
    assert (result.document_code, result.issuing_state, result.nationality) == ("P", "UTO", "UTO")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.birth_date == date(1974, 8, 12)
    assert result.expiry_date == date(2012, 4, 15)
    assert result.sex is Sex.FEMALE
    assert result.personal_number == "ZE184226B"
    assert result.warnings == []


@pytest.mark.parametrize(
    ("code", "length", "expected"),
    [
        ("P<", 44, MrzType.TD3),
        ("V<", 44, MrzType.MRVA),
        ("I<", 36, MrzType.TD2),
        ("V<", 36, MrzType.MRVB),
        ("VC", 36, MrzType.MRVB),
        ("AC", 36, MrzType.TD2),
    ],
)
def test_two_line_type_follows_document_code(code: str, length: int, expected: MrzType) -> None:
    upper = (code + "UTOSPECIMEN<<TEST").ljust(length, "<")
    lower = "<" * length
    assert read_mrz([upper, lower], today=TODAY).type is expected


def test_visas_have_no_composite_or_personal_number_check() -> None:
    upper = "V<UTOSPECIMEN<<TEST".ljust(44, "<")
    lower = "L8988901C4XXX4009078F9612109ZE184226B<<<<<<<"
    result = read_mrz([upper, lower], today=TODAY)
    assert set(result.checks) == {"document_number", "birth_date", "expiry_date"}
    assert result.personal_number is None
    assert result.optional_data == "ZE184226B"


def test_td1_long_document_number_continues_in_optional_data() -> None:
    result = read_mrz(TD1_LONG_NUMBER, today=TODAY)
    assert result.type is MrzType.TD1
    assert result.document_number == "D23145890734"
    assert result.all_valid
    assert result.optional_data == ""
    assert result.to_traveller().documents[0].number == "D23145890734"


def test_td1_long_document_number_with_wrong_check_digit_fails_there() -> None:
    lines = [TD1_LONG_NUMBER[0].replace("7349", "7348"), *TD1_LONG_NUMBER[1:]]
    result = read_mrz(lines, location="card.txt", today=TODAY)
    assert result.checks["document_number"] is False
    assert result.checks["composite"] is False
    assert "card.txt: line 1: check digit for document_number fails: expected 9, found 8" in (
        result.warnings
    )


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("ERIKSSON<<ANNA<MARIA<<<<<", ("ERIKSSON", "ANNA MARIA")),
        ("KOWALSKA<KWIATKOWSKA<<JOANNA", ("KOWALSKA KWIATKOWSKA", "JOANNA")),
        ("TEST<<<<<<<<<<<", ("TEST", "")),
        ("DR<TEST<TEST<<MILICA<MILICAAAA", ("DR TEST TEST", "MILICA MILICAAAA")),  # truncated
        ("ONLYONENAME", ("ONLYONENAME", "")),
        ("<<<<<<<<", ("", "")),
    ],
)
def test_names(field: str, expected: tuple[str, str]) -> None:
    upper = ("P<UTO" + field).ljust(44, "<")[:44]
    result = read_mrz([upper, TD3_OK[1]], today=TODAY)
    assert (result.surname, result.given_names) == expected


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("740812", date(1974, 8, 12)),
        ("250601", date(2025, 6, 1)),  # today: not in the future
        ("250602", date(1925, 6, 2)),  # tomorrow in 2025 would be the future
        ("000229", date(2000, 2, 29)),
        ("991231", date(1999, 12, 31)),
    ],
)
def test_birth_century_is_latest_not_in_future(birth: str, expected: date) -> None:
    assert _td3_with(birth=birth).birth_date == expected


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [
        ("300101", date(2030, 1, 1)),
        ("751231", date(2075, 12, 31)),  # 50 years ahead: still this century
        ("760101", date(1976, 1, 1)),  # more than 50 years ahead: the previous century
        ("991231", date(1999, 12, 31)),
        ("000101", date(2000, 1, 1)),
    ],
)
def test_expiry_century_window(expiry: str, expected: date) -> None:
    assert _td3_with(expiry=expiry).expiry_date == expected


@pytest.mark.parametrize("bad", ["741312", "740230", "<<<<<<", "7408<<"])
def test_invalid_date_is_none_with_warning(bad: str) -> None:
    result = _td3_with(birth=bad)
    assert result.birth_date is None
    assert any(f"birth date '{bad}' is not a valid date" in w for w in result.warnings)
    assert result.checks["birth_date"] is True  # built with a correct check digit


def test_unknown_country_code_is_a_warning() -> None:
    result = read_mrz([TD3_OK[0], TD3_OK[1].replace("UTO", "QQQ")], today=TODAY)
    assert result.nationality == "QQQ"
    assert "line 2: unknown nationality code 'QQQ'" in result.warnings


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("D", "DEU"),
        ("D<<", "DEU"),
        ("DEU", "DEU"),
        ("GBN", "GBR"),
        ("UTO", None),
        ("XXA", None),
        ("XPO", None),
        ("EUE", None),
        ("DE", None),  # alpha-2 is not an MRZ code
        ("QQQ", None),
        ("", None),
    ],
)
def test_normalise_country(code: str, expected: str | None) -> None:
    assert normalise_country(code) == expected


def test_german_d_code_is_known() -> None:
    result = _td3_with(issuer="D<<", nationality="D<<", name="MUSTERMANN<<ERIKA")
    assert (result.issuing_state, result.nationality) == ("D", "D")
    assert result.warnings == []
    assert result.to_traveller().nationality == "D"


def test_to_traveller() -> None:
    traveller = read_mrz(TD3_OK, today=TODAY).to_traveller()
    assert (traveller.surname, traveller.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (traveller.birth_date, traveller.sex, traveller.nationality) == (
        date(1974, 8, 12),
        Sex.FEMALE,
        "UTO",
    )
    [document] = traveller.documents
    assert (document.type, document.number, document.issuing_country, document.expiry) == (
        "P",
        "L898902C3",
        "UTO",
        date(2012, 4, 15),
    )


# --- shape errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "location", "reason"),
    [
        ([TD3_OK[0]], "line 1", "2 or 3 lines"),
        ([TD3_OK[0], TD3_OK[1][:-1]], "line 2", "43 characters, expected 44"),
        ([TD3_OK[0][:40], TD3_OK[1][:40]], "line 1", "36 or 44"),
        ([TD3_OK[0], TD3_OK[1].replace("L898", "l898")], "line 2", "lower-case 'l' at position 1"),
        ([TD3_OK[0].replace("ANNA<", "ANNA "), TD3_OK[1]], "line 1", "whitespace inside"),
        ([TD3_OK[0], TD3_OK[1].replace("UTO", "UT-")], "line 2", "'-' at position 13"),
        ([*TD1_LONG_NUMBER[:2], TD1_LONG_NUMBER[2] + "<"], "line 3", "expected 30"),
    ],
)
def test_shape_errors_name_line_and_reason(lines: list[str], location: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        read_mrz(lines, location="scan.txt")
    assert caught.value.location == f"scan.txt: {location}"
    assert reason in caught.value.reason


def test_surrounding_whitespace_is_tolerated() -> None:
    assert read_mrz([f"  {TD3_OK[0]}\t", f"{TD3_OK[1]}\r"], today=TODAY).all_valid


# --- text with several zones ---------------------------------------------------------------


def test_parse_text_with_two_zones_and_a_broken_block() -> None:
    expired = TD3_OK[1][:27] + "7" + TD3_OK[1][28:]  # expiry check digit 9 -> 7
    text = "\r\n".join(
        ["", *TD3_OK, "", "  ", TD1_LONG_NUMBER[0], "BROKEN LINE", "", TD3_OK[0], expired, ""]
    )
    messages = parse_mrz_text(text.encode(), source="file.txt", today=TODAY)
    assert [m.message_type for m in messages] == ["TD3", "", "TD3"]
    assert all(m.format is Format.MRZ and m.source == "file.txt" for m in messages)
    good, broken, bad_check = messages
    assert [t.surname for t in good.travellers] == ["ERIKSSON"]
    assert good.warnings == [] and good.errors == []
    assert broken.travellers == []
    assert [str(e) for e in broken.errors] == [
        "file.txt: line 7: whitespace inside the line at position 7 (OCR?); not guessed"
    ]
    assert [str(w) for w in bad_check.warnings] == [
        "file.txt: line 10: check digit for expiry_date fails: expected 9, found 7",
        "file.txt: line 10: check digit for composite fails: expected 8, found 0",
    ]
    assert len(bad_check.travellers) == 1


def test_parse_text_rejects_empty_input() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_mrz_text(" \n\n ", source="empty.txt")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n".join(TD3_OK), True),
        ("\n".join(TD1_LONG_NUMBER), True),
        ("header\n  " + "\n  ".join(TD3_OK) + "  \nfooter", True),
        (TD3_OK[0], False),
        (f"{TD3_OK[0]}\n{TD1_LONG_NUMBER[0]}", False),  # different lengths
        ("UNA:+.? 'UNB+UNOA:4+SENDER+RECEIVER'", False),
        ("surname,given_names\nERIKSSON,ANNA", False),
        ("", False),
    ],
)
def test_looks_like_mrz(text: str, expected: bool) -> None:
    assert looks_like_mrz(text) is expected


# --- property tests ------------------------------------------------------------------------


def make_td3(
    *,
    issuer: str = "UTO",
    number: str = "L898902C3",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    personal: str = "ZE184226B",
    name: str = "ERIKSSON<<ANNA<MARIA",
) -> list[str]:
    """A TD3 zone with every check digit right (test builder, not a writer)."""
    number, personal = number.ljust(9, "<"), personal.ljust(14, "<")
    part1 = number + str(check_digit(number))
    part2 = birth + str(check_digit(birth))
    part3 = expiry + str(check_digit(expiry)) + personal + str(check_digit(personal))
    composite = str(check_digit(part1 + part2 + part3))
    lower = part1 + nationality + part2 + sex + part3 + composite
    return [("P<" + issuer + name).ljust(44, "<"), lower]


def _td3_with(**fields: str) -> MrzResult:
    return read_mrz(make_td3(**fields), today=TODAY)


_FIELD_SPANS = {
    "document_number": (0, 9),
    "birth_date": (13, 19),
    "expiry_date": (21, 27),
    "personal_number": (28, 42),
}
_code = st.text(alphabet=MRZ_ALPHABET, min_size=0, max_size=9)
_digits6 = st.text(alphabet="0123456789", min_size=6, max_size=6)
_td3 = st.builds(
    make_td3,
    number=_code,
    birth=_digits6,
    sex=st.sampled_from("MFX<"),
    expiry=_digits6,
    personal=st.text(alphabet=MRZ_ALPHABET, max_size=14),
)


@given(_td3)
def test_generated_td3_passes_every_check(lines: list[str]) -> None:
    result = read_mrz(lines, today=TODAY)
    assert result.all_valid
    assert set(result.checks) == {*_FIELD_SPANS, "composite"}


@given(_td3, st.sampled_from(sorted(_FIELD_SPANS)), st.data())
def test_flipping_one_digit_fails_that_check_and_the_composite(
    lines: list[str], field: str, data: st.DataObject
) -> None:
    start, end = _FIELD_SPANS[field]
    lower = lines[1]
    positions = [i for i in range(start, end) if lower[i] in "0123456789<"]
    assume(positions)
    position = data.draw(st.sampled_from(positions))
    old = 0 if lower[position] == "<" else int(lower[position])
    new = data.draw(st.sampled_from([d for d in range(10) if d != old]))
    mutated = lower[:position] + str(new) + lower[position + 1 :]
    result = read_mrz([lines[0], mutated], today=TODAY)
    failing = {name for name, ok in result.checks.items() if not ok}
    assert failing == {field, "composite"}


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=MRZ_ALPHABET + "ab <\t-é\x00", max_size=50), max_size=4))
def test_random_lines_raise_only_parse_error(lines: list[str]) -> None:
    with contextlib.suppress(ParseError):
        read_mrz(lines, today=TODAY)


@settings(max_examples=300)
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_random_text_raises_only_parse_error(text: str | bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_mrz_text(text, source="random.txt", today=TODAY)


_ALL_ZONES = [v["lines"] for v in VECTORS] + [TD3_OK, TD1_LONG_NUMBER]


@settings(max_examples=500)
@given(
    st.sampled_from(_ALL_ZONES),
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(0, 50),
            st.sampled_from(["replace", "insert", "delete"]),
            st.sampled_from(MRZ_ALPHABET + " a\n-"),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_zones_raise_only_parse_error(
    zone: list[str], edits: list[tuple[int, int, str, str]]
) -> None:
    lines = list(zone)
    for line_index, position, action, char in edits:
        line = lines[line_index % len(lines)]
        if action == "replace":
            line = line[:position] + char + line[position + 1 :]
        elif action == "insert":
            line = line[:position] + char + line[position:]
        else:
            line = line[:position] + line[position + 1 :]
        lines[line_index % len(lines)] = line
    try:
        result = read_mrz(lines, today=TODAY)
    except ParseError:
        return
    assert set(result.checks) >= {"document_number", "birth_date", "expiry_date"}
    parse_mrz_text("\n".join(lines), today=TODAY)
