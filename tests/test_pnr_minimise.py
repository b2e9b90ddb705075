"""SG-05 (allowlist of PNR data elements) and SG-06 (sensitive codes deleted) on PNRGOV input."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from interlock.ingest import pnr_minimise as minimise
from interlock.ingest.edifact import lex
from interlock.ingest.pnrgov import parse_pnrgov
from interlock.model import ParsedMessage

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PNR_SAMPLE = DATA / "traveller-messages" / "gtas" / "pnrgov" / "gtas-parsers" / "pnrMessage.txt"


def pnr(*segments: str) -> ParsedMessage:
    body = [
        "UNH+1+PNRGOV:13:1:IA+REF1",
        "MSG+:22",
        "ORG+XQ:LHR",
        "TVL+040325:0915:040325:1230+LHR+JFK+XQ+123",
        "EQN+1",
        *segments,
    ]
    body.append(f"UNT+{len(body) + 1}+1")
    text = "'\n".join(["UNA:+.? 'UNB+IATA:1+XQ+GOV+250301:0900+REF1", *body, "UNZ+1+REF1"])
    (msg,) = parse_pnrgov(lex(text + "'"), source="synthetic")
    return msg


# Every place a code could hide: SSRs on the PNR, the traveller and a leg, OSI and other free
# text, LTS, the history, an address, a contact e-mail, a DOCA address.
SENSITIVE_PNR = [
    "SRC",
    "RCI+XQ:SEN001",
    "DAT+700:010325",
    "SSR+KSML:HK:1:XQ",
    "IFT+4:28::XQ+PAX REQUESTS MOML AND WCHR",
    "ADD++700:1 HNML ROAD:LONDON::::GB:N1:CTCM 0207 MEDA",
    "TIF+DOE:I+JO MR:A:1",
    "SSR+DOCS:HK:1:XQ:::::/P/GBR/X1Y2Z3/GBR/01JAN80/M/01JAN30/DOE/JO",
    "SSR+DOCA:HK:1:XQ:::::/D/USA/1 BLND STREET/DEAF TOWN/NY/10001",
    "SSR+CTCE:HK:1:XQ:::::/JO.DPNA//EXAMPLE.ORG",
    "SSR+WCHC:HK:1:XQ:::LHR:JFK:OXYG NEEDED+::1",
    "SSR+OTHS:HK:1:XQ:::::VGML PLEASE",
    "TVL+040325:0915:040325:1230+LHR+JFK+XQ+123",
    "SSR+AVML:HK:1:XQ:::LHR:JFK+::1",
    "SSR+MAAS:HK:1:XQ:::LHR:JFK+::1",
    "ABI+4++++XQ",
    "SAC+++A",
    "SSR+HNML:HK:1:XQ",
    "SAC+++X",
    "IFT+4:19+SPML CANCELLED",
    "LTS+0/O/SR/SSR DPNA XQ HK1 DEAF",
]


def test_registry_has_the_19_annex_i_elements_a_version_and_a_source() -> None:
    assert [e.number for e in minimise.ANNEX_I] == list(range(1, 20))
    assert minimise.VERSION == "2025.1"
    assert "2016/681" in minimise.LEGAL_SOURCE and "C-817/19" in minimise.LEGAL_SOURCE
    assert set(minimise.SEGMENT_ELEMENTS.values()) <= set(range(1, 20))
    assert set(minimise.ALLOWED_SSR.values()) <= set(range(1, 20))


@pytest.mark.safeguard("SG-06")
def test_sensitive_codes_are_never_allowlisted_and_cover_the_safeguard_examples() -> None:
    examples = {
        "MOML",
        "KSML",
        "HNML",
        "VGML",
        "AVML",
        "WCHR",
        "WCHS",
        "WCHC",
        "MEDA",
        "BLND",
        "DEAF",
        "DPNA",
        "MAAS",
        "OXYG",
    }
    assert examples <= minimise.SENSITIVE_CODES
    assert not minimise.SENSITIVE_CODES & set(minimise.ALLOWED_SSR)


@pytest.mark.safeguard("SG-05")
@pytest.mark.parametrize(
    ("code", "dropped"),
    [
        ("DOCS", None),
        ("ctce", None),
        ("SEAT", None),
        ("UMNR", None),
        ("OTHS", "SSR:OTHS"),
        ("CKIN", "SSR:CKIN"),
        ("AVML", minimise.SENSITIVE_DROP),
        ("wchr", minimise.SENSITIVE_DROP),
        ("B@D!", "SSR:unknown"),
    ],
)
def test_ssr_decisions(code: str, dropped: str | None) -> None:
    assert minimise.ssr_drop_name(code) == dropped


@pytest.mark.safeguard("SG-06")
@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("1 HIGH STREET", "1 HIGH STREET"),
        ("NEEDS WCHR AT GATE", "NEEDS AT GATE"),
        ("kosher ksml", "kosher"),
        ("AVML/MOML", "/"),
        ("MAASTRICHT", "MAASTRICHT"),
        ("XAVMLX", "XAVMLX"),
    ],
)
def test_scrub_removes_whole_codes_only(text: str, clean: str) -> None:
    assert minimise.scrub(text) == clean


@pytest.mark.safeguard("SG-06")
def test_sensitive_codes_appear_nowhere_in_the_parsed_message() -> None:
    msg = pnr(*SENSITIVE_PNR)
    text = json.dumps(msg.to_dict())
    for code in minimise.SENSITIVE_CODES:
        assert code not in text.upper()
    traveller = msg.travellers[0]
    assert (traveller.surname, traveller.documents[0].number) == ("DOE", "X1Y2Z3")
    assert ("email", "JO.@EXAMPLE.ORG") in {(c.kind, c.value) for c in traveller.contacts}
    assert minimise.SENSITIVE_DROP in msg.dropped_elements


@pytest.mark.safeguard("SG-05")
def test_elements_off_the_legal_list_are_dropped_and_listed_by_name() -> None:
    msg = pnr(*SENSITIVE_PNR)
    assert set(msg.dropped_elements) == {
        minimise.SENSITIVE_DROP,
        "IFT:free-text",
        "SSR:OTHS",
        "IFT:history-text",
        "LTS",
    }
    text = json.dumps(msg.to_dict())
    for value in ("PLEASE", "PAX REQUESTS", "CANCELLED", "SR/SSR"):
        assert value not in text
    history = {(h.action, h.element) for h in msg.bookings[0].history}
    assert history == set()  # the only history entries were a sensitive SSR and free text


@pytest.mark.safeguard("SG-05")
def test_non_air_segments_and_unknown_segments_are_dropped() -> None:
    msg = pnr(
        "SRC",
        "RCI+XQ:NON001",
        "TIF+DOE:I+JO:A:1",
        "MSG+8",
        "TVL+121210:1500:151210+YVR:GRAND HOTEL++VN+67576:ROH",
        "XYZ+SECRET",
    )
    assert {"TVL:non-air", "XYZ"} <= set(msg.dropped_elements)
    text = json.dumps(msg.to_dict())
    assert "GRAND HOTEL" not in text and "SECRET" not in text


@pytest.mark.safeguard("SG-05")
@pytest.mark.safeguard("SG-06")
def test_drops_are_logged_by_element_name_never_by_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="interlock.ingest.pnrgov"):
        pnr(*SENSITIVE_PNR)
    records = [r for r in caplog.records if r.name == "interlock.ingest.pnrgov"]
    logged = " ".join(r.getMessage() for r in records)
    assert "element=LTS" in logged and "element=SSR:OTHS" in logged
    for value in ("DOE", "X1Y2Z3", "PLEASE", "EXAMPLE", *minimise.SENSITIVE_CODES):
        assert value not in logged


@pytest.mark.safeguard("SG-06")
@pytest.mark.skipif(not PNR_SAMPLE.exists(), reason=f"GTAS sample absent: {PNR_SAMPLE}")
def test_sample_special_meal_is_removed() -> None:
    data = PNR_SAMPLE.read_bytes()
    assert b"AVML" in data
    (msg,) = parse_pnrgov(lex(data))
    assert "AVML" not in json.dumps(msg.to_dict())
    assert minimise.SENSITIVE_DROP in msg.dropped_elements
