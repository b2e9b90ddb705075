"""Format detection from content, and the one entry point that parses any message.

Detection looks only at the content, never at the file name:

- UN/EDIFACT (starts with UNA/UNB/UNG/UNH): the message type in UNH (or UNG) says
  PAXLST or PNRGOV;
- ICAO 9303 machine-readable zones: lines of ``A-Z0-9<`` of length 30, 36 or 44;
- JSON lines: the first non-blank line is a JSON object;
- CSV: a header row naming ``surname`` or ``name``.
"""

from __future__ import annotations

import logging

from interlock.errors import ParseError, UnknownFormatError
from interlock.ingest.edifact import Interchange, decode, lex, looks_like_edifact
from interlock.ingest.mrz import looks_like_mrz, parse_mrz_text
from interlock.ingest.paxlst import parse_paxlst
from interlock.ingest.pnrgov import parse_pnrgov
from interlock.ingest.tabular import parse_csv, parse_jsonl
from interlock.model import Format, ParsedMessage

logger = logging.getLogger("interlock.ingest")


def detect_format(data: bytes | str) -> Format:
    """The format of a message, from its content. Raises :class:`UnknownFormatError`."""
    text = decode(data)
    if looks_like_edifact(text):
        return _edifact_format(lex(text))
    return _text_format(text)


def parse_message(data: bytes | str, *, source: str = "") -> list[ParsedMessage]:
    """Detect the format and parse. One input may hold several messages (manifests, PNR pushes,
    MRZs). Raises :class:`interlock.errors.ParseError` when nothing can be read, and only that:
    a defect in a parser surfaces as a ParseError naming the input (its type is logged)."""
    try:
        return _parse(data, source)
    except ParseError:
        raise
    except Exception as exc:
        # The type and the place only: a traceback may quote message content (SG-37).
        logger.error("parser defect on %s: %s", source or "input", type(exc).__name__)
        reason = f"internal parser error ({type(exc).__name__}); the message is kept for review"
        raise ParseError(reason, location=source or "input") from exc


def _parse(data: bytes | str, source: str) -> list[ParsedMessage]:
    text = decode(data)
    if not text.strip():
        raise ParseError("empty input", location=source or "input")
    if looks_like_edifact(text):
        interchange = lex(text, source=source)
        if _edifact_format(interchange, source) is Format.PAXLST:
            return parse_paxlst(interchange, source=source)
        return parse_pnrgov(interchange, source=source)
    fmt = _text_format(text, source)
    if fmt is Format.MRZ:
        return parse_mrz_text(text, source=source)
    if fmt is Format.JSONL:
        return [parse_jsonl(text, source=source)]
    return [parse_csv(text, source=source)]


def _edifact_format(interchange: Interchange, source: str = "") -> Format:
    for segment in interchange.segments:
        if segment.tag == "UNH":
            kind = segment.get(2, 0).strip().upper()
        elif segment.tag == "UNG":
            kind = segment.get(1, 0).strip().upper()
        else:
            continue
        if kind == "PAXLST":
            return Format.PAXLST
        if kind == "PNRGOV":
            return Format.PNRGOV
        raise UnknownFormatError(
            f"EDIFACT message type {kind!r} is not PAXLST or PNRGOV",
            location=_at(source, segment.location),
        )
    raise UnknownFormatError("EDIFACT interchange without a UNH message header",
                             location=_at(source, "segment 1"))  # fmt: skip


def _text_format(text: str, source: str = "") -> Format:
    if looks_like_mrz(text):
        return Format.MRZ
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        return Format.JSONL
    header = {h.strip().strip('"').lower() for h in first.split(",")}
    if header & {"surname", "name"}:
        return Format.CSV
    raise UnknownFormatError(
        "not PAXLST, PNRGOV, an ICAO 9303 MRZ, JSON lines or a CSV with a "
        "'surname' or 'name' header",
        location=_at(source, "line 1"),
    )


def _at(source: str, place: str) -> str:
    return f"{source}: {place}" if source else place
