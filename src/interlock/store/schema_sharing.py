"""Tables of sharing with partner nodes (migration 0013).

- ``partners``: the registry (name, address, public keys, pinned TLS certificate) with the
  per-partner sequence counters: ``out_seq`` is the last sequence number given to a message
  for that partner, ``in_seq`` the highest number received from it with no gap below.
- ``agreements``: versioned sharing agreements, one current per partner (the highest version).
- ``sharing_groups``: signed, versioned groups of partners a share can name instead of
  naming each recipient.
- ``share_outbox``: one row per message to one partner, written in the transaction that
  decided to share; push reads it (at least once), pull catch-up reads it too.
- ``share_inbox``: one row per message received (accepted or rejected), unique by message id
  and by sender and sequence number, so a replay is recognised.
- ``share_recipients``: which STIX object went to which partner in which message, so that a
  correction reaches every recipient (SG-43).
- ``partner_lists``: the watchlists made of a partner's entries, with the originator's terms
  (purpose, retention, onward sharing) that bind them here (SG-44).
- ``source_confirmations``: a confirmed hit on a partner's entry waits for the partner's
  confirmation before it is disseminated (SG-19).

Nothing here is a foreign key to traveller data except ``source_confirmations.alert_id``,
which goes with its alert.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class PartnerRow(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    base_url: Mapped[str] = mapped_column(String)
    envelope_key: Mapped[str] = mapped_column(String)  # base64 raw Ed25519 public key
    envelope_key_id: Mapped[str] = mapped_column(String(16), unique=True)
    log_origin: Mapped[str] = mapped_column(String)
    log_key: Mapped[str] = mapped_column(String)  # C2SP vkey
    witness_key: Mapped[str] = mapped_column(String)  # C2SP vkey (cosignature/v1)
    tls_cert: Mapped[str | None] = mapped_column(Text)
    taxii_account: Mapped[str | None] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    out_seq: Mapped[int] = mapped_column(Integer, default=0)
    in_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AgreementRow(Base):
    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("partner_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kinds: Mapped[list[Any]] = mapped_column(JSON)
    purposes: Mapped[list[Any]] = mapped_column(JSON)
    max_tlp: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    legal_basis: Mapped[str] = mapped_column(Text)
    third_country: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SharingGroupRow(Base):
    __tablename__ = "sharing_groups"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    members: Mapped[list[Any]] = mapped_column(JSON)
    envelope: Mapped[bytes] = mapped_column(LargeBinary)  # DSSE, signed by the node
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ShareOutboxRow(Base):
    __tablename__ = "share_outbox"
    __table_args__ = (UniqueConstraint("recipient", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    recipient: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    refers_to: Mapped[str | None] = mapped_column(String(36))
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    envelope_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # failed pushes since the partner last answered or pulled: the back-off grows with these
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    leaf_index: Mapped[int | None] = mapped_column(Integer)


Index("ix_share_outbox_due", ShareOutboxRow.status, ShareOutboxRow.next_attempt_at)


class ShareInboxRow(Base):
    __tablename__ = "share_inbox"
    __table_args__ = (UniqueConstraint("sender", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    refers_to: Mapped[str | None] = mapped_column(String(36), index=True)
    envelope: Mapped[bytes] = mapped_column(LargeBinary)
    envelope_sha256: Mapped[str] = mapped_column(String(64))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    via: Mapped[str] = mapped_column(String(8))  # push | pull
    corrected_by: Mapped[str | None] = mapped_column(String(36))
    leaf_index: Mapped[int | None] = mapped_column(Integer)
    # the hash of the sender's ``sent`` leaf, rebuilt at receipt: inclusion in the sender's log
    # stays provable after the content is erased (SG-31)
    sender_leaf_hash: Mapped[str | None] = mapped_column(String(64))
    # the case a hit notification on one of this node's entries opened here
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )


class ShareRecipientRow(Base):
    __tablename__ = "share_recipients"
    __table_args__ = (UniqueConstraint("object_id", "recipient", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[str] = mapped_column(String(100), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(36))
    digest: Mapped[str] = mapped_column(String(64))  # of the object as sent
    list_name: Mapped[str | None] = mapped_column(String)
    entry_id: Mapped[str | None] = mapped_column(String)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerListRow(Base):
    __tablename__ = "partner_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String, unique=True)
    partner: Mapped[str] = mapped_column(String(64), index=True)
    source_list: Mapped[str] = mapped_column(String)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    retention_until: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # DSSE envelope: the originator's signature over these terms (travels when forwarded)
    origin_seal: Mapped[bytes | None] = mapped_column(LargeBinary)


class SourceConfirmationRow(Base):
    __tablename__ = "source_confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(64))
    request_message_id: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # requested | confirmed | not-confirmed
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
