"""``interlock rules``: write, check, backtest and approve risk rules (SG-10..SG-15).

``validate`` needs no account (it reads a file). Everything else acts as an account of the
node (``--as USER`` or ``INTERLOCK_TOKEN``) with the same permission checks as the API;
``backtest`` runs the rule over personal data and so takes a purpose and a reason (SG-01).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.roles import Action
from interlock.cli_auth import AsOption, PurposeOption, ReasonOption, cli_principal, cli_purpose
from interlock.cli_users import open_store, require
from interlock.errors import NotFoundError
from interlock.rules.backtest import backtest_rule
from interlock.rules.quality import rule_quality
from interlock.rules.validate import RuleInvalidError, parse_rule
from interlock.rules.workflow import RuleWorkflow

app = typer.Typer(
    help="Risk rules: validate, draft, submit, backtest, approve (SG-10..SG-15).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

FileArgument = Annotated[Path, typer.Argument(help="The rule's YAML file.")]
NameArgument = Annotated[str, typer.Argument(help="The rule's name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _read(path: Path) -> str:
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    return path.read_text(encoding="utf-8")


@app.command()
def validate(path: FileArgument) -> None:
    """Check a rule file: every problem is printed with its place (`when.all[2].field`)."""
    try:
        rule = parse_rule(_read(path))
    except RuleInvalidError as exc:
        for problem in exc.problems:
            err.print(f"{path}: {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    protected = ", ".join(sorted(rule.protected_fields)) or "none"
    out.print(f"{path}: rule {rule.name} is valid (protected fields: {protected})", highlight=False)


@app.command()
def draft(path: FileArgument, as_user: AsOption = None) -> None:
    """Store a rule file as a draft (a new rule, or the next version of one)."""
    source = _read(path)
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_DRAFT)
        version = RuleWorkflow(store.sessions).draft(principal, source)
    out.print(f"rule {version.name} version {version.version}: draft", highlight=False)


@app.command()
def submit(name: NameArgument, as_user: AsOption = None) -> None:
    """Put a rule's draft up for approval; it can no longer change."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_DRAFT)
        version = RuleWorkflow(store.sessions).submit(principal, name)
    out.print(f"rule {version.name} version {version.version}: submitted", highlight=False)


@app.command()
def backtest(
    name: NameArgument,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    version: Annotated[int | None, typer.Option(help="Version (default: the newest).")] = None,
    departure_from: Annotated[str | None, typer.Option(help="First departure day.")] = None,
    departure_to: Annotated[str | None, typer.Option(help="Last departure day.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a rule version over the stored travellers: flagged, by nationality group, and the
    disparate-impact ratio (SG-11). The result is stored on the version."""
    access = cli_purpose(purpose, reason)
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_BACKTEST)
        result = backtest_rule(
            store.sessions,
            principal,
            access,
            name,
            version=version,
            departure_from=_day(departure_from),
            departure_to=_day(departure_to),
        )
    if as_json:
        out.print_json(json.dumps(result))
        return
    print_backtest(result)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def print_backtest(result: dict[str, Any]) -> None:
    out.print(
        f"rule {result['rule']} version {result['version']}: {result['flagged']} of "
        f"{result['evaluated']} travellers flagged",
        highlight=False,
    )
    table = Table("nationality group", "travellers", "flagged", "rate")
    for group, row in result["groups"].items():
        table.add_row(group, str(row["travellers"]), str(row["flagged"]), f"{row['rate']:.4f}")
    out.print(table)
    impact = result["disparate_impact"]
    if impact["ratio"] is None:
        out.print(
            "disparate impact: not computable (fewer than two groups of "
            f"{impact['min_group']}+ travellers, or none flagged)",
            highlight=False,
        )
        return
    verdict = "CONCERN" if impact["concern"] else "ok"
    out.print(
        f"disparate impact: {impact['ratio']:.3f} ({impact['lowest']} / "
        f"{impact['highest']}), {verdict}",
        highlight=False,
    )


@app.command()
def approve(
    name: NameArgument,
    reason: Annotated[
        str | None,
        typer.Option(help="Required when the backtest shows a disparate-impact concern."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Approve and activate a submitted version (not its author; after a backtest)."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_APPROVE)
        version = RuleWorkflow(store.sessions).approve(principal, name, reason=reason)
    out.print(f"rule {version.name} version {version.version}: active", highlight=False)


@app.command("list")
def list_rules(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Every rule's newest version: status, severity, author, approver, review-by date."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_READ)
        found = RuleWorkflow(store.sessions).rules(principal)
    if as_json:
        out.print_json(json.dumps([v.to_dict() for v in found]))
        return
    table = Table("rule", "version", "status", "severity", "author", "approver", "review by")
    for v in found:
        table.add_row(
            v.name,
            str(v.version),
            v.status,
            v.severity,
            v.author,
            v.approver or "",
            v.review_by.isoformat(),
        )
    out.print(table)


@app.command()
def show(name: NameArgument, as_user: AsOption = None) -> None:
    """Every version of one rule with its metadata, source and last backtest (JSON)."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_READ)
        versions = RuleWorkflow(store.sessions).versions(principal, name)
    out.print_json(json.dumps([v.to_dict() for v in versions]))


@app.command()
def quality(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Per rule version: hits, confirmed, dismissed, open; flagged for review (SG-15)."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.RULE_READ)
        found = rule_quality(store.sessions, principal)
    if as_json:
        out.print_json(json.dumps([q.to_dict() for q in found]))
        return
    table = Table("rule", "version", "hits", "confirmed", "dismissed", "open", "review?")
    for q in found:
        t = q.total
        table.add_row(
            q.rule_name,
            str(q.rule_version),
            str(t.hits),
            str(t.confirmed),
            str(t.dismissed),
            str(t.open),
            "FLAGGED" if q.flagged else "",
        )
    out.print(table)
