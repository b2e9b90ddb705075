"""Local accounts, console sessions and API tokens.

Passwords are hashed with argon2id (``argon2-cffi``'s defaults, RFC 9106 second recommended
profile). Sessions and tokens are random secrets shown once; only their SHA-256 is stored, so
a copy of the database gives nobody a way in. Tokens start with ``ilk_`` so leaked ones are
easy to find. A service account (``is_service``) has no password and signs in only with
tokens; its principal is a service, which may never review or confirm (SG-40).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.roles import Principal, PrincipalKind, Role
from interlock.audit.log import AuditEvent, record
from interlock.errors import ConflictError, NotFoundError, RefusedError, UnauthorizedError
from interlock.store.schema_access import CredentialRow, UserRow

AuditFor = Callable[["UserInfo"], AuditEvent]
"""Makes the audit entry of an account change, written in the change's own transaction."""

SESSION_HOURS = 8
MIN_PASSWORD = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_HASHER = PasswordHasher()


class CredentialKind(StrEnum):
    SESSION = "session"
    TOKEN = "token"


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    unit: str
    roles: tuple[Role, ...]
    is_service: bool
    disabled: bool

    def principal(self, credential: str) -> Principal:
        kind = PrincipalKind.SERVICE if self.is_service else PrincipalKind.PERSON
        return Principal(self.id, self.username, frozenset(self.roles), kind, credential)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "unit": self.unit,
            "roles": [r.value for r in self.roles],
            "is_service": self.is_service,
            "disabled": self.disabled,
        }


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _info(row: UserRow) -> UserInfo:
    return UserInfo(
        row.id,
        row.username,
        row.display_name,
        row.unit,
        tuple(Role(r) for r in row.roles),
        row.is_service,
        row.disabled,
    )


def parse_roles(values: list[str] | tuple[str, ...]) -> tuple[Role, ...]:
    """Role names as given on a command line or in a request; unknown names are refused."""
    roles: list[Role] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower().replace("_", "-")
            if not name:
                continue
            try:
                roles.append(Role(name))
            except ValueError:
                known = ", ".join(r.value for r in Role)
                raise RefusedError(
                    f"unknown role {part!r}: one of {known}", location="roles"
                ) from None
    return tuple(dict.fromkeys(roles))


