"""The hit notification: when a person confirms an alert on a partner's entry (SG-20), the
listing partner is told, and asked for source confirmation before anything is passed on
(SG-19). The listing partner's answer is :mod:`interlock.sharing.source_confirmation`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ForbiddenError
from interlock.sharing.addressing import own_terms
from interlock.sharing.envelope import Terms
from interlock.sharing.hit_bundle import HitBundles
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, enqueue
from interlock.store.schema_alerts import AlertReviewRow, AlertRow
from interlock.store.schema_sharing import PartnerListRow, SourceConfirmationRow


class HitNotification(HitBundles):
    """Notifying the listing partner of a confirmed hit on its entry."""

    def notify_hit(self, session: Session, alert: AlertRow, now: datetime) -> list[str]:
        """Inside the transaction that confirms ``alert`` (SG-20: a person confirmed it):
        when the alert is on a partner's entry, tell that partner, asking for source
        confirmation before anything is passed on (SG-19). A share the policy refuses is
        recorded, and the confirmation stands."""
        if not alert.list_name:
            return []
        held = session.execute(
            select(PartnerListRow).where(PartnerListRow.list_name == alert.list_name)
        ).scalar()
        if held is None:
            return []
        review = session.execute(
            select(AlertReviewRow)
            .where(AlertReviewRow.alert_id == alert.id, AlertReviewRow.decision.is_not(None))
            .order_by(AlertReviewRow.id.desc())
            .limit(1)
        ).scalar()
        reviewer = review.reviewer if review is not None else "node"
        original = Terms.from_dict(held.terms)
        terms = own_terms(
            self.ctx.name,
            purpose=original.purpose,
            legal_basis=original.legal_basis,
            reason=(review.reason if review is not None and review.reason else "confirmed hit"),
            tlp=original.tlp if original.tlp is not TLP.CLEAR else TLP.AMBER,
            retention_until=original.retention_until,
            source_confirmation_required=True,
        )
        # the entry as its originator published it: a forwarded entry keeps its originator's id
        content = self.hit_bundle(
            session, alert, original.originator, held.source_list, terms.tlp, now
        )
        share = Outgoing(
            ShareKind.ALERT_NOTIFICATION,
            terms,
            content,
            objects=[
                SentObject(str(o["id"])) for o in content["objects"] if o.get("type") == "sighting"
            ],
        )
        try:
            with session.begin_nested():
                ids = enqueue(session, self.ctx, reviewer, [held.partner], share, now=now)
        except ForbiddenError as err:
            record(
                session,
                AuditEvent(
                    actor=reviewer,
                    action="share.send",
                    outcome=Outcome.REFUSED,
                    purpose=terms.purpose,
                    reason=terms.reason,
                    subject_kind="alert",
                    subject_id=str(alert.id),
                    recipient=held.partner,
                    detail={"kind": ShareKind.ALERT_NOTIFICATION.value, "refused": str(err)[:500]},
                ),
                at=now,
            )
            return []
        session.add(
            SourceConfirmationRow(
                alert_id=alert.id,
                partner=held.partner,
                request_message_id=ids[0],
                status="requested",
                requested_at=now,
            )
        )
        return ids
