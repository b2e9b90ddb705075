"""FollowTheMoney values: JSON items of a file, property lists, countries, partial dates."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, Protocol

from interlock.errors import ParseError
from interlock.model.countries import to_alpha3
from interlock.watchlists.model import PartialDate

GENDER = {"male": "M", "female": "F"}
# FtM writes ISO alpha-2 in lower case, plus a few codes of its own.
_FTM_COUNTRIES = {"xk": "RKS"}
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?", re.DOTALL)
_BOM = b"\xef\xbb\xbf"


class Report(Protocol):
    def __call__(self, where: str, reason: str, *, error: bool = ...) -> None: ...


def json_items(data: bytes, source: str, problem: Report) -> Iterator[tuple[str, Any]]:
    """(place, decoded JSON) per entity: per line, or per item of one array or object.

    A bad line is reported through ``problem`` and skipped; an array file that is not JSON is a
    :class:`ParseError`, as nothing of it can be read.
    """
    data = data.removeprefix(_BOM)
    if data.lstrip()[:1] == b"[":
        yield from _whole(data, source)
        return
    lines = data.split(b"\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _loads(lines[first]) is None:
        whole = _loads(data)
        if isinstance(whole, dict):
            yield _at(source, f"line {first + 1}"), whole
            return
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            item = _line(raw, _at(source, f"line {number}"), problem)
            if item is not None:
                yield item


def _line(raw: bytes, where: str, problem: Report) -> tuple[str, Any] | None:
    try:
        return where, json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problem(where, f"not UTF-8 at byte {exc.start + 1}; skipped", error=True)
    except json.JSONDecodeError as exc:
        problem(where, f"malformed JSON at column {exc.colno}: {exc.msg}; skipped", error=True)
    except (ValueError, RecursionError) as exc:
        problem(where, f"unreadable JSON: {type(exc).__name__}; skipped", error=True)
    return None


def _whole(data: bytes, source: str) -> Iterator[tuple[str, Any]]:
    try:
        loaded = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError("not UTF-8", location=_at(source, f"line {line}")) from None
    except json.JSONDecodeError as exc:
        where = _at(source, f"line {exc.lineno}, column {exc.colno}")
        raise ParseError(f"malformed JSON: {exc.msg}", location=where) from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"unreadable JSON: {type(exc).__name__}", location=source) from None
    items = loaded if isinstance(loaded, list) else [loaded]
    for number, item in enumerate(items, start=1):
        yield _at(source, f"item {number}"), item


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError included
        return None


def _at(source: str, place: str) -> str:
    return f"{source}: {place}" if source else place


def properties(raw: dict[Any, Any]) -> dict[str, list[str]]:
    """String values per property name, whitespace collapsed; other values are ignored."""
    props: dict[str, list[str]] = {}
    for name, found in raw.items():
        if not isinstance(name, str):
            continue
        texts = [" ".join(v.split()) for v in _listed(found) if isinstance(v, str)]
        kept = [t for i, t in enumerate(texts) if t and t not in texts[:i]]
        if kept:
            props[name] = kept
    return props


def _listed(found: Any) -> list[Any]:
    return found if isinstance(found, list) else [found]


def country(code: str) -> str | None:
    """The alpha-3 code for an FtM country (lower-case alpha-2), or None when unknown."""
    key = code.strip().lower()
    if key in _FTM_COUNTRIES:
        return _FTM_COUNTRIES[key]
    return to_alpha3(key) if len(key) in (2, 3) else None


def partial_date(text: str) -> PartialDate | None:
    """An FtM date as precise as it is written: ``1970``, ``1970-05``, ``1970-05-02``."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    year = int(match.group(1))
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def full_date(text: str) -> date | None:
    """A day from an FtM date when it names one, else None."""
    found = partial_date(text)
    if found is None or found.month is None or found.day is None:
        return None
    return date(found.year, found.month, found.day)
