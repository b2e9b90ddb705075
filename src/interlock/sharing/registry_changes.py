"""What every change to the partner registry shares: the sessions, this node's identity and
ledger it works with, and the record of the change, written to the audit log and as a digest
to the ledger. :class:`interlock.sharing.partners.PartnerRegistry` is built on it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from interlock.access.roles import Principal
from interlock.audit.log import AuditEvent, record
from interlock.sharing.identity import NodeIdentity
from interlock.sharing.jsonfields import canonical_json

if TYPE_CHECKING:
    from interlock.ledger.log import Ledger


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


class RegistryChanges:
    """The registry's sessions, identity and ledger, and how a change is recorded."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        identity: NodeIdentity,
        ledger: Ledger | None = None,
    ) -> None:
        self._sessions = sessions
        self._identity = identity
        self._ledger = ledger

    def _log(
        self,
        session: Session,
        principal: Principal,
        change: str,
        subject: str,
        body: Mapping[str, Any],
        now: datetime,
        version: int | None = None,
    ) -> None:
        digest = _digest(body)
        record(
            session,
            AuditEvent.by(
                principal,
                "partner.manage",
                subject_kind="partner",
                subject_id=subject,
                detail={"change": change, "version": version, "sha256": digest},
            ),
            at=now,
        )
        if self._ledger is not None:
            event: dict[str, Any] = {
                "event": "registry",
                "change": change,
                "group" if change == "group" else "partner": subject,
                "sha256": digest,
                "at": now.isoformat(),
            }
            if version is not None:
                event["version"] = version
            self._ledger.append(session, event)
