"""Addressing a share this node originates: who receives it (named partners or the members of
a signed sharing group), the terms it goes under, and the least reason a person must state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from interlock.access.purpose import Purpose
from interlock.errors import NotFoundError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP

MIN_SHARE_REASON = 10


def recipients_of(
    session: Session, ctx: SharingContext, to: Sequence[str], group: str | None
) -> tuple[list[str], bool]:
    """The recipients and whether they were named (else: the members of ``group``)."""
    if group:
        groups = ctx.registry.groups(session)
        if group not in groups:
            raise NotFoundError(f"no sharing group {group!r} (write name@version)")
        return sorted(groups[group].members), False
    if not to:
        raise RefusedError("name the recipients or a sharing group", location="to")
    return list(dict.fromkeys(to)), True


def own_terms(
    node: str,
    *,
    purpose: Purpose,
    legal_basis: str,
    reason: str,
    tlp: TLP,
    retention_until: date | None = None,
    source_confirmation_required: bool = False,
    group: str | None = None,
) -> Terms:
    """Terms of a record this node originates for its recipients only: no onward sharing,
    one hop."""
    return Terms(
        purpose=purpose,
        legal_basis=legal_basis,
        reason=reason,
        tlp=tlp,
        originator=node,
        onward=Onward.NEVER,
        consent=(),
        max_hops=1,
        hops_left=1,
        path=(node,),
        retention_until=retention_until,
        source_confirmation_required=source_confirmation_required,
        group=group,
    )
