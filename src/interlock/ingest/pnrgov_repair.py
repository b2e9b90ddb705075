"""PNRGOV message framing and repair of run-on segments.

:func:`split_messages` cuts an interchange into UNH … UNT messages. :func:`repair_run_on`
mends a common carrier fault: a missing segment terminator glues the next segment onto the
previous one (``RPI+1+HKIFT+4:19+…`` is ``RPI+1+HK'`` then ``IFT+4:19+…'``). It applies only
where the first segment then has more data elements than its PNRGOV definition allows and one
of its elements ends with a PNRGOV segment tag; each repair is a warning naming the segment.
"""

from __future__ import annotations

from collections.abc import Iterator

from interlock.ingest import pnr_minimise as minimise
from interlock.ingest.edifact import Segment
from interlock.model import Issue

# Most data elements a segment has in PNRGOV 10.1-16.1 (only segments that are often glued).
_MAX_ELEMENTS = {
    "RPI": 2, "EQN": 1, "MSG": 2, "ORG": 9, "SAC": 4, "SRC": 1, "TRI": 3, "APD": 2,
}  # fmt: skip
_TAGS = frozenset(minimise.SEGMENT_ELEMENTS) | {"IFT", "SSR", "LTS", "UNT"}
_CLOSERS = frozenset({"UNE", "UNZ", "UNB", "UNG"})


def split_messages(segments: list[Segment]) -> list[list[Segment]]:
    """The UNH … UNT runs of an interchange; a message without UNT ends where the next starts."""
    messages: list[list[Segment]] = []
    current: list[Segment] | None = None
    for segment in segments:
        if segment.tag == "UNH":
            current = [segment]
            messages.append(current)
        elif current is not None and segment.tag in _CLOSERS:
            current = None
        elif current is not None:
            current.append(segment)
            if segment.tag == "UNT":
                current = None
    return messages


def check_trailer(body: list[Segment], warnings: list[Issue]) -> None:
    """Warn when a message has no UNT, or its UNT segment count disagrees with the message."""
    last = body[-1]
    if last.tag != "UNT":
        warnings.append(Issue(body[0].location, "message has no UNT trailer"))
        return
    declared = last.get(1, 0).strip()
    if declared.isascii() and declared.isdigit() and int(declared) != len(body):
        reason = f"UNT declares {int(declared)} segments, the message has {len(body)}"
        warnings.append(Issue(last.location, reason))


def repair_run_on(body: list[Segment], warnings: list[Issue]) -> Iterator[Segment]:
    """The message's segments, with run-on segments split in two (each with a warning)."""
    for segment in body:
        while True:
            split = _split(segment)
            if split is None:
                yield segment
                break
            first, second = split
            reason = f"segment terminator missing before {second.tag}; read as two segments"
            warnings.append(Issue(segment.location, reason))
            yield first
            segment = second


def _split(segment: Segment) -> tuple[Segment, Segment] | None:
    limit = _MAX_ELEMENTS.get(segment.tag)
    if limit is None or len(segment.elements) <= limit:
        return None
    for index in range(1, len(segment.elements)):
        element = segment.elements[index]
        glued = element[0].strip() if len(element) == 1 else ""
        if len(glued) > 3 and glued[-3:] in _TAGS:
            head = [*segment.elements[:index], [glued[:-3]]]
            return (
                Segment(segment.tag, head, segment.number),
                Segment(glued[-3:], segment.elements[index + 1 :], segment.number),
            )
    return None
