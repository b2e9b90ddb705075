"""The sharing policy: deny by default, one pure function per direction.

:func:`decide_send` is asked before a share leaves the node, :func:`decide_receive` when one
arrives; the receiver checks the same conditions again from its side. A share passes only if
every condition holds, and a refusal names every condition that failed, each reason starting
with its :class:`Check` code:

- ``audience``: the recipient is named, or a member of the sharing group the terms name
  (exactly ``name@version``, among the groups the caller verified);
- ``tlp-red``: TLP:RED is never sent machine-to-machine;
- ``no-agreement``, ``agreement-partner``: an agreement with this partner applies; then
  ``agreement-not-yet-valid`` / ``agreement-expired`` (valid_from <= today <= valid_until),
  ``kind`` (a source confirmation is covered where alert notifications are: it answers one),
  ``purpose`` and ``tlp-ceiling`` (SG-42: nothing outside the agreement);
- ``purpose-unknown``: the purpose is one of the closed list (SG-01);
- ``reason``, ``legal-basis``: both given (SG-41);
- ``retention``: the originator's retention date has not passed (SG-44);
- ``onward``: a node that is not the originator passes the record on only if the originator
  allowed it, or consented to this recipient (SG-42); ``onward-amber-strict``: never
  TLP:AMBER+STRICT; ``source-confirmation``: a record that needs source confirmation is
  passed on only once the source confirmed (SG-19);
- ``path``, ``hop-count``, ``hops``, ``loop``: the path starts at the originator, ends at the
  sender and repeats no node; hops_left = max_hops - (len(path) - 1) and at least 1 (a sender
  cannot send with no hop left, so a receiver refuses that too); the recipient is not
  already on the path.

The DSSE signature, the sender's registration and replays are the inbox's business, checked
before this; the policy only reads the terms that travel with the data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from interlock.access.purpose import Purpose, stated_reason
from interlock.errors import RefusedError
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP, ShareKind

_PURPOSES = frozenset(p.value for p in Purpose)


class Check(StrEnum):
    """The conditions of the policy; each reason of a refusal starts with one."""

    AUDIENCE = "audience"
    TLP_RED = "tlp-red"
    NO_AGREEMENT = "no-agreement"
    AGREEMENT_PARTNER = "agreement-partner"
    AGREEMENT_NOT_YET_VALID = "agreement-not-yet-valid"
    AGREEMENT_EXPIRED = "agreement-expired"
    KIND = "kind"
    PURPOSE = "purpose"
    PURPOSE_UNKNOWN = "purpose-unknown"
    TLP_CEILING = "tlp-ceiling"
    REASON = "reason"
    LEGAL_BASIS = "legal-basis"
    RETENTION = "retention"
    ONWARD = "onward"
    ONWARD_AMBER_STRICT = "onward-amber-strict"
    SOURCE_CONFIRMATION = "source-confirmation"
    PATH = "path"
    HOP_COUNT = "hop-count"
    HOPS = "hops"
    LOOP = "loop"


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]  # every failed condition, "<check>: <why>"
    notify_dpo: bool

    @property
    def failed(self) -> frozenset[Check]:
        """The checks that failed, read from the reasons."""
        return frozenset(Check(reason.split(":", 1)[0]) for reason in self.reasons)


@dataclass(frozen=True, slots=True)
class Agreement:
    """What a partner may receive from this node, or send to it."""

    partner: str
    version: int
    kinds: frozenset[ShareKind]
    purposes: frozenset[str]
    max_tlp: TLP
    valid_from: date
    valid_until: date
    legal_basis: str
    third_country: bool  # every transfer is told to the DPO (SG-42)


@dataclass(frozen=True, slots=True)
class SharingGroup:
    """A versioned group of partners; the caller has verified its signature."""

    name: str
    version: int
    members: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def forward_terms(terms: Terms, sender: str) -> Terms:
    """The terms as ``sender`` passes the record on: one hop fewer, ``sender`` on the path.
    Everything else is the originator's and stays (SG-44)."""
    return dataclasses.replace(terms, hops_left=terms.hops_left - 1, path=(*terms.path, sender))


def decide_send(
    *,
    sender: str,
    recipient: str,
    kind: ShareKind,
    terms: Terms,
    agreement: Agreement | None,
    groups: Mapping[str, SharingGroup],
    named_recipients: frozenset[str],
    today: date,
    source_confirmed: bool = False,
) -> Decision:
    """May ``sender`` send this share to ``recipient`` under ``agreement`` (the agreement with
    ``recipient``)? ``terms`` are the terms as sent: :func:`forward_terms` already applied when
    passing on. ``source_confirmed``: the source has confirmed the hit (SG-19). The DPO is to
    be told when the partner is in a third country (SG-42), whatever the decision."""
    reasons = [
        *_audience(recipient, recipient in named_recipients, terms.group, groups),
        *_checks(sender, recipient, kind, terms, agreement, recipient, today),
    ]
    onward = sender != terms.originator
    if onward and terms.source_confirmation_required and not source_confirmed:
        reasons.append(_no(Check.SOURCE_CONFIRMATION, "the source has not confirmed yet"))
    third_country = agreement is not None and agreement.third_country
    return Decision(not reasons, tuple(reasons), notify_dpo=third_country)


