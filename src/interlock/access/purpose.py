"""Purpose and reason on every access to personal data (SG-01).

The purposes are a closed list: the EU PNR Directive limits processing to terrorist offences
and serious crime (Art. 1(2)), as narrowed by the Court in C-817/19. Each kind of data has a
regime naming the purposes it may be processed for; a purpose outside it is refused (403),
a missing purpose or reason is refused (422), and both refusals are written to the audit log
by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interlock.errors import ForbiddenError, RefusedError


class Purpose(StrEnum):
    TERRORIST_OFFENCE = "terrorist-offence"
    SERIOUS_CRIME = "serious-crime"


class DataRegime(StrEnum):
    """The legal regime of a kind of data, which fixes the purposes it may serve."""

    PNR = "pnr"  # PNR Directive 2016/681: terrorist offences and serious crime (Annex II)
    API = "api"  # API Directive 2004/82 as applied with the PNR Directive
    WATCHLIST = "watchlist"  # lists of persons sought: the purposes of their legal basis
    PARTNER = "partner"  # data received from a partner: the originator's purposes (issue 5)


REGIME_PURPOSES: dict[DataRegime, frozenset[Purpose]] = {
    DataRegime.PNR: frozenset({Purpose.TERRORIST_OFFENCE, Purpose.SERIOUS_CRIME}),
    DataRegime.API: frozenset({Purpose.TERRORIST_OFFENCE, Purpose.SERIOUS_CRIME}),
    DataRegime.WATCHLIST: frozenset({Purpose.TERRORIST_OFFENCE, Purpose.SERIOUS_CRIME}),
    DataRegime.PARTNER: frozenset({Purpose.TERRORIST_OFFENCE}),
}

MIN_REASON = 8
"""Shortest reason accepted, in characters: enough for a case number or a sentence."""


@dataclass(frozen=True, slots=True)
class AccessPurpose:
    """The stated purpose of an access and the reason given for it."""

    purpose: Purpose
    reason: str

    @classmethod
    def parse(cls, purpose: str | None, reason: str | None) -> AccessPurpose:
        """From request values; refuses (422) a missing or unknown purpose, a missing reason."""
        if not purpose or not purpose.strip():
            raise RefusedError(
                "a purpose is required: one of " + ", ".join(p.value for p in Purpose),
                location="purpose",
            )
        try:
            chosen = Purpose(purpose.strip().lower())
        except ValueError:
            raise RefusedError(
                f"unknown purpose {purpose!r}: one of " + ", ".join(p.value for p in Purpose),
                location="purpose",
            ) from None
        return cls(chosen, stated_reason(reason))

    def check_regime(self, regime: DataRegime) -> None:
        """Refuse (403) when the purpose is not one the ``regime`` allows."""
        if self.purpose not in REGIME_PURPOSES[regime]:
            raise ForbiddenError(
                f"purpose {self.purpose.value} is outside the {regime.value} data regime"
            )


def stated_reason(
    value: str | None,
    *,
    minimum: int = MIN_REASON,
    location: str = "reason",
    what: str = "a reason",
) -> str:
    """The reason (or note) as given, stripped; refused (422, naming ``location``) when it
    is shorter than ``minimum`` characters. The one check behind every "why" the node asks."""
    text = (value or "").strip()
    if len(text) < minimum:
        raise RefusedError(
            f"{what} of at least {minimum} characters is required", location=location
        )
    return text
