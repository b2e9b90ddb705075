"""Collecting partners' cosignatures on this node's log (C2SP tlog-witness, the log's side).

A node sends its newest checkpoint to each partner witness with a consistency proof from the
size that witness last cosigned, retries once from the size a 409 reports, verifies and keeps
the cosignatures, and reports a witness that is down instead of failing. A witness that claims
to have cosigned more of the log than there is raises an alarm
(:func:`interlock.ledger.witness.record_alarm`).
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import httpx

from interlock.errors import InterlockError
from interlock.ledger.log import Ledger
from interlock.ledger.note import DASH, Verifier
from interlock.ledger.witness import (
    DECIMAL,
    TEXT,
    TLOG_SIZE,
    AddCheckpoint,
    AlarmKind,
    record_alarm,
)


@dataclass(frozen=True, slots=True)
class WitnessEndpoint:
    """A partner witness: its cosigning key name, submission prefix (``…/ledger``; the request
    goes to ``<url>/add-checkpoint``), key, and TLS verification (a pinned context)."""

    name: str
    url: str
    verifier: Verifier
    verify: ssl.SSLContext | bool = True


class CosignStatus(StrEnum):
    COSIGNED = "cosigned"
    ALREADY = "already"  # this witness's cosignature on the newest checkpoint is kept
    REFUSED = "refused"
    CONFLICT = "conflict"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class CosignOutcome:
    witness: str
    status: CosignStatus
    size: int
    detail: str = ""


def collect_cosignatures(
    ledger: Ledger,
    witnesses: Sequence[WitnessEndpoint],
    http: httpx.Client | None = None,
    *,
    timeout: float = 10.0,
) -> list[CosignOutcome]:
    """Ask every witness to cosign the newest checkpoint; one outcome per witness.

    With ``http`` every request goes through that client (its TLS settings); without it each
    witness gets a client of its own with its ``verify`` setting.
    """
    outcomes: list[CosignOutcome] = []
    for endpoint in witnesses:
        if http is not None:
            outcomes.append(_collect(ledger, endpoint, http))
            continue
        with httpx.Client(verify=endpoint.verify, timeout=timeout) as own:
            outcomes.append(_collect(ledger, endpoint, own))
    return outcomes


def _collect(ledger: Ledger, endpoint: WitnessEndpoint, http: httpx.Client) -> CosignOutcome:
    latest = ledger.latest_checkpoint()
    size, name = latest.size, endpoint.name
    if any(line.startswith(f"{DASH} {name} ") for line in latest.cosignatures):
        return CosignOutcome(name, CosignStatus.ALREADY, size)
    old = ledger.cosigned_size(name)
    for attempt in range(2):
        if old > size:
            detail = f"the witness cosigned {old} leaves of our log, which has {size}"
            record_alarm(ledger.sessions, ledger.origin, AlarmKind.CONFLICT, f"{name}: {detail}")
            return CosignOutcome(name, CosignStatus.CONFLICT, size, detail)
        proof = ledger.consistency_proof(old, size) if old else []
        body = AddCheckpoint(old, proof, latest.note).render()
        try:
            response = http.post(
                endpoint.url.rstrip("/") + "/add-checkpoint",
                content=body.encode(),
                headers={"Content-Type": TEXT},
            )
        except httpx.HTTPError as err:
            return CosignOutcome(name, CosignStatus.DOWN, size, f"{type(err).__name__}: {err}")
        reported = _reported_size(response)
        if reported is not None and reported != old and attempt == 0:
            old = reported  # the witness knows another size: prove from there
            continue
        return _outcome(ledger, endpoint, size, response, reported)
    raise AssertionError("unreachable")  # pragma: no cover


def _reported_size(response: httpx.Response) -> int | None:
    if response.status_code != 409:
        return None
    if not response.headers.get("content-type", "").startswith(TLOG_SIZE):
        return None
    text = response.text.strip()
    return int(text) if DECIMAL.fullmatch(text) else None


def _outcome(
    ledger: Ledger,
    endpoint: WitnessEndpoint,
    size: int,
    response: httpx.Response,
    reported: int | None,
) -> CosignOutcome:
    name = endpoint.name
    if reported is not None:
        detail = f"the witness holds another tree of {reported} leaves of our log"
        record_alarm(ledger.sessions, ledger.origin, AlarmKind.CONFLICT, f"{name}: {detail}")
        return CosignOutcome(name, CosignStatus.CONFLICT, size, detail)
    if response.status_code != 200:
        detail = f"HTTP {response.status_code}: {response.text.strip()[:200]}"
        return CosignOutcome(name, CosignStatus.REFUSED, size, detail)
    kept = 0
    for line in response.text.splitlines():
        if not line.startswith(f"{DASH} {name} "):
            continue  # cosignatures of keys we do not know are ignored
        try:
            ledger.add_cosignature(size, line, endpoint.verifier)
        except InterlockError:
            continue
        kept += 1
    if not kept:
        return CosignOutcome(name, CosignStatus.REFUSED, size, "no valid cosignature returned")
    return CosignOutcome(name, CosignStatus.COSIGNED, size)
