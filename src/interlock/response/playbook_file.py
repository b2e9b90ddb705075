"""Reading a YAML file so that every value knows where it was written.

Playbook validation says where a problem is (file, line, key path) so the person editing the
file finds it at once; ``yaml.safe_load`` forgets lines, so the file is composed into nodes and
read through :class:`Located`.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from interlock.errors import RefusedError

_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True, slots=True)
class Located:
    """A YAML node with its key path (``playbooks.rule:*.notify[0]``) and source name."""

    node: yaml.Node
    path: str
    source: str
    key_line: int | None = None

    @property
    def line(self) -> int:
        """The line of the key this value is written under (else of the value)."""
        return self.key_line or self.node.start_mark.line + 1

    def error(self, reason: str) -> RefusedError:
        """A refusal naming this place."""
        where = f"{self.source}:{self.line}" + (f" {self.path}" if self.path else "")
        return RefusedError(reason, location=where)

    def mapping(self, *, allowed: tuple[str, ...] | None = None) -> dict[str, Located]:
        """The keys of a mapping and their values (unknown or repeated keys refused)."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("expected a mapping of keys to values")
        found: dict[str, Located] = {}
        for key_node, value_node in self.node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            path = f"{self.path}.{key}" if self.path else str(key)
            child = Located(value_node, path, self.source, key_node.start_mark.line + 1)
            if not isinstance(key, str) or not key:
                raise child.error("a key must be a plain text")
            if key in found:
                raise child.error(f"{key!r} is given twice")
            if allowed is not None and key not in allowed:
                raise child.error(f"unknown key {key!r}; expected one of {', '.join(allowed)}")
            found[key] = child
        return found

    def sequence(self) -> list[Located]:
        """The items of a list."""
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("expected a list")
        return [
            Located(item, f"{self.path}[{index}]", self.source)
            for index, item in enumerate(self.node.value)
        ]

    def text(self) -> str:
        """A non-empty scalar, as written."""
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag == _NULL:
            raise self.error("expected a value")
        value = str(self.node.value).strip()
        if not value:
            raise self.error("expected a value")
        return value

    def integer(self, *, minimum: int) -> int:
        """A whole number of at least ``minimum``."""
        text = self.text()
        if not text.isdigit() or int(text) < minimum:
            raise self.error(f"expected a whole number of at least {minimum}")
        return int(text)


def read_located(text: str, *, source: str) -> Located:
    """The document in ``text`` (one YAML document; empty or unreadable refused)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "not readable YAML"
        raise RefusedError(str(problem), location=f"{source}{line}") from None
    if node is None:
        raise RefusedError("the file is empty", location=source)
    return Located(node, "", source)
