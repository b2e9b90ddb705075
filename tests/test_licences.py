"""No GPL or AGPL code in the runtime: every installed runtime dependency is checked."""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement

COPYLEFT = re.compile(r"\b(A?GPL|GNU (Affero )?General Public License)", re.IGNORECASE)
LESSER = re.compile(r"\b(LGPL|Lesser General Public License|Library General Public)", re.I)


def _runtime_closure(name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        dist = metadata.distribution(todo.pop())
        key = dist.metadata["Name"].lower()
        if key in seen:
            continue
        seen.add(key)
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                try:
                    metadata.distribution(req.name)
                except metadata.PackageNotFoundError:
                    continue
                todo.append(req.name)
    return seen - {name}


def _licence_texts(name: str) -> list[str]:
    meta = metadata.distribution(name).metadata
    texts = [meta.get("License-Expression") or "", (meta.get("License") or "")[:200]]
    texts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    return [t for t in texts if t]


def test_runtime_dependencies_are_not_gpl_or_agpl() -> None:
    deps = _runtime_closure("interlock")
    assert {"sqlalchemy", "fastapi", "typer"} <= deps
    offenders = {}
    for dep in sorted(deps):
        strong = [t for t in _licence_texts(dep) if COPYLEFT.search(t) and not LESSER.search(t)]
        if strong:
            offenders[dep] = strong
    assert offenders == {}
