"""The UN/EDIFACT lexer: delimiters, release character, layout tolerance and error places."""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ingest.edifact import (
    DEFAULT_DELIMITERS,
    Delimiters,
    EdifactError,
    Segment,
    decode,
    join_segment,
    lex,
    looks_like_edifact,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GTAS = DATA / "traveller-messages" / "gtas"
SAMPLES = (
    sorted(p for p in GTAS.rglob("*") if p.suffix in (".txt", ".edi")) if GTAS.is_dir() else []
)

SIMPLE = "UNB+UNOA:4+SENDER+RECEIVER+240101:1200+REF1'NAD+FL+++DOE:JANE'UNZ+1+REF1'"


def values(text: str | bytes) -> list[tuple[str, list[list[str]]]]:
    return [(s.tag, s.elements) for s in lex(text).segments]


EXPECTED = [
    ("UNB", [["UNOA", "4"], ["SENDER"], ["RECEIVER"], ["240101", "1200"], ["REF1"]]),
    ("NAD", [["FL"], [""], [""], ["DOE", "JANE"]]),
    ("UNZ", [["1"], ["REF1"]]),
]


@pytest.mark.parametrize(
    "text",
    [
        SIMPLE,
        SIMPLE.replace("'", "'\n"),
        SIMPLE.replace("'", "'\r\n"),
        SIMPLE.replace("'", "'\r\n    "),
        "\ufeff" + SIMPLE,
        "  \n\t" + SIMPLE + "\n\n  ",
        "UNA:+.? '" + SIMPLE,
        "UNA:+.? '\n" + SIMPLE,
        "UNB+UNOA:4+SEN\nDER+RECEIVER+240101:1200+REF1'NAD+FL+++DOE:JANE'UNZ+1+REF1'",
    ],
    ids=[
        "plain",
        "lf",
        "crlf",
        "indented",
        "bom",
        "surrounding-space",
        "una",
        "una-newline",
        "wrap",
    ],
)
def test_layout_variants_give_the_same_segments(text: str) -> None:
    assert values(text) == EXPECTED


def test_bom_in_bytes_and_latin1_fallback() -> None:
    assert values(b"\xef\xbb\xbf" + SIMPLE.encode()) == EXPECTED
    latin = "NAD+FL+++MÜLLER:JÖRG'".encode("latin-1")
    assert lex(latin).segments[0].get(4) == "MÜLLER"
    assert decode("\ufeffABC") == "ABC"


def test_una_sets_custom_delimiters() -> None:
    text = "UNA|*,! #UNB*UNOA|4*S*R#NAD*FL***O!#NEIL!*|ANN!|B#"
    interchange = lex(text)
    assert interchange.delimiters == Delimiters("|", "*", ",", "!", " ", "#")
    assert interchange.segments[1].element(4) == ["O#NEIL*", "ANN|B"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NAD+FL+++O?'NEIL'", ["O'NEIL"]),
        ("NAD+FL+++A?+B'", ["A+B"]),
        ("NAD+FL+++A?:B:C'", ["A:B", "C"]),
        ("NAD+FL+++A??'", ["A?"]),
        ("NAD+FL+++A???''", ["A?'"]),
        ("NAD+FL+++A??:B'", ["A?", "B"]),
        ("NAD+FL+++WHAT?S'", ["WHATS"]),
    ],
)
def test_release_character(raw: str, expected: list[str]) -> None:
    (segment,) = lex(raw).segments
    assert segment.element(4) == expected


def test_no_release_character_when_una_gives_a_space() -> None:
    interchange = lex("UNA:+.  'NAD+FL+++A?B'")
    assert interchange.delimiters.release == ""
    assert interchange.segments[0].get(4) == "A?B"
    assert interchange.delimiters.una() == "UNA:+.  '"


def test_five_character_una_is_repaired_with_a_warning() -> None:
    interchange = lex("UNA:+\\*'UNB+IATA:1+A+B'UNZ+1+1'", source="x.edi")
    assert interchange.delimiters.release == "\\"
    assert interchange.delimiters.decimal == "."
    assert "5 characters" in interchange.warnings[0].reason
    assert interchange.warnings[0].location == "x.edi: UNA"


def test_malformed_una_is_rejected() -> None:
    with pytest.raises(EdifactError, match="malformed UNA"):
        lex("UNAAB'UNB+X'")


def test_typographic_apostrophe_as_terminator() -> None:
    interchange = lex("UNB+UNOA:4+A+B’\nNAD+FL+++DOE’\nUNZ+1+1’")
    assert [s.tag for s in interchange.segments] == ["UNB", "NAD", "UNZ"]
    assert "U+2019" in interchange.warnings[0].reason


def test_typographic_apostrophe_inside_a_value_is_kept() -> None:
    interchange = lex("UNB+UNOA:4+A+B'NAD+FL+++O’NEIL:ANN'UNZ+1+1'")
    assert interchange.segments[1].get(4) == "O’NEIL"
    assert interchange.warnings == []


def test_typographic_apostrophe_in_una() -> None:
    interchange = lex("UNA:+.? ’UNB+UNOA:4+A+B'UNZ+1+1'")
    assert interchange.delimiters.terminator == "'"
    assert len(interchange.segments) == 2


