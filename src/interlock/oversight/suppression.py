"""Small-count suppression of published figures (SG-60: aggregates that single nobody out).

A count of people below the threshold ``min_count`` (default 5) is published as ``"<5"``:
"one traveller of nationality group X was confirmed under rule R in March" points at a person
as surely as a name. Zero stays zero: it describes nobody.

Hiding one small cell is not enough when the total beside it is shown: total minus the other
cells gives it back. So wherever a row of cells adds up to a shown total and exactly one cell
is hidden, the smallest other non-zero cell is hidden too (secondary suppression), published
as :data:`SUPPRESSED` because it is not small. The same is done down a column of rows that add
up to a total. This is a guard against the obvious subtraction, not a full statistical
disclosure control: figures of different tables and periods can still be set against each
other, which is why the threshold should stay well above 1.
"""

from __future__ import annotations

from collections.abc import Mapping

Cell = int | str
"""A published count: the number, ``"<N"`` when small, or :data:`SUPPRESSED`."""

MIN_COUNT = 5
"""Default threshold: counts from 1 to ``MIN_COUNT - 1`` are published as ``"<MIN_COUNT"``."""

SUPPRESSED = "suppressed"
"""A count of at least the threshold, hidden so that a small one cannot be worked out."""


def small(min_count: int) -> str:
    """The published form of a small count, e.g. ``"<5"``."""
    return f"<{min_count}"


def cell(count: int, min_count: int) -> Cell:
    """``count`` as published: itself, or ``"<min_count"`` when between 1 and the threshold."""
    return small(min_count) if 0 < count < min_count else count


def row(counts: Mapping[str, int], total_key: str, min_count: int) -> dict[str, Cell]:
    """A row of counts whose parts add up to ``counts[total_key]``, suppressed: small cells
    hidden, and a second cell when exactly one part is hidden beside a shown total."""
    cells: dict[str, Cell] = {name: cell(n, min_count) for name, n in counts.items()}
    if counts[total_key] >= min_count:
        parts = [name for name in counts if name != total_key]
        _hide_second(cells, {name: counts[name] for name in parts})
    return cells


def table(
    rows: Mapping[str, Mapping[str, int]], total_key: str, min_count: int
) -> dict[str, dict[str, Cell]]:
    """Rows (each as :func:`row`) whose ``total_key`` cells add up to a total shown
    elsewhere: when exactly one row's total is hidden, the smallest other row is hidden
    whole."""
    published = {name: row(counts, total_key, min_count) for name, counts in rows.items()}
    overall = sum(counts[total_key] for counts in rows.values())
    if overall >= min_count:
        column: dict[str, Cell] = {name: published[name][total_key] for name in rows}
        hidden = _hide_second(column, {name: rows[name][total_key] for name in rows})
        if hidden is not None:
            published[hidden] = {
                key: SUPPRESSED if isinstance(value, int) and value > 0 else value
                for key, value in published[hidden].items()
            }
    return published


def _hide_second(cells: dict[str, Cell], counts: Mapping[str, int]) -> str | None:
    """When exactly one of ``counts`` is hidden in ``cells``, hide the smallest other
    non-zero one as :data:`SUPPRESSED`; its name, or None."""
    hidden = [name for name in counts if isinstance(cells[name], str)]
    if len(hidden) != 1:
        return None
    others = sorted((n, name) for name, n in counts.items() if name not in hidden and n > 0)
    if not others:
        return None
    name = others[0][1]
    cells[name] = SUPPRESSED
    return name
