"""The originator's seal over its terms: an honest forward passes however many hops it took,
every loosening of a sealed field is caught and named, and the seal travels in the message."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.access.purpose import Purpose
from interlock.errors import ParseError
from interlock.sharing.envelope import SHARE, Message, Onward, Terms, sign_envelope
from interlock.sharing.identity import NodeIdentity
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.policy import forward_terms
from interlock.sharing.seal import (
    ORIGIN_TERMS,
    check_seal,
    list_scope,
    scope_of,
    seal_reasons,
    seal_terms,
)
from interlock.sharing.stix import EXTENSION_ID

HOPS = ("bravo", "charlie", "delta", "echo")
ALPHA = Terms(
    purpose=Purpose.TERRORIST_OFFENCE,
    legal_basis="Council Decision 2008/615/JHA",
    reason="Persons sought for terrorist offences",
    tlp=TLP.AMBER,
    originator="alpha",
    onward=Onward.ALLOWED,
    consent=(),
    max_hops=2,
    hops_left=2,
    path=("alpha",),
    retention_until=date(2027, 5, 31),
    source_confirmation_required=False,
    group=None,
)
"""alpha's terms for its own list: passed on once, they reach charlie."""
SCOPE = list_scope("national-sought")
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, NodeIdentity]:
    root = tmp_path_factory.mktemp("seal-keys")
    return {n: NodeIdentity.load_or_create(n, Path(root, n)) for n in ("alpha", "bravo")}


def keys_of(nodes: dict[str, NodeIdentity]) -> dict[str, bytes]:
    return {name: identity.envelope_public for name, identity in nodes.items()}


@st.composite
def own_terms(draw: st.DrawFn) -> Terms:
    """Terms as alpha sets them for its own record."""
    max_hops = draw(st.integers(1, 4))
    return Terms(
        purpose=draw(st.sampled_from(Purpose)),
        legal_basis=draw(st.sampled_from(["Council Decision 2008/615/JHA", "Bilateral 2026/7"])),
        reason="Persons sought for terrorist offences",
        tlp=draw(st.sampled_from([TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT])),
        originator="alpha",
        onward=draw(st.sampled_from(Onward)),
        consent=tuple(draw(st.lists(st.sampled_from(HOPS), unique=True, max_size=3))),
        max_hops=max_hops,
        hops_left=max_hops,
        path=("alpha",),
        retention_until=draw(st.none() | st.integers(0, 400).map(lambda d: TODAY + timedelta(d))),
        source_confirmation_required=draw(st.booleans()),
        group=None,
    )


@st.composite
def forwarded(draw: st.DrawFn) -> tuple[Terms, Terms]:
    """alpha's terms, and the same terms passed on honestly by 0 or more nodes, each of which
    may state its own reason and group."""
    sealed = draw(own_terms())
    terms = sealed
    for node in HOPS[: draw(st.integers(0, sealed.max_hops - 1))]:
        terms = forward_terms(terms, node)
        terms = replace(
            terms,
            reason=draw(st.sampled_from(["Passing on alpha's entries", "For screening"])),
            group=draw(st.sampled_from([None, "neighbours@1"])),
        )
    return sealed, terms


# --- honest: within the seal ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(pair=forwarded())
def test_an_honest_forward_is_within_the_seal(
    nodes: dict[str, NodeIdentity], pair: tuple[Terms, Terms]
) -> None:
    sealed, terms = pair
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    assert check_seal(seal, terms, SCOPE, keys_of(nodes)) == []


NARROWINGS: dict[str, Callable[[Terms], Terms]] = {
    "stricter TLP": lambda t: replace(t, tlp=TLP.AMBER_STRICT),
    "fewer consented nodes": lambda t: replace(t, consent=t.consent[:1]),
    "earlier retention": lambda t: replace(t, retention_until=TODAY),
    "fewer hops left": lambda t: replace(t, hops_left=t.hops_left - 1),
}


@pytest.mark.parametrize("narrowing", NARROWINGS, ids=list(NARROWINGS))
@settings(max_examples=20, deadline=None)
@given(pair=forwarded())
def test_a_hop_may_narrow_what_it_may_not_loosen(
    nodes: dict[str, NodeIdentity], narrowing: str, pair: tuple[Terms, Terms]
) -> None:
    sealed, terms = pair
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    narrowed = NARROWINGS[narrowing](terms)
    assert check_seal(seal, narrowed, SCOPE, keys_of(nodes)) == []


