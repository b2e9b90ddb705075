"""Screening queries and their results: plain typed data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from interlock.watchlists.model import EntryKind, PartialDate


@dataclass(slots=True)
class Query:
    """One person (or organisation) to screen.

    Give ``name`` (the whole name, any order) or ``given_names`` and ``surname``. Countries are
    ISO alpha-3 (use :func:`interlock.model.countries.to_alpha3` on other codes); ``gender`` is
    ``"M"`` or ``"F"``.
    """

    name: str = ""
    given_names: str = ""
    surname: str = ""
    id: str | None = None
    birth_date: PartialDate | None = None
    nationality: str | None = None
    gender: str | None = None
    document_number: str | None = None
    document_country: str | None = None
    kind: EntryKind = EntryKind.PERSON

    @property
    def full_name(self) -> str:
        """The name as one string: ``name`` or ``given_names surname``."""
        if self.name:
            return self.name
        return " ".join(part for part in (self.given_names, self.surname) if part)


class Band(StrEnum):
    """Calibrated score bands shown to reviewers instead of a verdict (SG-22)."""

    HIGH = "high"  # strong evidence: a reviewer should look first
    MEDIUM = "medium"  # plausible: review
    LOW = "low"  # weak: above the threshold but most such matches are not the person


@dataclass(slots=True, frozen=True)
class Explanation:
    """One feature of a score: what it compared, what it weighed and why."""

    feature: str
    weight: float
    query_value: str
    entry_value: str
    reason: str

    def as_dict(self) -> dict[str, str | float]:
        """The explanation as a JSON-ready mapping."""
        return {
            "feature": self.feature,
            "weight": round(self.weight, 4),
            "query_value": self.query_value,
            "entry_value": self.entry_value,
            "reason": self.reason,
        }


@dataclass(slots=True)
class Match:
    """A watchlist entry that scored above the threshold for a query."""

    entry_id: str
    list_name: str
    score: float
    band: Band
    matched_name: str = ""
    explanations: list[Explanation] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The match as a JSON-ready mapping (the ``interlock screen --json`` contract)."""
        return {
            "entry_id": self.entry_id,
            "list": self.list_name,
            "score": round(self.score, 4),
            "band": self.band.value,
            "matched_name": self.matched_name,
            "explanations": [item.as_dict() for item in self.explanations],
        }
