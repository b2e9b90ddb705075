"""Retention holds (SG-28): set only by a person with an evidence reference, a reason and a
review date; released with a reason; every change and refusal audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from auth_helpers import make_user
from interlock.access.roles import Role
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.retention import Retention
from interlock.store import Store
from interlock.store.schema_access import AuditRow
from test_retention_run import OLD, carrier_of, dpo, ingest, pnr_push, retention

EVIDENCE, REASON = "CASE-2026-031", "linked to an open investigation"
GOOD = {"evidence": EVIDENCE, "reason": REASON}


def _setup(store: Store, tmp_path: Path) -> tuple[Retention, tuple[str, str]]:
    data, (locator,) = pnr_push(21)
    ingest(store, data, OLD)
    return retention(store, tmp_path), carrier_of(store, locator)


def _audit(store: Store) -> list[AuditRow]:
    with store.sessions() as session:
        return list(session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars())


@pytest.mark.safeguard("SG-28")
@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"evidence": None}, "evidence"),
        ({"evidence": "  "}, "evidence"),
        ({"reason": "short"}, "reason"),
        ({"review_by": None}, "review_by"),
        ({"review_by": date.today()}, "review_by"),
        ({"review_by": date.today() - timedelta(days=1)}, "review_by"),
        ({"review_by": date.today() + timedelta(days=6 * 365)}, "review_by"),
    ],
)
def test_a_hold_without_evidence_reason_or_a_valid_review_date_is_refused(
    store: Store, tmp_path: Path, change: dict[str, object], location: str
) -> None:
    ret, booking = _setup(store, tmp_path)
    values: dict[str, object] = {**GOOD, "review_by": date.today() + timedelta(days=60)}
    values.update(change)
    with pytest.raises(RefusedError) as refused:
        ret.holds.add(dpo(store), booking=booking, **values)  # type: ignore[arg-type]
    assert refused.value.location == location
    assert ret.holds.all(dpo(store, "dpo.two")) == []


@pytest.mark.safeguard("SG-28")
def test_a_service_or_a_role_without_the_permission_cannot_hold(
    store: Store, tmp_path: Path
) -> None:
    ret, booking = _setup(store, tmp_path)
    service = make_user(store, "gateway", Role.SERVICE, service=True)[0]
    analyst = make_user(store, "ana.lyst", Role.ANALYST)[0]
    for who in (service, analyst):
        with pytest.raises(ForbiddenError):
            ret.holds.add(
                who,
                booking=booking,
                review_by=date.today() + timedelta(days=9),
                evidence=EVIDENCE,
                reason=REASON,
            )
    refusals = [r for r in _audit(store) if r.outcome == "refused"]
    assert [r.actor for r in refusals] == ["gateway", "ana.lyst"]


@pytest.mark.safeguard("SG-28")
def test_a_service_with_the_dpo_role_is_still_refused(store: Store, tmp_path: Path) -> None:
    """The permission table grants holds by role; a service principal is refused whatever it
    holds (the check in holds, not only the role table)."""
    from dataclasses import replace

    from interlock.access.roles import PrincipalKind

    ret, booking = _setup(store, tmp_path)
    person = dpo(store)
    as_service = replace(person, kind=PrincipalKind.SERVICE)
    with pytest.raises(ForbiddenError, match="person"):
        ret.holds.add(as_service, booking=booking, review_by=date.today() + timedelta(days=9),
                      evidence=EVIDENCE, reason=REASON)  # fmt: skip


@pytest.mark.safeguard("SG-28")
def test_hold_set_and_released_by_a_person_is_audited(store: Store, tmp_path: Path) -> None:
    ret, booking = _setup(store, tmp_path)
    who = dpo(store)
    review = date.today() + timedelta(days=45)
    hold = ret.holds.add(who, booking=booking, review_by=review, evidence=EVIDENCE, reason=REASON)
    assert (hold.carrier, hold.record_locator, hold.review_by) == (*booking, review)
    assert hold.active(date.today()) and not hold.active(review + timedelta(days=1))
    with pytest.raises(RefusedError):
        ret.holds.release(who, hold.id, "")
    released = ret.holds.release(who, hold.id, "case closed without charges")
    assert released.released_by == who.username and not released.active(date.today())
    with pytest.raises(ConflictError):
        ret.holds.release(who, hold.id, "case closed without charges")
    with pytest.raises(NotFoundError):
        ret.holds.release(who, 999, "case closed without charges")
    entries = [r for r in _audit(store) if r.outcome == "done"]
    assert [r.action for r in entries] == ["retention.hold", "retention.release"]
    assert all(r.subject_id == str(hold.id) and r.actor == who.username for r in entries)
    assert ret.holds.all(who)[0].to_dict()["state"] == "released"


@pytest.mark.safeguard("SG-28")
def test_a_hold_names_stored_data(store: Store, tmp_path: Path) -> None:
    ret, _ = _setup(store, tmp_path)
    review = date.today() + timedelta(days=9)
    with pytest.raises(NotFoundError):
        ret.holds.add(
            dpo(store), booking=("ZZ", "NOSUCH"), review_by=review, evidence=EVIDENCE, reason=REASON
        )
    with pytest.raises(NotFoundError):
        ret.holds.add(
            dpo(store, "dpo.two"),
            traveller_id=10**6,
            review_by=review,
            evidence=EVIDENCE,
            reason=REASON,
        )
    with pytest.raises(RefusedError):
        ret.holds.add(dpo(store, "dpo.three"), review_by=review, evidence=EVIDENCE, reason=REASON)


@pytest.mark.safeguard("SG-28")
def test_a_released_hold_no_longer_protects(store: Store, tmp_path: Path) -> None:
    ret, booking = _setup(store, tmp_path)
    who = dpo(store)
    hold = ret.holds.add(
        who,
        booking=booking,
        review_by=date.today() + timedelta(days=9),
        evidence=EVIDENCE,
        reason=REASON,
    )
    assert ret.run(None, dry_run=True).held > 0
    ret.holds.release(who, hold.id, "no longer needed for the case")
    report = ret.run(None)
    assert report.held == 0 and report.deleted["booking"] == 1
