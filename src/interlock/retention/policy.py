"""How long PNR data is kept, as typed periods that name their legal source (SG-26, SG-30).

The EU profile is the default: PNR data is kept in full for six months after receipt and then
deleted, unless a person has set a retention hold on it, in which case it is depersonalised
(EU PNR Directive 2016/681 Art. 12(2), read by the Court of Justice in C-817/19 *Ligue des
droits humains*, 21 June 2022, paras. 255-262: beyond six months only where an objective link
to a terrorist offence or serious crime is shown). Nothing is kept beyond five years
(Art. 12(1), (4)). Another jurisdiction configures its own periods and citations.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

PNR_MONTHS = 6
"""Default months after receipt after which PNR data is deleted or, when held, depersonalised."""

MAX_MONTHS = 60
"""Default months after receipt after which PNR data is deleted whatever holds it has."""

PNR_SOURCE = (
    "EU PNR Directive 2016/681 Art. 12(2)-(3), as read by the Court of Justice in C-817/19 "
    "Ligue des droits humains (21 June 2022): PNR data is kept six months after transfer, "
    "longer only where objective evidence links it to a terrorist offence or serious crime, "
    "and then depersonalised by masking"
)
MAX_SOURCE = (
    "EU PNR Directive 2016/681 Art. 12(1) and (4): PNR data is kept at most five years after "
    "transfer, then permanently deleted"
)


@dataclass(frozen=True, slots=True)
class Period:
    """A period in calendar months, with the legal source it comes from."""

    months: int
    source: str

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError(f"a retention period is at least one month, not {self.months}")

    def start(self, now: datetime) -> datetime:
        """The moment ``months`` calendar months before ``now``: data received before it has
        been kept for the whole period (the day is clamped to the month's length)."""
        return subtract_months(now, self.months)

    def describe(self) -> str:
        return f"{self.months} months ({self.source})"


def subtract_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved back ``months`` calendar months, e.g. 31 August → 28/29 February."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add_months(day: date, months: int) -> date:
    """``day`` moved forward ``months`` calendar months (day clamped to the month's length)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return day.replace(year=year, month=month + 1,
                       day=min(day.day, calendar.monthrange(year, month + 1)[1]))  # fmt: skip


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """The node's retention periods for PNR data.

    ``pnr``: after it, unheld PNR data is deleted and held PNR data depersonalised (SG-26,
    SG-27). ``maximum``: after it, PNR data is deleted whatever holds it has, with what was
    sealed from it (SG-30); a hold's review date may not lie beyond it.
    """

    pnr: Period = field(default_factory=lambda: Period(PNR_MONTHS, PNR_SOURCE))
    maximum: Period = field(default_factory=lambda: Period(MAX_MONTHS, MAX_SOURCE))

    def __post_init__(self) -> None:
        if self.maximum.months < self.pnr.months:
            raise ValueError(
                f"the maximum period ({self.maximum.months} months) is shorter than the PNR "
                f"period ({self.pnr.months} months)"
            )

    @classmethod
    def of(cls, pnr_months: int = PNR_MONTHS, max_months: int = MAX_MONTHS) -> RetentionPolicy:
        """A policy from configured month counts; the citations stay the EU ones unless the
        periods differ from them, in which case the configuration is named as the source."""
        pnr_source = PNR_SOURCE if pnr_months == PNR_MONTHS else "node configuration"
        max_source = MAX_SOURCE if max_months == MAX_MONTHS else "node configuration"
        return cls(Period(pnr_months, pnr_source), Period(max_months, max_source))

    def to_dict(self) -> dict[str, object]:
        return {
            "pnr": {"months": self.pnr.months, "source": self.pnr.source},
            "maximum": {"months": self.maximum.months, "source": self.maximum.source},
        }
