"""Backtesting a rule version over stored travellers, with a disparate-impact report (SG-11).

A backtest is a rule run over personal data, so it is an access: it needs
``rule.backtest`` and a stated purpose within the PNR regime (SG-01), and is written to the
audit log. Its result holds counts only (no traveller ids): travellers evaluated, flagged,
the same by nationality group (:mod:`interlock.rules.regions`), and the disparate-impact
ratio: the lowest group flag rate over the highest, among groups of at least
:data:`DI_MIN_GROUP` travellers; below :data:`DI_THRESHOLD` it is a concern the approver must
answer. The result is stored on the version and shown before approval.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose, DataRegime
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.rules.engine import CompiledRule
from interlock.rules.regions import region
from interlock.rules.stored import CHUNK, facts_for_stored
from interlock.rules.validate import parse_rule
from interlock.rules.workflow import find_version
from interlock.store.schema import BookingRow, FlightRow, FlightVersionRow, TravellerRow

DI_MIN_GROUP = 30
"""Smallest nationality group compared for disparate impact (smaller ones are too noisy)."""
DI_THRESHOLD = 0.8
"""The 'four-fifths' rule of thumb for adverse impact (US EEOC Uniform Guidelines, 29 CFR
1607.4(D)): a ratio under it is a concern."""


def backtest_rule(
    sessions: sessionmaker[Session],
    principal: Principal,
    access: AccessPurpose,
    name: str,
    *,
    version: int | None = None,
    departure_from: date | None = None,
    departure_to: date | None = None,
    min_group: int = DI_MIN_GROUP,
    threshold: float = DI_THRESHOLD,
) -> dict[str, Any]:
    """Run one version (default: the newest) over the stored travellers (optionally those
    departing in a window), store the result on the version and return it."""
    check(principal, Action.RULE_BACKTEST)
    access.check_regime(DataRegime.PNR)
    with sessions.begin() as session:
        _, row = find_version(session, name, version)
        rule = CompiledRule(parse_rule(row.source), version=row.version, author=row.author)
        ids = traveller_ids(session, departure_from=departure_from, departure_to=departure_to)
        groups, flagged = _count(session, rule, ids)
        result = {
            "rule": name,
            "version": row.version,
            "sha256": row.sha256,
            "at": datetime.now(UTC).isoformat(),
            "by": principal.username,
            "purpose": access.purpose.value,
            "window": [_iso(departure_from), _iso(departure_to)],
            "evaluated": len(ids),
            "flagged": sum(flagged.values()),
            "groups": _groups(groups, flagged),
            "disparate_impact": disparate_impact(
                groups, flagged, min_group=min_group, threshold=threshold
            ),
        }
        row.backtest, row.backtest_at = result, datetime.now(UTC)
        detail = {"evaluated": result["evaluated"], "flagged": result["flagged"]}
        record(
            session,
            AuditEvent.by(
                principal,
                Action.RULE_BACKTEST,
                access=access,
                subject_kind="rule",
                subject_id=f"{name}@{row.version}",
                detail=detail,
            ),
        )
        return result


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def traveller_ids(
    session: Session, *, departure_from: date | None = None, departure_to: date | None = None
) -> list[int]:
    """Stored travellers on current manifests and bookings (older versions of the same
    manifest or booking are left out, so nobody counts twice), in a departure window."""
    query = (
        select(TravellerRow.id)
        .outerjoin(FlightVersionRow, TravellerRow.flight_version_id == FlightVersionRow.id)
        .outerjoin(BookingRow, TravellerRow.booking_id == BookingRow.id)
        .outerjoin(
            FlightRow,
            FlightRow.id == func.coalesce(FlightVersionRow.flight_id, BookingRow.flight_id),
        )
        .where(
            or_(
                FlightVersionRow.is_current.is_(True),
                BookingRow.is_current.is_(True),
                and_(TravellerRow.flight_version_id.is_(None), TravellerRow.booking_id.is_(None)),
            )
        )
    )
    if departure_from is not None:
        query = query.where(FlightRow.departure_date >= departure_from)
    if departure_to is not None:
        query = query.where(FlightRow.departure_date <= departure_to)
    return list(session.execute(query.order_by(TravellerRow.id)).scalars())


def _count(
    session: Session, rule: CompiledRule, ids: list[int]
) -> tuple[Counter[str], Counter[str]]:
    groups: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    for start in range(0, len(ids), CHUNK):
        for facts in facts_for_stored(session, ids[start : start + CHUNK]).values():
            group = region(facts.nationality)
            groups[group] += 1
            if rule.fires(facts):
                flagged[group] += 1
    return groups, flagged


def _groups(groups: Counter[str], flagged: Counter[str]) -> dict[str, dict[str, Any]]:
    return {
        name: {"travellers": n, "flagged": flagged[name], "rate": round(flagged[name] / n, 6)}
        for name, n in sorted(groups.items())
    }


def disparate_impact(
    groups: Counter[str], flagged: Counter[str], *, min_group: int, threshold: float
) -> dict[str, Any]:
    """Lowest over highest flag rate among groups of ``min_group`` or more travellers.
    ``ratio`` is None when fewer than two groups compare or nobody in them is flagged."""
    rates = {g: flagged[g] / n for g, n in groups.items() if n >= min_group and g != "unknown"}
    result: dict[str, Any] = {
        "ratio": None,
        "lowest": None,
        "highest": None,
        "concern": False,
        "compared": sorted(rates),
        "min_group": min_group,
        "threshold": threshold,
    }
    if len(rates) < 2 or max(rates.values()) == 0:
        return result
    lowest = min(rates, key=lambda g: (rates[g], g))
    highest = max(rates, key=lambda g: (rates[g], g))
    ratio = rates[lowest] / rates[highest]
    result.update(ratio=round(ratio, 6), lowest=lowest, highest=highest, concern=ratio < threshold)
    return result
