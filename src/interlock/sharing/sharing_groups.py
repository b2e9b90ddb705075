"""Sharing groups: named, versioned sets of partners, each version signed by this node, so a
group named in a share can be shown to the recipient (:func:`verified_group` checks one)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.roles import Action, Principal, check
from interlock.errors import RefusedError
from interlock.sharing.envelope import Envelope, sign_envelope, verify_envelope
from interlock.sharing.jsonfields import canonical_json
from interlock.sharing.partner_views import partner_row
from interlock.sharing.policy import SharingGroup
from interlock.sharing.registry_changes import RegistryChanges, utc_now
from interlock.store.schema_sharing import SharingGroupRow

GROUP_PAYLOAD_TYPE = "application/vnd.interlock.sharing-group+json"


class SharingGroups(RegistryChanges):
    """Defining the sharing groups of the partner registry and reading them back."""

    def define_group(self, principal: Principal, name: str, members: Iterable[str]) -> SharingGroup:
        """A new version of the sharing group ``name``, signed by this node."""
        check(principal, Action.PARTNER_MANAGE)
        member_set = sorted(set(members))
        if not member_set:
            raise RefusedError("a sharing group has members", location="members")
        now = utc_now()
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
