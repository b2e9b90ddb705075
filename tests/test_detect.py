"""Format detection from content, and the one parsing entry point under fuzzing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.errors import ParseError, UnknownFormatError
from interlock.ingest.detect import detect_format, parse_message
from interlock.model import Format

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GTAS = SHARED / "traveller-messages" / "gtas"
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n"
CASES = [
    ("UNA:+.? 'UNB+UNOA:4+A+B+240101:0000+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'", Format.PAXLST),
    ("UNB+IATA:1+A+B+240101:0000+1'UNH+1+PNRGOV:13:1:IA+X'MSG+:22'", Format.PNRGOV),
    (TD3, Format.MRZ),
    ('{"id": "1", "name": "Jon Ek"}\n', Format.JSONL),
    ("surname,given_names\nEK,JON\n", Format.CSV),
    ("surname\nROE\n", Format.CSV),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1].value for c in CASES])
def test_detects_each_format_from_content(text: str, expected: Format) -> None:
    assert detect_format(text) is expected
    assert parse_message(text.encode())[0].format is expected


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("hello world\n", "in.txt: line 1"),
        ("UNB+IATA:1+A+B'UNH+1+INVOIC:D:96A:UN'", "in.txt: segment 2 (UNH)"),
        ("", "in.txt"),
    ],
)
def test_unknown_content_is_refused_naming_the_place(text: str, where: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_message(text.encode(), source="in.txt")
    assert info.value.location == where


def test_unknown_format_error_is_a_parse_error() -> None:
    with pytest.raises(UnknownFormatError):
        detect_format("nothing here")


def _samples() -> list[bytes]:
    if not GTAS.exists():
        return []
    return [p.read_bytes() for p in sorted(GTAS.rglob("*")) if p.suffix in (".txt", ".edi")]


SAMPLES = _samples()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_nothing_but_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_message(data)


@pytest.mark.skipif(not SAMPLES, reason=f"GTAS samples absent: {GTAS}")
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_samples_raise_nothing_but_parse_error(data: st.DataObject) -> None:
    sample = bytearray(data.draw(st.sampled_from(SAMPLES)))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, max(len(sample) - 1, 0)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and sample:
            sample[at] = data.draw(st.sampled_from(b"'+:?*\n UNAZ09\x00\xff"))
        elif action == "cut":
            del sample[at : at + data.draw(st.integers(1, 50))]
        else:
            sample[at:at] = data.draw(st.binary(min_size=1, max_size=20))
    with contextlib.suppress(ParseError):
        parse_message(bytes(sample))
