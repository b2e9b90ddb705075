"""The public transparency page (SG-48), built from configuration and the store's registries.

Anyone may read it, signed in or not, so it carries no personal data and nothing that would
help someone avoid a rule: who runs the node and how to reach its data protection officer;
the legal framework, the closed list of purposes and the regimes of the data; the retention
periods with their legal sources; the watchlists used (the registry: name, owner, legal basis,
type; never an entry); the risk rules in force (name, title, purpose, legal basis, review-by
date and who approves them; never their conditions); partners; how to exercise one's rights;
and yearly statistics, suppressed as :mod:`interlock.oversight.suppression` does.

:func:`transparency_document` gives the JSON form, :func:`render_html` a self-contained page
(inline style, no script, every value escaped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from html import escape
from typing import Any

import interlock
from interlock.access.purpose import REGIME_PURPOSES, Purpose
from interlock.oversight.config import OversightConfig, configured
from interlock.oversight.stats import StatsPeriod, compute, years_with_data
from interlock.retention.policy import RetentionPolicy
from interlock.store import Store
from interlock.watchlists.model import ListType

LEGAL_FRAMEWORK: tuple[tuple[str, str], ...] = (
    (
        "Directive (EU) 2016/681 (PNR Directive), as interpreted by the Court of Justice in "
        "C-817/19 Ligue des droits humains (21 June 2022)",
        "Passenger name record data may be processed only to prevent, detect, investigate and "
        "prosecute terrorist offences and serious crime, with the limits the Court set.",
    ),
    (
        "Council Directive 2004/82/EC (API Directive)",
        "Carriers send advance passenger information (the manifest) for border checks.",
    ),
    (
        "Directive (EU) 2016/680 (Law Enforcement Directive)",
        "Protection of personal data processed for law enforcement: data protection officer, "
        "rights of the persons concerned, supervision by an independent authority.",
    ),
    (
        "UN Security Council resolution 2396 (2017); ICAO Annex 9, chapter 9",
        "The international basis for passenger data systems and watchlists.",
    ),
)

PURPOSES: dict[Purpose, str] = {
    Purpose.TERRORIST_OFFENCE: (
        "Prevention, detection, investigation and prosecution of terrorist offences: the "
        "offences of Directive (EU) 2017/541 Arts. 3-12 (Directive 2016/681 Art. 3(8))."
    ),
    Purpose.SERIOUS_CRIME: (
        "Prevention, detection, investigation and prosecution of serious crime: the offences "
        "listed in Annex II of Directive 2016/681 punishable by at least three years' custody "
        "(Art. 3(9))."
    ),
}

REGIMES: dict[str, str] = {
    "pnr": "PNR data from air carriers (Directive 2016/681)",
    "api": "Advance passenger information, manifests (Directive 2004/82/EC, with 2016/681)",
    "watchlist": "Lists of persons sought or under alert: the purposes of each list's basis",
    "partner": "Data received from a partner: the purposes the originator allows",
}

LIST_TYPES: dict[str, str] = {
    ListType.SOUGHT.value: "persons sought or under alert (PNR data is screened only against "
    "these lists)",
    ListType.DOCUMENTS.value: "lost, stolen or invalidated travel documents",
    ListType.OTHER.value: "other (e.g. sanctions without a travel measure)",
}

SAFEGUARDS: tuple[str, ...] = (
    "Every match and rule hit is reviewed by a person before anything is done; no decision "
    "about a person is taken by automated means alone (Directive 2016/681 Arts. 6(5) and "
    "7(6); Directive 2016/680 Art. 11).",
    "Codes revealing religion, health, ethnic origin or sex life are deleted on receipt, and "
    "risk rules may not use such data or political opinions (Directive 2016/681 Arts. 6(4) "
    "and 13(4)); nationality, sex or age may be used only together with travel behaviour.",
    "Risk rules change only through a written, versioned procedure approved by a second "
    "person, and stop working at their review-by date; no component learns by itself.",
    "Every access to personal data is logged with its purpose and reason in a tamper-evident "
    "audit log that the data protection officer reads.",
)

RIGHTS = (
    "You may ask for access to the data this node holds about you, for its rectification or "
    "erasure, or for the restriction of its processing (Directive 2016/680 Arts. 14 and 16). "
    "Write to the data protection officer: {dpo}. Each request is recorded with the date it "
    "is due and answered in writing; a refusal or restriction states its legal ground. You "
    "may also ask for an explanation of a decision taken about you at the border. If you are "
    "not satisfied, you may complain to the supervisory authority: {authority} (Directive "
    "2016/680 Art. 52)."
)
NO_PARTNERS = "No partner agreements: this node shares data with no other country or body."
PARTNERS = (
    "This node shares only with the partners below, only the kinds of record, for the purposes "
    "and up to the TLP level their agreement in force allows; every share is signed, checked "
    "again by the recipient, and recorded in a ledger the partners cosign. Transfers to a third "
    "country are notified to the data protection officer."
)
APPROVER_ROLE = "rule-approver (a second person, not the rule's author)"


NO_ROUTE_SCOPE = (
    "No route restriction is configured: the travellers of every flight the node receives "
    "are screened."
)
ROUTE_SCOPE = (
    "Only the flights below are screened; the messages of other flights are kept, flagged "
    "and not screened (SG-03)."
)


def transparency_document(
    store: Store,
    config: OversightConfig,
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The page's content as JSON-ready data (no permission check: it is public)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "software": f"Interlock {interlock.__version__}",
        "node": {
            "name": config.node_name,
            "operator": _contact(config.operator_name),
            "dpo_contact": _contact(config.dpo_contact),
            "complaints_authority": _contact(config.complaints_authority),
        },
        "legal_framework": [{"instrument": i, "scope": s} for i, s in LEGAL_FRAMEWORK],
        "purposes": [{"purpose": p.value, "description": PURPOSES[p]} for p in Purpose],
        "regimes": [
            {
                "regime": regime.value,
                "description": REGIMES.get(regime.value, ""),
                "purposes": sorted(p.value for p in purposes),
            }
            for regime, purposes in REGIME_PURPOSES.items()
        ],
        "retention": [
            {
                "data": "PNR data, not held for a case",
                "months": policy.pnr.months,
                "after": "deleted",
                "source": policy.pnr.source,
            },
            {
                "data": "PNR data held for a case",
                "months": policy.pnr.months,
                "after": "depersonalised (identifying data masked)",
                "source": policy.pnr.source,
            },
            {
                "data": "PNR data, whatever holds it",
                "months": policy.maximum.months,
                "after": "deleted",
                "source": policy.maximum.source,
            },
        ],
        "watchlists": [
            {
                "name": stored.info.name,
                "owner": stored.info.owner,
                "legal_basis": stored.info.legal_basis,
                "type": stored.info.list_type.value,
                "type_description": LIST_TYPES.get(stored.info.list_type.value, ""),
                "refreshed_on": _day(stored.info.refreshed_on),
            }
            for stored in sorted(store.watchlists.lists(), key=lambda s: s.info.name)
        ],
        "route_scope": {
            "configured": config.route_scope is not None,
            "entries": list(config.route_scope or ()),
            "statement": NO_ROUTE_SCOPE if config.route_scope is None else ROUTE_SCOPE,
        },
        "rules": active_rules(store, now.date()),
        "partners": partner_agreements(store),
        "safeguards": list(SAFEGUARDS),
        "rights": RIGHTS.format(dpo=config.dpo_contact, authority=config.complaints_authority),
        "statistics": yearly_statistics(store, config, now),
    }


def partner_agreements(store: Store) -> dict[str, Any]:
    """The partners this node shares with and what each agreement in force allows: kinds,
    purposes, TLP ceiling, validity, legal basis, third country (no keys, no addresses)."""
    from sqlalchemy import select

    from interlock.sharing.partner_views import agreement_dict, partner_view
    from interlock.store.schema_sharing import PartnerRow

    with store.sessions() as session:
        rows = session.execute(select(PartnerRow).order_by(PartnerRow.name)).scalars().all()
        agreements = []
        for row in rows:
            partner = partner_view(session, row)
            if partner.agreement is None:
                continue
            agreements.append(
                {"partner": partner.name, "active": partner.active}
                | agreement_dict(partner.agreement)
            )
    statement = NO_PARTNERS if not agreements else PARTNERS
    return {"agreements": agreements, "statement": statement}


def _contact(value: str) -> dict[str, Any]:
    return {"value": value, "configured": configured(value)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def active_rules(store: Store, today: date) -> list[dict[str, Any]]:
    """The active version of each rule: what it is for and on what basis, not what it tests
    (read through the rules workflow, the only code that touches the rule tables)."""
    from interlock.rules.workflow import published_rules

    return [
        {**rule, "approved_by_role": APPROVER_ROLE, "approved_on": _day(rule["approved_on"])}
        for rule in published_rules(store.sessions, today)
    ]


def yearly_statistics(store: Store, config: OversightConfig, now: datetime) -> list[dict[str, Any]]:
    """The published figures of the latest ``config.years`` calendar years with data, newest
    first."""
    with store.sessions() as session:
        years = [y for y in years_with_data(session) if y <= now.year][-config.years :]
        return [
            compute(session, StatsPeriod(year)).publish(config.min_count)
            for year in reversed(years)
        ]


# --- HTML ------------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.45;color:#111}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}"
    "td,th{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#eee}.missing{background:#fde2e1;padding:.1rem .3rem}"
    "small{color:#444}h2{margin-top:2rem;border-bottom:1px solid #ccc}"
)


def _e(value: Any) -> str:
    return escape("—" if value is None else str(value))


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    if not body:
        body = f"<tr><td colspan='{len(headers)}'>none</td></tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _contact_html(contact: dict[str, Any]) -> str:
    text = _e(contact["value"])
    return text if contact["configured"] else f"<span class='missing'>{text}</span>"


def render_html(document: dict[str, Any]) -> str:
    """The document as a self-contained HTML page; every value is escaped."""
    node = document["node"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Transparency — {_e(node['name'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Passenger data: how {_e(node['name'])} works</h1>",
        f"<p><small>Generated {_e(document['generated_at'])} by {_e(document['software'])}."
        "</small></p>",
        "<h2>Who runs this node</h2>",
        "<table><tbody>"
        f"<tr><th>Node</th><td>{_e(node['name'])}</td></tr>"
        f"<tr><th>Operator</th><td>{_contact_html(node['operator'])}</td></tr>"
        f"<tr><th>Data protection officer</th><td>{_contact_html(node['dpo_contact'])}</td></tr>"
        f"<tr><th>Supervisory authority (complaints)</th>"
        f"<td>{_contact_html(node['complaints_authority'])}</td></tr></tbody></table>",
        "<h2>Legal framework</h2>",
        _table(["Instrument", "What it governs"],
               [(f["instrument"], f["scope"]) for f in document["legal_framework"]]),
        "<h2>Purposes</h2><p>Data is used only for these purposes; every access states one and "
        "a reason, and is logged.</p>",
        _table(["Purpose", "Meaning"],
               [(p["purpose"], p["description"]) for p in document["purposes"]]),
        _table(["Kind of data", "Purposes allowed"],
               [(r["description"] or r["regime"], ", ".join(r["purposes"]))
                for r in document["regimes"]]),
        "<h2>How long data is kept</h2>",
        _table(["Data", "Kept for (months after receipt)", "Then", "Legal source"],
               [(r["data"], r["months"], r["after"], r["source"]) for r in document["retention"]]),
        "<h2>Watchlists used</h2><p>The lists travellers are compared with (the registry; no "
        "list entry is published).</p>",
        _table(["List", "Owner", "Legal basis", "Holds", "Last refreshed"],
               [(w["name"], w["owner"], w["legal_basis"], w["type_description"] or w["type"],
                 w["refreshed_on"]) for w in document["watchlists"]]),
        "<h2>Risk rules in force</h2><p>Pre-determined criteria, each approved by a second "
        "person. Their conditions are not published, so that they cannot be evaded.</p>",
        _table(["Rule", "Version", "Title", "Purpose", "Legal basis", "Review by", "In force",
                "Approved by"],
               [(r["name"], r["version"], r["title"], r["purpose"], r["legal_basis"],
                 r["review_by"], "yes" if r["in_force"] else "no (review date passed)",
                 r["approved_by_role"]) for r in document["rules"]]),
        "<h2>Flights in scope</h2>",
        f"<p>{_e(document['route_scope']['statement'])}</p>",
        _table(["Scope", "Routes", "Legal reference", "Reason", "Expires"],
               [(e.get("scope"), ", ".join(map(str, [*e.get("routes", []),
                                                      *e.get("country_pairs", [])])),
                 e.get("legal_reference"), e.get("reason", ""), e.get("expires"))
                for e in document["route_scope"]["entries"]])
        if document["route_scope"]["entries"]
        else "",
        "<h2>Partners</h2>",
        f"<p>{_e(document['partners']['statement'])}</p>"
        if not document["partners"]["agreements"]
        else _table(
            ["Partner", "Kinds", "Purposes", "Up to", "Valid", "Legal basis", "Third country"],
            [
                (a["partner"], ", ".join(a["kinds"]), ", ".join(a["purposes"]),
                 f"TLP:{a['max_tlp'].upper()}", f"{a['valid_from']} to {a['valid_until']}",
                 a["legal_basis"], "yes" if a["third_country"] else "no")
                for a in document["partners"]["agreements"]
            ],
        ),
        "<h2>Safeguards</h2><ul>",
        *(f"<li>{_e(s)}</li>" for s in document["safeguards"]),
        "</ul><h2>Your rights</h2>",
        f"<p>{_e(document['rights'])}</p>",
        "<h2>Statistics</h2><p>Counts from 1 to the threshold are shown as &lt;N, and a second "
        "count is hidden (\"suppressed\") where the small one could be worked out from a total, "
        "so that no one is singled out. Figures cover the data the node still holds.</p>",
    ]  # fmt: skip
    parts += [_year_html(year) for year in document["statistics"]] or ["<p>No data yet.</p>"]
    parts.append("</body></html>")
    return "".join(parts)


def _year_html(figures: dict[str, Any]) -> str:
    travellers = figures["travellers"]
    alerts = figures["alerts"]
    outcome = ("confirmed", "dismissed", "open")
    sources = [k for k in travellers if k not in ("processed", "screened", "matched")]
    rows = [
        ("Travellers processed", travellers["processed"]),
        *((f"… from {source}", travellers[source]) for source in sources),
        ("Travellers matched against a list", travellers["matched"]),
        ("Alerts raised", alerts["raised"]),
        *((f"… {o}", alerts[o]) for o in outcome),
    ]
    groups = [
        (f"{r['rule']} v{r['version']}", group, *(c[k] for k in ("hits", *outcome)))
        for r in figures["rules"]
        for group, c in r["by_group"].items()
    ]
    actions = figures["actions"]
    retention = figures["retention"]
    kinds = sorted(set(retention["deleted"]) | set(retention["depersonalised"]))
    return "".join(
        [
            f"<h3>{_e(figures['period']['label'])}</h3>",
            _table(["Figure", "Count"], rows),
            _table(["Alerts by cause", "Raised", *outcome],
                   [(k, c["raised"], *(c[o] for o in outcome))
                    for k, c in alerts["by_cause"].items()]),
            _table(["Rule", "Hits", *outcome],
                   [(f"{r['rule']} v{r['version']}", r["hits"], *(r[o] for o in outcome))
                    for r in figures["rules"]]),
            _table(["Rule", "Nationality group", "Hits", *outcome], groups),
            _table(["List", "Alerts", *outcome],
                   [(r["list"], r["alerts"], *(r[o] for o in outcome)) for r in figures["lists"]]),
            _table(["Actions on persons", "Count"],
                   [(k, v) for k, v in actions.items() if k != "total"]
                   + [("total", actions["total"])]),
            f"<p>Retention runs: {_e(retention['runs'])}. Rows they removed or masked:</p>",
            _table(["Kind of row", "Deleted", "Depersonalised"],
                   [(k, retention["deleted"].get(k, 0), retention["depersonalised"].get(k, 0))
                    for k in kinds]),
        ]
    )  # fmt: skip
