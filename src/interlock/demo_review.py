"""The review half of ``interlock demo``: a risk rule through its four-eyes workflow before the
day is ingested, then the alerts the day raised, one reviewed and confirmed by a person with
its checklist and reason, the rapid-response notifications that queued, its explanation
pack, and the audit log verified.

The accounts are synthetic (``demo-author``, ``demo-approver``, ``demo-reviewer``) and have
no passwords: the demo acts as them in-process, as an operator's session would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select

from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.alerts import CHECKLISTS, AlertDesk, CauseKind, explanation_pack, render_pack_html
from interlock.alerts.service import alert_desk
from interlock.errors import NotFoundError
from interlock.settings import Settings
from interlock.store import Store
from interlock.store.schema_alerts import AlertRow

RULE_NAME = "demo-co-travel-with-match"
ACCOUNTS = {
    "demo-author": Role.RULE_AUTHOR,
    "demo-approver": Role.RULE_APPROVER,
    "demo-reviewer": Role.REVIEWER,
}
ACCESS = AccessPurpose(Purpose.TERRORIST_OFFENCE, "demo: synthetic day, review walk-through")
REVIEW_REASON = (
    "Name, birth date and passport of the traveller agree with the entry as the features "
    "show; no exonerating fact found (synthetic demo review)."
)


def rule_source(review_by: str) -> str:
    """The demo's rule: travelling on one booking with someone who matched a list."""
    return f"""\
name: {RULE_NAME}
title: Booked together with a traveller who matched a watchlist
category: co-travel
severity: medium
purpose: terrorist-offence
legal_basis: >-
  Synthetic demonstration rule in the pattern of Directive (EU) 2016/681 Art. 6(3)(b)
  (assessment against pre-determined criteria); not a real criterion.
review_by: {review_by}
description: >-
  A companion on the booking of a listed person is worth a look; the review decides.
when:
  all:
    - {{field: co_travel_with_match, op: is, value: true}}
unless:
  any:
    - {{field: traveller.role, op: eq, value: crew}}
"""


@dataclass(slots=True)
class ReviewResult:
    """What the review half did (for tests and callers)."""

    rule_active: bool = False
    alerts: dict[str, int] = field(default_factory=dict)
    confirmed: int | None = None
    notifications: list[int] = field(default_factory=list)
    pack: Path | None = None
    audit_ok: bool = False
    audit_entries: int = 0


def _principal(store: Store, username: str) -> Principal:
    try:
        user = store.users.get(username)
    except NotFoundError:
        user = store.users.create(
            username,
            (ACCOUNTS[username],),
            service=False,
            password=f"synthetic-{username}-not-for-login",
        )
    return user.principal("demo")


def prepare_rule(out: Console, store: Store, now: datetime) -> bool:
    """Draft, submit, backtest and approve the demo rule (two people), unless it is active."""
    from interlock.rules.backtest import backtest_rule
    from interlock.rules.workflow import RuleWorkflow

    author = _principal(store, "demo-author")
    approver = _principal(store, "demo-approver")
    flow = RuleWorkflow(store.sessions)
    known = {info.name: info for info in flow.rules(author)}
    if RULE_NAME in known and known[RULE_NAME].status == "active":
        out.print(f"   rule {RULE_NAME} is already active (version {known[RULE_NAME].version})")
        return True
    today = max(now, datetime.now(UTC)).date()
    draft = flow.draft(author, rule_source((today + timedelta(days=365)).isoformat()))
    flow.submit(author, RULE_NAME)
    test = backtest_rule(store.sessions, approver, ACCESS, RULE_NAME)
    active = flow.approve(approver, RULE_NAME, today=today)
    out.print(
        f"   rule {RULE_NAME} v{draft.version}: drafted by {author.username}, backtested "
        f"on {test.get('evaluated', 0)} stored travellers ({test.get('flagged', 0)} "
        f"flagged), approved by {approver.username} — {active.status}",
        highlight=False,
    )
    return active.status == "active"


