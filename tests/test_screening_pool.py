"""Screening shared with worker processes (``interlock serve``): the same matches as one
process, and never a share screened against another state of the lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from interlock.ingest.detect import parse_message
from interlock.screening.intake import IngestScreening
from interlock.screening.pool import MIN_PARALLEL, ScreeningPool, split
from interlock.store import Store
from test_ingest_screening import (
    SOUGHT,
    flight_traffic,
    import_list,
    manifest,
    person,
    synthetic_entry,
)

FIRST = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), "UKR", "FX7733210")
LAST = person("OYELARAN", "ADEBAYO", date(1979, 9, 30), "NGA", "A09876543")


@pytest.fixture
def pooled(store: Store, store_url: str) -> Iterator[ScreeningPool]:
    pool = ScreeningPool(store_url, workers=1)
    yield pool
    pool.close()


def found(screening: IngestScreening, data: bytes, message_id: int) -> list[tuple[int, str]]:
    parsed = parse_message(data, source="m.edi")
    done = screening.screen(message_id, parsed)
    return [(f.position, f.match.entry_id) for f in done.found]


def test_a_large_message_shared_with_a_worker_gets_the_same_matches(
    store: Store, pooled: ScreeningPool
) -> None:
    entries = [synthetic_entry(SOUGHT, "NS-1", FIRST), synthetic_entry(SOUGHT, "NS-2", LAST)]
    import_list(store, SOUGHT, entries)
    traffic = flight_traffic(120)
    data = manifest(traffic, [FIRST, LAST])  # one near the start, one at the very end
    travellers = len(traffic.passengers) + 2
    assert travellers >= MIN_PARALLEL
    alone = found(IngestScreening(store), data, 1)
    pooled.warm()
    store.screening_pool = pooled
    try:
        shared = found(IngestScreening(store), data, 1)
    finally:
        store.screening_pool = None
    assert shared == alone
    assert [entry for _position, entry in shared] == ["NS-1", "NS-2"]
    assert shared[-1][0] == travellers - 1  # the last traveller was in the worker's share


def test_a_worker_on_other_lists_leaves_its_share_to_the_caller(
    store: Store, pooled: ScreeningPool
) -> None:
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", FIRST)])
    data = manifest(flight_traffic(120), [FIRST, LAST])
    store.screening_pool = pooled
    try:
        screening = IngestScreening(store)
        before = found(screening, data, 1)  # the screening keeps its snapshot of version 1
        # Version 2 lists LAST too; the worker sees it, the caller's snapshot does not.
        import_list(
            store,
            SOUGHT,
            [synthetic_entry(SOUGHT, "NS-1", FIRST), synthetic_entry(SOUGHT, "NS-2", LAST)],
            tag="v2",
        )
        again = found(screening, data, 1)
    finally:
        store.screening_pool = None
    assert [entry for _p, entry in before] == [entry for _p, entry in again] == ["NS-1"]


def test_split_keeps_message_order_and_every_traveller() -> None:
    part = [(i, None, None) for i in range(10)]
    mine, theirs = split(part, 2)  # type: ignore[arg-type]
    assert [p for p, *_ in mine] == [0, 1, 2, 3]
    assert [[p for p, *_ in share] for share in theirs] == [[4, 5, 6, 7], [8, 9]]
