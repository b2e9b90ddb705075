"""How the partner registry is read: a registered partner with the agreement in force, and the
forms both take in API answers and CLI output.

Agreements are versioned; the highest version is the one in force.
"""

from __future__ import annotations

import base64
import ssl
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import NotFoundError
from interlock.ledger.note import Verifier
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.policy import Agreement
from interlock.store.schema_sharing import AgreementRow, PartnerRow


@dataclass(frozen=True, slots=True)
class Partner:
    """A registered partner node and its agreement in force (None: nothing may be shared)."""

    name: str
    base_url: str
    envelope_key: bytes
    envelope_key_id: str
    log_origin: str
    log_key: Verifier
    witness_key: Verifier
    tls_cert: str | None
    taxii_account: str | None
    active: bool
    out_seq: int
    in_seq: int
    agreement: Agreement | None

    def ssl_verify(self) -> ssl.SSLContext | bool:
        """What an HTTPS client checks the partner's certificate against: the pinned
        certificate when registered, else the system's trust store."""
        if self.tls_cert:
            return ssl.create_default_context(cadata=self.tls_cert)
        return True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "base_url": self.base_url,
            "envelope_key_id": self.envelope_key_id,
            "log_origin": self.log_origin,
            "log_key": self.log_key.vkey,
            "witness_key": self.witness_key.vkey,
            "tls_pinned": bool(self.tls_cert),
            "taxii_account": self.taxii_account,
            "active": self.active,
            "sent": self.out_seq,
            "received_in_order": self.in_seq,
            "agreement": None,
        }
        if self.agreement is not None:
            out["agreement"] = agreement_dict(self.agreement)
        return out


def agreement_dict(agreement: Agreement) -> dict[str, Any]:
    return {
        "version": agreement.version,
        "kinds": sorted(k.value for k in agreement.kinds),
        "purposes": sorted(agreement.purposes),
        "max_tlp": agreement.max_tlp.value,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "legal_basis": agreement.legal_basis,
        "third_country": agreement.third_country,
    }


def agreement_of(row: AgreementRow, partner: str) -> Agreement:
    """The agreement a stored row records with ``partner``."""
    return Agreement(
        partner=partner,
        version=row.version,
        kinds=frozenset(ShareKind(k) for k in row.kinds),
        purposes=frozenset(str(p) for p in row.purposes),
        max_tlp=TLP(row.max_tlp),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        legal_basis=row.legal_basis,
        third_country=row.third_country,
    )


def current_agreement(session: Session, partner_id: int, partner: str) -> Agreement | None:
    row = session.execute(
        select(AgreementRow)
        .where(AgreementRow.partner_id == partner_id)
        .order_by(AgreementRow.version.desc())
        .limit(1)
    ).scalar()
    return None if row is None else agreement_of(row, partner)


def partner_view(session: Session, row: PartnerRow) -> Partner:
    return Partner(
        name=row.name,
        base_url=row.base_url,
        envelope_key=base64.b64decode(row.envelope_key),
        envelope_key_id=row.envelope_key_id,
        log_origin=row.log_origin,
        log_key=Verifier.parse(row.log_key),
        witness_key=Verifier.parse(row.witness_key),
        tls_cert=row.tls_cert,
        taxii_account=row.taxii_account,
        active=row.active,
        out_seq=row.out_seq,
        in_seq=row.in_seq,
        agreement=current_agreement(session, row.id, row.name),
    )


def partner_row(session: Session, name: str, *, lock: bool = False) -> PartnerRow:
    query = select(PartnerRow).where(PartnerRow.name == name)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise NotFoundError(f"no partner named {name!r} is registered")
    return row
