"""The sharing policy (issue 5, "Policy (deny by default)"): the whole matrix with hypothesis
against an oracle written here as a list of predicates, and readable examples per safeguard."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.access.purpose import MIN_REASON, Purpose
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.policy import (
    Agreement,
    Check,
    Decision,
    SharingGroup,
    decide_receive,
    decide_send,
    forward_terms,
)

TODAY = date(2025, 6, 1)
NODES = ("a", "b", "c", "d", "e")
STRANGER = "zz"  # a node no request involves
ORDER = ["clear", "green", "amber", "amber+strict", "red"]  # TLP 2.0, least restricted first
KNOWN_PURPOSES = {"terrorist-offence", "serious-crime"}
GOOD_REASON = "case 2025/0417: confirmed hit on entry 88"
GOOD_BASIS = "Council Decision 2008/615/JHA art. 16"


@dataclass(frozen=True)
class Send:
    """Everything decide_send is given."""

    sender: str
    recipient: str
    kind: ShareKind
    terms: Terms
    agreement: Agreement | None
    groups: dict[str, SharingGroup]
    named: frozenset[str]
    source_confirmed: bool

    def decide(self) -> Decision:
        return decide_send(
            sender=self.sender,
            recipient=self.recipient,
            kind=self.kind,
            terms=self.terms,
            agreement=self.agreement,
            groups=self.groups,
            named_recipients=self.named,
            today=TODAY,
            source_confirmed=self.source_confirmed,
        )

    @property
    def onward(self) -> bool:
        return self.sender != self.terms.originator

    def with_terms(self, **changes: object) -> Send:
        return replace(self, terms=replace(self.terms, **changes))

    def with_agreement(self, **changes: object) -> Send:
        assert self.agreement is not None
        return replace(self, agreement=replace(self.agreement, **changes))

    def audience(self) -> frozenset[str]:
        """Everyone the share goes to: the named nodes and the members of the named group."""
        group = self.groups.get(self.terms.group or "")
        valid = group is not None and f"{group.name}@{group.version}" == self.terms.group
        return self.named | (group.members if valid and group else frozenset())

    def received(self) -> Decision:
        """The same share as the recipient sees it, under the mirror agreement (with the
        sender, if the sender's agreement is with the recipient)."""
        agreement = self.agreement
        if agreement is not None:
            mirror = self.sender if agreement.partner == self.recipient else STRANGER
            agreement = replace(agreement, partner=mirror)
        return decide_receive(
            receiver=self.recipient,
            message_sender=self.sender,
            kind=self.kind,
            terms=self.terms,
            recipients=self.audience(),
            agreement=agreement,
            groups=self.groups,
            today=TODAY,
        )


# --- the oracle: each condition of the issue as its own predicate ------------------------------


def _common(
    sender: str, target: str, partner: str, kind: str, t: Terms, a: Agreement | None
) -> dict[str, bool]:
    onward = sender != t.originator
    conditions = {
        "tlp-red": t.tlp != "red",
        "purpose-unknown": t.purpose in KNOWN_PURPOSES,
        "reason": len(t.reason.strip()) >= MIN_REASON,
        "legal-basis": bool(t.legal_basis.strip()),
        "retention": t.retention_until is None or t.retention_until >= TODAY,
        "onward": not onward
        or t.onward == "allowed"
        or (t.onward == "with-consent" and target in t.consent),
        "onward-amber-strict": not onward or t.tlp != "amber+strict",
        "path": len(t.path) > 0
        and t.path[0] == t.originator
        and t.path[-1] == sender
        and len(set(t.path)) == len(t.path),
        "hop-count": t.hops_left + len(t.path) - 1 == t.max_hops,
        "hops": t.hops_left > 0,
        "loop": target not in t.path,
    }
    if a is None:
        conditions["no-agreement"] = False
        return conditions
    kinds = {str(k) for k in a.kinds}
    if "alert-notification" in kinds:
        kinds.add("source-confirmation")
    conditions |= {
        "agreement-partner": a.partner == partner,
        "agreement-not-yet-valid": a.valid_from <= TODAY,
        "agreement-expired": a.valid_until >= TODAY,
        "kind": kind in kinds,
        "purpose": t.purpose in a.purposes,
        "tlp-ceiling": ORDER.index(t.tlp) <= ORDER.index(a.max_tlp),
    }
    return conditions


def _group_has(r: Send, node: str) -> bool:
    group = r.groups.get(r.terms.group) if r.terms.group else None
    return (
        group is not None
        and f"{group.name}@{group.version}" == r.terms.group
        and node in group.members
    )


def oracle_send(r: Send) -> set[str]:
    t = r.terms
    conditions = _common(r.sender, r.recipient, r.recipient, r.kind, t, r.agreement)
    conditions["audience"] = r.recipient in r.named or _group_has(r, r.recipient)
    conditions["source-confirmation"] = (
        not r.onward or not t.source_confirmation_required or r.source_confirmed
    )
    return {name for name, holds in conditions.items() if not holds}


# --- strategies -------------------------------------------------------------------------------

nodes = st.sampled_from(NODES)
node_sets = st.frozensets(nodes)
offsets = st.integers(-3, 3).map(lambda n: TODAY + timedelta(days=n))


@st.composite
def any_terms(draw: st.DrawFn) -> Terms:
    return Terms(
        purpose=draw(st.sampled_from([*Purpose, "marketing"])),
        legal_basis=draw(st.sampled_from(["", "   ", GOOD_BASIS])),
        reason=draw(st.sampled_from(["", "1234567", "  12345678  ", GOOD_REASON])),
        tlp=draw(st.sampled_from(TLP)),
        originator=draw(nodes),
        onward=draw(st.sampled_from(Onward)),
        consent=tuple(draw(node_sets)),
        max_hops=draw(st.integers(0, 4)),
        hops_left=draw(st.integers(-1, 4)),
        path=tuple(draw(st.lists(nodes, max_size=4))),
        retention_until=draw(st.none() | offsets),
        source_confirmation_required=draw(st.booleans()),
        group=draw(st.sampled_from([None, "g@1", "g@2", "h@1"])),
    )


agreements = st.builds(
    Agreement,
    partner=nodes,
    version=st.integers(1, 3),
    kinds=st.frozensets(st.sampled_from(ShareKind)),
    purposes=st.frozensets(st.sampled_from([*(p.value for p in Purpose), "marketing"])),
    max_tlp=st.sampled_from(TLP),
    valid_from=offsets,
    valid_until=offsets,
    legal_basis=st.just(GOOD_BASIS),
    third_country=st.booleans(),
)
groups = st.dictionaries(
    st.sampled_from(["g@1", "g@2", "h@1"]),  # sometimes under the wrong key, on purpose
    st.builds(
        SharingGroup, name=st.sampled_from(["g", "h"]), version=st.integers(1, 2), members=node_sets
    ),
)

random_sends = st.builds(
    Send,
    sender=nodes,
    recipient=nodes,
    kind=st.sampled_from(ShareKind),
    terms=any_terms(),
    agreement=st.none() | agreements,
    groups=groups,
    named=node_sets,
    source_confirmed=st.booleans(),
)


@st.composite
def allowed_sends(draw: st.DrawFn) -> Send:
    """A share every condition allows: first hand or passed on after 1-3 hops."""
    order = draw(st.permutations(NODES))
    taken = draw(st.integers(0, 3))  # hops before this one
    path, recipient = tuple(order[: taken + 1]), order[taken + 1]
    onward = taken > 0
    max_hops = draw(st.integers(taken + 1, taken + 4))
    mode = draw(st.sampled_from([Onward.ALLOWED, Onward.WITH_CONSENT] if onward else Onward))
    consent = draw(node_sets) | ({recipient} if onward and mode is Onward.WITH_CONSENT else set())
    tlp = draw(
        st.sampled_from([TLP.CLEAR, TLP.GREEN, TLP.AMBER, *([] if onward else [TLP.AMBER_STRICT])])
    )
    kind = draw(st.sampled_from(ShareKind))
    cover = ShareKind.ALERT_NOTIFICATION if kind is ShareKind.SOURCE_CONFIRMATION else kind
    purpose = draw(st.sampled_from(Purpose))
    needs_confirmation = draw(st.booleans())
    group = draw(st.sampled_from(["g@1", "h@1", None]))
    named = draw(node_sets) | ({recipient} if group is None else set())
    members = draw(node_sets) | {recipient}
    return Send(
        sender=path[-1],
        recipient=recipient,
        kind=kind,
        terms=Terms(
            purpose=purpose,
            legal_basis=GOOD_BASIS,
            reason=GOOD_REASON,
            tlp=tlp,
            originator=path[0],
            onward=mode,
            consent=tuple(sorted(consent)),
            max_hops=max_hops,
            hops_left=max_hops - taken,
            path=path,
            retention_until=draw(
                st.none() | st.integers(0, 900).map(lambda n: TODAY + timedelta(n))
            ),
            source_confirmation_required=needs_confirmation,
            group=group,
        ),
        agreement=Agreement(
            partner=recipient,
            version=draw(st.integers(1, 9)),
            kinds=draw(st.frozensets(st.sampled_from(ShareKind))) | {cover},
            purposes=frozenset({purpose.value}) | draw(st.frozensets(st.sampled_from(Purpose))),
            max_tlp=draw(st.sampled_from([level for level in TLP if tlp.within(level)])),
            valid_from=TODAY - timedelta(draw(st.integers(0, 900))),
            valid_until=TODAY + timedelta(draw(st.integers(0, 900))),
            legal_basis=GOOD_BASIS,
            third_country=draw(st.booleans()),
        ),
        groups={"g@1": SharingGroup("g", 1, members), "h@1": SharingGroup("h", 1, members)},
        named=named,
        source_confirmed=(onward and needs_confirmation) or draw(st.booleans()),
    )


# How to make each condition fail on an allowed share; the onward ones need a share passed on.
FLIPS: dict[str, Callable[[Send], Send]] = {
    "audience": lambda r: replace(r, named=frozenset()).with_terms(group=None),
    "tlp-red": lambda r: r.with_terms(tlp=TLP.RED),
    "no-agreement": lambda r: replace(r, agreement=None),
    "agreement-partner": lambda r: r.with_agreement(partner=STRANGER),
    "agreement-not-yet-valid": lambda r: r.with_agreement(valid_from=TODAY + timedelta(1)),
    "agreement-expired": lambda r: r.with_agreement(valid_until=TODAY - timedelta(1)),
    "kind": lambda r: r.with_agreement(kinds=frozenset()),
    "purpose": lambda r: r.with_agreement(purposes=frozenset()),
    "purpose-unknown": lambda r: r.with_terms(purpose="marketing").with_agreement(
        purposes=frozenset({"marketing"})
    ),
    "tlp-ceiling": lambda r: r.with_terms(tlp=TLP.GREEN).with_agreement(max_tlp=TLP.CLEAR),
    "reason": lambda r: r.with_terms(reason="1234567"),
    "legal-basis": lambda r: r.with_terms(legal_basis="  "),
    "retention": lambda r: r.with_terms(retention_until=TODAY - timedelta(1)),
    "path": lambda r: r.with_terms(path=(*r.terms.path, STRANGER)),
    "hop-count": lambda r: r.with_terms(max_hops=r.terms.max_hops + 1),
    "hops": lambda r: r.with_terms(hops_left=0),
    "loop": lambda r: r.with_terms(path=(*r.terms.path[:-1], r.recipient, r.terms.path[-1])),
    "onward": lambda r: r.with_terms(onward=Onward.NEVER),
    "onward-amber-strict": lambda r: r.with_terms(tlp=TLP.AMBER_STRICT).with_agreement(
        max_tlp=TLP.RED
    ),
    "source-confirmation": lambda r: replace(r, source_confirmed=False).with_terms(
        source_confirmation_required=True
    ),
}
ONWARD_ONLY = {"onward", "onward-amber-strict", "source-confirmation"}


@st.composite
def flipped_sends(draw: st.DrawFn) -> tuple[Send, str]:
    allowed = draw(allowed_sends())
    choices = sorted(set(FLIPS) - (set() if allowed.onward else ONWARD_ONLY))
    check = draw(st.sampled_from(choices))
    return FLIPS[check](allowed), check


all_sends = st.one_of(random_sends, allowed_sends(), flipped_sends().map(lambda pair: pair[0]))


# --- the matrix --------------------------------------------------------------------------------


def test_the_oracle_and_the_policy_name_the_same_conditions() -> None:
    assert set(FLIPS) == {str(check) for check in Check}


@given(all_sends)
def test_allowed_iff_every_condition_holds_and_every_failure_is_named(r: Send) -> None:
    decision = r.decide()
    expected = oracle_send(r)
    assert {str(check) for check in decision.failed} == expected
    assert decision.allowed is (not expected)
    assert len(decision.reasons) == len(decision.failed)  # one reason per failed condition
    assert decision.allowed or decision.reasons  # every denial says why


@given(allowed_sends())
def test_allowed_shares_are_allowed(r: Send) -> None:
    decision = r.decide()
    assert decision == Decision(
        True, (), notify_dpo=r.agreement is not None and r.agreement.third_country
    )


@given(flipped_sends())
def test_failing_any_one_condition_denies_and_names_it(pair: tuple[Send, str]) -> None:
    r, check = pair
    decision = r.decide()
    assert not decision.allowed
    assert Check(check) in decision.failed
    assert any(reason.startswith(f"{check}: ") for reason in decision.reasons)
    if check != "source-confirmation":  # the receiver cannot know of a confirmation
        assert Check(check) in r.received().failed


@given(all_sends)
def test_tlp_red_is_always_denied(r: Send) -> None:
    red_share = r.with_terms(tlp=TLP.RED)
    assert not red_share.decide().allowed
    assert Check.TLP_RED in red_share.decide().failed
    assert Check.TLP_RED in red_share.received().failed


@given(all_sends, st.integers(1, 5000))
def test_an_expired_agreement_always_denies(r: Send, days: int) -> None:
    if r.agreement is None:
        r = replace(
            r,
            agreement=Agreement(
                r.recipient,
                1,
                frozenset(ShareKind),
                frozenset(KNOWN_PURPOSES),
                TLP.RED,
                TODAY,
                TODAY,
                GOOD_BASIS,
                False,
            ),
        )
    expired = r.with_agreement(valid_until=TODAY - timedelta(days))
    for decision in (expired.decide(), expired.received()):
        assert not decision.allowed
        assert Check.AGREEMENT_EXPIRED in decision.failed


@given(all_sends)
def test_the_dpo_is_told_of_every_transfer_to_a_third_country(r: Send) -> None:
    third = r.agreement is not None and r.agreement.third_country
    assert r.decide().notify_dpo is third
    assert r.received().notify_dpo is False  # receiving is not a transfer by this node


def _unforwarded(r: Send) -> Terms:
    """The terms as ``r.sender`` received them, when ``r`` passes a record on."""
    t = r.terms
    if t.path and t.path[-1] == r.sender:
        return replace(t, path=t.path[:-1], hops_left=t.hops_left + 1)
    return t


@given(all_sends)
def test_receiver_and_sender_agree_on_a_record_forwarded_once(r: Send) -> None:
    forwarded = replace(r, terms=forward_terms(_unforwarded(r), r.sender))
    sent = replace(forwarded, source_confirmed=True).decide()
    received = forwarded.received()
    assert sent.failed == received.failed
    assert sent.allowed is received.allowed


@given(st.integers(1, 5), st.sampled_from([Onward.ALLOWED, Onward.WITH_CONSENT]))
def test_the_hop_count_goes_down_along_a_path_until_refused(max_hops: int, mode: Onward) -> None:
    chain = [f"n{i}" for i in range(8)]
    terms = Terms(
        Purpose.SERIOUS_CRIME,
        GOOD_BASIS,
        GOOD_REASON,
        TLP.GREEN,
        "n0",
        mode,
        tuple(chain),
        max_hops,
        max_hops,
        ("n0",),
        None,
        False,
        None,
    )
    sends, hops = 0, [terms.hops_left]
    for sender, recipient in itertools.pairwise(chain):
        if sender != "n0":
            terms = forward_terms(terms, sender)
            assert terms.hops_left < hops[-1]
            hops.append(terms.hops_left)
        agreement = Agreement(
            recipient,
            1,
            frozenset({ShareKind.SIGHTING}),
            frozenset({"serious-crime"}),
            TLP.AMBER,
            TODAY,
            TODAY,
            GOOD_BASIS,
            False,
        )
        decision = decide_send(
            sender=sender,
            recipient=recipient,
            kind=ShareKind.SIGHTING,
            terms=terms,
            agreement=agreement,
            groups={},
            named_recipients=frozenset({recipient}),
            today=TODAY,
        )
        if not decision.allowed:
            assert decision.failed == {Check.HOPS}
            break
        sends += 1
    assert sends == max_hops  # max_hops is the number of transfers, the first one included


# --- examples per safeguard --------------------------------------------------------------------

BASE_TERMS = Terms(
    purpose=Purpose.TERRORIST_OFFENCE,
    legal_basis=GOOD_BASIS,
    reason=GOOD_REASON,
    tlp=TLP.AMBER,
    originator="fr",
    onward=Onward.WITH_CONSENT,
    consent=("de",),
    max_hops=2,
    hops_left=2,
    path=("fr",),
    retention_until=date(2025, 12, 31),
    source_confirmation_required=False,
    group=None,
)


def agreement_with(partner: str, **changes: object) -> Agreement:
    agreement = Agreement(
        partner=partner,
        version=4,
        kinds=frozenset({ShareKind.ALERT_NOTIFICATION, ShareKind.WATCHLIST_ENTRY}),
        purposes=frozenset({"terrorist-offence"}),
        max_tlp=TLP.AMBER,
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
        legal_basis=GOOD_BASIS,
        third_country=False,
    )
    return replace(agreement, **changes)


def send(
    terms: Terms = BASE_TERMS,
    *,
    sender: str = "fr",
    recipient: str = "nl",
    kind: ShareKind = ShareKind.WATCHLIST_ENTRY,
    agreement: Agreement | None = None,
    groups: dict[str, SharingGroup] | None = None,
    named: frozenset[str] | None = None,
    source_confirmed: bool = False,
) -> Decision:
    return decide_send(
        sender=sender,
        recipient=recipient,
        kind=kind,
        terms=terms,
        agreement=agreement or agreement_with(recipient),
        groups=groups or {},
        named_recipients=frozenset({recipient}) if named is None else named,
        today=TODAY,
        source_confirmed=source_confirmed,
    )


def test_a_plain_share_under_the_agreement_passes() -> None:
    assert send() == Decision(True, (), False)


@pytest.mark.safeguard("SG-41")
def test_a_share_without_reason_or_legal_basis_is_refused_naming_both() -> None:
    decision = send(replace(BASE_TERMS, reason="  ", legal_basis=""))
    assert not decision.allowed
    assert decision.failed == {Check.REASON, Check.LEGAL_BASIS}
    assert any("at least 8 characters" in reason for reason in decision.reasons)


@pytest.mark.safeguard("SG-41")
def test_only_named_recipients_or_members_of_the_named_group_receive() -> None:
    group = SharingGroup("benelux", 3, frozenset({"nl", "be"}))
    in_group = replace(BASE_TERMS, group="benelux@3")
    assert send(in_group, named=frozenset(), groups={"benelux@3": group}).allowed
    for terms, groups in [
        (BASE_TERMS, {"benelux@3": group}),  # no group named in the terms
        (replace(BASE_TERMS, group="benelux@2"), {"benelux@3": group}),  # another version
        (in_group, {"benelux@3": replace(group, version=2)}),  # listed under a wrong key
        (in_group, {"benelux@3": replace(group, members=frozenset({"be"}))}),
    ]:
        assert send(terms, named=frozenset(), groups=groups).failed == {Check.AUDIENCE}


@pytest.mark.safeguard("SG-42")
def test_a_transfer_outside_the_agreement_is_blocked() -> None:
    assert send(kind=ShareKind.SIGHTING).failed == {Check.KIND}
    assert send(replace(BASE_TERMS, purpose=Purpose.SERIOUS_CRIME)).failed == {Check.PURPOSE}
    assert send(replace(BASE_TERMS, tlp=TLP.AMBER_STRICT)).failed == {Check.TLP_CEILING}
    expired = agreement_with("nl", valid_until=date(2025, 5, 31))
    assert send(agreement=expired).failed == {Check.AGREEMENT_EXPIRED}
    assert send(agreement=agreement_with("be")).failed == {Check.AGREEMENT_PARTNER}
    assert decide_send(
        sender="fr",
        recipient="nl",
        kind=ShareKind.WATCHLIST_ENTRY,
        terms=BASE_TERMS,
        agreement=None,
        groups={},
        named_recipients=frozenset({"nl"}),
        today=TODAY,
    ).failed == {Check.NO_AGREEMENT}


@pytest.mark.safeguard("SG-42")
def test_tlp_red_never_leaves_even_when_the_agreement_says_red() -> None:
    decision = send(
        replace(BASE_TERMS, tlp=TLP.RED), agreement=agreement_with("nl", max_tlp=TLP.RED)
    )
    assert decision.failed == {Check.TLP_RED}


@pytest.mark.safeguard("SG-42")
def test_a_transfer_to_a_third_country_notifies_the_dpo() -> None:
    decision = send(recipient="us", agreement=agreement_with("us", third_country=True))
    assert decision.allowed and decision.notify_dpo
    refused = send(
        replace(BASE_TERMS, reason=""),
        recipient="us",
        agreement=agreement_with("us", third_country=True),
    )
    assert not refused.allowed and refused.notify_dpo  # the attempt is the DPO's business too


@pytest.mark.safeguard("SG-42")
def test_onward_transfer_needs_the_originators_consent_which_travels_with_the_data() -> None:
    at_nl = forward_terms(BASE_TERMS, "nl")  # fr -> nl, then nl passes it on
    assert at_nl.consent == ("de",) and at_nl.originator == "fr"
    assert send(at_nl, sender="nl", recipient="de").allowed
    assert send(at_nl, sender="nl", recipient="be").failed == {Check.ONWARD}
    never = forward_terms(replace(BASE_TERMS, onward=Onward.NEVER), "nl")
    assert send(never, sender="nl", recipient="de").failed == {Check.ONWARD}


@pytest.mark.safeguard("SG-44")
def test_the_originators_conditions_survive_forwarding() -> None:
    forwarded = forward_terms(BASE_TERMS, "nl")
    assert (forwarded.hops_left, forwarded.path) == (1, ("fr", "nl"))
    unchanged = {
        "purpose",
        "legal_basis",
        "reason",
        "tlp",
        "originator",
        "onward",
        "consent",
        "max_hops",
        "retention_until",
        "source_confirmation_required",
        "group",
    }
    for name in unchanged:
        assert getattr(forwarded, name) == getattr(BASE_TERMS, name)


@pytest.mark.safeguard("SG-44")
def test_past_the_originators_retention_nothing_is_shared_or_received() -> None:
    stale = replace(BASE_TERMS, retention_until=date(2025, 5, 31))
    assert send(stale).failed == {Check.RETENTION}
    received = decide_receive(
        receiver="nl",
        message_sender="fr",
        kind=ShareKind.WATCHLIST_ENTRY,
        terms=stale,
        recipients=("nl",),
        agreement=agreement_with("fr"),
        groups={},
        today=TODAY,
    )
    assert received.failed == {Check.RETENTION}


@pytest.mark.safeguard("SG-44")
def test_amber_strict_is_never_passed_on_and_hops_run_out() -> None:
    strict = replace(BASE_TERMS, tlp=TLP.AMBER_STRICT, onward=Onward.ALLOWED)
    wide = agreement_with("de", max_tlp=TLP.AMBER_STRICT)
    assert send(strict, recipient="de", agreement=wide).allowed  # first hand: fine
    passed_on = forward_terms(strict, "nl")
    assert send(passed_on, sender="nl", recipient="de", agreement=wide).failed == {
        Check.ONWARD_AMBER_STRICT
    }
    last_hop = forward_terms(forward_terms(replace(BASE_TERMS, onward=Onward.ALLOWED), "nl"), "de")
    decision = send(last_hop, sender="de", recipient="be", agreement=agreement_with("be"))
    assert decision.failed == {Check.HOPS}
    assert send(last_hop, sender="de", recipient="fr", agreement=agreement_with("fr")).failed == {
        Check.HOPS,
        Check.LOOP,
    }


@pytest.mark.safeguard("SG-19")
def test_a_hit_needing_source_confirmation_is_passed_on_only_once_confirmed() -> None:
    hit = replace(BASE_TERMS, source_confirmation_required=True, onward=Onward.ALLOWED)
    notification = ShareKind.ALERT_NOTIFICATION
    assert send(hit, kind=notification).allowed  # the originator tells the listing partner
    at_nl = forward_terms(hit, "nl")
    de = agreement_with("de")
    assert send(at_nl, sender="nl", recipient="de", kind=notification, agreement=de).failed == {
        Check.SOURCE_CONFIRMATION
    }
    assert send(
        at_nl, sender="nl", recipient="de", kind=notification, agreement=de, source_confirmed=True
    ).allowed


def test_a_source_confirmation_is_covered_where_notifications_are() -> None:
    assert send(kind=ShareKind.SOURCE_CONFIRMATION).allowed
    only_entries = agreement_with("nl", kinds=frozenset({ShareKind.WATCHLIST_ENTRY}))
    assert send(kind=ShareKind.SOURCE_CONFIRMATION, agreement=only_entries).failed == {Check.KIND}


def test_the_receiver_checks_the_sender_and_the_hop_count() -> None:
    at_nl = forward_terms(BASE_TERMS, "nl")

    def receive(terms: Terms, sender: str) -> Decision:
        return decide_receive(
            receiver="de",
            message_sender=sender,
            kind=ShareKind.WATCHLIST_ENTRY,
            terms=terms,
            recipients=("de",),
            agreement=agreement_with(sender),
            groups={},
            today=TODAY,
        )

    assert receive(at_nl, "nl").allowed
    assert receive(at_nl, "be").failed == {Check.PATH}  # not the last on the path
    assert receive(replace(at_nl, hops_left=2), "nl").failed == {Check.HOP_COUNT}
    assert receive(replace(at_nl, hops_left=0, max_hops=1), "nl").failed == {Check.HOPS}
    assert receive(at_nl, "nl").notify_dpo is False
