"""How an alert is graded and what its review asks.

Severity and priority come from the cause: the category of the list (persons sought, lost and
stolen documents, other lists such as sanctions) and the calibrated score band, or the rule's
declared severity. A review deadline follows from the priority (settings
``review_deadline_minutes``). The reviewer sees the band and the evidence, never a verdict
(SG-22), and must answer every item of the checklist for the alert's kind (SG-21).
"""

from __future__ import annotations

from enum import StrEnum

from interlock.screening.model import Band
from interlock.watchlists.model import ListType


class CauseKind(StrEnum):
    WATCHLIST = "watchlist"  # a name (and date, nationality …) match on a list of persons
    DOCUMENT = "document"  # a travel document on a list of lost, stolen or invalid documents
    RULE = "rule"  # a risk rule's conditions


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AlertStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Decision(StrEnum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


# (list type, band) -> (severity, priority); priority 1 is reviewed first.
_LIST_GRADES: dict[tuple[ListType, Band], tuple[Severity, int]] = {
    (ListType.SOUGHT, Band.HIGH): (Severity.HIGH, 1),
    (ListType.SOUGHT, Band.MEDIUM): (Severity.HIGH, 2),
    (ListType.SOUGHT, Band.LOW): (Severity.MEDIUM, 3),
    (ListType.DOCUMENTS, Band.HIGH): (Severity.HIGH, 2),
    (ListType.DOCUMENTS, Band.MEDIUM): (Severity.MEDIUM, 2),
    (ListType.DOCUMENTS, Band.LOW): (Severity.MEDIUM, 3),
    (ListType.OTHER, Band.HIGH): (Severity.MEDIUM, 2),
    (ListType.OTHER, Band.MEDIUM): (Severity.MEDIUM, 3),
    (ListType.OTHER, Band.LOW): (Severity.LOW, 3),
}
_RULE_PRIORITY = {Severity.HIGH: 2, Severity.MEDIUM: 3, Severity.LOW: 3}

DEFAULT_DEADLINES = {1: 30, 2: 240, 3: 1440}
"""Minutes from raising to the review deadline, per priority."""


def grade_list_match(list_type: ListType, band: Band) -> tuple[Severity, int]:
    """Severity and priority of a watchlist or document-list alert."""
    return _LIST_GRADES[(list_type, band)]


def grade_rule_hit(severity: str) -> tuple[Severity, int]:
    """Severity and priority of a rule alert (rules weigh less than a list entry)."""
    level = Severity(severity)
    return level, _RULE_PRIORITY[level]


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not-applicable"


_COMMON = {
    "exonerating_facts_considered": "I considered the exonerating facts listed with the alert.",
    "proportionality": "Acting on this alert would be proportionate to its evidence.",
}
CHECKLISTS: dict[CauseKind, dict[str, str]] = {
    CauseKind.WATCHLIST: {
        "identity_compared": "I compared the traveller's name, birth date and nationality "
        "with every name and date of the entry, feature by feature.",
        "documents_checked": "I checked the traveller's document against any document the "
        "entry names.",
        "entry_current": "The entry is still listed and its list version is current.",
        **_COMMON,
    },
    CauseKind.DOCUMENT: {
        "document_compared": "I compared the document number, issuing country and type with "
        "the list entry.",
        "holder_checked": "I checked whether the traveller is the document's lawful holder "
        "(e.g. a replaced document reported lost and later found).",
        "entry_current": "The entry is still listed and its list version is current.",
        **_COMMON,
    },
    CauseKind.RULE: {
        "conditions_verified": "I verified each of the rule's conditions against the booking "
        "and travel data shown.",
        "no_protected_basis": "My decision does not rest on nationality, sex, age or place of "
        "birth.",
        **_COMMON,
    },
}
MIN_DECISION_REASON = 20
"""Shortest reason accepted for a decision, in characters."""
