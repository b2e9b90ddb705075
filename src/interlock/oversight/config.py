"""What the oversight part takes from the node's configuration, with its defaults.

The operator, the DPO's contact and the complaints authority have placeholder defaults that
say plainly they are not configured: a transparency page must not invent a contact. The
settings named here (``operator_name``, ``dpo_contact``, ``complaints_authority``,
``stats_min_count``, ``transparency_years``) are read from :class:`interlock.settings.Settings`
when it has them, else the defaults below apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from interlock.oversight.suppression import MIN_COUNT
from interlock.settings import Settings

NOT_CONFIGURED = "[not configured]"
"""Prefix of every placeholder: the page shows it, and ``configured`` is false."""

OPERATOR_NAME = f"{NOT_CONFIGURED} set INTERLOCK_OPERATOR_NAME to the authority running this node"
DPO_CONTACT = f"{NOT_CONFIGURED} set INTERLOCK_DPO_CONTACT to the DPO's postal or e-mail address"
COMPLAINTS_AUTHORITY = (
    f"{NOT_CONFIGURED} set INTERLOCK_COMPLAINTS_AUTHORITY to the data protection supervisory "
    "authority and how to reach it"
)
TRANSPARENCY_YEARS = 5
"""Calendar years of statistics on the transparency page (the latest ones with data)."""


@dataclass(frozen=True, slots=True)
class OversightConfig:
    """Who runs the node and how figures are published."""

    node_name: str
    operator_name: str = OPERATOR_NAME
    dpo_contact: str = DPO_CONTACT
    complaints_authority: str = COMPLAINTS_AUTHORITY
    min_count: int = MIN_COUNT
    years: int = TRANSPARENCY_YEARS

    @classmethod
    def from_settings(cls, settings: Settings) -> OversightConfig:
        """From the settings; a setting the node does not define yet keeps its default."""
        return cls(
            node_name=settings.node_name,
            operator_name=str(getattr(settings, "operator_name", OPERATOR_NAME)),
            dpo_contact=str(getattr(settings, "dpo_contact", DPO_CONTACT)),
            complaints_authority=str(
                getattr(settings, "complaints_authority", COMPLAINTS_AUTHORITY)
            ),
            min_count=int(getattr(settings, "stats_min_count", MIN_COUNT)),
            years=int(getattr(settings, "transparency_years", TRANSPARENCY_YEARS)),
        )


def configured(value: str) -> bool:
    """Whether a contact value was set (not empty, not a placeholder)."""
    return bool(value.strip()) and not value.startswith(NOT_CONFIGURED)
