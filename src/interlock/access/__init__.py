"""Who may do what: accounts, roles, the one permission check, purpose on every access."""

from interlock.access.purpose import AccessPurpose, DataRegime, Purpose
from interlock.access.roles import (
    PERMISSIONS,
    PERSON_ONLY,
    Action,
    Principal,
    PrincipalKind,
    Role,
    allowed,
    check,
)

__all__ = [
    "PERMISSIONS",
    "PERSON_ONLY",
    "AccessPurpose",
    "Action",
    "DataRegime",
    "Principal",
    "PrincipalKind",
    "Purpose",
    "Role",
    "allowed",
    "check",
]
