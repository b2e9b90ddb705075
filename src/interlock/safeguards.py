"""The safeguards of ``SAFEGUARDS.md`` and where each one stands in this code base.

Each safeguard is a feature with at least one test marked ``@pytest.mark.safeguard("SG-NN")``.
``tests/test_safeguards.py`` checks that every ID in SAFEGUARDS.md is listed here and that
every one marked implemented has a test. ``planned`` names the issue that builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    IMPLEMENTED = "implemented"
    PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class Safeguard:
    id: str
    title: str
    status: Status
    where: str


def _planned(id_: str, title: str, issue: int) -> Safeguard:
    return Safeguard(id_, title, Status.PLANNED, f"issue {issue}")


SAFEGUARDS: tuple[Safeguard, ...] = (
    Safeguard("SG-01", "Purpose on every access", Status.IMPLEMENTED,
              "interlock.access.purpose (closed list, regimes); interlock.api.auth.stated_purpose"
              " refuses (422) and audits"),
    Safeguard("SG-03", "Route scope", Status.IMPLEMENTED,
              "interlock.scope (configured by route_scope_file): out-of-scope messages stored, "
              "flagged, not screened; published on the transparency page"),
    Safeguard("SG-05", "Allowlist of PNR elements", Status.IMPLEMENTED,
              "interlock.ingest.pnr_minimise, applied by the PNRGOV parser on receipt"),
    Safeguard("SG-06", "Sensitive codes deleted", Status.IMPLEMENTED,
              "interlock.ingest.pnr_minimise.SENSITIVE_CODES, applied on receipt"),
    Safeguard("SG-10", "No sensitive fields in rules", Status.IMPLEMENTED,
              "interlock.rules.validate: allowlisted fields; sensitive ones refused"),
    Safeguard("SG-11", "No nationality-only rules", Status.IMPLEMENTED,
              "interlock.rules.validate (protected fields only with behaviour and a "
              "justification); interlock.rules.backtest disparate impact before approval"),
    Safeguard("SG-12", "Exonerating conditions", Status.IMPLEMENTED,
              "interlock.rules.validate: exonerating conditions or a reasoned waiver"),
    Safeguard("SG-13", "No self-learning", Status.IMPLEMENTED,
              "interlock.rules.workflow: draft -> submitted -> approved by another person -> "
              "active"),
    Safeguard("SG-14", "Review-by date", Status.IMPLEMENTED,
              "interlock.rules.workflow: author, approver, legal basis, purpose, review-by; "
              "expired versions not loaded"),
    Safeguard("SG-15", "Rule quality", Status.IMPLEMENTED,
              "interlock.rules.quality: hits, confirmed, dismissed per version and nationality "
              "group"),
    Safeguard("SG-17", "Source registry", Status.IMPLEMENTED,
              "interlock.store.watchlists registers each list with owner, legal basis, type and "
              "refresh date; interlock.watchlists.registry refuses a list without them"),
    Safeguard("SG-18", "Entry hygiene", Status.IMPLEMENTED,
              "interlock.store.watchlists: entries keep nominating source, reason, review-by; "
              "active_entries leaves out delisted, removed and expired ones"),
    Safeguard("SG-19", "Source confirmation", Status.IMPLEMENTED,
              "interlock.sharing.hit_notification: a confirmed hit on a partner's entry is "
              "notified with source confirmation required; interlock.sharing.sightings: "
              "sightings wait for the partner's answer; interlock.sharing.partner_hits: the "
              "listing node gets a case to answer"),
    Safeguard("SG-20", "Alert states", Status.IMPLEMENTED,
              "interlock.alerts.desk: new -> under_review -> confirmed | dismissed, by a person"),
    Safeguard("SG-21", "Reasoned review", Status.IMPLEMENTED,
              "interlock.alerts.desk: checklist and reason required; evidence shown "
              "(interlock.alerts.views)"),
    Safeguard("SG-22", "Against automation bias", Status.IMPLEMENTED,
              "interlock.alerts.desk: one alert per decision, rule authors refused; band shown, "
              "not a score"),
    _planned("SG-23", "Four eyes for biometrics", 6),
    Safeguard("SG-24", "No solely automated decisions", Status.IMPLEMENTED,
              "interlock.alerts.desk.AlertDesk.act: confirmed alert, a person, a reason; "
              "automated basis refused"),
    Safeguard("SG-25", "Known false positives", Status.IMPLEMENTED,
              "interlock.alerts.raising / desk: dismissals remembered by hashed identity and "
              "cause, deleted with the traveller"),
    Safeguard("SG-26", "Six months", Status.IMPLEMENTED,
              "interlock.retention: unheld PNR deleted after six months; held PNR depersonalised"),
    Safeguard("SG-27", "Depersonalisation", Status.IMPLEMENTED,
              "interlock.retention: masked columns sealed with AES-GCM under a key file kept "
              "apart"),
    Safeguard("SG-28", "Holds", Status.IMPLEMENTED,
              "interlock.retention holds: a person, an evidence reference and a review date"),
    Safeguard("SG-29", "Unmasking", Status.IMPLEMENTED,
              "interlock.retention.unmask: request, approval by an authority outside the "
              "unit, audited reads, the DPO notified"),
    Safeguard("SG-30", "Hard deletion", Status.IMPLEMENTED,
              "interlock.retention.run: past the maximum period, deleted with sealed copies"),
    Safeguard("SG-31", "Ledger without personal data", Status.IMPLEMENTED,
              "interlock.ledger.log: leaves of allowlisted fields (digests, pseudonymous ids), "
              "no link to traveller rows"),
    Safeguard("SG-33", "Access log", Status.IMPLEMENTED,
              "interlock.audit.log: every read, search, change, disclosure, erasure and refusal"),
    Safeguard("SG-34", "Tamper-evident audit", Status.IMPLEMENTED,
              "interlock.audit.log: hash chain, `interlock audit verify`; AUDIT_READ for DPO and "
              "auditors only"),
    Safeguard("SG-37", "No personal data in logs", Status.IMPLEMENTED,
              "interlock.logs and every logger: pseudonymous ids only (tests/test_access_* check "
              "ingest logs)"),
    Safeguard("SG-38", "Roles", Status.IMPLEMENTED,
              "interlock.access.roles: PERMISSIONS, one check(); tests/data/permissions.csv"),
    Safeguard("SG-40", "People, not services, review", Status.IMPLEMENTED,
              "interlock.access.roles.PERSON_ONLY: refused to service principals"),
    Safeguard("SG-41", "Need to know", Status.IMPLEMENTED,
              "interlock.sharing.policy: recipient named or in a signed group, purpose, legal "
              "basis and reason required, checked by sender and receiver"),
    Safeguard("SG-42", "Transfers outside the agreement", Status.IMPLEMENTED,
              "interlock.sharing.policy (agreement kinds, purposes, TLP, dates; onward only with "
              "the originator's consent and hops left); interlock.sharing.outbox tells the DPO"),
    Safeguard("SG-43", "Corrections propagate", Status.IMPLEMENTED,
              "interlock.sharing.corrections (correct, forward_correction): every recipient, "
              "and the recipients' recipients"),
    Safeguard("SG-44", "Originator's conditions bind", Status.IMPLEMENTED,
              "interlock.sharing.received: partner lists keep the originator's terms; review-by "
              "capped at its retention; onward sharing and reads held to its terms; "
              "interlock.sharing.seal: the originator's signature over them travels onward"),
    Safeguard("SG-45", "Data-subject requests", Status.IMPLEMENTED,
              "interlock.subjects: requests with due dates, refusals citing a legal ground, "
              "search and export of what the node holds"),
    Safeguard("SG-46", "Explanation pack", Status.IMPLEMENTED,
              "interlock.alerts.pack: JSON and HTML explanation pack"),
    Safeguard("SG-48", "Public transparency page", Status.IMPLEMENTED,
              "interlock.oversight.transparency: /transparency (HTML, JSON), from configuration "
              "and the registry"),
    _planned("SG-49", "No mass biometric surveillance", 6),
    _planned("SG-50", "Prohibited functions absent", 6),
    _planned("SG-51", "Measured accuracy", 6),
    Safeguard("SG-55", "Stop switch", Status.IMPLEMENTED,
              "interlock.stopswitch: suspend a list, rule or all; honoured by ingest screening "
              "and rules"),
    Safeguard("SG-60", "Statistics", Status.IMPLEMENTED,
              "interlock.oversight.stats: yearly aggregates per rule, list, outcome; small "
              "counts suppressed"),
)  # fmt: skip
