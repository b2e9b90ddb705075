"""Ingest with parsing in worker processes, recording and storing in this one.

The store has one writer (SQLite's rule, and the order a flight's manifests must be applied
in), so this process records each message as RECEIVED, hands the bytes to a parse worker and
stores the results strictly in file order, keeping a few messages in flight so that parsing
and storing overlap on separate cores.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from interlock.ingest.service import IngestOutcome, Received, parse_for_ingest
from interlock.model import ParsedMessage

if TYPE_CHECKING:
    from interlock.ingest.service import Ingestor

Pending = tuple[Path, Received | IngestOutcome, Future[list[ParsedMessage] | str] | None]


def ingest_pipelined(
    ingestor: Ingestor,
    files: Sequence[Path],
    *,
    workers: int,
    on_progress: Callable[[Path, IngestOutcome], None] | None = None,
    sender: str | None = None,
) -> list[IngestOutcome]:
    """Ingest ``files`` in order with ``workers`` parse processes (see the module docstring)."""
    outcomes: list[IngestOutcome] = []
    in_flight: deque[Pending] = deque()
    context = multiprocessing.get_context("spawn")  # the children share no database handles
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for path in files:
            data = path.read_bytes()
            received = ingestor.receive(data, source=str(path), sender=sender)
            task = None
            if isinstance(received, Received):
                task = pool.submit(parse_for_ingest, data, str(path))
            in_flight.append((path, received, task))
            while len(in_flight) > 4 * workers:
                outcomes.append(_finish(ingestor, in_flight.popleft(), on_progress))
        while in_flight:
            outcomes.append(_finish(ingestor, in_flight.popleft(), on_progress))
    return outcomes


def _finish(
    ingestor: Ingestor,
    pending: Pending,
    on_progress: Callable[[Path, IngestOutcome], None] | None,
) -> IngestOutcome:
    path, received, task = pending
    if isinstance(received, IngestOutcome) or task is None:
        outcome = received if isinstance(received, IngestOutcome) else _lost(ingestor, received)
    else:
        try:
            parsed = task.result()
        except Exception as err:  # a worker died: the message stays, marked FAILED
            ingestor.complete(received, f"{path}: parse worker failed ({type(err).__name__})")
            raise
        outcome = ingestor.complete(received, parsed)
    if on_progress is not None:
        on_progress(path, outcome)
    return outcome


def _lost(ingestor: Ingestor, received: Received) -> IngestOutcome:
    return ingestor.complete(received, "internal error: no parse task for the message")
