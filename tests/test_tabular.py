"""CSV and JSON-lines traveller lists."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ingest.tabular import parse_csv, parse_jsonl, split_name
from interlock.model import DatePrecision, Role, Sex

CSV = """surname,given_names,birth_date,sex,nationality,document_number,document_country,document_expiry,role,flight_number,flight_date
OKONKWO-BRANDT,ADA MARIE,1984-03-09,F,NG,A1234567,NGA,2031-01-31,passenger,XY123,2026-11-26
LINDQVIST,PER,1979,M,SWE,,,,crew,XY123,2026-11-26
BADROW,X,1990-13-01,M,SWE,,,,,,
"""


def test_csv_reads_rows_and_keeps_good_ones_when_one_is_bad() -> None:
    message = parse_csv(CSV, source="list.csv")
    assert [t.surname for t in message.travellers] == ["OKONKWO-BRANDT", "LINDQVIST"]
    ada, per = message.travellers
    assert ada.nationality == "NGA"  # alpha-2 normalised to alpha-3
    assert ada.documents[0].number == "A1234567"
    assert ada.documents[0].expiry == date(2031, 1, 31)
    assert ada.sex is Sex.FEMALE
    assert per.role is Role.CREW
    assert per.birth_date == date(1979, 1, 1)
    assert per.birth_date_precision is DatePrecision.YEAR
    assert per.to_dict()["birth_date"] == "1979"
    assert [f.key for f in message.flights] == ["XY123/2026-11-26"]
    assert len(message.errors) == 1
    assert message.errors[0].location == "list.csv: line 4"
    assert "birth_date" in message.errors[0].reason


def test_csv_without_a_name_column_is_refused_naming_the_header() -> None:
    with pytest.raises(ParseError) as info:
        parse_csv("a,b\n1,2\n", source="x.csv")
    assert info.value.location == "x.csv: line 1"


def test_jsonl_queries_as_in_design() -> None:
    text = (
        '{"id": "q1", "name": "Ivan Petrovich SIDOROV", "birth_date": "1970-05", "nationality": "RU"}\n'
        "not json\n"
        '{"id": "q2", "given_names": "Mei", "surname": "Tanaka", "gender": "female",'
        ' "document_number": "tz 1234567", "document_country": "JP"}\n'
    )
    message = parse_jsonl(text, source="q.jsonl")
    first, second = message.travellers
    assert (first.reference, first.surname, first.given_names) == (
        "q1",
        "SIDOROV",
        "Ivan Petrovich",
    )
    assert first.birth_date_precision is DatePrecision.MONTH
    assert first.nationality == "RUS"
    assert second.documents[0].number == "TZ1234567"
    assert second.documents[0].issuing_country == "JPN"
    assert second.sex is Sex.FEMALE
    assert str(message.errors[0]).startswith("q.jsonl: line 2: invalid JSON")


def test_unknown_country_is_a_row_error() -> None:
    message = parse_jsonl('{"surname": "A", "nationality": "ZZZ"}\n')
    assert not message.travellers
    assert "nationality" in message.errors[0].reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SMITH, JOHN PAUL", ("SMITH", "JOHN PAUL")),
        ("John  Paul   Smith", ("Smith", "John Paul")),
        ("Madonna", ("Madonna", "")),
    ],
)
def test_split_name(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


@given(st.text(max_size=300))
def test_jsonl_never_crashes(text: str) -> None:
    parse_jsonl(text)


@given(st.text(max_size=300))
def test_csv_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_csv("surname,given_names,birth_date,nationality\n" + text)