# --- dishonest: every loosening named ---------------------------------------------------------


def _later(t: Terms) -> Terms:
    return replace(t, retention_until=(t.retention_until or TODAY) + timedelta(days=365))


def _onward_allowed(t: Terms) -> Terms | None:
    return None if t.onward is Onward.ALLOWED else replace(t, onward=Onward.ALLOWED)


def _lower_tlp(t: Terms) -> Terms | None:
    return None if t.tlp is TLP.CLEAR else replace(t, tlp=TLP.CLEAR)


def _other_purpose(t: Terms) -> Terms:
    other = next(p for p in Purpose if p is not t.purpose)
    return replace(t, purpose=other)


def _other_start(t: Terms) -> Terms:
    return replace(t, path=("foxtrot", *t.path[1:]))


LOOSENINGS: dict[str, Callable[[Terms], Terms | None]] = {
    "max_hops": lambda t: replace(t, max_hops=t.max_hops + 1, hops_left=t.hops_left + 1),
    "hops_left": lambda t: replace(t, hops_left=t.hops_left + 1),
    "retention_until": _later,
    "onward": _onward_allowed,
    "consent": lambda t: replace(t, consent=(*t.consent, "foxtrot")),
    "tlp": _lower_tlp,
    "purpose": _other_purpose,
    "legal_basis": lambda t: replace(t, legal_basis="Whatever suits us"),
    "source_confirmation_required": lambda t: replace(
        t, source_confirmation_required=not t.source_confirmation_required
    ),
    "path": _other_start,
}
"""Each rewrite of the terms a dishonest hop could make, by the sealed field it breaks; None
where the field cannot be loosened further."""


@pytest.mark.parametrize("field", LOOSENINGS, ids=list(LOOSENINGS))
@settings(max_examples=25, deadline=None)
@given(pair=forwarded())
def test_each_loosening_is_caught_and_named(
    nodes: dict[str, NodeIdentity], field: str, pair: tuple[Terms, Terms]
) -> None:
    sealed, terms = pair
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    loosened = LOOSENINGS[field](terms)
    if loosened is None or (field == "retention_until" and sealed.retention_until is None):
        return  # nothing looser than this, or no end sealed: any end is within it
    reasons = check_seal(seal, loosened, SCOPE, keys_of(nodes))
    assert any(r.startswith(f"seal.{field}:") for r in reasons), reasons


@settings(max_examples=25, deadline=None)
@given(pair=forwarded())
def test_an_end_of_retention_cannot_be_dropped(
    nodes: dict[str, NodeIdentity], pair: tuple[Terms, Terms]
) -> None:
    sealed, terms = pair
    sealed = replace(sealed, retention_until=TODAY)
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    unbounded = replace(terms, retention_until=None)
    reasons = check_seal(seal, unbounded, SCOPE, keys_of(nodes))
    assert [r.split(":")[0] for r in reasons] == ["seal.retention_until"]


def test_a_seal_for_another_scope_does_not_cover_this_one(
    nodes: dict[str, NodeIdentity],
) -> None:
    terms = ALPHA
    seal = seal_terms(nodes["alpha"], terms, list_scope("other-list"))
    reasons = check_seal(seal, terms, SCOPE, keys_of(nodes))
    assert [r.split(":")[0] for r in reasons] == ["seal.scope"]


