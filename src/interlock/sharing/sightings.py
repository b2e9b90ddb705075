"""Sightings: telling partners that a confirmed alert's person was seen. Only a confirmed
alert is shared (SG-20), and one on a partner's entry only once that partner has confirmed
the source (SG-19, :mod:`interlock.sharing.source_confirmation`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.sharing.addressing import MIN_SHARE_REASON, own_terms, recipients_of
from interlock.sharing.envelope import Terms
from interlock.sharing.hit_bundle import HitBundles
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, enqueue
from interlock.store.schema import WatchlistRow
from interlock.store.schema_alerts import AlertRow
from interlock.store.schema_sharing import PartnerListRow, SourceConfirmationRow


def _now() -> datetime:
    return datetime.now(UTC)


class Sightings(HitBundles):
    """Sending sightings of confirmed alerts to partners."""

    def send_sighting(
        self,
        principal: Principal,
        access: AccessPurpose,
        alert_id: int,
        *,
        to: Sequence[str] = (),
        group: str | None = None,
        reason: str,
        tlp: TLP = TLP.AMBER,
    ) -> list[str]:
        """Tell partners that a confirmed alert's person was seen; on a partner's entry only
        once that partner confirmed (SG-19), and only a confirmed alert (SG-20)."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        with self.ctx.store.sessions.begin() as session:
            alert = session.get(AlertRow, alert_id)
            if alert is None:
                raise NotFoundError(f"no alert {alert_id}")
            if alert.status != "confirmed":
                raise ConflictError(
                    f"alert {alert_id} is {alert.status}: only a confirmed alert is shared (SG-20)"
                )
            held = session.execute(
                select(PartnerListRow).where(PartnerListRow.list_name == alert.list_name)
            ).scalar() if alert.list_name else None  # fmt: skip
            confirmed = True
            if held is not None:
                answer = session.execute(
                    select(SourceConfirmationRow.status)
                    .where(SourceConfirmationRow.alert_id == alert_id)
                    .order_by(SourceConfirmationRow.id.desc())
                    .limit(1)
                ).scalar()
                confirmed = answer == "confirmed"
                if not confirmed:
                    raise ForbiddenError(
                        f"alert {alert_id} is on an entry of {held.partner}: it is passed on only "
                        f"once {held.partner} has confirmed it "
                        f"(SG-19; now: {answer or 'not asked'})"
                    )
            recipients, named = recipients_of(session, self.ctx, to, group)
            terms = own_terms(
                self.ctx.name,
                purpose=access.purpose,
                legal_basis=_legal_basis(session, alert.list_name, held),
                reason=text,
                tlp=tlp,
                group=group,
            )
            if not alert.list_name or not alert.entry_id:
                raise RefusedError("sightings are sent for hits on list entries", location="alert")
            owner, source = (
                (Terms.from_dict(held.terms).originator, held.source_list)
                if held
                else (self.ctx.name, alert.list_name)
            )
            content = self.hit_bundle(session, alert, owner, source, tlp, now)
            share = Outgoing(
                ShareKind.SIGHTING,
                terms,
                content,
                objects=[
                    SentObject(str(o["id"]))
                    for o in content["objects"]
                    if o.get("type") == "sighting"
                ],
            )
            return enqueue(
                session, self.ctx, principal.username, recipients, share, now=now, named=named
            )


def _legal_basis(session: Session, list_name: str | None, held: PartnerListRow | None) -> str:
    """The legal basis a hit on ``list_name`` is shared under: the originator's for a
    partner's list, else the list's own registry record (SG-17)."""
    if held is not None:
        return Terms.from_dict(held.terms).legal_basis
    row = session.execute(select(WatchlistRow).where(WatchlistRow.name == list_name)).scalar()
    return row.legal_basis if row is not None else ""
