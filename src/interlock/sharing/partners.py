"""The partner registry: who the node shares with, their keys and TLS certificates, and the
agreements and sharing groups that allow it.

A partner is registered from the identity card it hands over out of band
(:meth:`interlock.sharing.identity.NodeIdentity.card`: name, address, public keys, TLS
certificate), and can be suspended and resumed. Agreements
(:mod:`interlock.sharing.agreements`) and signed sharing groups
(:mod:`interlock.sharing.sharing_groups`) are versioned; a partner is read back as
:class:`interlock.sharing.partner_views.Partner`. Every change is written to the audit log and
as a digest to the ledger (:mod:`interlock.sharing.registry_changes`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.roles import Action, Principal, check
from interlock.errors import RefusedError
from interlock.ledger.note import Verifier
from interlock.sharing.agreements import Agreements
from interlock.sharing.identity import check_node_name, envelope_key_id, log_origin
from interlock.sharing.partner_views import Partner, partner_row, partner_view
from interlock.sharing.registry_changes import utc_now
from interlock.sharing.sharing_groups import SharingGroups
from interlock.store.schema_sharing import PartnerRow


def read_card(card: Mapping[str, Any]) -> dict[str, Any]:
    """Check a partner's identity card; the fields as the registry stores them."""
    missing = [
        f for f in ("name", "base_url", "envelope_key", "log_key", "witness_key") if f not in card
    ]
    if missing:
        raise RefusedError(f"the identity card lacks {', '.join(missing)}", location="card")
    name = check_node_name(str(card["name"]))
    try:
        public = base64.b64decode(str(card["envelope_key"]), validate=True)
    except (binascii.Error, ValueError):
        raise RefusedError("envelope_key is not base64", location="card.envelope_key") from None
    if len(public) != 32:
        raise RefusedError("envelope_key is not an Ed25519 key", location="card.envelope_key")
    log_key = Verifier.parse(str(card["log_key"]))
    witness_key = Verifier.parse(str(card["witness_key"]))
    if log_key.name != log_origin(name):
        raise RefusedError(
            f"log_key names {log_key.name!r}, not the origin of {name!r}", location="card.log_key"
        )
    base_url = str(card["base_url"]).rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        raise RefusedError("base_url must be an http(s) URL", location="card.base_url")
    tls = card.get("tls_cert")
    return {
        "name": name,
        "base_url": base_url,
        "envelope_key": base64.b64encode(public).decode(),
        "envelope_key_id": envelope_key_id(public),
        "log_origin": log_key.name,
        "log_key": log_key.vkey,
        "witness_key": witness_key.vkey,
        "tls_cert": str(tls) if tls else None,
    }


class PartnerRegistry(Agreements, SharingGroups):
    """Register partners, record agreements and sharing groups; read them back."""

    # changes ----------------------------------------------------------------------------

    def register(
        self,
        principal: Principal,
        card: Mapping[str, Any],
        *,
        taxii_account: str | None = None,
    ) -> Partner:
        """Add a partner from its identity card, or update its address and keys."""
        check(principal, Action.PARTNER_MANAGE)
        fields = read_card(card)
        if fields["name"] == self._identity.name:
            raise RefusedError("a node cannot register itself as a partner", location="card.name")
        now = utc_now()
        with self._sessions.begin() as session:
            row = session.execute(
                select(PartnerRow).where(PartnerRow.name == fields["name"])
            ).scalar()
            change = "partner-updated"
            if (
                row is not None
                and all(getattr(row, k) == v for k, v in fields.items())
                and (taxii_account is None or taxii_account == row.taxii_account)
            ):
                return partner_view(session, row)  # the same card again: nothing changes
            if row is None:
                change = "partner-added"
                row = PartnerRow(created_at=now, out_seq=0, in_seq=0, active=True)
                session.add(row)
            for key, value in fields.items():
                setattr(row, key, value)
            row.taxii_account = taxii_account or row.taxii_account
            row.updated_at = now
            session.flush()
            public = {k: v for k, v in fields.items() if k != "tls_cert"}
            public["tls_cert_sha256"] = (
                hashlib.sha256(fields["tls_cert"].encode()).hexdigest()
                if fields["tls_cert"]
                else None
            )
            self._log(session, principal, change, row.name, public, now)
            return partner_view(session, row)

    def set_active(self, principal: Principal, partner: str, active: bool) -> Partner:
        """Suspend (or resume) every share with a partner."""
        check(principal, Action.PARTNER_MANAGE)
        now = utc_now()
        with self._sessions.begin() as session:
            row = partner_row(session, partner, lock=True)
            row.active = active
            row.updated_at = now
            change = "partner-resumed" if active else "partner-suspended"
            self._log(session, principal, change, row.name, {"active": active}, now)
            return partner_view(session, row)

    # reading ----------------------------------------------------------------------------

    def get(self, name: str) -> Partner:
        with self._sessions() as session:
            return partner_view(session, partner_row(session, name))

    def all(self) -> list[Partner]:
        with self._sessions() as session:
            rows = session.execute(select(PartnerRow).order_by(PartnerRow.name)).scalars()
            return [partner_view(session, row) for row in rows]

    def by_key_id(self, session: Session, key_id: str) -> PartnerRow | None:
        return session.execute(
            select(PartnerRow).where(PartnerRow.envelope_key_id == key_id)
        ).scalar()
