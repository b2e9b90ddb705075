"""Strict reading of the properties of one JSON object in a STIX bundle: :class:`Fields`
gives each property as the type asked for, or a :class:`~interlock.errors.ParseError` naming
where the object sits and the key. Pure: no I/O."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from interlock.errors import ParseError
from interlock.sharing.stix_syntax import DAY, STIX_ID, parse_timestamp

_E = TypeVar("_E", bound=StrEnum)


class Fields:
    """Typed access to the properties of one JSON object; errors name ``where`` and the key."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ParseError("expected a JSON object", location=where)
        self.data: dict[str, Any] = data
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value):
            raise ParseError("expected a non-empty string", location=self.at(key))
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ParseError("expected true or false", location=self.at(key))
        return value

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ParseError(f"expected an integer from {low} to {high}", location=self.at(key))
        return int(value)

    def stamp(self, key: str, *, required: bool = False) -> datetime | None:
        if key not in self.data and not required:
            return None
        return parse_timestamp(self.data.get(key), self.at(key))

    def day(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        match = DAY.match(value) if isinstance(value, str) else None
        try:
            if match is None:
                raise ValueError("expected YYYY-MM-DD")
            return date(*(int(part) for part in match.groups()))
        except ValueError as err:
            raise ParseError(f"not a date: {err}", location=self.at(key)) from err

    def ref(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is not None and not STIX_ID.match(value):
            raise ParseError("expected a STIX identifier (type--uuid)", location=self.at(key))
        return value

    def items(self, key: str) -> list[Fields]:
        return [Fields(item, f"{self.at(key)}[{i}]") for i, item in enumerate(self._list(key))]

    def strings(self, key: str) -> list[str]:
        values = self._list(key)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise ParseError("expected a string", location=f"{self.at(key)}[{i}]")
        return values

    def refs(self, key: str) -> list[str]:
        values = self.strings(key)
        for i, value in enumerate(values):
            if not STIX_ID.match(value):
                raise ParseError("expected a STIX identifier", location=f"{self.at(key)}[{i}]")
        return values

    def _list(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise ParseError("expected a list", location=self.at(key))
        return value

    def choice(self, key: str, enum: type[_E], default: _E) -> _E:
        value = self.text(key)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError as err:
            allowed = ", ".join(member.value for member in enum)
            raise ParseError(f"expected one of {allowed}", location=self.at(key)) from err
