"""The ledger between partners: partners witness this node's log, this node witnesses theirs,
and a received message can be proved to be in its sender's log.

- :func:`node_witness`: this node as a witness (C2SP tlog-witness) of every registered
  partner's log, keyed by the origin and checkpoint key the registry holds.
- :func:`cosign_latest`: ask every active partner to cosign this node's newest checkpoint.
- :func:`check_inclusion`: fetch the sender's checkpoint and check its signature; witness it
  (cosign it only if it extends the checkpoint of that log this node last cosigned; a fork or
  a bad proof raises an alarm); then fetch and verify the inclusion proof of the ``sent``
  leaf the receiver rebuilds from the message (or kept from it at receipt). The proof counts
  only against a checkpoint cosigned by this node or by a partner it trusts.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from interlock.errors import NotFoundError
from interlock.ledger.cosigning import CosignOutcome, WitnessEndpoint, collect_cosignatures
from interlock.ledger.leaves import leaf_bytes
from interlock.ledger.merkle import leaf_hash, verify_inclusion
from interlock.ledger.note import Checkpoint, NoteError, parse_note
from interlock.ledger.witness import AddCheckpoint, AlarmKind, Witness, record_alarm
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Envelope, Message
from interlock.sharing.outbox import sent_leaf
from interlock.store.schema_sharing import ShareInboxRow

TIMEOUT = 10.0


def node_witness(ctx: SharingContext) -> Witness:
    """This node witnessing its partners' logs."""

    def known() -> dict[str, Any]:
        return {p.log_origin: p.log_key for p in ctx.registry.all() if p.active}

    return Witness(ctx.store.sessions, ctx.identity.witness, known)


def cosign_latest(ctx: SharingContext) -> list[CosignOutcome]:
    """Collect the partners' cosignatures of the newest checkpoint, when there is a log and
    it grew since the last round that every witness cosigned."""
    size = ctx.ledger.size()
    if size == 0 or size == ctx.cosigned_size:
        return []
    outcomes = []
    for partner in ctx.registry.all():
        if not partner.active:
            continue
        # over the partner's kept-open link: no TLS handshake per round
        link = ctx.link(partner.name, partner.base_url, partner.tls_cert, partner.ssl_verify)
        endpoint = WitnessEndpoint(
            name=partner.witness_key.name,
            url=partner.base_url + "/ledger",
            verifier=partner.witness_key,
        )
        outcomes += collect_cosignatures(ctx.ledger, [endpoint], link)
    if all(o.status.value in ("cosigned", "already") for o in outcomes):
        ctx.cosigned_size = size
    return outcomes


@dataclass
class InclusionCheck:
    """The answer to "is this message in its sender's log?"."""

    message_id: str
    sender: str
    ok: bool = False
    leaf_index: int | None = None
    checkpoint_size: int | None = None
    cosigned_by: list[str] = field(default_factory=list)
    consistent_with_witnessed: bool | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_inclusion(ctx: SharingContext, message_id: str) -> InclusionCheck:
    """See the module docstring."""
    with ctx.store.sessions() as session:
        row = session.execute(
            select(ShareInboxRow).where(ShareInboxRow.message_id == message_id)
        ).scalar()
        if row is None:
            raise NotFoundError(f"no message {message_id} was received")
        raw, sha, sender, kept = row.envelope, row.envelope_sha256, row.sender, row.sender_leaf_hash
    result = InclusionCheck(message_id=message_id, sender=sender)
    if raw:  # rebuilt from the message itself
        hashed = leaf_hash(
            leaf_bytes(sent_leaf(Message.decode(Envelope.from_json(raw).payload), sha))
        )
    elif kept:  # the content was erased at the end of the originator's retention (SG-31)
        hashed = bytes.fromhex(kept)
    else:
        result.detail = "the message's content was erased and no leaf hash was kept"
        return result
    partner = ctx.registry.get(sender)
    base = partner.base_url + "/ledger"
    try:
        http = ctx.link(partner.name, partner.base_url, partner.tls_cert, partner.ssl_verify)
        text = http.get(base + "/checkpoint").raise_for_status().text
        try:
            note = parse_note(text)
            checkpoint = Checkpoint.parse(note.text)
        except NoteError as err:
            result.detail = f"the sender's checkpoint is not a signed note: {err}"
            return result
        if checkpoint.origin != partner.log_origin or not note.verified_by(partner.log_key):
            result.detail = "the checkpoint is not signed with the sender's log key"
            return result
        result.checkpoint_size = checkpoint.size
        witnesses = [ctx.identity.witness.verifier] + [
            p.witness_key for p in ctx.registry.all() if p.name != sender
        ]
        result.cosigned_by = [w.name for w in witnesses if note.verified_by(w)]
        witness = node_witness(ctx)
        witnessed = witness.latest(partner.log_origin)
        old = witnessed.size if witnessed is not None else 0
        if checkpoint.size < old:
            record_alarm(
                ctx.store.sessions, partner.log_origin, AlarmKind.INCONSISTENT,
                f"checkpoint of size {checkpoint.size} is older than the one of size {old} "
                "this node cosigned", text,
            )  # fmt: skip
            result.consistent_with_witnessed = False
            result.detail = "the sender's log went back on what was witnessed"
            return result
        proof: list[bytes] = []
        if 0 < old < checkpoint.size:
            proof = _hashes(
                http.get(
                    base + "/proof/consistency",
                    params={"first": old, "second": checkpoint.size},
                )
                .raise_for_status()
                .json()
            )
        # this node witnesses the checkpoint itself: it cosigns only if the checkpoint
        # extends the one it last cosigned, and raises an alarm on a fork or a bad proof
        witnessing = witness.add_checkpoint(AddCheckpoint(old, proof, text).render())
        if witnessing.status == 200:
            result.consistent_with_witnessed = True
            if ctx.identity.witness.name not in result.cosigned_by:
                result.cosigned_by.append(ctx.identity.witness.name)
        elif witnessing.status == 422 or (witnessing.status == 409 and checkpoint.size == old):
            result.consistent_with_witnessed = False
            result.detail = "the sender's log is inconsistent with what was witnessed"
            return result
        if not result.cosigned_by:
            result.detail = "no witness this node trusts cosigned the sender's checkpoint"
            return result
        answer = http.get(
            base + "/proof/inclusion",
            params={"leaf_hash": hashed.hex(), "size": checkpoint.size},
        )
        if answer.status_code == 404:
            result.detail = "the sender's log does not hold the message's leaf"
            return result
        body = answer.raise_for_status().json()
    except (httpx.HTTPError, ValueError) as err:
        result.detail = f"could not reach the sender's log: {err}"
        return result
    index = int(body["index"])
    result.leaf_index = index
    result.ok = verify_inclusion(hashed, index, checkpoint.size, _hashes(body), checkpoint.root)
    result.detail = "included" if result.ok else "the inclusion proof does not verify"
    return result


def _hashes(body: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(h) for h in body.get("proof", [])]
