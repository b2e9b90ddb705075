"""Strict JSON for what travels between nodes: canonical JSON out, and in, a reader that
refuses duplicate keys, NaN and infinities, and names the field of every problem
(:class:`~interlock.errors.ParseError`)."""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from interlock.errors import ParseError
from interlock.sharing.identity import NODE_NAME

E = TypeVar("E", bound=StrEnum)

GROUP_REF = re.compile(r"[^@\s]{1,64}@[1-9][0-9]{0,8}")
"""A sharing group as terms name it: ``name@version``."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


# --- canonical JSON -------------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8; NaN and infinities refused (ValueError)."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number out of range: {text}")
    return number


def _no_constant(text: str) -> object:
    raise ValueError(f"{text} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        raise ValueError(f"duplicate key {next(k for k in keys if keys.count(k) > 1)!r}")
    return result


def _load_json(data: bytes, what: str) -> object:
    """Strict JSON: UTF-8, unique keys, finite numbers, strings that are valid Unicode."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_keys,
            parse_float=_finite,
            parse_constant=_no_constant,
        )
        canonical_json(value)  # a lone surrogate ("\ud800") cannot be written back
    except (ValueError, RecursionError) as exc:  # UnicodeError and JSONDecodeError included
        raise ParseError(f"not a JSON {what}: {exc}", location=what) from None
    return value


# --- reading fields -------------------------------------------------------------------------


def _day_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a naive datetime has no place in a message: give it UTC")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Reader:
    """Typed access to one JSON object; every ParseError names ``where.key``."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise ParseError("expected an object", location=where or "(top)")
        self.data: dict[str, Any] = value
        self.where = where

    def loc(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str) -> object:
        if key not in self.data:
            raise ParseError("missing", location=self.loc(key))
        return self.data[key]

    def close(self, known: frozenset[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise ParseError("unknown field", location=self.loc(unknown[0]))

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ParseError("expected a string", location=self.loc(key))
        return value

    def integer(self, key: str, minimum: int) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParseError(f"expected an integer of at least {minimum}", location=self.loc(key))
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise ParseError("expected true or false", location=self.loc(key))
        return value

    def enum(self, key: str, kind: type[E]) -> E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(member) for member in kind)
            raise ParseError(f"{value!r} is not one of {allowed}", location=self.loc(key)) from None

    def node(self, key: str) -> str:
        return _node_name(self.text(key), self.loc(key))

    def nodes(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list):
            raise ParseError("expected a list of node names", location=self.loc(key))
        names = tuple(_node_name(v, f"{self.loc(key)}[{i}]") for i, v in enumerate(value))
        if len(set(names)) != len(names):
            raise ParseError("a node is listed twice", location=self.loc(key))
        return names

    def optional_uuid(self, key: str) -> str | None:
        return None if self.get(key) is None else self.uuid(key)

    def uuid(self, key: str) -> str:
        value = self.get(key)
        if isinstance(value, str):
            try:
                if str(uuid.UUID(value)) == value:
                    return value
            except ValueError:
                pass
        raise ParseError("expected a UUID in lower-case canonical form", location=self.loc(key))

    def day(self, key: str) -> date | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str) and _DAY.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ParseError("expected a date YYYY-MM-DD or null", location=self.loc(key))

    def moment(self, key: str) -> datetime:
        value = self.text(key)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() != timedelta(0):
            raise ParseError("expected an RFC 3339 time in UTC", location=self.loc(key))
        return moment.astimezone(UTC)

    def group(self, key: str) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str) and GROUP_REF.fullmatch(value):
            return value
        raise ParseError("expected name@version or null", location=self.loc(key))


def _node_name(value: object, where: str) -> str:
    if isinstance(value, str) and NODE_NAME.fullmatch(value):
        return value
    raise ParseError("not a node name", location=where)
