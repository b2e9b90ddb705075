"""What an accepted message changes in the receiving node.

- **Watchlist entries** become entries of a watchlist of the partner, ``partner:<node>:<list>``,
  as a new version of it (so screening, retro-screening and the history work as for any list).
  The list keeps the originator's terms (``partner_lists``, SG-44): its purpose and legal basis,
  TLP, onward-sharing rule and consent, hop count, and retention: every entry's review-by date
  is capped at the originator's retention date, so it stops matching then (SG-18), and the
  retention run deletes the list's entries after it.
- **Revocations** (``revoked: true``) remove the entry in the same transaction: the next
  screening no longer sees it.
- **Source confirmations** answer a hit notification this node sent (SG-19).
- **Corrections** apply the new versions they carry (entries updated or revoked), mark the
  message they correct, and go on to every node this one passed the corrected objects to
  (SG-43).
- **Hit notifications** and **sightings** are kept in the inbox for the liaison.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Message
from interlock.sharing.kinds import ShareKind
from interlock.sharing.seal import sealed_bytes
from interlock.sharing.stix import EXTENSION_ID, Record
from interlock.sharing.stix_read import entry_from_identity
from interlock.store.schema import WatchlistRow
from interlock.store.schema_sharing import (
    PartnerListRow,
    ShareInboxRow,
    SourceConfirmationRow,
)
from interlock.store.watchlist_import import entries_at
from interlock.store.watchlists import import_version_in
from interlock.watchlists.model import ListInfo, ListType, WatchlistEntry


def partner_list_name(partner: str, source_list: str) -> str:
    return f"partner:{partner}:{source_list}"


def _ext(obj: Mapping[str, Any]) -> dict[str, Any]:
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict):
        return {}
    body = extensions.get(EXTENSION_ID)
    return body if isinstance(body, dict) else {}


def entry_objects(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The watchlist-entry identities of a bundle."""
    objects = content.get("objects", [])
    return [
        o
        for o in objects
        if isinstance(o, dict)
        and o.get("type") == "identity"
        and _ext(o).get("record") == Record.ENTRY
    ]


def apply_message(
    session: Session, ctx: SharingContext, message: Message, now: datetime
) -> list[tuple[str, int]]:
    """Apply an accepted message; the (list, version) pairs to retro-screen after commit."""
    kind = message.kind
    if kind is ShareKind.SOURCE_CONFIRMATION:
        _source_confirmation(session, message, now)
        return []
    if kind is ShareKind.ALERT_NOTIFICATION:
        from interlock.sharing.partner_hits import open_hit_case

        open_hit_case(session, message, now, settings=ctx.settings)
        return []
    touched: list[tuple[str, int]] = []
    if kind in (ShareKind.WATCHLIST_ENTRY, ShareKind.WATCHLIST_REVOCATION, ShareKind.CORRECTION):
        touched = _apply_entries(session, message, now)
    if kind is ShareKind.CORRECTION:
        _correction(session, ctx, message, now)
    return touched


def _apply_entries(session: Session, message: Message, now: datetime) -> list[tuple[str, int]]:
    by_list: dict[str, list[dict[str, Any]]] = {}
    for obj in entry_objects(message.content):
        source = str(_ext(obj).get("list_name") or "")
        if not source:
            raise RefusedError("an entry without its list name", location=str(obj.get("id")))
        by_list.setdefault(source, []).append(obj)
    if message.kind is ShareKind.WATCHLIST_REVOCATION and not by_list:
        raise RefusedError("a revocation that revokes no entry", location="content")
    touched = []
    for source, objects in sorted(by_list.items()):
        version = _apply_list(session, message, source, objects, now)
        if version is not None:
            touched.append((partner_list_name(message.sender, source), version))
    return touched


def _apply_list(
    session: Session,
    message: Message,
    source: str,
    objects: Iterable[dict[str, Any]],
    now: datetime,
) -> int | None:
    name = partner_list_name(message.sender, source)
    terms = message.terms
    holder = session.execute(
        select(PartnerListRow).where(PartnerListRow.list_name == name).with_for_update()
    ).scalar()
    if holder is None:
        holder = PartnerListRow(list_name=name, partner=message.sender, source_list=source)
        holder.received_at = now
        session.add(holder)
    holder.terms = terms.to_dict()
    holder.origin_seal = sealed_bytes(message)  # the originator's seal of these terms, if any
    holder.retention_until = terms.retention_until
    holder.updated_at = now
    watchlist = session.execute(select(WatchlistRow).where(WatchlistRow.name == name)).scalar()
    current: dict[str, WatchlistEntry] = {}
    if watchlist is not None and watchlist.current_version:
        current = {e.entry_id: e for e in entries_at(session, watchlist, watchlist.current_version)}
    for obj in objects:
        entry_id = str(_ext(obj).get("entry_id") or "")
        if obj.get("revoked"):
            current.pop(entry_id, None)
            continue
        entry = entry_from_identity(obj, name)
        review_by = entry.review_by
        if terms.retention_until is not None and (
            review_by is None or review_by > terms.retention_until
        ):
            review_by = terms.retention_until
        current[entry.entry_id] = replace(entry, list_name=name, review_by=review_by)
    info = ListInfo(
        name=name,
        owner=f"partner {message.sender}",
        legal_basis=terms.legal_basis,
        list_type=ListType.SOUGHT,
        refreshed_on=now.date(),
        description=(
            f"entries shared by {message.sender} from its list {source}; purpose "
            f"{terms.purpose}, TLP:{terms.tlp.value.upper()}, onward sharing {terms.onward}"
        ),
    )
    if watchlist is not None:
        watchlist.legal_basis = terms.legal_basis
    digest = hashlib.sha256(f"{message.sender}/{message.message_id}".encode()).hexdigest()
    summary = import_version_in(
        session,
        info,
        list(current.values()),
        source_name=f"share {message.message_id}",
        sha256=digest,
    )
    return None if summary.duplicate else summary.version


def _source_confirmation(session: Session, message: Message, now: datetime) -> None:
    row = session.execute(
        select(SourceConfirmationRow)
        .where(SourceConfirmationRow.request_message_id == message.refers_to)
        .with_for_update()
    ).scalar()
    if row is None or row.partner != message.sender:
        raise RefusedError(
            "a source confirmation of no hit notification sent to this partner",
            location="refers_to",
        )
    answer = str(message.content.get("x_interlock_answer", "")) or _answer_of(message)
    row.status = "confirmed" if answer == "confirmed" else "not-confirmed"
    row.answer = message.terms.reason
    row.answered_at = now


def _answer_of(message: Message) -> str:
    for obj in message.content.get("objects", []):
        if isinstance(obj, dict):
            answer = _ext(obj).get("source_confirmation")
            if answer:
                return str(answer)
    return ""


def _correction(session: Session, ctx: SharingContext, message: Message, now: datetime) -> None:
    if message.refers_to:
        corrected = session.execute(
            select(ShareInboxRow).where(
                ShareInboxRow.message_id == message.refers_to,
                ShareInboxRow.sender == message.sender,
            )
        ).scalar()
        if corrected is not None:
            corrected.corrected_by = message.message_id
    from interlock.sharing.corrections import forward_correction

    forward_correction(session, ctx, message, now)