def test_invalid_tag_error_names_the_segment() -> None:
    interchange = lex("UNB+UNOA:4+A+B'NAD+FL'9XY+1'UNZ+1+1'", source="m.txt")
    assert [str(e) for e in interchange.errors] == [
        "m.txt: segment 3: invalid segment tag (a capital and 2 capitals or digits expected)"
    ]
    assert interchange.segments[2].location == "segment 3 (9XY)"


def test_missing_final_terminator() -> None:
    warned = lex("UNB+UNOA:4+A+B'UNZ+1+1")
    assert warned.errors == []
    assert warned.warnings[0].location == "segment 2"
    assert "no segment terminator" in warned.warnings[0].reason
    junk = lex("UNB+UNOA:4+A+B'UNZ+1+1'some trailing text")
    assert any(
        e.location == "segment 3" and "after the last segment terminator" in e.reason
        for e in junk.errors
    )


@pytest.mark.parametrize("tail", ["\n19Mar24", "  end of file  ", "x"])
def test_trailing_text_after_the_interchange_is_one_error_and_no_segment(tail: str) -> None:
    interchange = lex("UNB+UNOA:4+A+B'UNH+1+PAXLST'UNT+2+1'UNZ+1+1'" + tail, source="t.edi")
    assert [s.tag for s in interchange.segments] == ["UNB", "UNH", "UNT", "UNZ"]
    assert interchange.warnings == []
    (error,) = interchange.errors
    assert error.location == "t.edi: segment 5"
    assert "after the last segment terminator" in error.reason


@pytest.mark.parametrize("text", ["", "   \n", "\ufeff", "hello world", "12345'"])
def test_not_edifact_raises_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        lex(text, source="f.txt")


def test_stray_space_after_tag_is_dropped() -> None:
    assert lex("UNG +PAXLST'").segments == lex("UNG+PAXLST'").segments
    assert lex("UNA:*.? $UNG *PAXLST*X$").segments[0].tag == "UNG"


def test_segment_accessors() -> None:
    lazy = lex("DOC+P:110:111+123456789'").segments[0]
    eager = Segment("DOC", [["P", "110", "111"], ["123456789"]], 1)
    for segment in (lazy, eager):
        assert segment.get(1) == "P"
        assert segment.get(1, 2) == "111"
        assert segment.get(1, 3) == ""
        assert segment.get(2) == "123456789"
        assert segment.get(3) == ""
        assert segment.get(0) == ""
        assert segment.element(1) == ["P", "110", "111"]
        assert segment.element(9) == []
        assert segment.element_count() == 2
    assert lazy == eager


def test_looks_like_edifact() -> None:
    assert looks_like_edifact("  UNA:+.? 'UNB+")
    assert looks_like_edifact("UNB+UNOA:4")
    assert not looks_like_edifact("UNBELIEVABLE")
    assert not looks_like_edifact("P<UTOERIKSSON<<ANNA")


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_agrees_with_pydifact_where_pydifact_reads_the_sample(path: Path) -> None:
    parser = pytest.importorskip("pydifact.parser")
    text = decode(path.read_bytes())
    if "\u2019" in text:
        pytest.skip("pydifact does not read U+2019 as a terminator; see the typographic tests")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = [s for s in parser.Parser().parse(text) if s.tag != "UNA"]
    except Exception as exc:  # pydifact is stricter; those samples are covered elsewhere
        pytest.skip(f"pydifact cannot read {path.name}: {type(exc).__name__}")
    ours = lex(text).segments
    assert [s.tag for s in ours] == [s.tag.strip() for s in theirs]
    for mine, other in zip(ours, theirs, strict=True):
        assert _trimmed(mine.elements) == _trimmed(_normal(other.elements))


def _normal(elements: list[object]) -> list[list[str]]:
    return [list(e) if isinstance(e, list) else [str(e)] for e in elements]


def _trimmed(elements: list[list[str]]) -> list[list[str]]:
    """Elements without trailing empty components and trailing empty elements."""
    out = []
    for element in elements:
        comps = [c.strip() for c in element]
        while comps and not comps[-1]:
            comps.pop()
        out.append(comps)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.skipif(not SAMPLES, reason="../shared/data/traveller-messages/gtas is absent")
def test_every_gtas_sample_lexes() -> None:
    for path in SAMPLES:
        if path.name == "LICENSE.txt":
            continue
        assert lex(path.read_bytes(), source=path.name).segments


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12).map(
    str.strip
)


@given(
    st.lists(st.lists(TEXT, min_size=1, max_size=4), min_size=1, max_size=5),
    st.sampled_from([DEFAULT_DELIMITERS, Delimiters("|", "*", ",", "!", " ", "#")]),
)
def test_join_segment_then_lex_is_the_identity(elements: list[list[str]], d: Delimiters) -> None:
    text = d.una() + join_segment("FTX", elements, d)
    (segment,) = lex(text).segments
    assert _trimmed(segment.elements) == _trimmed(elements)


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_parse_errors(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        lex(data)