def decide_receive(
    *,
    receiver: str,
    message_sender: str,
    kind: ShareKind,
    terms: Terms,
    recipients: Collection[str],
    agreement: Agreement | None,
    groups: Mapping[str, SharingGroup],
    today: date,
) -> Decision:
    """May ``receiver`` accept this share from ``message_sender`` under ``agreement`` (the
    agreement with ``message_sender``)? ``recipients`` are the message's. A receipt is not a
    transfer by this node, so the DPO is not told here (``notify_dpo`` is False)."""
    reasons = [
        *_audience(receiver, receiver in recipients, terms.group, groups),
        *_checks(message_sender, receiver, kind, terms, agreement, message_sender, today),
    ]
    return Decision(not reasons, tuple(reasons), notify_dpo=False)


def _no(check: Check, why: str) -> str:
    return f"{check}: {why}"


def _audience(
    node: str, named: bool, group: str | None, groups: Mapping[str, SharingGroup]
) -> list[str]:
    if named:
        return []
    found = groups.get(group) if group is not None else None
    if found is not None and found.key == group and node in found.members:
        return []
    where = f"nor a member of sharing group {group}" if group else "and no sharing group given"
    return [_no(Check.AUDIENCE, f"{node} is not named {where}")]


def _checks(
    sender: str,
    target: str,
    kind: ShareKind,
    terms: Terms,
    agreement: Agreement | None,
    partner: str,
    today: date,
) -> list[str]:
    """The conditions both sides check; ``partner`` is whom ``agreement`` must be with."""
    return [
        *_stated(terms, today),
        *_agreement(agreement, partner, kind, terms, today),
        *_onward(sender, target, terms),
        *_path(sender, target, terms),
    ]


def _stated(terms: Terms, today: date) -> list[str]:
    """What the terms must carry whatever the agreement: SG-41, SG-44, TLP:RED."""
    reasons = []
    if terms.tlp is TLP.RED:
        reasons.append(_no(Check.TLP_RED, "TLP:RED is never shared machine-to-machine"))
    if terms.purpose not in _PURPOSES:
        reasons.append(_no(Check.PURPOSE_UNKNOWN, f"{terms.purpose!r} is not a known purpose"))
    try:
        stated_reason(terms.reason)
    except RefusedError as refused:
        reasons.append(_no(Check.REASON, refused.reason))
    if not terms.legal_basis.strip():
        reasons.append(_no(Check.LEGAL_BASIS, "no legal basis given"))
    if terms.retention_until is not None and terms.retention_until < today:
        ended = f"the originator's retention ended on {terms.retention_until}"
        reasons.append(_no(Check.RETENTION, ended))
    return reasons


def _agreement(
    agreement: Agreement | None, partner: str, kind: ShareKind, terms: Terms, today: date
) -> list[str]:
    """SG-42: nothing outside the agreement with ``partner``."""
    if agreement is None:
        return [_no(Check.NO_AGREEMENT, f"no sharing agreement with {partner}")]
    a = agreement
    covered = set(a.kinds)
    if ShareKind.ALERT_NOTIFICATION in covered:  # a source confirmation answers a notification
        covered.add(ShareKind.SOURCE_CONFIRMATION)
    failures = [
        (a.partner != partner, Check.AGREEMENT_PARTNER, f"agreement is with {a.partner}"),
        (today < a.valid_from, Check.AGREEMENT_NOT_YET_VALID, f"valid from {a.valid_from}"),
        (today > a.valid_until, Check.AGREEMENT_EXPIRED, f"expired on {a.valid_until}"),
        (kind not in covered, Check.KIND, f"{kind} is not covered"),
        (terms.purpose not in a.purposes, Check.PURPOSE, f"{terms.purpose} is not covered"),
        (
            not terms.tlp.within(a.max_tlp),
            Check.TLP_CEILING,
            f"TLP:{terms.tlp.upper()} is above the agreed TLP:{a.max_tlp.upper()}",
        ),
    ]
    return [_no(check, f"{why} (agreement v{a.version})") for bad, check, why in failures if bad]


def _onward(sender: str, target: str, terms: Terms) -> list[str]:
    """SG-42 and SG-44: passing on needs the originator's leave, which travels in the terms."""
    if sender == terms.originator:
        return []
    reasons = []
    consented = terms.onward is Onward.WITH_CONSENT and target in terms.consent
    if not (terms.onward is Onward.ALLOWED or consented):
        reasons.append(_no(Check.ONWARD, f"{terms.originator} did not consent to {target}"))
    if terms.tlp is TLP.AMBER_STRICT:
        reasons.append(_no(Check.ONWARD_AMBER_STRICT, "TLP:AMBER+STRICT is never passed on"))
    return reasons


def _path(sender: str, target: str, terms: Terms) -> list[str]:
    reasons = []
    path, hops = terms.path, terms.hops_left
    ordered = bool(path) and path[0] == terms.originator and path[-1] == sender
    if not ordered or len(set(path)) < len(path):
        route = ">".join(path)
        why = f"path {route} does not run from {terms.originator} to {sender} without repeats"
        reasons.append(_no(Check.PATH, why))
    if hops != terms.max_hops - (len(path) - 1):
        why = f"{hops} hops left of {terms.max_hops} after {len(path)} nodes"
        reasons.append(_no(Check.HOP_COUNT, why))
    if hops < 1:
        reasons.append(_no(Check.HOPS, "no hop left"))
    if target in path:
        reasons.append(_no(Check.LOOP, f"{target} already had this record"))
    return reasons
