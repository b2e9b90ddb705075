"""``interlock stats`` (SG-60) and ``interlock transparency`` (SG-48).

``stats`` acts as the signed-in account (it needs ``stats.read``; the reading is audited) and
prints aggregates only, small counts as ``<5``. ``transparency`` writes the public page (HTML,
or JSON with ``--json``) to stdout or a file, for publishing on a web site; it reads only
configuration, registries and suppressed aggregates, so it needs no account.

The two are plain functions, so the ``interlock`` command can register them at its top level;
:data:`app` holds both too, for mounting as a group.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.cli_auth import AsOption, cli_principal
from interlock.settings import get_settings

if TYPE_CHECKING:
    from interlock.store import Store

app = typer.Typer(
    help="Oversight: statistics (SG-60) and the public transparency page (SG-48).",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
out = Console()
OUTCOMES = ("confirmed", "dismissed", "open")


def _open() -> Store:
    from interlock.store import Store

    return Store.from_settings(get_settings())


@app.command("stats")
def stats(
    year: Annotated[
        int | None, typer.Option(help="Calendar year (UTC); default: this year.")
    ] = None,
    month: Annotated[int | None, typer.Option(help="One month of the year.", min=1, max=12)] = None,
    as_user: AsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Aggregate figures of a year or month: travellers, matches, alerts by cause, rule
    versions by nationality group, lists, actions on persons, retention. Counts below the
    threshold show as `<5`; no name or id is printed. The reading is audited."""
    from interlock.oversight import OversightConfig, Statistics, StatsPeriod

    settings = get_settings()
    config = OversightConfig.from_settings(settings)
    period = StatsPeriod(year or datetime.now(UTC).year, month)
    store = _open()
    try:
        principal = cli_principal(store, as_user)
        figures = Statistics(store.sessions, min_count=config.min_count).read(principal, period)
    finally:
        store.dispose()
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
        return
    print_figures(out, figures)


def print_figures(console: Console, figures: dict[str, Any]) -> None:
    """The published figures as tables."""
    travellers, alerts = figures["travellers"], figures["alerts"]
    console.print(f"[bold]statistics {figures['period']['label']}[/] (UTC; counts below "
                  f"{figures['min_count']} shown as <{figures['min_count']})")  # fmt: skip
    table = Table("figure", "count")
    for key, value in travellers.items():
        label = {
            "processed": "travellers processed",
            "screened": "travellers screened (screenings)",
            "matched": "travellers matched",
        }.get(key, f"… from {key}")
        table.add_row(label, _cell(value))
    for key in ("raised", *OUTCOMES):
        table.add_row(f"alerts {key}", _cell(alerts[key]))
    console.print(table)
    table = Table("alerts by cause", "raised", *OUTCOMES)
    for kind, counts in alerts["by_cause"].items():
        table.add_row(kind, *(_cell(counts[k]) for k in ("raised", *OUTCOMES)))
    console.print(table)
    table = Table("rule", "version", "group", "hits", *OUTCOMES)
    for rule in figures["rules"]:
        table.add_row(rule["rule"], str(rule["version"]), "all",
                      *(_cell(rule[k]) for k in ("hits", *OUTCOMES)))  # fmt: skip
        for group, counts in rule["by_group"].items():
            table.add_row("", "", group, *(_cell(counts[k]) for k in ("hits", *OUTCOMES)))
    console.print(table)
    table = Table("list", "alerts", *OUTCOMES)
    for row in figures["lists"]:
        table.add_row(row["list"], *(_cell(row[k]) for k in ("alerts", *OUTCOMES)))
    console.print(table)
    table = Table("actions on persons", "count")
    for kind, value in figures["actions"].items():
        table.add_row(kind, _cell(value))
    console.print(table)
    retention = figures["retention"]
    table = Table("retention", "deleted", "depersonalised")
    table.add_row("runs", str(retention["runs"]), "")
    for kind in sorted(set(retention["deleted"]) | set(retention["depersonalised"])):
        table.add_row(kind, _cell(retention["deleted"].get(kind, 0)),
                      _cell(retention["depersonalised"].get(kind, 0)))  # fmt: skip
    console.print(table)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


@app.command("transparency")
def transparency(
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the page to this file, not stdout.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The page's content as JSON.")] = False,
) -> None:
    """Write the public transparency page (SG-48): who runs the node, legal bases and purposes,
    retention periods and their sources, watchlists, rules in force, partners, rights, yearly
    statistics. No personal data; no sign-in needed."""
    from interlock.oversight import OversightConfig
    from interlock.oversight.transparency import render_html, transparency_document
    from interlock.retention.policy import RetentionPolicy

    settings = get_settings()
    policy = RetentionPolicy.of(settings.retention_pnr_months, settings.retention_max_months)
    store = _open()
    try:
        document = transparency_document(store, OversightConfig.from_settings(settings), policy)
    finally:
        store.dispose()
    text = json.dumps(document, ensure_ascii=False, indent=2) if as_json else render_html(document)
    if output is None:
        sys.stdout.write(text + "\n")
        return
    output.write_text(text + "\n", encoding="utf-8")
    out.print(f"transparency page written to {output}", highlight=False)
