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
    _planned("SG-01", "Purpose on every access", 4),
    _planned("SG-03", "Route scope", 4),
    Safeguard("SG-05", "Allowlist of PNR elements", Status.IMPLEMENTED,
              "interlock.ingest.pnr_minimise, applied by the PNRGOV parser on receipt"),
    Safeguard("SG-06", "Sensitive codes deleted", Status.IMPLEMENTED,
              "interlock.ingest.pnr_minimise.SENSITIVE_CODES, applied on receipt"),
    _planned("SG-10", "No sensitive fields in rules", 4),
    _planned("SG-11", "No nationality-only rules", 4),
    _planned("SG-12", "Exonerating conditions", 4),
    _planned("SG-13", "No self-learning", 4),
    _planned("SG-14", "Review-by date", 4),
    _planned("SG-15", "Rule quality", 4),
    Safeguard("SG-17", "Source registry", Status.IMPLEMENTED,
              "interlock.store.watchlists registers each list with owner, legal basis, type and "
              "refresh date; interlock.watchlists.registry refuses a list without them"),
    Safeguard("SG-18", "Entry hygiene", Status.IMPLEMENTED,
              "interlock.store.watchlists: entries keep nominating source, reason, review-by; "
              "active_entries leaves out delisted, removed and expired ones"),
    _planned("SG-19", "Source confirmation", 5),
    _planned("SG-20", "Alert states", 4),
    _planned("SG-21", "Reasoned review", 4),
    _planned("SG-22", "Against automation bias", 4),
    _planned("SG-23", "Four eyes for biometrics", 6),
    _planned("SG-24", "No solely automated decisions", 4),
    _planned("SG-25", "Known false positives", 4),
    _planned("SG-26", "Six months", 4),
    _planned("SG-27", "Depersonalisation", 4),
    _planned("SG-28", "Holds", 4),
    _planned("SG-29", "Unmasking", 4),
    _planned("SG-30", "Hard deletion", 4),
    _planned("SG-31", "Ledger without personal data", 5),
    _planned("SG-33", "Access log", 4),
    _planned("SG-34", "Tamper-evident audit", 4),
    _planned("SG-37", "No personal data in logs", 4),
    _planned("SG-38", "Roles", 4),
    _planned("SG-40", "People, not services, review", 4),
    _planned("SG-41", "Need to know", 5),
    _planned("SG-42", "Transfers outside the agreement", 5),
    _planned("SG-43", "Corrections propagate", 5),
    _planned("SG-44", "Originator's conditions bind", 5),
    _planned("SG-45", "Data-subject requests", 4),
    _planned("SG-46", "Explanation pack", 4),
    _planned("SG-48", "Public transparency page", 4),
    _planned("SG-49", "No mass biometric surveillance", 6),
    _planned("SG-50", "Prohibited functions absent", 6),
    _planned("SG-51", "Measured accuracy", 6),
    _planned("SG-55", "Stop switch", 4),
    _planned("SG-60", "Statistics", 4),
)  # fmt: skip
