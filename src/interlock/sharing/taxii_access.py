"""Who reads which TAXII API root: a partner's API root holds what was shared with that
partner; the partner's TAXII client signs in with the account the registry names for it
(``taxii_account``), and the node's own people with ``share.read`` see every root."""

from __future__ import annotations

from collections.abc import Callable

from interlock.access.roles import Action, Principal, allowed
from interlock.sharing.context import SharingContext


def taxii_roots(ctx: SharingContext) -> Callable[[], list[str]]:
    """The API roots: one per active partner."""

    def roots() -> list[str]:
        return [p.name for p in ctx.registry.all() if p.active]

    return roots


def taxii_authorizer(ctx: SharingContext) -> Callable[[Principal, str], bool]:
    """May ``principal`` use API root ``root``?"""

    def authorize(principal: Principal, root: str) -> bool:
        if principal.is_person and allowed(principal, Action.SHARE_READ):
            return True
        partner = next((p for p in ctx.registry.all() if p.name == root), None)
        return partner is not None and partner.taxii_account == principal.username

    return authorize
