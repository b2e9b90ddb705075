"""A node's store made ready for the alerts benchmark, as an operator would make it.

With screening on, the store gets what a real node screens with: the UN Security Council
Consolidated List and OFAC's SDN list imported as ``interlock watchlist import`` does, a
synthetic national list of persons sought planted from the very traffic that will be sent
(:func:`interlock.generate.demo_list.build_demo_list`, so alerts are really raised), and two
risk rules put through the four-eyes workflow (drafted, submitted, backtested, approved by two
synthetic accounts). The baseline store has none of these: the same pipeline then stores
without any list or rule to check, which is what the ratio compares against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.demo_review import rule_source
from interlock.generate.demo_list import DemoList, Planted
from interlock.rules.backtest import backtest_rule
from interlock.rules.workflow import RuleWorkflow
from interlock.settings import Settings
from interlock.store import Store
from interlock.store.schema import MatchRow, TravelDocumentRow
from interlock.store.schema_alerts import AlertRow
from interlock.watchlists.importing import import_list
from interlock.watchlists.model import ListType

REPO = Path(__file__).resolve().parents[2]
WATCHLISTS = REPO.parent / "shared" / "data" / "watchlists"
"""The shared data folder beside the repository (as the tests and the demo find it)."""
UN_LIST = WATCHLISTS / "un_sc_consolidated_2024-09-26.xml"
OFAC_LIST = WATCHLISTS / "ofac_sdn_2022-01-31"
CASH_RULE = REPO / "examples" / "rules" / "cash-late-one-way.yaml"

NATIONAL_LIST = "bench-national-sought"
SERVICE_ACCOUNT = "bench-gateway"
ACCESS = AccessPurpose(Purpose.SERIOUS_CRIME, "benchmark: synthetic traffic, rule backtest")
APPROVAL_REASON = "Benchmark approval of a synthetic rule on synthetic traffic; not a real review."


def shared_data_missing() -> str | None:
    """Why the benchmark cannot run here (a list it imports is absent), or None."""
    missing = [str(p) for p in (UN_LIST, OFAC_LIST, CASH_RULE) if not p.exists()]
    return f"not found: {', '.join(missing)}" if missing else None


@dataclass(slots=True)
class Prepared:
    """What a prepared store screens with, and the gateway's API token."""

    token: str
    lists: dict[str, int] = field(default_factory=dict)  # list name → active entries imported
    rules: list[str] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)


def prepare(
    store: Store, settings: Settings, national: DemoList | None, *, screened: bool
) -> Prepared:
    """Import the lists and activate the rules (when ``screened``), and create the carrier
    gateway's service account with a token in either case."""
    store.users.create(SERVICE_ACCOUNT, (Role.SERVICE,), service=True)
    token, _ = store.users.issue_token(SERVICE_ACCOUNT, label="benchmark")
    prepared = Prepared(token)
    if not screened:
        return prepared
    for path in (UN_LIST, OFAC_LIST):
        done = import_list(store, path, settings=settings)
        prepared.lists[done.record.name] = done.summary.added
    if national is not None:
        csv_path = national.write(settings.data_dir / "bench-lists", NATIONAL_LIST)[0]
        done = import_list(
            store, csv_path, name=NATIONAL_LIST, owner="Benchmark authority (synthetic)",
            legal_basis="Synthetic benchmark data, not a real list", list_type=ListType.SOUGHT,
            description="Synthetic persons sought planted from the benchmark's traffic",
            settings=settings,
        )  # fmt: skip
        prepared.lists[NATIONAL_LIST] = done.summary.added
        prepared.planted = list(national.planted)
    prepared.rules = approve_rules(store)
    return prepared


def _person(store: Store, username: str, role: Role) -> Principal:
    password = f"synthetic-{username}-not-for-login"
    return store.users.create(username, (role,), password=password).principal("bench")


def approve_rules(store: Store) -> list[str]:
    """Put the demo's co-travel rule and the cash-late-one-way example through draft →
    submit → backtest → approve (author and approver are two people, SG-13)."""
    author = _person(store, "bench-author", Role.RULE_AUTHOR)
    approver = _person(store, "bench-approver", Role.RULE_APPROVER)
    flow = RuleWorkflow(store.sessions)
    today = datetime.now(UTC).date()
    sources = [rule_source((today + timedelta(days=365)).isoformat()), CASH_RULE.read_text()]
    active = []
    for source in sources:
        draft = flow.draft(author, source)
        flow.submit(author, draft.name)
        backtest_rule(store.sessions, approver, ACCESS, draft.name)
        done = flow.approve(approver, draft.name, today=today, reason=APPROVAL_REASON)
        if done.status != "active":
            raise RuntimeError(f"rule {draft.name} is {done.status} after approval")
        active.append(done.name)
    return active


@dataclass(frozen=True, slots=True)
class PlantedCheck:
    """Which planted passengers got an alert on their own entry, and how many national-list
    alerts fell on anyone else (a decoy's, or a planted entry on another traveller)."""

    planted: int
    alerted: int
    missed: list[str]  # entry ids
    misplaced: int


def check_planted(store: Store, planted: list[Planted]) -> PlantedCheck:
    """Match the stored national-list alerts with the planted passengers: the alert's entry,
    flight and the traveller's passport number must all be the planted passenger's."""
    query = (
        select(AlertRow.id, AlertRow.entry_id, AlertRow.flight_key, TravelDocumentRow.number)
        .join(TravelDocumentRow, TravelDocumentRow.traveller_id == AlertRow.traveller_id)
        .where(AlertRow.list_name == NATIONAL_LIST)
    )
    with store.sessions() as session:
        rows = session.execute(query).all()
    wanted = {(p.entry_id, p.flight_key, p.document_number) for p in planted}
    found = {(entry, flight, number) for _, entry, flight, number in rows} & wanted
    on_planted = {a for a, entry, flight, number in rows if (entry, flight, number) in wanted}
    alerts = {alert_id for alert_id, *_ in rows}
    missed = [p.entry_id for p in planted if (p.entry_id, p.flight_key, p.document_number)
              not in found]  # fmt: skip
    return PlantedCheck(len(planted), len(planted) - len(missed), missed, len(alerts - on_planted))


@dataclass(frozen=True, slots=True)
class Stored:
    """What the store holds after a run: matches, and alerts by kind of cause."""

    matches: int
    alerts: dict[str, int]

    @property
    def alert_total(self) -> int:
        return sum(self.alerts.values())


def stored_counts(store: Store) -> Stored:
    """Count the matches and alerts the store holds (the figures the run reports are these,
    not the outcomes' sums, so a miscount in an outcome cannot flatter them)."""
    with store.sessions() as session:
        matches = session.execute(select(func.count()).select_from(MatchRow)).scalar_one()
        kinds = session.execute(
            select(AlertRow.cause_kind, func.count()).group_by(AlertRow.cause_kind)
        ).all()
    return Stored(matches, {str(kind): int(number) for kind, number in kinds})
