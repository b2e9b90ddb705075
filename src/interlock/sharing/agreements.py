"""Agreements with partners: a new version is recorded and in force at once (the highest
version is the one in force, see :func:`interlock.sharing.partner_views.current_agreement`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from interlock.access.purpose import Purpose
from interlock.access.roles import Action, Principal, check
from interlock.errors import RefusedError
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.partner_views import (
    agreement_dict,
    agreement_of,
    current_agreement,
    partner_row,
)
from interlock.sharing.policy import Agreement
from interlock.sharing.registry_changes import RegistryChanges, utc_now
from interlock.store.schema_sharing import AgreementRow


class Agreements(RegistryChanges):
    """Recording the agreements of the partner registry."""

    def set_agreement(
        self,
        principal: Principal,
        partner: str,
        *,
        kinds: Iterable[ShareKind | str],
        purposes: Iterable[Purpose | str],
        max_tlp: TLP | str,
        valid_from: date,
        valid_until: date,
        legal_basis: str,
        third_country: bool = False,
    ) -> Agreement:
        """Record a new version of the agreement with ``partner``; it is in force at once."""
        check(principal, Action.PARTNER_MANAGE)
        try:
            kind_set = sorted({ShareKind(k).value for k in kinds})
            purpose_set = sorted({Purpose(p).value for p in purposes})
            tlp = TLP(max_tlp)
        except ValueError as err:
            raise RefusedError(str(err), location="agreement") from None
        if not kind_set or not purpose_set:
            raise RefusedError("an agreement names kinds and purposes", location="agreement")
        if valid_until < valid_from:
            raise RefusedError("valid_until is before valid_from", location="agreement")
        if not legal_basis.strip():
            raise RefusedError("an agreement needs its legal basis", location="legal_basis")
        now = utc_now()
        with self._sessions.begin() as session:
            row = partner_row(session, partner, lock=True)
            previous = current_agreement(session, row.id, row.name)
            version = 1 if previous is None else previous.version + 1
            agreement_row = AgreementRow(
                partner_id=row.id,
                version=version,
                kinds=kind_set,
                purposes=purpose_set,
                max_tlp=tlp.value,
                valid_from=valid_from,
                valid_until=valid_until,
                legal_basis=legal_basis.strip(),
                third_country=third_country,
                created_by=principal.username,
                created_at=now,
            )
            session.add(agreement_row)
            session.flush()
            agreement = agreement_of(agreement_row, row.name)
            self._log(
                session, principal, "agreement", row.name, agreement_dict(agreement), now, version
            )
            return agreement
