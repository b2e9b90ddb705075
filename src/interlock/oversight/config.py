"""What the oversight part takes from the node's configuration, with its defaults.

The operator, the DPO's contact and the complaints authority have placeholder defaults that
say plainly they are not configured: a transparency page must not invent a contact. The
settings (``operator_name``, ``dpo_contact``, ``complaints_authority``, ``stats_min_count``,
``transparency_years``) come from :class:`interlock.settings.Settings`; the constants below
are the defaults of an :class:`OversightConfig` made without settings (tests).
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
    route_scope: tuple[dict[str, object], ...] | None = None
    """The configured route scope (SG-03) as :func:`interlock.scope.describe` gives it;
    None: no route restriction configured."""

    @classmethod
    def from_settings(cls, settings: Settings) -> OversightConfig:
        """From the node's settings."""
        return cls(
            node_name=settings.node_name,
            operator_name=settings.operator_name,
            dpo_contact=settings.dpo_contact,
            complaints_authority=settings.complaints_authority,
            min_count=settings.stats_min_count,
            years=settings.transparency_years,
            route_scope=_route_scope(settings),
        )


def _route_scope(settings: Settings) -> tuple[dict[str, object], ...] | None:
    if settings.route_scope_file is None:
        return None
    from interlock.scope import ScopeConfig, describe

    return tuple(describe(ScopeConfig.load(settings.route_scope_file)))


def configured(value: str) -> bool:
    """Whether a contact value was set (not empty, not a placeholder)."""
    return bool(value.strip()) and not value.startswith(NOT_CONFIGURED)
