"""PNRGOV parser and writer: GTAS samples, synthetic feature messages, round trip, robustness."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ingest.edifact import Interchange, lex
from interlock.ingest.pnrgov import parse_pnrgov
from interlock.ingest.pnrgov_write import write_pnrgov
from interlock.model import (
    Booking,
    Flight,
    FlightLeg,
    ParsedMessage,
    Payment,
    Sex,
    TravelDocument,
    Traveller,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PNR_DIR = DATA / "traveller-messages" / "gtas" / "pnrgov"
SAMPLES = sorted(p for p in PNR_DIR.glob("*/*") if p.suffix in (".txt", ".edi"))
needs_samples = pytest.mark.skipif(not SAMPLES, reason=f"GTAS PNRGOV samples absent: {PNR_DIR}")


def parse_file(path: Path) -> list[ParsedMessage]:
    return parse_pnrgov(lex(path.read_bytes(), source=path.name), source=path.name)


def parse_text(text: str) -> ParsedMessage:
    messages = parse_pnrgov(lex(text))
    assert len(messages) == 1
    return messages[0]


def sample(name: str) -> Path:
    found = [p for p in SAMPLES if p.name == name]
    if not found:
        pytest.skip(f"sample {name} absent")
    return found[0]


def distinct_tif_people(interchange: Interchange) -> int:
    """Independent count: distinct (surname, reference) named by TIF segments, per SRC group."""
    total, people = 0, set[tuple[str, str]]()
    for segment in interchange.segments:
        if segment.tag in ("SRC", "UNT"):
            total, people = total + len(people), set()
        elif segment.tag == "TIF" and segment.get(1, 1).strip() != "G":  # G: a group's name
            people.add((segment.get(1, 0).strip(), segment.get(2, 2).strip()))
    return total + len(people)


def pnr(*segments: str, una: str = "UNA:+.? '", version: str = "13:1") -> str:
    """A synthetic PNRGOV interchange around message-level and PNR segments."""
    body = [f"UNH+1+PNRGOV:{version}:IA+REF1", "MSG+:22", "ORG+XQ:LHR", *segments]
    body.append(f"UNT+{len(body) + 1}+1")
    return "'\n".join([una + "UNB+IATA:1+XQ+GOV+250301:0900+REF1", *body, "UNZ+1+REF1"]) + "'"


FLIGHT = "TVL+040325:0915:040325:1230+LHR+JFK+XQ+123"


# --- samples --------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_parses_with_travellers_and_a_flight(path: Path) -> None:
    messages = parse_file(path)
    assert messages
    for msg in messages:
        assert msg.version in {"10.1", "11.1", "13.1", "14.1", "15.1", "16.1"}
        assert msg.travellers and msg.bookings and msg.flights
        assert all(t.record_locator for t in msg.travellers)


@needs_samples
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_traveller_count_matches_the_people_the_tif_segments_name(path: Path) -> None:
    interchange = lex(path.read_bytes())
    travellers = sum(len(m.travellers) for m in parse_pnrgov(interchange))
    assert travellers == distinct_tif_people(interchange)


@needs_samples
@pytest.mark.parametrize(
    ("name", "tif_segments", "travellers"),
    [
        ("pnrWithBags.txt", 927, 268),
        ("bigbigPnr.txt", 239, 87),
        ("pnrMessage.txt", 3, 2),
        ("pnrMessageExample.txt", 16, 5),
    ],
)
def test_check_in_tif_repeats_are_not_extra_travellers(
    name: str, tif_segments: int, travellers: int
) -> None:
    path = sample(name)
    counted = sum(1 for s in lex(path.read_bytes()).segments if s.tag == "TIF")
    assert counted == tif_segments
    assert sum(len(m.travellers) for m in parse_file(path)) == travellers


@needs_samples
def test_pnr_message_10_1_reads_docs_locator_flight_history_and_masks_the_card() -> None:
    msg = parse_file(sample("pnrMessage.txt"))[0]
    smith = msg.travellers[0]
    assert (smith.surname, smith.given_names, smith.birth_date) == (
        "SMITHJR",
        "JONATHON ROBERT",
        date(1964, 7, 12),
    )
    assert (smith.sex, smith.nationality, smith.record_locator) == (Sex.MALE, "GBR", "MFN4TI")
    assert smith.documents == [TravelDocument("P", "123456789", "GBR", date(2019, 8, 23))]
    assert smith.seat == "15A" and smith.frequent_flyer == ["DL 1234567890"]
    assert msg.flights[0].flight_number == "DL324"
    booking = msg.bookings[0]
    assert booking.created == date(2010, 12, 6)
    assert [leg.flight_number for leg in booking.itinerary] == ["DL324", "DL330"]
    assert booking.payments[0].card_number_masked == "********1186"
    assert {("split", "RCI")} <= {(h.action, h.element) for h in booking.history}
    assert ("cancelled", "TVL") in {(h.action, h.element) for h in booking.history}
    text = json.dumps(msg.to_dict())
    assert "XXXXXXXX1186" not in text and "THIS PASSENGER IS A VIP" not in text


@needs_samples
@pytest.mark.parametrize(
    ("name", "kind", "value"),
    [
        ("pnrPhoneCTCM.txt", "phone", "123456789"),
        ("pnrPhoneCTC_M.txt", "phone", "123456789"),
        ("pnrEdge.txt", "email", "MOLLY_LOUUNT+50BB@GMAIL.COM"),
        ("danglingMetaCharacter.txt", "email", "REUBEN_SERIO@GMAIL.COM"),
    ],
)
def test_contact_lines_are_decoded(name: str, kind: str, value: str) -> None:
    msg = parse_file(sample(name))[0]
    assert (kind, value) in {(c.kind, c.value) for c in msg.travellers[0].contacts}


@needs_samples
def test_add_contact_at_pnr_level_becomes_a_booking_phone() -> None:
    booking = parse_file(sample("pnrAddressPhoneCTCM.txt"))[0].bookings[0]
    assert ("phone", "5432109876") in {(c.kind, c.value) for c in booking.contacts}


@needs_samples
def test_doco_gives_a_visa_and_birth_place() -> None:
    traveller = parse_file(sample("pnrWithDoco.txt"))[0].travellers[0]
    visa = [d for d in traveller.documents if d.type == "V"]
    assert visa and visa[0].number == "8675309" and visa[0].issue_date == date(2006, 12, 22)
    assert traveller.birth_place == "HERE VA"


@needs_samples
@pytest.mark.parametrize(
    ("name", "tag"), [("pnrMessagePg77.txt", "RPI"), ("pnrMessagePg75.txt", "ORG")]
)
def test_missing_terminator_is_repaired_with_a_warning_naming_the_segment(
    name: str, tag: str
) -> None:
    msg = parse_file(sample(name))[0]
    notes = [str(w) for w in msg.warnings if "terminator missing" in w.reason]
    assert notes and f"({tag})" in notes[0]


@needs_samples
def test_pg75_keeps_both_pnrs_with_their_first_locators() -> None:
    msg = parse_file(sample("pnrMessagePg75.txt"))[0]
    assert [b.record_locator for b in msg.bookings] == ["2LS6KP", "X49V9U"]
    assert [t.surname for t in msg.travellers] == ["PARK", "KIM"]
    assert msg.travellers[0].nationality == "KOR"  # DOCS gives alpha-2 'KR'


@needs_samples
def test_bad_format_names_the_problem_and_keeps_travellers() -> None:
    msg = parse_file(sample("pnrBadFormat.txt"))[0]
    assert any("segment terminator" in e.reason for e in msg.errors)
    assert [t.surname for t in msg.travellers] == ["DORON", "LENDROT"]


# --- synthetic messages for the features of held-out samples --------------------------------


def test_several_pnrs_in_one_message_and_eqn_count() -> None:
    text = pnr(
        FLIGHT,
        "EQN+2",
        "SRC",
        "RCI+XQ:AAA111",
        "TIF+ONE:I+ANN:A:1",
        "SRC",
        "RCI+XQ:BBB222",
        "TIF+TWO:I+BEN:A:1",
        "TIF+TWO:I+CAT:A:2",
    )
    msg = parse_text(text)
    assert [b.record_locator for b in msg.bookings] == ["AAA111", "BBB222"]
    assert [(t.given_names, t.record_locator) for t in msg.travellers] == [
        ("ANN", "AAA111"),
        ("BEN", "BBB222"),
        ("CAT", "BBB222"),
    ]
    assert not [w for w in msg.warnings if "EQN" in w.reason]


def test_eqn_mismatch_is_a_warning() -> None:
    msg = parse_text(pnr(FLIGHT, "EQN+3", "SRC", "RCI+XQ:AAA111", "TIF+ONE:I+ANN:A:1"))
    assert any("EQN declares 3 PNRs, the message has 1" in str(w) for w in msg.warnings)


def test_infant_tif_and_infant_docs_filed_under_the_adult() -> None:
    text = pnr(
        FLIGHT,
        "EQN+1",
        "SRC",
        "RCI+XQ:INF001",
        "TIF+DOE:I+JANE MRS:A:1:1",
        "SSR+DOCS:HK:1:XQ:::::/P/FRA/11AA22/FRA/01FEB90/F/01FEB30/DOE/JANE",
        "SSR+DOCS:HK:1:XQ:::::/P/FRA/33BB44/FRA/05MAY24/FI/05MAY29/DOE/LILY",
        "TIF+DOE:I+LILY:IN:1",
    )
    msg = parse_text(text)
    adult, infant = msg.travellers
    assert (adult.given_names, adult.infant, len(adult.documents)) == ("JANE", False, 1)
    assert (infant.given_names, infant.infant, infant.sex) == ("LILY", True, Sex.FEMALE)
    assert infant.birth_date == date(2024, 5, 5) and infant.documents[0].number == "33BB44"


def test_infant_known_only_from_docs_becomes_a_traveller() -> None:
    text = pnr(
        FLIGHT,
        "EQN+1",
        "SRC",
        "RCI+XQ:INF002",
        "TIF+ROE:I+MAX MR:A:1",
        "SSR+DOCS:HK:1:XQ:::::/P/DEU/C01X/DEU/03MAR24/MI/03MAR29/ROE/TIM",
    )
    msg = parse_text(text)
    assert [(t.given_names, t.infant) for t in msg.travellers] == [("MAX", False), ("TIM", True)]


def test_typographic_apostrophe_in_una_and_five_character_una_are_read() -> None:
    typographic = pnr(
        FLIGHT, "EQN+1", "SRC", "RCI+XQ:TYP001", "TIF+ONE:I+ANN:A:1", una="UNA:+.? \u2019"
    ).replace("'", "\u2019")
    five = pnr(FLIGHT, "EQN+1", "SRC", "RCI+XQ:FIV001", "TIF+ONE:I+ANN:A:1", una="UNA:+\\*'")
    for text in (typographic, five):
        msg = parse_text(text)
        assert msg.travellers[0].surname == "ONE" and msg.warnings


def test_codeshare_legs_and_pnr_without_history() -> None:
    text = pnr(
        FLIGHT,
        "EQN+1",
        "SRC",
        "RCI+XQ:CDS001",
        "TIF+ONE:I+ANN:A:1",
        "TVL+040325:0915:040325:1230+LHR+JFK+YY:XQ+4567:Y",
        "TRA+XQ+123:Y",
        "TVL+++++123:Y",
        "TVL+100325:1400:100325:2100+JFK+LHR+XQ+124",
    )
    booking = parse_text(text).bookings[0]
    assert [leg.flight_number for leg in booking.itinerary] == ["YY4567", "XQ124"]
    assert booking.history == []


def test_split_pnr_is_recorded_in_history() -> None:
    text = pnr(
        FLIGHT, "EQN+1", "SRC", "RCI+XQ:SPL001", "TIF+ONE:I+ANN:A:1", "EQN+1", "RCI+XQ:SPL002"
    )
    history = parse_text(text).bookings[0].history
    assert [(h.action, h.element, h.detail) for h in history] == [("split", "RCI", "XQ:SPL002")]


def test_multi_leg_flight_at_message_level_is_one_flight() -> None:
    text = pnr(
        FLIGHT,
        "TVL+040325:1400:040325:2000+JFK+LAX+XQ+123",
        "EQN+1",
        "SRC",
        "RCI+XQ:LEG001",
        "TIF+ONE:I+ANN:A:1",
    )
    flights = parse_text(text).flights
    assert len(flights) == 1
    assert [(leg.departure_airport, leg.arrival_airport) for leg in flights[0].legs] == [
        ("LHR", "JFK"),
        ("JFK", "LAX"),
    ]


def test_crlf_version_10_1() -> None:
    text = pnr(FLIGHT, "EQN+1", "SRC", "RCI+XQ:CRL001", "TIF+ONE:I+ANN:A:1", version="10:1")
    msg = parse_text(text.replace("\n", "\r\n"))
    assert msg.version == "10.1" and msg.travellers[0].record_locator == "CRL001"


@pytest.mark.parametrize(
    ("rci", "carrier", "locator"),
    [
        ("RCI+DL:MFN4TI", "DL", "MFN4TI"),
        ("RCI+UA:7C789A:230818:1220", "UA", "7C789A"),
        ("RCI+1A:2LS6KP::200513:0439+KE:EDP2RW", "1A", "2LS6KP"),
        ("RCI+1A:2LS6KP::200513:0439+XQ:EDP2RW", "XQ", "EDP2RW"),
    ],
)
def test_record_locator_forms(rci: str, carrier: str, locator: str) -> None:
    booking = parse_text(pnr(FLIGHT, "EQN+1", "SRC", rci, "TIF+ONE:I+ANN:A:1")).bookings[0]
    assert (booking.carrier, booking.record_locator) == (carrier, locator)


@pytest.mark.parametrize(
    ("docs", "birth", "expiry", "sex"),
    [
        ("/P/GBR/1/GBR/12JUL64/M/23AUG19/A/B", date(1964, 7, 12), date(2019, 8, 23), Sex.MALE),
        ("/P/GBR/1/GBR/01JAN24/FI/01JAN29/A/B", date(2024, 1, 1), date(2029, 1, 1), Sex.FEMALE),
        (
            "/P/GBR/1/GBR/31DEC25/U/31DEC35/A/B",
            date(1925, 12, 31),
            date(2035, 12, 31),
            Sex.UNSPECIFIED,
        ),
        ("/P/GBR/1/GBR/31FEB25/X//A/B", None, None, Sex.UNSPECIFIED),
    ],
)
def test_docs_dates_centuries_and_sex(
    docs: str, birth: date | None, expiry: date | None, sex: Sex
) -> None:
    text = pnr(
        FLIGHT, "EQN+1", "SRC", "RCI+XQ:DOC001", "TIF+A:I+B:A:1", f"SSR+DOCS:HK:1:XQ:::::{docs}"
    )
    traveller = next(t for t in parse_text(text).travellers if t.documents)
    assert (traveller.birth_date, traveller.documents[0].expiry, traveller.sex) == (
        birth,
        expiry,
        sex,
    )


@pytest.mark.parametrize(
    ("fop", "masked"),
    [
        ("FOP+CC:::VI:XXXXXXXX1186:0211", "********1186"),
        ("FOP+CC::400.00:MA:4111111111111111:0817", "************1111"),
        ("FOP+CC::10.00:AX:370266XXXXX6916:0820", "***********6916"),
    ],
)
def test_card_numbers_are_masked_on_receipt(fop: str, masked: str) -> None:
    msg = parse_text(pnr(FLIGHT, "EQN+1", "SRC", "RCI+XQ:FOP001", "TIF+A:I+B:A:1", fop))
    assert msg.bookings[0].payments[0].card_number_masked == masked
    assert "4111111111111111" not in json.dumps(msg.to_dict())


def test_group_name_tif_is_not_a_traveller() -> None:
    text = pnr(
        FLIGHT,
        "EQN+1",
        "SRC",
        "RCI+XQ:GRP001",
        "TIF+RIVERSIDE WALKERS:G",
        "TIF+ONE:I+ANN:A:1",
        "TIF+TWO:I+BEN:A:2",
        "TVL+040325:0915:040325:1230+LHR+JFK+XQ+123",
        "RPI+2+HK",
    )
    msg = parse_text(text)
    assert [t.surname for t in msg.travellers] == ["ONE", "TWO"]
    assert msg.bookings[0].traveller_count == 2
    assert "TIF:group-name" in msg.dropped_elements
    assert "RIVERSIDE" not in json.dumps(msg.to_dict())


@pytest.mark.parametrize(
    ("rci", "dat", "created"),
    [
        ("RCI+XQ:CRE001::020125:1015", "DAT+700:280225:0930", date(2025, 1, 2)),  # RCI wins
        ("RCI+XQ:CRE002", "DAT+700:280225:0930", date(2025, 2, 28)),  # no creation date
        ("RCI+XQ:CRE003::020125:1015", "DAT+710:280225:0930", date(2025, 1, 2)),
    ],
)
def test_booking_created_is_the_rci_creation_date_not_the_last_change(
    rci: str, dat: str, created: date
) -> None:
    msg = parse_text(pnr(FLIGHT, "EQN+1", "SRC", rci, dat, "TIF+ONE:I+ANN:A:1"))
    assert msg.bookings[0].created == created


def test_docs_without_document_type_does_not_invent_a_passport() -> None:
    docs = "SSR+DOCS:HK::XQ::::://NLD/XY12345/NLD/04MAY81/F/09SEP31/ONE/ANN"
    msg = parse_text(pnr(FLIGHT, "EQN+1", "SRC", "RCI+XQ:DOC001", "TIF+ONE:I+ANN:A:1", docs))
    (document,) = msg.travellers[0].documents
    assert (document.type, document.number, document.issuing_country) == ("", "XY12345", "NLD")


def test_title_is_removed_when_docs_copies_the_spaced_tif_given_names() -> None:
    docs = "SSR+DOCS:HK:1:XQ:::::/P/NLD/XY12345/NLD/04MAY81/F/09SEP31/ONE/ANN MARIE MRS+::1"
    text = pnr(FLIGHT, "EQN+1", "SRC", "RCI+XQ:TTL001", "TIF+ONE+ANN MARIE MRS:A:1", docs)
    assert parse_text(text).travellers[0].given_names == "ANN MARIE"


# --- writer and round trip -----------------------------------------------------------------

NAMES = st.sampled_from(
    [
        "AMARA",
        "BJORN",
        "CHIDI",
        "DANA",
        "ELIF",
        "FARAH",
        "GOTO",
        "O'HARA",
        "NGUYEN VAN",
        "ZOE-ANN",
        "LI",
        "KOWALSKA",
    ]
)
COUNTRIES = st.sampled_from(["GBR", "FRA", "NGA", "JPN", "BRA", "IND", "USA", "D", "XXA"])
PREPARED = datetime(2025, 3, 1, 9, 0)


@st.composite
def legs(draw: st.DrawFn, carrier: str, number: str) -> FlightLeg:
    start = draw(st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31))).replace(
        second=0, microsecond=0
    )
    end = start.replace(hour=draw(st.integers(0, 23)), minute=draw(st.integers(0, 59)))
    airports = draw(
        st.lists(
            st.sampled_from(["LHR", "JFK", "NRT", "LOS", "GRU"]),
            min_size=2,
            max_size=2,
            unique=True,
        )
    )
    return FlightLeg(carrier, number, airports[0], airports[1], start, end)


@st.composite
def travellers(draw: st.DrawFn) -> Traveller:
    numbers = draw(
        st.lists(st.from_regex(r"[A-Z0-9]{6,9}", fullmatch=True), max_size=2, unique=True)
    )
    documents = [
        TravelDocument(
            draw(st.sampled_from(["P", "I", "V"])),
            number,
            draw(COUNTRIES),
            draw(st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31))),
        )
        for number in numbers
    ]
    for document in documents:  # a visa (SSR DOCO) carries its issue date, not its expiry
        if document.type == "V":
            document.issue_date, document.expiry = document.expiry, None
            if document.issue_date and document.issue_date > date(2025, 3, 1):
                document.issue_date = date(2025, 3, 1)
    return Traveller(
        surname=draw(NAMES),
        given_names=draw(NAMES),
        birth_date=draw(st.none() | st.dates(date(1926, 3, 2), date(2025, 3, 1))),
        sex=draw(st.none() | st.sampled_from(list(Sex))),
        nationality=draw(st.none() | COUNTRIES),
        infant=draw(st.booleans()),
        documents=documents,
    )


@st.composite
def pushes(draw: st.DrawFn) -> tuple[Flight, list[tuple[Booking, list[Traveller]]]]:
    flight = Flight("XQ", draw(st.from_regex(r"[0-9]{1,4}", fullmatch=True)))
    flight.legs = draw(st.lists(legs(flight.carrier, flight.number), min_size=1, max_size=2))
    out = []
    for index in range(draw(st.integers(1, 3))):
        booking = Booking(
            f"LOC{index:03d}",
            "XQ",
            created=draw(st.none() | st.dates(date(2020, 1, 1), date(2025, 3, 1))),
        )
        booking.itinerary = draw(st.lists(legs("XQ", "9"), max_size=3))
        out.append((booking, draw(st.lists(travellers(), min_size=1, max_size=3))))
    return flight, out


def _person(t: Traveller) -> tuple[object, ...]:
    return (
        t.surname,
        t.given_names,
        t.birth_date,
        t.sex,
        t.nationality,
        t.documents,
        t.record_locator,
        t.infant,
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(pushes())
def test_writer_then_parser_is_the_identity(
    push: tuple[Flight, list[tuple[Booking, list[Traveller]]]],
) -> None:
    flight, bookings = push
    text = write_pnrgov(
        flight, bookings, sender="XQ", recipient="GOVX", reference="R1", prepared_at=PREPARED
    )
    msg = parse_text(text)
    for booking, people in bookings:
        for person in people:
            person.record_locator = booking.record_locator
    expected = [_person(t) for _, people in bookings for t in people]
    assert [_person(t) for t in msg.travellers] == expected
    assert [(b.record_locator, b.itinerary, b.created) for b in msg.bookings] == [
        (b.record_locator, b.itinerary, b.created) for b, _ in bookings
    ]
    assert msg.flights == [flight]
    assert not msg.errors and not msg.warnings


def test_writer_envelope_counts_and_masked_payment() -> None:
    leg = FlightLeg("XQ", "7", "LHR", "JFK", datetime(2025, 3, 4, 9, 0), datetime(2025, 3, 4, 12))
    booking = Booking("ABC123", "XQ", payments=[Payment("CC", "************1186", "VI")])
    text = write_pnrgov(
        Flight("XQ", "7", [leg]),
        [(booking, [Traveller("DOE", "JO")])],
        sender="XQ",
        recipient="GOV",
        reference="R9",
        prepared_at=PREPARED,
    )
    segments = lex(text).segments
    tags = [s.tag for s in segments]
    unh, unt = tags.index("UNH"), tags.index("UNT")
    assert segments[unt].get(1) == str(unt - unh + 1)
    assert segments[unh].element(2) == ["PNRGOV", "13", "1", "IA"]
    assert tags[unh + 1 : unh + 5] == ["MSG", "ORG", "TVL", "EQN"] and tags[-1] == "UNZ"
    assert "FOP+CC:::VI:XXXXXXXXXXXX1186'" in text


# --- robustness ----------------------------------------------------------------------------


def _parse_any(data: str | bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_pnrgov(lex(data))


@settings(max_examples=200)
@given(
    st.text(alphabet=st.sampled_from("UNHTIFSR+:'?*\\/ 0123456789ABCPDOCS\n\u2019"), max_size=300)
)
def test_random_input_raises_only_parse_error(text: str) -> None:
    _parse_any(text)
    _parse_any("UNA:+.? 'UNH+1+PNRGOV:13:1:IA'" + text)


@needs_samples
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_samples_raise_only_parse_error(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from([p for p in SAMPLES if p.stat().st_size < 10_000]))
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        byte = data.draw(st.sampled_from(b"+:'?*/0A \n\xe2"))
        if action == "delete":
            del raw[at]
        elif action == "insert":
            raw.insert(at, byte)
        else:
            raw[at] = byte
    _parse_any(bytes(raw))
