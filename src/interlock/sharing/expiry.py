"""The originator's retention binds what a partner shared (SG-44): past its
``retention_until`` a partner's list is deleted with its entries, versions and history, and the
content of the messages that carried it is erased. The messages' digests stay, so the ledger,
which holds only digests (SG-31), still verifies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from interlock.store.schema import WatchlistRow
from interlock.store.schema_sharing import PartnerListRow, ShareInboxRow

ERASED: dict[str, object] = {"erased": "originator's retention period ended"}


def expire_partner_data(session: Session, today: date) -> dict[str, int]:
    """Delete partner lists and erase received content past the originator's retention."""
    lists = session.execute(
        select(PartnerListRow).where(
            PartnerListRow.retention_until.is_not(None), PartnerListRow.retention_until < today
        )
    ).scalars().all()  # fmt: skip
    names = [row.list_name for row in lists]
    if names:
        session.execute(delete(WatchlistRow).where(WatchlistRow.name.in_(names)))
        session.execute(delete(PartnerListRow).where(PartnerListRow.list_name.in_(names)))
    erased = 0
    for row in session.execute(
        select(ShareInboxRow).where(ShareInboxRow.envelope != b"")
    ).scalars():
        until = row.terms.get("retention_until")
        if until and date.fromisoformat(str(until)) < today:
            row.content = dict(ERASED)
            row.envelope = b""
            erased += 1
    return {"partner-list": len(names), "partner-message": erased}