def review_alerts(
    out: Console, store: Store, settings: Settings, flight_keys: list[str], packs: Path
) -> ReviewResult:
    """Show the day's alerts, review and confirm the most urgent open one, show what the
    playbook queued, write its explanation pack, verify the audit log."""
    result = ReviewResult()
    reviewer = _principal(store, "demo-reviewer")
    desk = alert_desk(store, settings)
    with store.sessions() as session:
        counts = session.execute(
            select(AlertRow.category, AlertRow.status, func.count())
            .where(AlertRow.flight_key.in_(flight_keys))
            .group_by(AlertRow.category, AlertRow.status)
        ).all()
    for category, status, number in counts:
        result.alerts[f"{category} {status}"] = number
    total = sum(result.alerts.values())
    out.print(
        f"   {total} alerts on the day's flights: "
        + ", ".join(f"{n} {k}" for k, n in sorted(result.alerts.items())),
        highlight=False,
    )
    queue = [row for row in desk.queue(reviewer, ACCESS) if row["flight_key"] in flight_keys]
    _print_queue(out, queue[:8])
    confirmed = next((row["id"] for row in queue if row["status"] == "confirmed"), None)
    candidate = next((row for row in queue if row["status"] in ("new", "under_review")), None)
    if confirmed is not None:
        out.print(f"   alert {confirmed} was confirmed by an earlier run; no other is decided")
    elif candidate is None:
        out.print("   no open alert to review")
    else:
        result.confirmed, result.notifications = _confirm(out, desk, reviewer, candidate)
    decided = result.confirmed or confirmed
    if decided is not None:
        pack = explanation_pack(store.sessions, reviewer, ACCESS, decided)
        packs.mkdir(parents=True, exist_ok=True)
        result.pack = packs / f"alert-{decided}.html"
        result.pack.write_text(render_pack_html(pack), encoding="utf-8")
        out.print(
            f"   explanation pack of alert {decided}: {result.pack} (and as JSON: "
            f"interlock alerts explain {decided})",
            highlight=False,
        )
    report = store.audit.verify()
    result.audit_ok, result.audit_entries = report.ok, report.entries
    state = "intact" if report.ok else f"[red]BROKEN[/] {report.problems[:3]}"
    out.print(
        f"   audit log: {report.entries} entries, hash chain {state} (interlock audit verify)",
        highlight=False,
    )
    return result


def _print_queue(out: Console, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = Table(title="the review queue (open first, by priority and deadline)")
    for header in ("alert", "flags", "status", "priority", "band", "cause", "flight", "due"):
        table.add_column(header, overflow="fold")
    for row in rows:
        cause = f"{row['list']} {row['entry_id']}" if row["entry_id"] else f"rule {row['rule']}"
        flags = ", ".join(str(f.get("flag")) for f in row["humanitarian"])
        table.add_row(
            str(row["id"]),
            flags,
            row["status"],
            str(row["priority"]),
            row["band"] or "—",
            escape(cause),
            row["flight_key"] or "",
            row["due_at"][11:16],
        )
    out.print(table)


def _confirm(
    out: Console, desk: AlertDesk, reviewer: Principal, row: dict[str, Any]
) -> tuple[int, list[int]]:
    view = desk.start_review(reviewer, ACCESS, row["id"])
    kind = CauseKind(row["cause"])
    traveller = view["traveller"]
    out.print(
        f"   {reviewer.username} reviews alert {row['id']}: "
        f"{escape(traveller.get('given_names', ''))} {escape(traveller.get('surname', ''))}"
        f" — band {view['band']}, {len(view['evidence'].get('features', []))} features, "
        f"{len(view['exonerating'])} exonerating facts, "
        f"{len(view['checklist'])} checklist items",
        highlight=False,
    )
    answers = dict.fromkeys(CHECKLISTS[kind], "yes")
    done = desk.decide(reviewer, ACCESS, row["id"], "confirmed", answers, REVIEW_REASON)
    events = desk.view(reviewer, ACCESS, row["id"])["timeline"]
    notified = [e for e in events if e["kind"] == "notified"]
    ids = list(notified[-1]["detail"].get("notifications", [])) if notified else []
    out.print(
        f"   alert {row['id']} {done['status']}; rapid response queued "
        f"{len(ids)} notification(s) (playbook "
        f"{notified[-1]['detail'].get('playbook') if notified else '—'}); "
        "`interlock notify run` or `interlock serve` sends them",
        highlight=False,
    )
    return row["id"], ids
