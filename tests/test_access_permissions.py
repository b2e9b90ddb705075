"""The whole role x action matrix against the one permission check (SG-38, SG-40).

``tests/data/permissions.csv`` is written by hand from the role descriptions (SAFEGUARDS.md
SG-38, :mod:`interlock.access.roles`), not generated from the code: a change to
``PERMISSIONS`` shows up here as a cell that differs and has to be agreed in review.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from interlock.access.roles import (
    PERMISSIONS,
    PERSON_ONLY,
    Action,
    Principal,
    PrincipalKind,
    Role,
    allowed,
    check,
)
from interlock.errors import ForbiddenError

MATRIX = Path(__file__).parent / "data" / "permissions.csv"

READS_PERSONAL_DATA = frozenset(
    {
        Action.MESSAGE_READ,
        Action.TRAVELLER_READ,
        Action.TRAVELLER_SEARCH,
        Action.WATCHLIST_READ,
        Action.WATCHLIST_MANAGE,
        Action.RULE_BACKTEST,
        Action.ALERT_READ,
        Action.ALERT_REVIEW,
        Action.ALERT_DECIDE,
        Action.ALERT_EXPORT,
        Action.CASE_READ,
        Action.CASE_MANAGE,
        Action.PERSON_ACTION,
        Action.SHARE_SEND,
        Action.AUDIT_READ,
        Action.RETENTION_HOLD,
    }
)
"""Actions that show a person's data (travellers, listed people, alerts, cases, the audit
trail of who looked at whom) to the one who takes them."""


def _expected() -> dict[tuple[Role, Action], bool]:
    with MATRIX.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[0] == "role"
    actions = [Action(name) for name in header[1:]]
    assert sorted(actions) == sorted(Action), "the matrix has one column per Action"
    roles = [Role(row[0]) for row in body]
    assert sorted(roles) == sorted(Role), "the matrix has one row per Role"
    cells = {}
    for row in body:
        assert len(row) == len(header), row[0]
        for action, cell in zip(actions, row[1:], strict=True):
            assert cell in ("", "x"), (row[0], action, cell)
            cells[(Role(row[0]), action)] = cell == "x"
    return cells


EXPECTED = _expected()


def person(*roles: Role) -> Principal:
    return Principal(1, "pat", frozenset(roles), PrincipalKind.PERSON)


def service(*roles: Role) -> Principal:
    return Principal(2, "gateway", frozenset(roles), PrincipalKind.SERVICE, "token")


@pytest.mark.safeguard("SG-38")
@pytest.mark.parametrize("role", list(Role))
def test_every_cell_of_the_matrix(role: Role) -> None:
    differing = [
        (action.value, EXPECTED[(role, action)])
        for action in Action
        if allowed(person(role), action) != EXPECTED[(role, action)]
    ]
    assert differing == [], f"{role.value}: (action, expected) that differ"


@pytest.mark.safeguard("SG-38")
def test_check_raises_exactly_where_allowed_says_no() -> None:
    for (role, action), expected in EXPECTED.items():
        if expected:
            check(person(role), action)
        else:
            with pytest.raises(ForbiddenError, match=action.value):
                check(person(role), action)


@pytest.mark.safeguard("SG-38")
def test_roles_add_up_and_no_role_allows_nothing() -> None:
    for first, second in itertools.combinations(Role, 2):
        for action in Action:
            both = EXPECTED[(first, action)] or EXPECTED[(second, action)]
            assert allowed(person(first, second), action) is both, (first, second, action)
    assert not any(allowed(person(), action) for action in Action)


@pytest.mark.safeguard("SG-40")
@pytest.mark.parametrize("action", sorted(PERSON_ONLY))
def test_a_service_is_never_allowed_person_only_actions(action: Action) -> None:
    everything = service(*Role)
    assert not allowed(everything, action)
    for role in Role:
        assert not allowed(service(role), action), role
    with pytest.raises(ForbiddenError, match="for a person"):
        check(everything, action)
    granted_to_someone = any(EXPECTED[(role, action)] for role in Role)
    assert granted_to_someone, f"{action.value} is person-only but no role grants it"


@pytest.mark.safeguard("SG-40")
def test_a_service_keeps_its_other_actions() -> None:
    for role, action in itertools.product(Role, Action):
        if action not in PERSON_ONLY:
            assert allowed(service(role), action) is EXPECTED[(role, action)], (role, action)


@pytest.mark.safeguard("SG-40")
def test_review_confirm_and_acting_on_a_person_are_person_only() -> None:
    assert {Action.ALERT_REVIEW, Action.ALERT_DECIDE, Action.PERSON_ACTION} <= PERSON_ONLY


@pytest.mark.safeguard("SG-38")
def test_admin_reads_no_personal_data() -> None:
    admin_actions = {a for a in Action if EXPECTED[(Role.ADMIN, a)]}
    assert admin_actions & READS_PERSONAL_DATA == set()
    assert PERMISSIONS[Role.ADMIN] & READS_PERSONAL_DATA == frozenset()
    assert not any(allowed(person(Role.ADMIN), a) for a in READS_PERSONAL_DATA)


@pytest.mark.safeguard("SG-34")
def test_only_dpo_and_auditor_read_the_audit_log() -> None:
    readers = {role for role in Role if allowed(person(role), Action.AUDIT_READ)}
    assert readers == {Role.DPO, Role.AUDITOR}
