"""The ledger over HTTP: checkpoint, tiles and proofs (public reads: the log holds no personal
data, SG-31), and the witness's add-checkpoint (authenticated by the log's signature).

The app carries the node's :class:`~interlock.ledger.log.Ledger` as ``app.state.ledger`` and
its :class:`~interlock.ledger.witness.Witness` as ``app.state.witness``.

- ``GET /ledger/checkpoint``: the newest signed checkpoint with its cosignatures
  (C2SP tlog-tiles: ``text/plain; charset=utf-8``, cached a few seconds at most);
- ``GET /ledger/tile/<L>/<N>[.p/<W>]`` and ``GET /ledger/tile/entries/<N>[.p/<W>]``: Merkle
  tiles and entry bundles (immutable);
- ``GET /ledger/proof/inclusion?index=&size=`` (or ``?leaf_hash=<hex>&size=``) and
  ``GET /ledger/proof/consistency?first=&second=``: proofs as JSON, hashes in base64;
- ``POST /ledger/add-checkpoint``: C2SP tlog-witness.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from interlock.errors import NotFoundError, ParseError, RefusedError
from interlock.ledger.log import Ledger
from interlock.ledger.tiles import parse_tile_path
from interlock.ledger.witness import MAX_BODY, TEXT, Witness

CHECKPOINT_CACHE = "max-age=2"  # the checkpoint changes as the log grows
TILE_CACHE = "public, max-age=31536000, immutable"


def get_ledger(request: Request) -> Ledger:
    """The node's ledger."""
    return cast(Ledger, request.app.state.ledger)


def get_witness(request: Request) -> Witness:
    """The node's witness of partner logs."""
    witness = getattr(request.app.state, "witness", None)
    if witness is None:
        raise NotFoundError("this node witnesses no logs")
    return cast(Witness, witness)


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def _leaf_hash(text: str) -> bytes:
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise RefusedError("a leaf hash is 64 hex digits", location="leaf_hash")
    return digest


def ledger_router() -> APIRouter:
    """The ledger's routes under ``/ledger``."""
    router = APIRouter(prefix="/ledger", tags=["ledger"])

    @router.get("/checkpoint")
    def checkpoint(ledger: LedgerDep) -> Response:
        """The newest signed checkpoint (signed now if the log grew) with its cosignatures."""
        return Response(
            ledger.checkpoint(), media_type=TEXT, headers={"Cache-Control": CHECKPOINT_CACHE}
        )

    @router.get("/tile/{path:path}")
    def tile(path: str, ledger: LedgerDep) -> Response:
        """A Merkle tile or an entry bundle (C2SP tlog-tiles)."""
        try:
            ref = parse_tile_path(path)
        except ParseError as err:
            raise NotFoundError(str(err)) from None
        return Response(
            ledger.tile(ref),
            media_type="application/octet-stream",
            headers={"Cache-Control": TILE_CACHE},
        )

    @router.get("/proof/inclusion")
    def inclusion(
        ledger: LedgerDep,
        index: Annotated[int | None, Query(ge=0)] = None,
        leaf_hash: Annotated[str | None, Query(description="hex")] = None,
        size: Annotated[int | None, Query(ge=1)] = None,
    ) -> dict[str, Any]:
        """The inclusion proof of a leaf (by index or by leaf hash) in the tree of ``size``
        leaves (default: the whole log)."""
        if (index is None) == (leaf_hash is None):
            raise RefusedError("give either index or leaf_hash", location="index")
        if index is None:
            index = ledger.index_of(_leaf_hash(cast(str, leaf_hash)))
        return ledger.prove_inclusion(index, size).to_dict()

    @router.get("/proof/consistency")
    def consistency(
        ledger: LedgerDep,
        first: Annotated[int, Query(ge=0)],
        second: Annotated[int | None, Query(ge=0)] = None,
    ) -> dict[str, Any]:
        """The consistency proof from the tree of ``first`` leaves to that of ``second``
        (default: the whole log)."""
        return ledger.prove_consistency(first, second).to_dict()

    @router.post("/add-checkpoint")
    async def add_checkpoint(
        request: Request, witness: Annotated[Witness, Depends(get_witness)]
    ) -> Response:
        """Cosign a partner's checkpoint after checking it (C2SP tlog-witness)."""
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Response(f"at most {MAX_BODY} bytes\n", 413, media_type=TEXT)
        try:
            text = body.decode()
        except UnicodeDecodeError:
            return Response("the body is not UTF-8\n", 400, media_type=TEXT)
        answer = await run_in_threadpool(witness.add_checkpoint, text)
        # The content type is set as is: text/x.tlog.size takes no charset parameter.
        return Response(answer.body, answer.status, headers={"Content-Type": answer.content_type})

    return router
