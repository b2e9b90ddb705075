"""Roles, actions and the one permission check of the node (SG-38, SG-40).

Every part of Interlock that lets someone do something calls :func:`check` with the acting
:class:`Principal` and an :class:`Action`; nothing else decides who may do what. The table
:data:`PERMISSIONS` is the whole policy. ``tests/data/permissions.csv`` holds the expected
role x action matrix and the tests compare every cell with what :func:`check` answers.

- **admin** manages accounts, tokens and the node's configuration but reads no personal data.
- **supervisor** reads everything operational, changes nothing (SG-38: read-only).
- The stop switch (SG-55) is for the **admin** (it reveals no personal data) and the **dpo**.
- **authority** is a person of an authority outside the unit (a court, a prosecutor's office)
  who approves the unmasking of depersonalised data (SG-29); it can do nothing else.
- The **dpo** handles data-subject requests (SG-45), and so may find and read a traveller's
  data.
- **dpo** and **auditor** read the audit log (SG-34); the DPO also runs retention and sets
  retention holds.
- **service** is for machine accounts (carrier gateways, partner links): it sends data in.
  A service principal can never review, confirm, dismiss or act on a person, whatever roles
  its account holds (SG-40).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interlock.errors import ForbiddenError


class Role(StrEnum):
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    RULE_AUTHOR = "rule-author"
    RULE_APPROVER = "rule-approver"
    LIAISON = "liaison"
    DPO = "dpo"
    AUDITOR = "auditor"
    SUPERVISOR = "supervisor"
    AUTHORITY = "authority"
    ADMIN = "admin"
    SERVICE = "service"


class Action(StrEnum):
    # traveller data
    MESSAGE_INGEST = "message.ingest"
    MESSAGE_READ = "message.read"
    TRAVELLER_READ = "traveller.read"
    TRAVELLER_SEARCH = "traveller.search"
    # watchlists
    WATCHLIST_READ = "watchlist.read"
    WATCHLIST_MANAGE = "watchlist.manage"
    # risk rules
    RULE_READ = "rule.read"
    RULE_DRAFT = "rule.draft"
    RULE_BACKTEST = "rule.backtest"
    RULE_APPROVE = "rule.approve"
    # alerts and cases
    ALERT_READ = "alert.read"
    ALERT_REVIEW = "alert.review"
    ALERT_DECIDE = "alert.decide"
    ALERT_EXPORT = "alert.export"
    CASE_READ = "case.read"
    CASE_MANAGE = "case.manage"
    PERSON_ACTION = "person.action"
    NOTIFICATION_ACK = "notification.ack"
    # sharing with partners
    SHARE_SEND = "share.send"
    SHARE_READ = "share.read"
    PARTNER_MANAGE = "partner.manage"
    # oversight
    AUDIT_READ = "audit.read"
    STATS_READ = "stats.read"
    RETENTION_RUN = "retention.run"
    RETENTION_HOLD = "retention.hold"
    UNMASK_REQUEST = "unmask.request"
    UNMASK_APPROVE = "unmask.approve"
    SUBJECT_REQUEST = "subject-request.manage"
    CONTROL_STOP = "control.stop"
    CONTROL_READ = "control.read"
    # administration
    USER_MANAGE = "user.manage"
    CONFIG_MANAGE = "config.manage"


A = Action
_READ_OPERATIONAL = frozenset(
    {
        A.MESSAGE_READ,
        A.TRAVELLER_READ,
        A.TRAVELLER_SEARCH,
        A.WATCHLIST_READ,
        A.RULE_READ,
        A.ALERT_READ,
        A.ALERT_EXPORT,
        A.SHARE_READ,
        A.CASE_READ,
        A.CONTROL_READ,
        A.STATS_READ,
    }
)

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ANALYST: _READ_OPERATIONAL
    | {A.CASE_MANAGE, A.RULE_BACKTEST, A.WATCHLIST_MANAGE, A.NOTIFICATION_ACK, A.UNMASK_REQUEST},
    Role.REVIEWER: _READ_OPERATIONAL
    | {
        A.ALERT_REVIEW,
        A.ALERT_DECIDE,
        A.CASE_MANAGE,
        A.PERSON_ACTION,
        A.NOTIFICATION_ACK,
        A.UNMASK_REQUEST,
    },
    Role.RULE_AUTHOR: frozenset({A.RULE_READ, A.RULE_DRAFT, A.RULE_BACKTEST, A.STATS_READ}),
    Role.RULE_APPROVER: frozenset({A.RULE_READ, A.RULE_BACKTEST, A.RULE_APPROVE, A.STATS_READ}),
    Role.LIAISON: frozenset(
        {
            A.ALERT_READ,
            A.ALERT_EXPORT,
            A.CASE_READ,
            A.SHARE_SEND,
            A.SHARE_READ,
            A.NOTIFICATION_ACK,
        }
    ),
    Role.DPO: frozenset(
        {
            A.AUDIT_READ,
            A.STATS_READ,
            A.RULE_READ,
            A.ALERT_READ,
            A.ALERT_EXPORT,
            A.RETENTION_RUN,
            A.RETENTION_HOLD,
            A.CONTROL_READ,
            A.CONTROL_STOP,
            A.SUBJECT_REQUEST,
            A.TRAVELLER_READ,
            A.TRAVELLER_SEARCH,
            A.SHARE_READ,
        }
    ),
    Role.AUDITOR: frozenset(
        {A.AUDIT_READ, A.STATS_READ, A.RULE_READ, A.CONTROL_READ, A.SHARE_READ}
    ),
    Role.SUPERVISOR: _READ_OPERATIONAL,
    Role.AUTHORITY: frozenset({A.UNMASK_APPROVE}),
    Role.ADMIN: frozenset(
        {
            A.USER_MANAGE,
            A.CONFIG_MANAGE,
            A.CONTROL_READ,
            A.CONTROL_STOP,
            A.STATS_READ,
            A.PARTNER_MANAGE,
        }
    ),
    Role.SERVICE: frozenset({A.MESSAGE_INGEST}),
}

PERSON_ONLY: frozenset[Action] = frozenset(
    {
        A.ALERT_REVIEW,
        A.ALERT_DECIDE,
        A.PERSON_ACTION,
        A.RULE_APPROVE,
        A.CONTROL_STOP,
        A.UNMASK_REQUEST,
        A.UNMASK_APPROVE,
        A.SHARE_SEND,
    }
)
"""Actions that only a person may take: a service principal is refused them (SG-40)."""


class PrincipalKind(StrEnum):
    PERSON = "person"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: an account, its roles, and whether it is a person or a service.
    ``credential`` tells how it signed in (``session``, ``token``, ``cli``)."""

    user_id: int
    username: str
    roles: frozenset[Role]
    kind: PrincipalKind = PrincipalKind.PERSON
    credential: str = "session"

    @property
    def is_person(self) -> bool:
        return self.kind is PrincipalKind.PERSON


def allowed(principal: Principal, action: Action) -> bool:
    """Whether ``principal`` may take ``action``: one of its roles grants it, and a service
    is never granted a person-only action."""
    if action in PERSON_ONLY and not principal.is_person:
        return False
    return any(action in PERMISSIONS[role] for role in principal.roles)


def check(principal: Principal, action: Action) -> None:
    """Refuse (:class:`ForbiddenError`, HTTP 403) unless ``principal`` may take ``action``."""
    if allowed(principal, action):
        return
    if action in PERSON_ONLY and not principal.is_person:
        raise ForbiddenError(f"{action.value} is for a person; a service account may not do it")
    roles = ", ".join(sorted(r.value for r in principal.roles)) or "no role"
    raise ForbiddenError(f"{action.value} is not allowed for {roles}")
