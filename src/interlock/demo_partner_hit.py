"""Step 10 of ``interlock demo``: the partner sees a person this node lists, and the two
nodes close the loop.

With the partner of step 9 still running, holding this node's list:

1. the partner ingests the manifest of the flight a planted person of the day travels on;
   screening against ``partner:<this node>:<list>`` raises an alert there;
2. the partner's reviewer confirms it (a person decides, SG-20), which queues a hit
   notification to this node asking for source confirmation (SG-19);
3. the notification is pushed; here it opens a case (priority 1) and the ``partner-hit``
   playbook queues its notifications;
4. this node's liaison confirms the source; the answer is pushed back, and the partner may
   now pass the sighting on.

A second run finds the alert decided and the notification answered, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import select

from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.alerts import CHECKLISTS, CauseKind
from interlock.errors import ConflictError
from interlock.ingest.service import Ingestor
from interlock.sharing.context import SharingContext
from interlock.sharing.kinds import ShareKind
from interlock.sharing.service import SharingService
from interlock.sharing.transport import push_once
from interlock.store import Store
from interlock.store.schema_alerts import AlertRow, CaseRow
from interlock.store.schema_response import NotificationRow
from interlock.store.schema_sharing import ShareInboxRow, SourceConfirmationRow

ACCESS = AccessPurpose(Purpose.TERRORIST_OFFENCE, "demo: a partner's hit on our synthetic list")
REVIEW_REASON = "Synthetic demo: name, date of birth and document agree with the listed entry"
ANSWER_REASON = "Synthetic demo: the person seen is the one our entry lists"


@dataclass(slots=True)
class PartnerHitResult:
    partner_alert: int | None = None
    notified: bool = False
    case_id: int | None = None
    notifications: int = 0
    source_confirmed: bool = False


def partner_hit(
    out: Console,
    *,
    mine: SharingContext,
    theirs: SharingContext,
    partner_app: Any,
    held_list: str,
    entry_id: str,
    manifest: Path,
    principal: Callable[[Store, str, Role], Principal],
) -> PartnerHitResult:
    """Run the step (module docstring). ``principal(store, username, role)`` gives a
    synthetic account's principal; ``partner_app`` is the partner's app (its alert desk)."""
    result = PartnerHitResult()
    Ingestor(theirs.store).ingest_bytes(manifest.read_bytes(), source=str(manifest))
    alert = _partner_alert(theirs, held_list, entry_id)
    if alert is None:
        out.print(f"   the partner raised no alert on {entry_id}: nothing to notify")
        return result
    result.partner_alert = alert.id
    if alert.status in ("new", "under_review"):
        reviewer = principal(theirs.store, "demo-partner-reviewer", Role.REVIEWER)
        desk = partner_app.state.alerts
        desk.start_review(reviewer, ACCESS, alert.id)
        answers = dict.fromkeys(CHECKLISTS[CauseKind.WATCHLIST], "yes")
        desk.decide(reviewer, ACCESS, alert.id, "confirmed", answers, REVIEW_REASON)
        out.print(
            f"   the partner ingests {manifest.name}: alert {alert.id} on {held_list} "
            f"{entry_id}, confirmed by its reviewer; a hit notification is queued to this "
            "node, asking for source confirmation (SG-19)",
            highlight=False,
        )
    else:
        out.print(f"   the partner's alert {alert.id} on {entry_id} was {alert.status} earlier")
    push_once(theirs)
    received = _notification(mine, theirs.name)
    if received is None:
        out.print("   [red]no hit notification arrived[/]")
        return result
    result.notified = True
    result.case_id = received.case_id
    case, notifications = _case(mine, received.case_id)
    result.notifications = notifications
    out.print(
        f"   here it opened case {received.case_id}: {case}; the partner-hit playbook queued "
        f"{notifications} notification(s) (`interlock notify list --case {received.case_id}`)",
        highlight=False,
    )
    liaison = principal(mine.store, "demo-liaison", Role.LIAISON)
    try:
        SharingService(mine).confirm_source(
            liaison, ACCESS, received.message_id, confirmed=True, reason=ANSWER_REASON
        )
        push_once(mine)
        answered = "the answer is pushed to the partner"
    except ConflictError:
        answered = "the notification was answered in an earlier run"
    result.source_confirmed = _confirmed_at_partner(theirs, alert.id)
    out.print(
        f"   {liaison.username} confirms the source: {answered}; at the partner the source "
        f"is {'confirmed' if result.source_confirmed else 'not confirmed'}, so it may pass "
        "the sighting on to others",
        highlight=False,
    )
    return result


def _partner_alert(ctx: SharingContext, held_list: str, entry_id: str) -> AlertRow | None:
    with ctx.store.sessions() as session:
        return session.execute(
            select(AlertRow)
            .where(AlertRow.list_name == held_list, AlertRow.entry_id == entry_id)
            .order_by(AlertRow.id)
            .limit(1)
        ).scalar()


def _notification(ctx: SharingContext, sender: str) -> ShareInboxRow | None:
    with ctx.store.sessions() as session:
        return session.execute(
            select(ShareInboxRow)
            .where(
                ShareInboxRow.sender == sender,
                ShareInboxRow.kind == ShareKind.ALERT_NOTIFICATION.value,
                ShareInboxRow.status == "accepted",
            )
            .order_by(ShareInboxRow.id.desc())
            .limit(1)
        ).scalar()


def _case(ctx: SharingContext, case_id: int | None) -> tuple[str, int]:
    with ctx.store.sessions() as session:
        case = session.get(CaseRow, case_id) if case_id is not None else None
        sent = session.execute(
            select(NotificationRow.id).where(NotificationRow.case_id == case_id)
        ).all()
        return (case.title if case else "no case"), len(sent)


def _confirmed_at_partner(ctx: SharingContext, alert_id: int) -> bool:
    with ctx.store.sessions() as session:
        status = session.execute(
            select(SourceConfirmationRow.status)
            .where(SourceConfirmationRow.alert_id == alert_id)
            .order_by(SourceConfirmationRow.id.desc())
            .limit(1)
        ).scalar()
        return status == "confirmed"
