"""How screening results are printed: one JSON object per traveller, or a table for people.

The table shows a score band next to the score, never a verdict (SG-22).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from interlock.screening.model import Band, Match

_BAND_STYLE = {Band.HIGH: "bold red", Band.MEDIUM: "yellow", Band.LOW: "dim"}


def result_object(traveller: dict[str, Any], matches: list[Match]) -> dict[str, Any]:
    """The ``screen --json`` contract: ``{"traveller": {...}, "matches": [...]}``."""
    return {"traveller": traveller, "matches": [match.as_dict() for match in matches]}


def traveller_name(view: dict[str, Any]) -> str:
    """The name of a traveller or query view, as printed."""
    if view.get("name"):
        return str(view["name"])
    given, surname = view.get("given_names") or "", view.get("surname") or ""
    return f"{surname}, {given}" if given and surname else surname or given


def top_reasons(match: Match, count: int = 3) -> str:
    """The reasons of the ``count`` features that weighed most, either way."""
    ranked = sorted(match.explanations, key=lambda item: abs(item.weight), reverse=True)
    return "; ".join(item.reason for item in ranked[:count] if item.reason)


@dataclass(slots=True)
class ResultTable:
    """Travellers with matches, collected as they are screened, printed once at the end."""

    screened: int = 0
    rows: list[tuple[dict[str, Any], list[Match]]] = field(default_factory=list)

    def add(self, traveller: dict[str, Any], matches: list[Match]) -> None:
        self.screened += 1
        if matches:
            self.rows.append((traveller, matches))

    def print(self, console: Console) -> None:
        if not self.rows:
            console.print(f"no matches for {self.screened} travellers")
            return
        console.print(self._table())
        console.print(f"{len(self.rows)} of {self.screened} travellers with matches")

    def _table(self) -> Table:
        table = Table(title="Screening matches (bands, not verdicts)", show_lines=True)
        for column in ("traveller", "id", "entry", "list", "score", "band", "top reasons"):
            table.add_column(column, overflow="fold")
        for traveller, matches in self.rows:
            for number, match in enumerate(matches):
                first = number == 0
                table.add_row(
                    traveller_name(traveller) if first else "",
                    str(traveller.get("id") or "") if first else "",
                    f"{match.entry_id}\n{match.matched_name}".strip(),
                    match.list_name,
                    f"{match.score:.2f}",
                    f"[{_BAND_STYLE[match.band]}]{match.band.value}[/]",
                    top_reasons(match),
                )
        return table
