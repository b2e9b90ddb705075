"""The stop switch (SG-55): a privileged person suspends a rule, a list or all automated
screening, with a reason; the node then falls back to manual work for what is suspended.

Suspending and lifting are logged in the audit log. Ingest reads :meth:`StopSwitches.state`
for every message: a suspended list is not screened against, a suspended rule is not run,
and with ``all`` suspended no traveller is screened or run through rules at all (the data is
still stored, so people can work on it by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.errors import ConflictError, NotFoundError, RefusedError
from interlock.store.schema_access import StopSwitchRow


class Scope(StrEnum):
    ALL = "all"
    LIST = "list"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Switch:
    id: int
    scope: Scope
    target: str
    reason: str
    set_by: str
    set_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "scope": self.scope.value,
            "target": self.target,
            "reason": self.reason,
            "set_by": self.set_by,
            "set_at": self.set_at.isoformat(),
            "lifted_by": self.lifted_by,
            "lifted_at": self.lifted_at.isoformat() if self.lifted_at else None,
        }


@dataclass(frozen=True, slots=True)
class SwitchState:
    """What is suspended now."""

    all: bool = False
    lists: frozenset[str] = field(default_factory=frozenset)
    rules: frozenset[str] = field(default_factory=frozenset)

    def list_suspended(self, name: str) -> bool:
        return self.all or name in self.lists

    def rule_suspended(self, name: str) -> bool:
        return self.all or name in self.rules


def _switch(row: StopSwitchRow) -> Switch:
    return Switch(
        row.id,
        Scope(row.scope),
        row.target,
        row.reason,
        row.set_by,
        row.set_at,
        row.lifted_by,
        row.lifted_at,
    )


def switch_state(session: Session) -> SwitchState:
    """The suspensions in force, read in the caller's session."""
    rows = session.execute(
        select(StopSwitchRow.scope, StopSwitchRow.target).where(StopSwitchRow.lifted_at.is_(None))
    ).all()
    return SwitchState(
        all=any(scope == Scope.ALL for scope, _ in rows),
        lists=frozenset(t for scope, t in rows if scope == Scope.LIST),
        rules=frozenset(t for scope, t in rows if scope == Scope.RULE),
    )


class StopSwitches:
    """Set, lift and read the stop switches."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def state(self) -> SwitchState:
        with self._sessions() as session:
            return switch_state(session)

    def active(self) -> list[Switch]:
        with self._sessions() as session:
            rows = session.execute(
                select(StopSwitchRow)
                .where(StopSwitchRow.lifted_at.is_(None))
                .order_by(StopSwitchRow.id)
            ).scalars()
            return [_switch(row) for row in rows]

    def suspend(self, principal: Principal, scope: Scope, target: str, reason: str) -> Switch:
        """Suspend ``target`` (a list or rule name; ignored for ``all``)."""
        check(principal, Action.CONTROL_STOP)
        stated_reason(reason)
        target = "" if scope is Scope.ALL else target.strip()
        if scope is not Scope.ALL and not target:
            raise RefusedError(f"name the {scope.value} to suspend", location="target")
        with self._sessions.begin() as session:
            if (scope is Scope.ALL and switch_state(session).all) or (
                target and target in getattr(switch_state(session), f"{scope.value}s")
            ):
                raise ConflictError(f"{scope.value} {target} is already suspended".strip())
            row = StopSwitchRow(
                scope=scope.value,
                target=target,
                reason=reason.strip(),
                set_by=principal.username,
                set_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            record(
                session,
                AuditEvent.by(
                    principal,
                    "control.suspend",
                    reason=row.reason,
                    subject_kind=f"stop-switch:{scope.value}",
                    subject_id=target or "all",
                ),
            )
            return _switch(row)

    def lift(self, principal: Principal, switch_id: int, reason: str) -> Switch:
        """End a suspension: automated screening of that scope resumes."""
        check(principal, Action.CONTROL_STOP)
        stated_reason(reason)
        with self._sessions.begin() as session:
            row = session.get(StopSwitchRow, switch_id)
            if row is None:
                raise NotFoundError(f"no stop switch {switch_id}")
            if row.lifted_at is not None:
                raise ConflictError(f"stop switch {switch_id} was lifted already")
            row.lifted_by = principal.username
            row.lifted_at = datetime.now(UTC)
            row.lift_reason = reason.strip()
            record(
                session,
                AuditEvent.by(
                    principal,
                    "control.lift",
                    reason=row.lift_reason,
                    subject_kind=f"stop-switch:{row.scope}",
                    subject_id=row.target or "all",
                ),
            )
            return _switch(row)
