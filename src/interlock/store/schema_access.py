"""Tables of accounts, credentials, the audit log and the stop switches (migration 0004)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class UserRow(Base):
    """A local account: a person, or a service (``is_service``) that signs in with tokens.
    ``password_hash`` is an argon2id hash; services have none."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String, unique=True)
    display_name: Mapped[str] = mapped_column(String, default="")
    unit: Mapped[str] = mapped_column(String, default="")
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_service: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CredentialRow(Base):
    """A console session or an API token of an account. Only the SHA-256 of the secret is
    kept; ``prefix`` (the first characters) lets a person tell tokens apart."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """One entry of the append-only, hash-chained audit log (SG-33, SG-34). ``seq`` counts
    from 1 without gaps; ``hash`` is SHA-256 over ``prev_hash`` and the entry's canonical JSON.
    Subjects are pseudonymous ids (traveller 123, alert 45), never names."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String)
    actor_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String, index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(String)
    reason: Mapped[str | None] = mapped_column(Text)
    subject_kind: Mapped[str | None] = mapped_column(String)
    subject_id: Mapped[str | None] = mapped_column(String)
    recipient: Mapped[str | None] = mapped_column(String)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


Index("ix_audit_log_subject", AuditRow.subject_kind, AuditRow.subject_id)


class StopSwitchRow(Base):
    """A suspension of automated screening (SG-55): ``scope`` all, list (``target`` the list
    name) or rule (``target`` the rule name). Active while ``lifted_at`` is empty."""

    __tablename__ = "stop_switches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String, default="")
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lift_reason: Mapped[str | None] = mapped_column(Text)
