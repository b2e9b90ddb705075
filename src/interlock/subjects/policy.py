"""The periods and the closed list of legal grounds of data-subject requests (SG-45).

Each period is a typed value that names its legal source, like the retention periods
(:mod:`interlock.retention.policy`), so another jurisdiction configures its own. A request
may be refused, or answered only in part, solely on a ground of :class:`LegalGround`: the
Law Enforcement Directive 2016/680 (LED) lets a controller restrict a person's rights only
"to the extent that, and for as long as" one of these reasons requires (Art. 13(3), 15(1),
16(4)), and the reason must be given to the person unless that would itself defeat the
ground (Art. 15(3), 16(4)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from interlock.retention.policy import Period

DUE_MONTHS = 1
"""Default months after receipt by which a request must be answered."""

DUE_SOURCE = (
    "GDPR 2016/679 Art. 12(3): without undue delay and in any event within one month of "
    "receipt (extendable by two months, with reasons); LED 2016/680 Arts. 12(3) and 14 ask for "
    "an answer without undue delay and set no period, so the node applies the GDPR's month"
)

DETAILS_MONTHS = 12
"""Default months after a request is closed after which the requester's details are purged."""

DETAILS_SOURCE = (
    "LED 2016/680 Art. 4(1)(c), (e) and GDPR Art. 5(1)(c), (e): identifying details are kept "
    "only as long as needed; one year after closing leaves time for a complaint to the "
    "supervisory authority (LED Art. 17, 52) to be answered from the record"
)


@dataclass(frozen=True, slots=True)
class SubjectRequestPolicy:
    """How long the node has to answer (``due``) and how long it keeps the requester's
    identifying details after closing a request (``details``)."""

    due: Period = field(default_factory=lambda: Period(DUE_MONTHS, DUE_SOURCE))
    details: Period = field(default_factory=lambda: Period(DETAILS_MONTHS, DETAILS_SOURCE))

    def __post_init__(self) -> None:
        if self.due.months < 1:
            raise ValueError("the period to answer a request must be at least one month")
        if self.details.months < 0:
            raise ValueError("the period to keep a requester's details cannot be negative")


class RequestKind(StrEnum):
    ACCESS = "access"  # LED Art. 14, GDPR Art. 15
    RECTIFICATION = "rectification"  # LED Art. 16(1), GDPR Art. 16
    ERASURE = "erasure"  # LED Art. 16(2), GDPR Art. 17
    RESTRICTION = "restriction"  # LED Art. 16(3), GDPR Art. 18


class RequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    PARTIALLY_ANSWERED = "partially-answered"
    REFUSED = "refused"


CLOSED = frozenset(
    {RequestStatus.ANSWERED, RequestStatus.PARTIALLY_ANSWERED, RequestStatus.REFUSED}
)


class LegalGround(StrEnum):
    """The grounds on which a right may be restricted (LED Art. 15(1), applied to
    rectification and erasure by Art. 16(4)), and the general ground for manifestly
    unfounded or excessive requests (LED Art. 12(4))."""

    INQUIRIES = "led-15-1-a"
    OFFENCES = "led-15-1-b"
    PUBLIC_SECURITY = "led-15-1-c"
    NATIONAL_SECURITY = "led-15-1-d"
    RIGHTS_OF_OTHERS = "led-15-1-e"
    UNFOUNDED = "led-12-4"

    @property
    def text(self) -> str:
        return GROUND_TEXT[self]


GROUND_TEXT: dict[LegalGround, str] = {
    LegalGround.INQUIRIES: "LED Art. 15(1)(a): avoid obstructing official or legal inquiries, "
    "investigations or procedures",
    LegalGround.OFFENCES: "LED Art. 15(1)(b): avoid prejudicing the prevention, detection, "
    "investigation or prosecution of criminal offences or the execution of penalties",
    LegalGround.PUBLIC_SECURITY: "LED Art. 15(1)(c): protect public security",
    LegalGround.NATIONAL_SECURITY: "LED Art. 15(1)(d): protect national security",
    LegalGround.RIGHTS_OF_OTHERS: "LED Art. 15(1)(e): protect the rights and freedoms of others",
    LegalGround.UNFOUNDED: "LED Art. 12(4): the request is manifestly unfounded or excessive",
}
