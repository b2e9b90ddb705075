"""Keeps the safeguard list honest: every ID known, every implemented one tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interlock.safeguards import SAFEGUARDS, Status

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "SAFEGUARDS.md"


def _tested_ids() -> set[str]:
    marker = re.compile(r"safeguard\(\s*\"(SG-\d+)\"\s*\)")
    return {
        m for path in (ROOT / "tests").glob("test_*.py") for m in marker.findall(path.read_text())
    }


def test_every_safeguard_in_the_document_is_registered() -> None:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present beside the checkout")
    documented = set(re.findall(r"\*\*(SG-\d+)\b", SHARED.read_text()))
    assert documented, "no safeguard IDs found in SAFEGUARDS.md"
    assert documented == {s.id for s in SAFEGUARDS}


def test_every_implemented_safeguard_has_a_marked_test() -> None:
    implemented = {s.id for s in SAFEGUARDS if s.status is Status.IMPLEMENTED}
    assert implemented, "no safeguard is marked implemented"
    assert implemented <= _tested_ids()


def test_ids_are_unique() -> None:
    ids = [s.id for s in SAFEGUARDS]
    assert len(ids) == len(set(ids))