class UserRepository:
    """Create accounts, sign in, and resolve a presented secret to a principal."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(
        self,
        username: str,
        roles: tuple[Role, ...],
        *,
        password: str | None = None,
        display_name: str = "",
        unit: str = "",
        service: bool = False,
        audit: AuditFor | None = None,
    ) -> UserInfo:
        """A new account. People need a password of at least :data:`MIN_PASSWORD` characters;
        services have none. The service role is for service accounts only."""
        if not _USERNAME.match(username):
            raise RefusedError(
                "a username is 2-63 lower-case letters, digits, '.', '_' or '-'",
                location="username",
            )
        if not roles:
            raise RefusedError("an account needs at least one role", location="roles")
        if service and password:
            raise RefusedError("a service account signs in with tokens only", location="password")
        if not service and (password is None or len(password) < MIN_PASSWORD):
            raise RefusedError(
                f"a password of at least {MIN_PASSWORD} characters is required",
                location="password",
            )
        if Role.SERVICE in roles and not service:
            raise RefusedError("the service role is for service accounts", location="roles")
        row = UserRow(
            username=username,
            display_name=display_name,
            unit=unit,
            roles=[r.value for r in roles],
            is_service=service,
            password_hash=_HASHER.hash(password) if password else None,
            disabled=False,
            created_at=datetime.now(UTC),
        )
        try:
            with self._sessions.begin() as session:
                session.add(row)
                session.flush()
                return _audited(session, _info(row), audit)
        except IntegrityError:
            raise ConflictError(f"user {username!r} exists") from None

    def get(self, username: str) -> UserInfo:
        with self._sessions() as session:
            row = session.execute(select(UserRow).where(UserRow.username == username)).scalar()
            if row is None:
                raise NotFoundError(f"no user {username!r}")
            return _info(row)

    def all(self) -> list[UserInfo]:
        with self._sessions() as session:
            rows = session.execute(select(UserRow).order_by(UserRow.username)).scalars()
            return [_info(row) for row in rows]

    def set_roles(
        self, username: str, roles: tuple[Role, ...], *, audit: AuditFor | None = None
    ) -> UserInfo:
        with self._sessions.begin() as session:
            row = self._row(session, username)
            if Role.SERVICE in roles and not row.is_service:
                raise RefusedError("the service role is for service accounts", location="roles")
            row.roles = [r.value for r in roles]
            session.flush()
            return _audited(session, _info(row), audit)

    def disable(self, username: str, *, audit: AuditFor | None = None) -> UserInfo:
        """Disable an account and revoke every session and token it holds."""
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._row(session, username)
            row.disabled = True
            for credential in session.execute(
                select(CredentialRow).where(
                    CredentialRow.user_id == row.id, CredentialRow.revoked_at.is_(None)
                )
            ).scalars():
                credential.revoked_at = now
            session.flush()
            return _audited(session, _info(row), audit)

    def login(self, username: str, password: str) -> tuple[str, UserInfo]:
        """A new console session for a person whose password is right: ``(secret, user)``."""
        row = self._check_password(username, password)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        secret = self._issue(row.id, CredentialKind.SESSION, "console", expires)
        return secret, _info(row)

    def authenticate(self, username: str, password: str) -> UserInfo:
        """The account, if the password is right (401 otherwise); no session is made."""
        return _info(self._check_password(username, password))

    def _check_password(self, username: str, password: str) -> UserRow:
        with self._sessions() as session:
            row = session.execute(select(UserRow).where(UserRow.username == username)).scalar()
        if row is None or row.disabled or row.password_hash is None:
            _HASHER.hash(password)  # the same work whether or not the account exists
            raise UnauthorizedError("unknown user or wrong password")
        try:
            _HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise UnauthorizedError("unknown user or wrong password") from None
        return row

    def issue_token(
        self,
        username: str,
        *,
        label: str = "",
        days: int | None = None,
        audit: AuditFor | None = None,
    ) -> tuple[str, UserInfo]:
        """A new API token for an account (shown once): ``(secret, user)``."""
        with self._sessions() as session:
            row = self._row(session, username)
            if row.disabled:
                raise ConflictError(f"user {username!r} is disabled")
        expires = datetime.now(UTC) + timedelta(days=days) if days else None
        user = _info(row)
        return self._issue(row.id, CredentialKind.TOKEN, label, expires, audit, user), user

    def revoke(self, secret: str) -> None:
        """Revoke a session (sign out) or token."""
        with self._sessions.begin() as session:
            row = session.execute(
                select(CredentialRow).where(CredentialRow.secret_hash == _digest(secret))
            ).scalar()
            if row is not None and row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)

    def resolve(self, secret: str) -> Principal:
        """The principal a presented session or token stands for (401 when none)."""
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            found = session.execute(
                select(CredentialRow, UserRow)
                .join(UserRow, UserRow.id == CredentialRow.user_id)
                .where(CredentialRow.secret_hash == _digest(secret))
            ).first()
            if found is None:
                raise UnauthorizedError("unknown or revoked credentials")
            credential, user = found
            if credential.revoked_at is not None or user.disabled:
                raise UnauthorizedError("unknown or revoked credentials")
            if credential.expires_at is not None and credential.expires_at <= now:
                raise UnauthorizedError("the session or token has expired")
            if credential.last_used_at is None or now - credential.last_used_at > timedelta(
                minutes=1
            ):
                credential.last_used_at = now
            return _info(user).principal(credential.kind)

    def _issue(
        self,
        user_id: int,
        kind: CredentialKind,
        label: str,
        expires: datetime | None,
        audit: AuditFor | None = None,
        user: UserInfo | None = None,
    ) -> str:
        secret = ("ilk_" if kind is CredentialKind.TOKEN else "ils_") + secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            session.add(
                CredentialRow(
                    user_id=user_id,
                    kind=kind.value,
                    secret_hash=_digest(secret),
                    prefix=secret[:10],
                    label=label,
                    created_at=datetime.now(UTC),
                    expires_at=expires,
                )
            )
            if audit is not None and user is not None:
                record(session, audit(user))
        return secret

    @staticmethod
    def _row(session: Session, username: str) -> UserRow:
        row = session.execute(select(UserRow).where(UserRow.username == username)).scalar()
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return row


def _audited(session: Session, user: UserInfo, audit: AuditFor | None) -> UserInfo:
    """Write the change's audit entry in its transaction, and give the account back."""
    if audit is not None:
        record(session, audit(user))
    return user
