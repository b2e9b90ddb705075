"""The versioned rule workflow (SG-13, SG-14): draft → submitted → active, or rejected;
active → retired.

- Drafting (``rule.draft``) validates the YAML first; a rule's open draft may be replaced by
  its author until it is submitted. Once submitted, a version's source never changes.
- Approval (``rule.approve``) is by a person who is not the version's author, needs a
  backtest of exactly that version (SG-11, SG-15) and a review-by date not yet passed;
  when the backtest shows a disparate-impact concern the approver must give a reason.
  Approving activates the version and retires the one active before it.
- Every step writes an audit entry in the same transaction. Nothing at runtime calls this
  module: ingest only reads active versions (:func:`interlock.rules.engine.load_ruleset`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import MIN_REASON, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.rules.language import Rule
from interlock.rules.validate import parse_rule
from interlock.store.schema_rules import RuleRow, RuleVersionRow


class RuleStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACTIVE = "active"
    REJECTED = "rejected"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class RuleVersionInfo:
    """A rule version as read back (SG-14: author, approver, legal basis, purpose, review-by)."""

    name: str
    version: int
    status: str
    title: str
    category: str
    severity: str
    purpose: str
    legal_basis: str
    review_by: date
    author: str
    created_at: datetime
    submitted_at: datetime | None
    approver: str | None
    approved_at: datetime | None
    activated_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    retired_at: datetime | None
    backtest: dict[str, Any] | None
    sha256: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, date | datetime):
                data[key] = value.isoformat()
        return data


def info(name: str, row: RuleVersionRow) -> RuleVersionInfo:
    return RuleVersionInfo(
        name,
        row.version,
        row.status,
        row.title,
        row.category,
        row.severity,
        row.purpose,
        row.legal_basis,
        row.review_by,
        row.author,
        row.created_at,
        row.submitted_at,
        row.approver,
        row.approved_at,
        row.activated_at,
        row.decided_by,
        row.decision_reason,
        row.retired_at,
        row.backtest,
        row.sha256,
        row.source,
    )


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def find_version(
    session: Session, name: str, version: int | None = None, *, status: RuleStatus | None = None
) -> tuple[RuleRow, RuleVersionRow]:
    """The rule and one of its versions: ``version``, or the newest (with ``status``)."""
    rule = session.execute(select(RuleRow).where(RuleRow.name == name)).scalar_one_or_none()
    if rule is None:
        raise NotFoundError(f"no rule named {name!r}")
    query = select(RuleVersionRow).where(RuleVersionRow.rule_id == rule.id)
    if version is not None:
        query = query.where(RuleVersionRow.version == version)
    if status is not None:
        query = query.where(RuleVersionRow.status == status.value)
    row = session.execute(
        query.order_by(RuleVersionRow.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        which = f"version {version}" if version is not None else f"a {status or 'any'} version"
        raise NotFoundError(f"rule {name!r} has no {which}")
    return rule, row


def _audit(
    session: Session, principal: Principal, action: str, name: str, version: int, **detail: Any
) -> None:
    record(
        session,
        AuditEvent.by(
            principal, action, subject_kind="rule", subject_id=f"{name}@{version}", detail=detail
        ),
    )


class RuleWorkflow:
    """Draft, submit, approve, reject, retire and read rule versions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def draft(self, principal: Principal, source: str) -> RuleVersionInfo:
        """Store a validated draft: a new rule, a new version, or the author's open draft
        replaced (its backtest is then discarded)."""
        check(principal, Action.RULE_DRAFT)
        rule = parse_rule(source)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = session.execute(
                select(RuleRow).where(RuleRow.name == rule.name).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                row = RuleRow(name=rule.name, created_by=principal.username, created_at=now)
                session.add(row)
                session.flush()
            version = self._open_draft(session, row, principal)
            if version is None:
                number = self._last_version(session, row.id) + 1
                version = RuleVersionRow(rule_id=row.id, version=number, created_at=now)
                session.add(version)
            _fill(version, rule, author=principal.username, at=now)
            session.flush()
            _audit(
                session, principal, "rule.draft", rule.name, version.version, sha256=version.sha256
            )
            return info(rule.name, version)

    @staticmethod
    def _last_version(session: Session, rule_id: int) -> int:
        last = session.execute(
            select(RuleVersionRow.version)
            .where(RuleVersionRow.rule_id == rule_id)
            .order_by(RuleVersionRow.version.desc())
            .limit(1)
        ).scalar_one_or_none()
        return last or 0

    @staticmethod
    def _open_draft(session: Session, rule: RuleRow, principal: Principal) -> RuleVersionRow | None:
        pending = session.execute(
            select(RuleVersionRow).where(
                RuleVersionRow.rule_id == rule.id,
                RuleVersionRow.status.in_([RuleStatus.DRAFT.value, RuleStatus.SUBMITTED.value]),
            )
        ).scalar_one_or_none()
        if pending is None:
            return None
        if pending.status == RuleStatus.DRAFT and pending.author == principal.username:
            return pending
        raise ConflictError(
            f"rule {rule.name!r} has an open version {pending.version} "
            f"({pending.status}, by {pending.author}): decide it first"
        )

    def submit(self, principal: Principal, name: str) -> RuleVersionInfo:
        """Put the rule's draft up for approval; its source is fixed from now on."""
        check(principal, Action.RULE_DRAFT)
        with self._sessions.begin() as session:
            _, row = find_version(session, name, status=RuleStatus.DRAFT)
            row.status = RuleStatus.SUBMITTED.value
            row.submitted_at = datetime.now(UTC)
            _audit(session, principal, "rule.submit", name, row.version)
            return info(name, row)

    def approve(
        self,
        principal: Principal,
        name: str,
        *,
        today: date | None = None,
        reason: str | None = None,
    ) -> RuleVersionInfo:
        """Approve and activate the submitted version (see the module docstring)."""
        check(principal, Action.RULE_APPROVE)
        today = today or datetime.now(UTC).date()
        with self._sessions.begin() as session:
            rule, row = find_version(session, name, status=RuleStatus.SUBMITTED)
            _check_approvable(principal, row, today=today, reason=reason)
            now = datetime.now(UTC)
            self._retire_active(session, rule, now)
            row.status = RuleStatus.ACTIVE.value
            row.approver = principal.username
            row.approved_at = row.activated_at = now
            row.decided_by = principal.username
            row.decision_reason = reason.strip() if reason else None
            rule.active_version = row.version
            _audit(
                session,
                principal,
                "rule.approve",
                name,
                row.version,
                backtest_sha256=(row.backtest or {}).get("sha256"),
            )
            return info(name, row)

    @staticmethod
    def _retire_active(session: Session, rule: RuleRow, now: datetime) -> None:
        if rule.active_version is None:
            return
        _, active = find_version(session, rule.name, rule.active_version)
        active.status = RuleStatus.RETIRED.value
        active.retired_at = now
        rule.active_version = None

    def reject(self, principal: Principal, name: str, reason: str) -> RuleVersionInfo:
        """Refuse the submitted version, with the reason."""
        check(principal, Action.RULE_APPROVE)
        text = stated_reason(reason)
        with self._sessions.begin() as session:
            _, row = find_version(session, name, status=RuleStatus.SUBMITTED)
            row.status = RuleStatus.REJECTED.value
            row.decided_by, row.decision_reason = principal.username, text
            _audit(session, principal, "rule.reject", name, row.version)
            return info(name, row)

    def retire(self, principal: Principal, name: str, reason: str) -> RuleVersionInfo:
        """Stop the active version: the rule no longer runs."""
        check(principal, Action.RULE_APPROVE)
        text = stated_reason(reason)
        with self._sessions.begin() as session:
            rule = session.execute(select(RuleRow).where(RuleRow.name == name)).scalar_one_or_none()
            if rule is None or rule.active_version is None:
                raise ConflictError(f"rule {name!r} has no active version")
            _, row = find_version(session, name, rule.active_version)
            self._retire_active(session, rule, datetime.now(UTC))
            row.decision_reason = text
            _audit(session, principal, "rule.retire", name, row.version)
            return info(name, row)

    def rules(self, principal: Principal) -> list[RuleVersionInfo]:
        """The newest version of every rule, by name."""
        check(principal, Action.RULE_READ)
        with self._sessions() as session:
            names = session.execute(select(RuleRow.name).order_by(RuleRow.name)).scalars().all()
            return [info(n, find_version(session, n)[1]) for n in names]

    def versions(self, principal: Principal, name: str) -> list[RuleVersionInfo]:
        """Every version of one rule, newest first."""
        check(principal, Action.RULE_READ)
        with self._sessions() as session:
            rule, _ = find_version(session, name)
            rows = session.execute(
                select(RuleVersionRow)
                .where(RuleVersionRow.rule_id == rule.id)
                .order_by(RuleVersionRow.version.desc())
            ).scalars()
            return [info(name, row) for row in rows]

    def get(self, principal: Principal, name: str, version: int | None = None) -> RuleVersionInfo:
        check(principal, Action.RULE_READ)
        with self._sessions() as session:
            return info(name, find_version(session, name, version)[1])


def _fill(row: RuleVersionRow, rule: Rule, *, author: str, at: datetime) -> None:
    row.status = RuleStatus.DRAFT.value
    row.source, row.sha256 = rule.source, source_digest(rule.source)
    row.title, row.category, row.severity = rule.title, rule.category, rule.severity
    row.purpose, row.legal_basis, row.review_by = rule.purpose, rule.legal_basis, rule.review_by
    row.author, row.created_at = author, at
    row.backtest = None
    row.backtest_at = None


def _check_approvable(
    principal: Principal, row: RuleVersionRow, *, today: date, reason: str | None
) -> None:
    if principal.username == row.author:
        raise ForbiddenError(
            "SG-13: the author of a rule version may not approve it; a second person must"
        )
    test = row.backtest
    if not test or test.get("sha256") != row.sha256:
        raise RefusedError(
            "SG-11: backtest this version before approving it (the disparate-"
            "impact report must be seen first)",
            location="backtest",
        )
    if row.review_by < today:
        raise RefusedError(
            f"SG-14: the review-by date {row.review_by} has passed", location="review_by"
        )
    if test.get("disparate_impact", {}).get("concern") and len((reason or "").strip()) < MIN_REASON:
        raise RefusedError(
            "SG-11: the backtest shows a disparate-impact concern; approving needs a reason",
            location="reason",
        )


def published_rules(sessions: sessionmaker[Session], today: date) -> list[dict[str, Any]]:
    """The active version of each rule as the public may know it (SG-48): name, title,
    category, purpose, legal basis, review-by date and whether it is in force; never its
    conditions."""
    query = (
        select(RuleRow.name, RuleVersionRow)
        .join(RuleVersionRow, RuleVersionRow.rule_id == RuleRow.id)
        .where(
            RuleVersionRow.status == RuleStatus.ACTIVE.value,
            RuleVersionRow.version == RuleRow.active_version,
        )
        .order_by(RuleRow.name)
    )
    with sessions() as session:
        rows = session.execute(query).tuples().all()
        return [
            {
                "name": name,
                "version": row.version,
                "title": row.title,
                "category": row.category,
                "purpose": row.purpose,
                "legal_basis": row.legal_basis,
                "review_by": row.review_by.isoformat(),
                "in_force": row.review_by >= today,
                "approved_on": row.approved_at.date() if row.approved_at else None,
            }
            for name, row in rows
        ]
