"""The partner registry: who the node shares with, their keys, and the agreements that allow it.

A partner is registered from the identity card it hands over out of band
(:meth:`interlock.sharing.identity.NodeIdentity.card`: name, address, public keys, TLS
certificate). Agreements are versioned; the highest version is the one in force. Sharing
groups are versioned too and signed by this node, so a group named in a share can be shown to
the recipient. Every change is written to the audit log and as a digest to the ledger.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import Purpose
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.errors import NotFoundError, RefusedError
from interlock.ledger.note import Verifier
from interlock.sharing.envelope import Envelope, sign_envelope, verify_envelope
from interlock.sharing.identity import (
    NodeIdentity,
    check_node_name,
    envelope_key_id,
    log_origin,
)
from interlock.sharing.jsonfields import canonical_json
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.policy import Agreement, SharingGroup
from interlock.store.schema_sharing import AgreementRow, PartnerRow, SharingGroupRow

if TYPE_CHECKING:
    from interlock.ledger.log import Ledger

GROUP_PAYLOAD_TYPE = "application/vnd.interlock.sharing-group+json"


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


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _agreement(row: AgreementRow, partner: str) -> Agreement:
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
    return None if row is None else _agreement(row, partner)


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


class PartnerRegistry:
    """Register partners, record agreements and sharing groups; read them back."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        identity: NodeIdentity,
        ledger: Ledger | None = None,
    ) -> None:
        self._sessions = sessions
        self._identity = identity
        self._ledger = ledger

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
        now = _now()
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
        now = _now()
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
            agreement = _agreement(agreement_row, row.name)
            self._log(
                session, principal, "agreement", row.name, agreement_dict(agreement), now, version
            )
            return agreement

    def set_active(self, principal: Principal, partner: str, active: bool) -> Partner:
        """Suspend (or resume) every share with a partner."""
        check(principal, Action.PARTNER_MANAGE)
        now = _now()
        with self._sessions.begin() as session:
            row = partner_row(session, partner, lock=True)
            row.active = active
            row.updated_at = now
            change = "partner-resumed" if active else "partner-suspended"
            self._log(session, principal, change, row.name, {"active": active}, now)
            return partner_view(session, row)

    def define_group(self, principal: Principal, name: str, members: Iterable[str]) -> SharingGroup:
        """A new version of the sharing group ``name``, signed by this node."""
        check(principal, Action.PARTNER_MANAGE)
        member_set = sorted(set(members))
        if not member_set:
            raise RefusedError("a sharing group has members", location="members")
        now = _now()
        with self._sessions.begin() as session:
            for member in member_set:
                partner_row(session, member)
            last = session.execute(
                select(SharingGroupRow.version)
                .where(SharingGroupRow.name == name)
                .order_by(SharingGroupRow.version.desc())
                .limit(1)
            ).scalar()
            version = (last or 0) + 1
            body = {"name": name, "version": version, "members": member_set}
            envelope = sign_envelope(
                GROUP_PAYLOAD_TYPE,
                canonical_json(body),
                self._identity.envelope,
                self._identity.envelope_key_id,
            )
            session.add(
                SharingGroupRow(
                    name=name,
                    version=version,
                    members=member_set,
                    envelope=envelope.to_json(),
                    created_by=principal.username,
                    created_at=now,
                )
            )
            self._log(session, principal, "group", name, body, now, version)
            return SharingGroup(name=name, version=version, members=frozenset(member_set))

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

    def groups(self, session: Session) -> dict[str, SharingGroup]:
        """Every version of every group, keyed ``name@version``, each checked against this
        node's signature (a row whose signature fails is left out)."""
        out: dict[str, SharingGroup] = {}
        keys = {self._identity.envelope_key_id: self._identity.envelope_public}
        for row in session.execute(select(SharingGroupRow)).scalars():
            group = verified_group(row.envelope, keys)
            if group is not None:
                out[f"{group.name}@{group.version}"] = group
        return out

    # -------------------------------------------------------------------------------------

    def _log(
        self,
        session: Session,
        principal: Principal,
        change: str,
        subject: str,
        body: Mapping[str, Any],
        now: datetime,
        version: int | None = None,
    ) -> None:
        digest = _digest(body)
        record(
            session,
            AuditEvent.by(
                principal,
                "partner.manage",
                subject_kind="partner",
                subject_id=subject,
                detail={"change": change, "version": version, "sha256": digest},
            ),
            at=now,
        )
        if self._ledger is not None:
            event: dict[str, Any] = {
                "event": "registry",
                "change": change,
                "group" if change == "group" else "partner": subject,
                "sha256": digest,
                "at": now.isoformat(),
            }
            if version is not None:
                event["version"] = version
            self._ledger.append(session, event)


def verified_group(envelope_bytes: bytes, keys: Mapping[str, bytes]) -> SharingGroup | None:
    """The group in a signed group envelope, or None when its signature does not verify."""
    try:
        envelope = Envelope.from_json(envelope_bytes)
    except Exception:  # a malformed stored or received envelope is simply not a group
        return None
    verified = verify_envelope(envelope, keys, payload_types=(GROUP_PAYLOAD_TYPE,))
    if verified is None:
        return None
    try:
        body = json.loads(envelope.payload)
        return SharingGroup(
            name=str(body["name"]),
            version=int(body["version"]),
            members=frozenset(str(m) for m in body["members"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
