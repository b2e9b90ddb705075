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


ISSUE_4 = {
    "SG-01", "SG-05", "SG-06", "SG-10", "SG-11", "SG-12", "SG-13", "SG-14", "SG-15", "SG-17",
    "SG-18", "SG-20", "SG-21", "SG-22", "SG-24", "SG-25", "SG-26", "SG-27", "SG-28", "SG-33",
    "SG-34", "SG-37", "SG-38", "SG-40", "SG-46", "SG-55",
}  # fmt: skip


def test_every_safeguard_of_the_alerts_issue_has_a_marked_test() -> None:
    missing = sorted(ISSUE_4 - _tested_ids())
    assert missing == []


def test_every_safeguard_of_the_alerts_issue_is_marked_implemented() -> None:
    implemented = {s.id for s in SAFEGUARDS if s.status is Status.IMPLEMENTED}
    assert sorted(ISSUE_4 - implemented) == []


ISSUE_5 = {"SG-19", "SG-31", "SG-41", "SG-42", "SG-43", "SG-44"}


def test_every_safeguard_of_the_sharing_issue_has_a_marked_test_and_is_implemented() -> None:
    implemented = {s.id for s in SAFEGUARDS if s.status is Status.IMPLEMENTED}
    assert sorted(ISSUE_5 - _tested_ids()) == []
    assert sorted(ISSUE_5 - implemented) == []
