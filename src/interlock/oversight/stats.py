"""Statistics of the node's work (SG-60) and of its rules' quality (SG-15), aggregates only.

For a calendar year, or one month of it (UTC):

- **travellers processed**, by source (``manifest``: PAXLST, ``pnr``: PNRGOV, ``other``: MRZ,
  CSV, JSONL), counted once per flight or booking: a re-sent manifest or a later push of a
  booking replaces the earlier one rather than adding to it; by the time their message was
  received;
- **travellers matched**: travellers with at least one watchlist match screened in the period;
- **alerts raised** in the period, by cause kind, and what became of them (confirmed,
  dismissed, still open);
- per **rule version**: hits, confirmed, dismissed, open, and the same per nationality group
  (:mod:`interlock.rules.regions`); per **list**: alerts, confirmed, dismissed, open;
- **actions on persons** by kind (secondary inspection, referral …), by when they were taken;
- **retention**: runs, rows deleted and depersonalised, from the audit entries the runs wrote
  (``retention.erase``, ``retention.depersonalise``).

Figures are counted over what the store holds now: data a retention run deleted is no longer
counted under processed, matched or alerts (the retention figures count it instead).
**Screened** counts screenings: each stored message's travellers compared with at least one
list when it was stored (a re-sent manifest is screened, and counted, again).

Nothing here returns an id, a name or a document number. Every published count passes
:mod:`interlock.oversight.suppression` (small counts shown as ``"<5"``). Reading the figures
needs ``stats.read`` and is written to the audit log (subject kind ``statistics``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.errors import RefusedError
from interlock.model import Format
from interlock.oversight import suppression
from interlock.oversight.suppression import MIN_COUNT, Cell
from interlock.retention.run import MASK
from interlock.rules.regions import UNKNOWN, region
from interlock.store.schema import BookingRow, FlightVersionRow, MatchRow, MessageRow, TravellerRow
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import AlertRow, PersonActionRow

SOURCES: dict[str, str] = {Format.PAXLST.value: "manifest", Format.PNRGOV.value: "pnr"}
"""Message format → source of travellers; every other format counts as ``other``."""

STATUSES = ("confirmed", "dismissed", "open")
RETENTION_ACTIONS = ("retention.erase", "retention.depersonalise")
LIST_CAUSES = ("watchlist", "document")


@dataclass(frozen=True, slots=True)
class StatsPeriod:
    """A calendar year, or one month of it, in UTC: ``[start, end)``."""

    year: int
    month: int | None = None

    def __post_init__(self) -> None:
        if not 1970 <= self.year <= 9998:
            raise RefusedError(f"year {self.year} is outside 1970-9998", location="year")
        if self.month is not None and not 1 <= self.month <= 12:
            raise RefusedError(f"month {self.month} is not 1-12", location="month")

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month or 1, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        if self.month is None or self.month == 12:
            return datetime(self.year + 1, 1, 1, tzinfo=UTC)
        return datetime(self.year, self.month + 1, 1, tzinfo=UTC)

    @property
    def label(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _outcomes() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


def _outcome(status: str) -> str:
    return status if status in ("confirmed", "dismissed") else "open"


@dataclass(slots=True)
class Figures:
    """The raw counts of one period (before suppression). Keys are sources, cause kinds,
    ``rule@version``, list names, nationality groups and action kinds; never a person."""

    period: StatsPeriod
    travellers: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    screened: int = 0
    matched: int = 0
    alerts: dict[str, dict[str, int]] = field(default_factory=dict)
    rules: dict[tuple[str, int], dict[str, dict[str, int]]] = field(default_factory=dict)
    lists: dict[str, dict[str, int]] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    retention_runs: int = 0
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    depersonalised: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def publish(self, min_count: int = MIN_COUNT) -> dict[str, Any]:
        """The figures as published: JSON-ready, every count of people suppressed."""
        k = min_count
        processed = sum(self.travellers.values())
        raised = {kind: _with_total("raised", c) for kind, c in sorted(self.alerts.items())}
        totals = _with_total("raised", _sum_rows(self.alerts.values()))
        rules = {f"{n}@{v}": _with_total("hits", g["all"]) for (n, v), g in self.rules.items()}
        published_rules = suppression.table(rules, "hits", k)
        lists = {name: _with_total("alerts", c) for name, c in sorted(self.lists.items())}
        actions = sum(self.actions.values())
        return {
            "period": self.period.to_dict(),
            "min_count": k,
            "travellers": {
                **suppression.row({"processed": processed, **self.travellers}, "processed", k),
                "screened": suppression.cell(self.screened, k),
                "matched": suppression.cell(self.matched, k),
            },
            "alerts": {
                **suppression.row(totals, "raised", k),
                "by_cause": suppression.table(raised, "raised", k),
            },
            "rules": [
                {
                    "rule": name,
                    "version": version,
                    **published_rules[f"{name}@{version}"],
                    "by_group": suppression.table(
                        {
                            g: _with_total("hits", c)
                            for g, c in sorted(groups.items())
                            if g != "all"
                        },
                        "hits",
                        k,
                    ),
                }
                for (name, version), groups in sorted(self.rules.items())
            ],
            "lists": [
                {"list": name, **cells}
                for name, cells in suppression.table(lists, "alerts", k).items()
            ],
            "actions": suppression.row(
                {"total": actions, **dict(sorted(self.actions.items()))}, "total", k
            ),
            "retention": {
                "runs": self.retention_runs,
                "deleted": {
                    kind: suppression.cell(n, k) for kind, n in sorted(self.deleted.items())
                },
                "depersonalised": {
                    kind: suppression.cell(n, k) for kind, n in sorted(self.depersonalised.items())
                },
            },
        }


def _with_total(key: str, outcomes: dict[str, int]) -> dict[str, int]:
    return {key: sum(outcomes[s] for s in STATUSES), **{s: outcomes[s] for s in STATUSES}}


def _sum_rows(rows: Any) -> dict[str, int]:
    total = _outcomes()
    for outcomes in rows:
        for status in STATUSES:
            total[status] += outcomes[status]
    return total


def _group(nationality: str | None) -> str:
    """The nationality group of a traveller; a depersonalised nationality is unknown."""
    return UNKNOWN if nationality == MASK else region(nationality)


def compute(session: Session, period: StatsPeriod) -> Figures:
    """Count the period's figures (no permission check: callers check or publish only
    suppressed aggregates)."""
    figures = Figures(period)
    start, end = period.start, period.end
    _travellers(session, figures, start, end)
    figures.screened = int(
        session.execute(
            select(func.coalesce(func.sum(MessageRow.screened), 0)).where(
                MessageRow.received_at >= start, MessageRow.received_at < end
            )
        ).scalar_one()
    )
    figures.matched = int(
        session.execute(
            select(func.count(distinct(MatchRow.traveller_id))).where(
                MatchRow.screened_at >= start, MatchRow.screened_at < end
            )
        ).scalar_one()
    )
    _alerts(session, figures, start, end)
    actions = (
        select(PersonActionRow.kind, func.count())
        .where(PersonActionRow.at >= start, PersonActionRow.at < end)
        .group_by(PersonActionRow.kind)
    )
    for kind, n in session.execute(actions).tuples():
        figures.actions[kind] += n
    _retention(session, figures, start, end)
    return figures


def _travellers(session: Session, figures: Figures, start: datetime, end: datetime) -> None:
    query = (
        select(MessageRow.format, func.count(TravellerRow.id))
        .join(MessageRow, MessageRow.id == TravellerRow.message_id)
        .outerjoin(FlightVersionRow, FlightVersionRow.id == TravellerRow.flight_version_id)
        .outerjoin(BookingRow, BookingRow.id == TravellerRow.booking_id)
        .where(
            MessageRow.received_at >= start,
            MessageRow.received_at < end,
            or_(TravellerRow.flight_version_id.is_(None), FlightVersionRow.is_current),
            or_(TravellerRow.booking_id.is_(None), BookingRow.is_current),
        )
        .group_by(MessageRow.format)
    )
    for format_, n in session.execute(query).tuples():
        figures.travellers[SOURCES.get(format_ or "", "other")] += n


def _alerts(session: Session, figures: Figures, start: datetime, end: datetime) -> None:
    in_period = and_(AlertRow.created_at >= start, AlertRow.created_at < end)
    by_cause = (
        select(AlertRow.cause_kind, AlertRow.list_name, AlertRow.status, func.count())
        .where(in_period)
        .group_by(AlertRow.cause_kind, AlertRow.list_name, AlertRow.status)
    )
    for kind, list_name, status, n in session.execute(by_cause).tuples():
        figures.alerts.setdefault(kind, _outcomes())[_outcome(status)] += n
        if kind in LIST_CAUSES and list_name:
            figures.lists.setdefault(list_name, _outcomes())[_outcome(status)] += n
    by_rule = (
        select(
            AlertRow.rule_name,
            AlertRow.rule_version,
            AlertRow.status,
            TravellerRow.nationality,
            func.count(),
        )
        .join(TravellerRow, TravellerRow.id == AlertRow.traveller_id)
        .where(in_period, AlertRow.cause_kind == "rule", AlertRow.rule_name.is_not(None))
        .group_by(
            AlertRow.rule_name, AlertRow.rule_version, AlertRow.status, TravellerRow.nationality
        )
    )
    for name, version, status, nationality, n in session.execute(by_rule).tuples():
        groups = figures.rules.setdefault((name or "", version or 0), {})
        for group in ("all", _group(nationality)):
            groups.setdefault(group, _outcomes())[_outcome(status)] += n


def _retention(session: Session, figures: Figures, start: datetime, end: datetime) -> None:
    query = select(AuditRow.action, AuditRow.detail).where(
        AuditRow.action.in_(RETENTION_ACTIONS),
        AuditRow.outcome == "done",
        AuditRow.at >= start,
        AuditRow.at < end,
    )
    for action, detail in session.execute(query).tuples():
        counts = detail.get("counts") if isinstance(detail, dict) else None
        target = figures.deleted if action == "retention.erase" else figures.depersonalised
        if action == "retention.erase":
            figures.retention_runs += 1
        for kind, n in (counts or {}).items():
            if isinstance(n, int):
                target[str(kind)] += n


def years_with_data(session: Session) -> list[int]:
    """The calendar years from the earliest to the latest message, alert or retention run."""
    years: set[int] = set()
    for column in (MessageRow.received_at, AlertRow.created_at):
        low, high = session.execute(select(func.min(column), func.max(column))).one()
        if low is not None and high is not None:
            years.update(range(low.year, high.year + 1))
    runs = session.execute(
        select(func.min(AuditRow.at), func.max(AuditRow.at)).where(
            AuditRow.action.in_(RETENTION_ACTIONS)
        )
    ).one()
    if runs[0] is not None and runs[1] is not None:
        years.update(range(runs[0].year, runs[1].year + 1))
    return sorted(years)


class Statistics:
    """The statistics as the node's people read them: ``stats.read``, suppressed, audited."""

    def __init__(self, sessions: sessionmaker[Session], *, min_count: int = MIN_COUNT) -> None:
        if min_count < 1:
            raise RefusedError("the small-count threshold is at least 1", location="min_count")
        self._sessions = sessions
        self.min_count = min_count

    def read(self, principal: Principal, period: StatsPeriod) -> dict[str, Cell | Any]:
        """The published figures of ``period``; the reading is written to the audit log."""
        check(principal, Action.STATS_READ)
        with self._sessions.begin() as session:
            figures = compute(session, period).publish(self.min_count)
            record(
                session,
                AuditEvent.by(
                    principal,
                    Action.STATS_READ,
                    subject_kind="statistics",
                    subject_id=period.label,
                    detail={"min_count": self.min_count},
                ),
            )
        return figures
