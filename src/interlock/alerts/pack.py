"""The explanation pack of an alert (SG-46): everything a person needs to understand, check
and contest it, as JSON and as a readable page.

It holds the alert (state, category, severity, priority, band and score), the traveller's
matched values, the cause — the list entry as stored with its list version, or the rule
version with its conditions and the values they met — the score features with their weights,
the exonerating facts, the review record (who, when, checklist, decision, reason), actions on
the person and the timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose
from interlock.access.roles import Action, Principal, check
from interlock.alerts.views import (
    alert_row,
    exonerating_facts,
    reviews,
    summary,
    timeline,
    traveller_view,
)
from interlock.audit.log import AuditEvent, record
from interlock.store.schema import WatchlistEntryRow, WatchlistRow
from interlock.store.schema_alerts import AlertRow, PersonActionRow

PACK_VERSION = 1


def build_pack(session: Session, row: AlertRow) -> dict[str, Any]:
    """The pack of one alert, read in the caller's session."""
    cause: dict[str, Any] = {"kind": row.cause_kind}
    if row.list_name is not None:
        cause.update(
            list=row.list_name,
            list_version=row.list_version,
            entry_id=row.entry_id,
            entry=_entry(session, row.list_name, row.entry_id or ""),
        )
    if row.rule_name is not None:
        cause.update(rule=row.rule_name, rule_version=row.rule_version)
    actions = session.execute(
        select(PersonActionRow)
        .where(PersonActionRow.alert_id == row.id)
        .order_by(PersonActionRow.id)
    ).scalars()
    return {
        "pack_version": PACK_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "humanitarian": row.humanitarian,
        "alert": {**summary(row), "score": row.score},
        "traveller": traveller_view(session, row.traveller_id),
        "cause": cause,
        "explanation": row.explanation,
        "exonerating": exonerating_facts(row),
        "reviews": reviews(session, row.id),
        "actions": [
            {
                "kind": a.kind,
                "decided_by": a.decided_by,
                "basis": a.basis,
                "reason": a.reason,
                "humanitarian_note": a.humanitarian_note,
                "at": a.at.isoformat(),
            }
            for a in actions
        ],
        "timeline": timeline(session, row.id),
    }


def _entry(session: Session, list_name: str, entry_id: str) -> dict[str, Any] | None:
    found = session.execute(
        select(WatchlistEntryRow, WatchlistRow)
        .join(WatchlistRow, WatchlistRow.id == WatchlistEntryRow.watchlist_id)
        .where(WatchlistRow.name == list_name, WatchlistEntryRow.entry_id == entry_id)
    ).first()
    if found is None:
        return None
    entry, listing = found
    return {
        "status": entry.status,
        "review_by": entry.review_by.isoformat() if entry.review_by else None,
        "nominating_source": entry.nominating_source,
        "reason": entry.reason,
        "first_version": entry.first_version,
        "last_changed_version": entry.last_changed_version,
        "removed_in_version": entry.removed_in_version,
        "data": entry.data,
        "list": {
            "owner": listing.owner,
            "legal_basis": listing.legal_basis,
            "type": listing.list_type,
            "current_version": listing.current_version,
        },
    }


def explanation_pack(
    sessions: sessionmaker[Session], principal: Principal, access: AccessPurpose, alert_id: int
) -> dict[str, Any]:
    """The pack, for a principal allowed to export it; the export is audited."""
    check(principal, Action.ALERT_EXPORT)
    with sessions.begin() as session:
        row = alert_row(session, alert_id)
        pack = build_pack(session, row)
        record(
            session,
            AuditEvent.by(
                principal,
                Action.ALERT_EXPORT,
                access=access,
                subject_kind="alert",
                subject_id=str(alert_id),
                detail={"traveller": row.traveller_id, "what": "explanation pack"},
            ),
        )
        return pack


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | dict):
        return escape(", ".join(map(str, value)) if isinstance(value, list) else str(value))
    return escape(str(value))


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_pack_html(pack: dict[str, Any]) -> str:
    """The pack as a self-contained page a person can read, print and hand over."""
    alert = pack["alert"]
    traveller = pack["traveller"]
    cause = pack["cause"]
    explanation = pack["explanation"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Alert {alert['id']} — explanation</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #999;"
        "padding:.25rem .5rem;text-align:left;vertical-align:top}.flag{background:#fff3cd;"
        "padding:.5rem;border:1px solid #c90}</style></head><body>",
        f"<h1>Alert {alert['id']}: explanation</h1>",
    ]
    if pack["humanitarian"]:
        flags = "; ".join(
            f"{escape(str(f.get('flag')))} ({escape(str(f.get('source', '')))})"
            for f in pack["humanitarian"]
        )
        parts.append(f"<p class='flag'><strong>Humanitarian flags:</strong> {flags}</p>")
    parts += [
        "<h2>Alert</h2>",
        _table(
            [alert],
            [
                "status",
                "category",
                "severity",
                "priority",
                "band",
                "score",
                "created_at",
                "due_at",
                "flight_key",
            ],
        ),
        "<h2>Traveller</h2>",
        _table(
            [traveller],
            ["id", "surname", "given_names", "birth_date", "nationality", "sex", "role"],
        ),
        _table(traveller.get("documents") or [], ["type", "number", "issuing_country", "expiry"]),
        "<h2>Cause</h2>",
    ]
    if cause.get("list"):
        entry = cause.get("entry") or {}
        parts.append(
            f"<p>Entry <strong>{escape(str(cause.get('entry_id')))}</strong> of the list "
            f"<strong>{escape(str(cause['list']))}</strong>, version "
            f"{escape(str(cause.get('list_version')))}; entry status "
            f"{escape(str(entry.get('status', 'unknown')))}, nominated by "
            f"{escape(str(entry.get('nominating_source') or '—'))}; "
            f"listed because: {escape(str(entry.get('reason') or '—'))}.</p>"
        )
        parts.append("<h3>How the score was made</h3>")
        parts.append(
            _table(
                explanation.get("features", []),
                ["feature", "query_value", "entry_value", "weight", "reason"],
            )
        )
    if cause.get("rule"):
        parts.append(
            f"<p>Rule <strong>{escape(str(cause['rule']))}</strong>, version "
            f"{escape(str(cause.get('rule_version')))}: "
            f"{escape(str(explanation.get('title', '')))}; written by "
            f"{escape(str(explanation.get('author', '—')))}.</p>"
        )
        parts.append("<h3>Conditions met</h3>")
        parts.append(
            _table(explanation.get("conditions", []), ["field", "op", "expected", "actual", "met"])
        )
    parts += [
        "<h2>Exonerating facts</h2>",
        _table(pack["exonerating"], ["fact", "traveller", "entry", "weight", "met"]),
        "<h2>Review record</h2>",
        _table(
            pack["reviews"],
            ["reviewer", "started_at", "decided_at", "decision", "reason", "checklist"],
        ),
        "<h2>Actions on the person</h2>",
        _table(
            pack["actions"], ["kind", "decided_by", "basis", "reason", "humanitarian_note", "at"]
        ),
        "<h2>Timeline</h2>",
        _table(pack["timeline"], ["at", "actor", "kind", "detail"]),
        f"<p><small>Explanation pack version {pack['pack_version']}, generated "
        f"{escape(pack['generated_at'])}.</small></p></body></html>",
    ]
    return "\n".join(parts)
