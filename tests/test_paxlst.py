"""PAXLST manifests: GTAS samples, synthetic features, the writer and the round trip."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ingest.edifact import Delimiters, lex
from interlock.ingest.paxlst import parse_paxlst
from interlock.ingest.paxlst_dates import expiry_date, flight_time, past_date
from interlock.ingest.paxlst_write import write_paxlst
from interlock.model import Flight, FlightLeg, ParsedMessage, Role, Sex, TravelDocument, Traveller

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PAXLST = DATA / "traveller-messages" / "gtas" / "paxlst"
needs_samples = pytest.mark.skipif(
    not PAXLST.is_dir(), reason="../shared/data/traveller-messages/gtas/paxlst is absent"
)

HEAD = "UNA:+.? 'UNB+UNOA:4+SENDER:ZZ+RECEIVER:ZZ+240301:0915+CTRL1++APIS'"
HEAD += "UNG+PAXLST+SENDER+RECEIVER+240301:0915+1+UN+D:05B'"


def message(*body: str, unh: str = "UNH+M1+PAXLST:D:05B:UN:IATA'") -> str:
    """A synthetic interchange around the given body segments (each without terminator)."""
    count = unh.count("'") + len(body) + 1  # UNH … UNT, as UNT declares it
    return HEAD + unh + "".join(s + "'" for s in body) + f"UNT+{count}+M1'UNE+1+1'UNZ+1+CTRL1'"


FLIGHT = (
    "BGM+745",
    "NAD+MS+++REPORTING PARTY",
    "TDT+20+XY123+++XY",
    "LOC+125+AMS",
    "DTM+189:2403011030:201",
    "LOC+87+JFK",
    "DTM+232:2403011300:201",
)


def parse_one(text: str, source: str = "") -> ParsedMessage:
    (parsed,) = parse_paxlst(lex(text, source=source), source=source)
    return parsed


def sample(name: str) -> ParsedMessage:
    path = next(PAXLST.rglob(name))
    return parse_one(path.read_bytes().decode("latin-1"), source=name)


@needs_samples
def test_test3_passenger_manifest() -> None:
    parsed = sample("Test3.txt")
    assert parsed.manifest is Role.PASSENGER
    assert len(parsed.travellers) == 260
    assert {t.role for t in parsed.travellers} == {Role.PASSENGER}
    assert (parsed.version, parsed.sender, parsed.recipient) == ("D:02B", "DELTAMATIC", "USCSAPIS")
    assert parsed.reference == "000000001"
    assert parsed.prepared_at == datetime(2014, 2, 1, 1, 6)
    first = parsed.travellers[0]
    assert (first.surname, first.given_names, first.sex) == ("Kuchel", "Rachel Pat", Sex.FEMALE)
    assert first.birth_date == date(1977, 10, 19)
    assert (first.embarkation, first.debarkation, first.birth_place) == (
        "FRA",
        "IAD",
        "Hartford USA",
    )
    assert first.documents == [TravelDocument("P", "12345678", "USA", date(2019, 12, 18))]
    assert parsed.errors == []
    # The file's only total is CNT+41:206: the crew qualifier, and not the 260 it carries.
    # Its UNH says part 01, C (more to follow), and no other part is in the file.
    # Its UNT+99 declares far fewer segments than the 3131 of the message.
    unt, total, sequence = parsed.warnings
    assert unt.location == "Test3.txt: segment 3133 (UNT)"
    assert unt.reason == "UNT declares 99 segments, the message has 3131"
    assert total.location == "Test3.txt: segment 3132 (CNT)"
    assert "206" in total.reason and "260 passengers" in total.reason
    assert sequence.location == "Test3.txt: segment 3 (UNH)"
    assert "no final part (F)" in sequence.reason


@needs_samples
def test_test1_crew_manifest() -> None:
    parsed = sample("Test1.txt")
    assert parsed.manifest is Role.CREW
    assert len(parsed.travellers) == 8
    assert all(t.role is Role.CREW for t in parsed.travellers)
    assert parsed.errors == []  # CNT+41+8 matches; UNT+0000152 does not (107 segments)
    assert [str(w) for w in parsed.warnings] == [
        "Test1.txt: segment 109 (UNT): UNT declares 152 segments, the message has 107"
    ]
    assert parsed.travellers[0].given_names == "Andrea Pat"
    assert parsed.travellers[0].residence_country == "GBR"
    (flight,) = parsed.flights
    assert flight.legs == [
        FlightLeg(
            "UA", "0989", "FRA", "IAD", datetime(2017, 1, 27, 17, 25), datetime(2017, 1, 28, 7, 10)
        )
    ]


@needs_samples
def test_apis_message_two_legs_and_references() -> None:
    parsed = sample("apisMessage.txt")
    assert [t.surname + " " + t.given_names for t in parsed.travellers] == [
        "CLARK MICHAEL",
        "CLARK CHERYL",
    ]
    assert [
        (f.flight_number, [(leg.departure_airport, leg.arrival_airport) for leg in f.legs])
        for f in parsed.flights
    ] == [("AA123", [("ATL", "ORD")]), ("AA124", [("ORD", "JFK")])]
    assert parsed.flights[1].legs[0].arrival == datetime(2007, 2, 19, 19, 55)
    michael = parsed.travellers[0]
    assert (michael.record_locator, michael.reference) == ("TYR123", "ABC123")
    assert michael.birth_date == date(1972, 9, 7)
    assert parsed.warnings == [] and parsed.errors == []


@needs_samples
def test_airline2_custom_delimiters_and_wrong_total() -> None:
    parsed = sample("airline2.edi")
    assert len(parsed.travellers) == 10
    assert parsed.flights[0].flight_number == "TN506"
    assert parsed.travellers[0].documents[0].number == "178556534"
    # UNH says part 10, final: parts 1 to 9 were never received. UNT says 121, not 111.
    unt, total, sequence = parsed.warnings
    assert (unt.location, unt.reason) == (
        "airline2.edi: segment 113 (UNT)",
        "UNT declares 121 segments, the message has 111",
    )
    assert total.location.endswith("(CNT)")
    assert "136" in total.reason and "10 were read" in total.reason
    assert sequence.location.endswith("(UNH)")
    assert sequence.reason == "multi-part manifest: parts [1, 2, 3, 4, 5, 6, 7, 8, 9] missing"


def test_cbp_multi_leg_with_leading_spaces_and_routing_locations() -> None:
    text = message(
        " BGM+745",
        "\n TDT+20+XY001+++XY",
        "\n LOC+92+CDG",
        "\n DTM+189:202403010800:203",
        "\n LOC+92+JFK",
        "\n DTM+232:202403011000:203",
        "\n TDT+20+XY001+++XY",
        "\n LOC+92+JFK",
        "\n DTM+189:2403011200:201",
        "\n LOC+92+LAX",
        "\n DTM+232:2403011500:201",
        "\n NAD+FL+++DOE:JANE",
        "\n CNT+42:1",
    ).replace("'", "'\n  ")
    parsed = parse_one(text)
    (flight,) = parsed.flights
    assert [(leg.departure_airport, leg.arrival_airport) for leg in flight.legs] == [
        ("CDG", "JFK"),
        ("JFK", "LAX"),
    ]
    assert flight.legs[0].departure == datetime(2024, 3, 1, 8, 0)
    assert flight.legs[1].arrival == datetime(2024, 3, 1, 15, 0)
    assert flight.key == "XY001/2024-03-01"
    assert parsed.warnings == []


def test_routing_location_followed_by_an_arrival_time_is_the_arrival() -> None:
    parsed = parse_one(
        message("BGM+745", "TDT+20+XY9+++XY", "LOC+92+LHR", "DTM+232:2403011300:201")
    )
    assert parsed.flights[0].legs == [
        FlightLeg("XY", "9", None, "LHR", None, datetime(2024, 3, 1, 13, 0))
    ]


def test_bags_seats_visas_and_empty_fields() -> None:
    parsed = parse_one(
        message(
            *FLIGHT,
            "NAD+FL+++ROE:ANN:MARIE+1 HIGH STREET+SPRINGFIELD++12345+USA",
            "ATT+2++F",
            "DTM+329:900101",
            "FTX+BAG+++XY123456:2",
            "MEA+CT++:2",
            "MEA+WT++KGM:23",
            "LOC+22+JFK",
            "NAT+2+CAN",
            "RFF+AVF:ABC123",
            "RFF+SEA:23C",
            "RFF+ABO:PAX-1",
            "DOC+P:110:111+P1234567",
            "DTM+36:300101",
            "LOC+91+CAN",
            "DOC+V+V7654321",
            "DTM+36:250601",
            "LOC+91+",
            "DOC++",
            "DTM+36:",
            "LOC+91+'",
            "COM+555 0100:TE",
            "EMP+1+CR1:110:111",
            "CNT+42:1",
        )
    )
    (ann,) = parsed.travellers
    assert ann.given_names == "ANN MARIE"
    assert ann.address == "1 HIGH STREET, SPRINGFIELD, 12345, USA"
    assert (ann.seat, ann.record_locator, ann.reference) == ("23C", "ABC123", "PAX-1")
    assert ann.debarkation == "JFK"  # LOC 22 (clearance) stands in when LOC 179 is absent
    assert ann.documents == [
        TravelDocument("P", "P1234567", "CAN", date(2030, 1, 1)),
        TravelDocument("V", "V7654321", None, date(2025, 6, 1)),
    ]
    assert parsed.errors == []
    assert [w.reason for w in parsed.warnings] == ["document without a number skipped"]


def test_crew_manifest_with_in_transit_roles() -> None:
    parsed = parse_one(
        message(
            "BGM+250",
            "TDT+20+XY123+++XY",
            "NAD+FM+++PILOT:ONE",
            "NAD+DDU+++PILOT:TWO",
            "NAD+DDT+++GUEST:THREE",
            "CNT+41:2",
            "CNT+42:1",
        )
    )
    assert parsed.manifest is Role.CREW
    assert [t.role for t in parsed.travellers] == [Role.CREW, Role.CREW, Role.PASSENGER]
    assert parsed.warnings == []


def test_reporting_party_is_not_a_traveller() -> None:
    parsed = parse_one(message(*FLIGHT, "NAD+MS+++JOHN SMITH", "NAD+FL+++JOHN SMITH", "CNT+42:1"))
    assert [(t.surname, t.given_names) for t in parsed.travellers] == [("JOHN SMITH", "")]


def test_total_mismatch_names_the_cnt_segment_and_both_numbers() -> None:
    parsed = parse_one(message(*FLIGHT, "NAD+FL+++A", "NAD+FL+++B", "CNT+42:3"), source="m.edi")
    (warning,) = parsed.warnings
    assert warning.location == "m.edi: segment 13 (CNT)"
    assert "declares 3 passengers" in warning.reason and "but 2 were read" in warning.reason


def test_bad_dates_are_errors_and_the_traveller_is_kept() -> None:
    parsed = parse_one(
        message(
            *FLIGHT,
            "NAD+FL+++DOE:JOHN",
            "DTM+329:721399",
            "DOC+P+X1",
            "DTM+36:ABCDEF",
            "NAT+2+FRA",
        ),
        source="bad.edi",
    )
    (john,) = parsed.travellers
    assert john.birth_date is None and john.nationality == "FRA"
    assert john.documents == [TravelDocument("P", "X1")]
    assert [e.location for e in parsed.errors] == [
        "bad.edi: segment 12 (DTM)",
        "bad.edi: segment 14 (DTM)",
    ]
    assert parsed.errors[0].reason == "birth date (DTM 329) not read: not a valid calendar date"
    assert "721399" not in str(parsed.errors)  # the value is personal data: not repeated
    assert "expiry" in parsed.errors[1].reason


def test_multi_part_message_is_merged_into_one_manifest() -> None:
    part1 = "UNH+P1+PAXLST:D:05B:UN:IATA+XY123/240301+01:C'" + "".join(
        s + "'" for s in (*FLIGHT, "NAD+FL+++ONE", "NAD+FL+++TWO", "CNT+42:2")
    )
    part2 = "UNT+12+P1'UNH+P2+PAXLST:D:05B:UN:IATA+XY123/240301+02:F'" + "".join(
        s + "'" for s in (*FLIGHT, "NAD+FL+++THREE", "CNT+42:3")
    )
    text = HEAD + part1 + part2 + "UNT+11+P2'UNE+2+1'UNZ+1+CTRL1'"
    (parsed,) = parse_paxlst(lex(text))
    assert [t.surname for t in parsed.travellers] == ["ONE", "TWO", "THREE"]
    assert len(parsed.flights) == 1
    assert parsed.warnings == []


@pytest.mark.parametrize(("declared", "warned"), [(5, False), (4, True), (50, True)])
def test_unt_segment_count_is_checked(declared: int, warned: bool) -> None:
    body = "UNH+M7+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++ONE:ANN'CNT+42:1'"
    parsed = parse_one(HEAD + body + f"UNT+{declared}+M7'UNE+1+1'UNZ+1+CTRL1'", source="u.edi")
    expected = f"u.edi: segment 7 (UNT): UNT declares {declared} segments, the message has 5"
    assert [str(w) for w in parsed.warnings] == ([expected] if warned else [])
    assert [t.surname for t in parsed.travellers] == ["ONE"]


def test_separate_messages_stay_separate() -> None:
    one = "UNH+A+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++ONE'UNT+3+A'"
    two = "UNH+B+PAXLST:D:05B:UN:IATA'BGM+250'NAD+FM+++TWO'UNT+3+B'"
    parsed = parse_paxlst(lex(HEAD + one + two + "UNZ+2+CTRL1'"))
    assert [(m.manifest, [t.surname for t in m.travellers]) for m in parsed] == [
        (Role.PASSENGER, ["ONE"]),
        (Role.CREW, ["TWO"]),
    ]


def test_unknown_segments_and_gender_codes() -> None:
    parsed = parse_one(
        message(*FLIGHT, "XYZ+1+2", "NAD+FL+++A", "ATT+2++X", "GEI+4+ZZZ", "NAD+FL+++B", "ATT+2++Q")
    )
    assert [t.sex for t in parsed.travellers] == [Sex.UNSPECIFIED, None]
    assert [e.reason for e in parsed.errors] == ["unknown gender code 'Q'"]


def test_no_paxlst_message_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no PAXLST"):
        parse_paxlst(lex("UNB+UNOA:4+A+B'UNH+1+PNRGOV:11:1:IA'UNT+2+1'UNZ+1+1'"), source="x")


def test_headless_body_is_read_with_a_warning() -> None:
    parsed = parse_one("NAD+FL+++DOE:JANE'ATT+2++F'")
    assert parsed.travellers[0].sex is Sex.FEMALE
    assert "no UNH" in parsed.warnings[0].reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("720907", date(1972, 9, 7)),
        ("000229", date(2000, 2, 29)),
        ("260615", date(2026, 6, 15)),
        ("260616", date(1926, 6, 16)),
        ("300101", date(1930, 1, 1)),
        ("19720907", date(1972, 9, 7)),
        ("", None),
    ],
)
def test_birth_dates_in_the_future_belong_to_the_previous_century(
    value: str, expected: date | None
) -> None:
    assert past_date(value, date(2026, 6, 15)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("300101", date(2030, 1, 1)), ("991231", date(1999, 12, 31)), ("20350101", date(2035, 1, 1))],
)
def test_expiry_dates(value: str, expected: date) -> None:
    assert expiry_date(value, date(2026, 1, 1)) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2403011030", "201", datetime(2024, 3, 1, 10, 30)),
        ("202403011030", "203", datetime(2024, 3, 1, 10, 30)),
        ("202403011030", "", datetime(2024, 3, 1, 10, 30)),
        ("240301", "", datetime(2024, 3, 1)),
        ("20240301", "102", datetime(2024, 3, 1)),
    ],
)
def test_flight_times(value: str, fmt: str, expected: datetime) -> None:
    assert flight_time(value, fmt) == expected


@pytest.mark.parametrize("value", ["2403012599", "24030110", "2403011030X", "2402301030"])
def test_bad_flight_times_raise_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        flight_time(value, "201")


# --- the writer -------------------------------------------------------------------------

LEG = FlightLeg(
    "XY", "123", "AMS", "JFK", datetime(2024, 3, 1, 10, 30), datetime(2024, 3, 1, 13, 0)
)
ONEIL = Traveller(
    "O'NEIL",
    "MARY ANN",
    date(1980, 5, 17),
    Sex.FEMALE,
    "IRL",
    documents=[TravelDocument("P", "PA+1:2?", "IRL", date(2031, 1, 2), date(2021, 1, 3))],
    record_locator="ABC123",
    seat="12A",
    reference="R-1",
    embarkation="AMS",
    debarkation="JFK",
    residence_country="IRL",
    birth_place="Cork",
)


def write(travellers: list[Traveller], **options: object) -> str:
    return write_paxlst(
        Flight("XY", "123", [LEG]),
        travellers,
        sender="XYAIR",
        recipient="APIS",
        reference="REF42",
        prepared_at=datetime(2024, 3, 1, 9, 15),
        **options,  # type: ignore[arg-type]
    )


def test_writer_layout_counts_and_escapes() -> None:
    text = write([ONEIL, Traveller("SMITH", role=Role.CREW)])
    assert text.startswith("UNA:+.? 'UNB+UNOA:4+XYAIR+APIS+240301:0915+REF42++APIS'UNG+PAXLST")
    assert "NAD+FL+++O?'NEIL:MARY:ANN'" in text
    assert "DOC+P:110:111+PA?+1?:2??'" in text
    assert "CNT+42:1'CNT+41:1'" in text
    segments = lex(text).segments
    tags = [s.tag for s in segments]
    assert tags[:4] == ["UNB", "UNG", "UNH", "BGM"] and tags[-3:] == ["UNT", "UNE", "UNZ"]
    unt = segments[-3]
    assert int(unt.get(1)) == tags.index("UNT") - tags.index("UNH") + 1
    assert unt.get(2) == "REF42"


def test_writer_output_parses_back() -> None:
    parsed = parse_one(write([ONEIL]))
    assert parsed.travellers == [ONEIL]
    assert parsed.flights == [Flight("XY", "123", [LEG])]
    assert (parsed.sender, parsed.recipient, parsed.reference) == ("XYAIR", "APIS", "REF42")
    assert parsed.prepared_at == datetime(2024, 3, 1, 9, 15)
    assert (parsed.version, parsed.manifest) == ("D:05B", Role.PASSENGER)
    assert parsed.warnings == [] and parsed.errors == []


def test_writer_with_custom_delimiters_and_crew_manifest() -> None:
    d = Delimiters(":", "*", ".", "?", " ", "$")
    text = write([ONEIL], delimiters=d, manifest=Role.CREW, version="D:02B")
    assert text.startswith("UNA:*.? $UNB*")
    parsed = parse_one(text)
    assert parsed.manifest is Role.CREW and parsed.version == "D:02B"
    assert parsed.travellers == [ONEIL]


def test_writer_refuses_unescapable_values() -> None:
    with pytest.raises(ValueError, match="service character"):
        write([ONEIL], delimiters=Delimiters(release=""))


# --- properties -------------------------------------------------------------------------

TODAY = date.today()
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORD = st.text(
    st.one_of(
        st.characters(whitelist_categories=("Lu", "Ll", "Lo")),
        st.sampled_from("'-+:?*.$"),
    ),
    min_size=1,
    max_size=10,
)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
CODE = st.text(st.sampled_from(UPPER), min_size=3, max_size=3)
ALNUM = st.text(st.sampled_from(UPPER + "0123456789"), min_size=1, max_size=9)
PAST = st.dates(TODAY - timedelta(days=99 * 365), TODAY)
EXPIRY = st.dates(date(TODAY.year - 49, 1, 1), date(TODAY.year + 50, 12, 31))
MINUTE = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(
    lambda t: t.replace(second=0, microsecond=0)
)
# Two-digit years are read against the message's preparation day, so prepare "today".
PREPARED = st.datetimes(datetime.combine(TODAY, time()), datetime.combine(TODAY, time(23, 59))).map(
    lambda t: t.replace(second=0, microsecond=0)
)
OPTIONAL_CODE = st.none() | CODE

DOCUMENTS = st.builds(
    TravelDocument,
    type=st.sampled_from(["P", "V", "I", "A", "C", "PT"]),
    number=ALNUM,
    issuing_country=OPTIONAL_CODE,
    expiry=st.none() | EXPIRY,
    issue_date=st.none() | PAST,
)
TRAVELLERS = st.builds(
    Traveller,
    surname=NAME,
    given_names=st.just("") | NAME,
    birth_date=st.none() | PAST,
    sex=st.none() | st.sampled_from(Sex),
    nationality=OPTIONAL_CODE,
    role=st.sampled_from(Role),
    documents=st.lists(DOCUMENTS, max_size=2),
    record_locator=st.none() | ALNUM,
    reference=st.none() | ALNUM,
    seat=st.none() | ALNUM,
    residence_country=OPTIONAL_CODE,
    birth_place=st.none() | NAME,
    embarkation=OPTIONAL_CODE,
    debarkation=OPTIONAL_CODE,
    address=st.none() | NAME,
)


@st.composite
def flights(draw: st.DrawFn) -> Flight:
    carrier = draw(st.text(st.sampled_from(UPPER), min_size=2, max_size=2))
    number = draw(st.text(st.sampled_from("0123456789"), min_size=1, max_size=4))
    legs = draw(
        st.lists(
            st.builds(
                FlightLeg,
                carrier=st.just(carrier),
                number=st.just(number),
                departure_airport=CODE,
                arrival_airport=CODE,
                departure=st.none() | MINUTE,
                arrival=st.none() | MINUTE,
            ),
            max_size=3,
        )
    )
    return Flight(carrier, number, legs)


DELIMITERS = st.sampled_from(
    [
        Delimiters(),
        Delimiters(":", "*", ".", "?", " ", "$"),
        Delimiters("|", "^", ",", "!", "*", "~"),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flights(), st.lists(TRAVELLERS, max_size=5), st.sampled_from(Role), DELIMITERS, PREPARED)
def test_write_then_parse_is_the_identity(
    flight: Flight, travellers: list[Traveller], manifest: Role, d: Delimiters, at: datetime
) -> None:
    text = write_paxlst(
        flight,
        travellers,
        manifest=manifest,
        sender="SNDR",
        recipient="RCPT",
        reference="R1",
        prepared_at=at,
        delimiters=d,
    )
    parsed = parse_one(text)
    assert parsed.flights == [flight]
    assert parsed.travellers == travellers
    assert parsed.manifest is manifest
    assert parsed.prepared_at == at
    assert parsed.errors == []
    assert [w for w in parsed.warnings if "no number" not in w.reason] == []


def _seed_texts() -> list[bytes]:
    texts = [write([ONEIL, Traveller("SMITH", role=Role.CREW)]).encode()]
    if PAXLST.is_dir():
        texts += [p.read_bytes()[:4000] for p in sorted(PAXLST.rglob("*")) if p.is_file()]
    return texts


SEEDS = _seed_texts()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
        piece = draw(
            st.binary(min_size=1, max_size=4)
            | st.sampled_from([b"'", b"+", b":", b"?", b"UNH+", b"DTM+329:", b"CNT+42:"])
        )
        if action == "replace":
            data[at : at + len(piece)] = piece
        elif action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + len(piece)]
        else:
            del data[at:]
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        mutated(),
        st.binary(max_size=200),
        st.binary(max_size=200).map(lambda b: b"UNH+1+PAXLST'" + b),
    )
)
def test_mutated_input_raises_only_parse_errors(data: bytes) -> None:
    try:
        for parsed in parse_paxlst(lex(data, source="fuzz"), source="fuzz"):
            assert all(issue.location.startswith("fuzz") for issue in parsed.errors)
    except ParseError:
        pass


def test_document_without_type_keeps_its_number() -> None:
    parsed = parse_one(message(*FLIGHT, "NAD+FL+++DOE", "DOC++X9", "DTM+36:300101", "LOC+91+FRA"))
    assert parsed.travellers[0].documents == [TravelDocument("", "X9", "FRA", date(2030, 1, 1))]