def test_only_the_originators_registered_key_can_seal(nodes: dict[str, NodeIdentity]) -> None:
    terms = ALPHA
    keys = keys_of(nodes)
    # bravo seals in alpha's name
    by_bravo = seal_terms(nodes["bravo"], terms, SCOPE)
    faked = json.loads(by_bravo)
    payload = json.loads(base64.b64decode(faked["payload"]))
    payload["originator"] = "alpha"
    resigned = sign_envelope(
        ORIGIN_TERMS, json.dumps(payload).encode(), nodes["bravo"].envelope,
        nodes["alpha"].envelope_key_id,
    ).to_json()  # fmt: skip
    assert [r.split(":")[0] for r in check_seal(resigned, terms, SCOPE, keys)] == ["seal.signature"]
    # a payload changed after alpha sealed it
    honest = json.loads(seal_terms(nodes["alpha"], terms, SCOPE))
    payload = json.loads(base64.b64decode(honest["payload"]))
    payload["max_hops"] += 3
    honest["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    tampered = json.dumps(honest).encode()
    assert check_seal(tampered, terms, SCOPE, keys)[0].startswith("seal.signature:")
    # a share envelope is not a seal, even one signed by alpha
    share = sign_envelope(
        SHARE, base64.b64decode(json.loads(seal_terms(nodes["alpha"], terms, SCOPE))["payload"]),
        nodes["alpha"].envelope, nodes["alpha"].envelope_key_id,
    ).to_json()  # fmt: skip
    assert check_seal(share, terms, SCOPE, keys)[0].startswith("seal.signature:")
    # an originator this node has not registered cannot be checked
    unknown = check_seal(seal_terms(nodes["alpha"], terms, SCOPE), terms, SCOPE, {})
    assert unknown[0].startswith("seal.originator:")
    assert check_seal(b"not json", terms, SCOPE, keys)[0].startswith("seal.signature:")


# --- the seal in the message ------------------------------------------------------------------


def _entry(list_name: str, n: int) -> dict[str, object]:
    return {
        "type": "identity",
        "id": f"identity--00000000-0000-4000-8000-00000000000{n}",
        "extensions": {EXTENSION_ID: {"record": "watchlist-entry", "list_name": list_name}},
    }


def _message(terms: Terms, sender: str, seal: bytes | None, objects: list[object]) -> Message:
    return Message(
        message_id="0f6d2d9e-8a55-4bb1-a3a4-7d3c2b1a0e9f",
        kind=ShareKind.WATCHLIST_ENTRY,
        sender=sender,
        recipients=("charlie",),
        to="charlie",
        seq=1,
        created=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        terms=terms,
        content={"type": "bundle", "id": "bundle--1", "objects": objects},
        origin_seal=None if seal is None else base64.b64encode(seal).decode(),
    )


def test_scope_of_a_bundle() -> None:
    assert scope_of({"objects": [_entry("sought", 1), _entry("sought", 2)]}) == "list:sought"
    assert scope_of({"objects": [_entry("sought", 1), _entry("other", 2)]}) is None
    a, b = {"type": "sighting", "id": "sighting--1"}, {"type": "note", "id": "note--2"}
    assert scope_of({"objects": [a, b]}) == scope_of({"objects": [b, a]})
    assert scope_of({"objects": [a, b]}).startswith("objects:")  # type: ignore[union-attr]
    assert scope_of({"objects": [a]}) != scope_of({"objects": [a, b]})


def test_a_message_carries_its_seal_and_an_old_one_still_reads(
    nodes: dict[str, NodeIdentity],
) -> None:
    sealed, terms = ALPHA, forward_terms(ALPHA, "bravo")
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    message = _message(terms, "alpha", seal, [_entry("national-sought", 1)])
    assert Message.decode(message.encode()) == message
    unsealed = replace(message, origin_seal=None)
    assert b"origin_seal" not in unsealed.encode()  # as before seals existed
    assert Message.decode(unsealed.encode()) == unsealed
    data = json.loads(message.encode())
    bad_seals: list[object] = [None, "", "not base64!", "-_8=", 7]  # null; URL-safe; a number
    if len(seal) % 3:
        bad_seals.append(base64.b64encode(seal).decode().rstrip("="))  # unpadded
    for bad in bad_seals:
        data["origin_seal"] = bad
        with pytest.raises(ParseError) as err:
            Message.decode(json.dumps(data).encode())
        assert err.value.location == "origin_seal"


def test_a_forwarded_message_needs_the_seal_the_originator_may_omit(
    nodes: dict[str, NodeIdentity],
) -> None:
    keys = keys_of(nodes)
    sealed = ALPHA
    onward = forward_terms(sealed, "bravo")
    entries = [_entry("national-sought", 1)]
    assert seal_reasons(_message(sealed, "alpha", None, entries), keys) == []
    missing = seal_reasons(_message(onward, "bravo", None, entries), keys)
    assert [r.split(":")[0] for r in missing] == ["seal.missing"]
    seal = seal_terms(nodes["alpha"], sealed, SCOPE)
    assert seal_reasons(_message(onward, "bravo", seal, entries), keys) == []
    assert seal_reasons(_message(sealed, "alpha", seal, entries), keys) == []
    # the originator's own message must hold to a seal it carries
    looser = replace(sealed, max_hops=3, hops_left=3)
    assert "seal.max_hops" in seal_reasons(_message(looser, "alpha", seal, entries), keys)[0]
    mixed = [*entries, _entry("other", 2)]
    assert seal_reasons(_message(onward, "bravo", seal, mixed), keys)[0].startswith("seal.scope")
