"""``/api/v1/audit``: read and verify the hash-chained audit log (SG-33, SG-34).

Reading entries and verifying need ``audit.read`` (the DPO and auditors; every other role
gets 403, and the refusal is itself logged). Reading is recorded in the log. The head
(newest ``seq`` and ``hash``) reveals no content: any signed-in account may fetch it, so an
admin can keep copies elsewhere and later prove that no entries were cut off the end.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed, current_principal
from interlock.api.deps import get_store
from interlock.audit.log import VerifyReport, parse_head
from interlock.store import Store

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Reader = Annotated[Principal, Depends(Allowed(Action.AUDIT_READ))]
StoreDep = Annotated[Store, Depends(get_store)]


def report_dict(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "entries": report.entries,
        "head": {"seq": report.head_seq, "hash": report.head_hash},
        "problems": [{"seq": seq, "problem": problem} for seq, problem in report.problems],
    }


@router.get("")
def entries(
    principal: Reader,
    store: StoreDep,
    action: Annotated[str | None, Query(description="e.g. traveller.search")] = None,
    subject_kind: Annotated[str | None, Query()] = None,
    subject_id: Annotated[str | None, Query()] = None,
    after_seq: Annotated[int, Query(ge=0, description="Entries after this seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Entries in order, filtered (this reading is itself recorded)."""
    found = store.audit.entries(
        principal,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        after_seq=after_seq,
        limit=limit,
    )
    return [entry.to_dict() for entry in found]


@router.get("/verify")
def verify(
    principal: Reader,
    store: StoreDep,
    head: Annotated[str | None, Query(description="A head recorded earlier: SEQ:HASH")] = None,
) -> dict[str, Any]:
    """Recompute the whole chain; ``ok`` false with each problem when it is broken."""
    expected = parse_head(head) if head else None
    return report_dict(store.audit.verify(expected_head=expected))


@router.get("/head")
def head(
    principal: Annotated[Principal, Depends(current_principal)], store: StoreDep
) -> dict[str, Any]:
    """The newest entry's ``seq`` and ``hash`` (``0`` and zeros for an empty log)."""
    seq, digest = store.audit.head()
    return {"seq": seq, "hash": digest, "head": f"{seq}:{digest}"}
