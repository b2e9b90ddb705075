"""Playbooks: who is told about a confirmed alert, by which channel, and who next if nobody
acknowledges in time.

A playbook file (YAML) names its ``recipients`` once (a webhook URL with an optional shared
secret, or an e-mail address) and keys ``playbooks`` by alert category: ``watchlist:sought``,
``watchlist:documents``, ``watchlist:other``, ``rule:<rule category>``, with the fallbacks
``rule:*`` / ``watchlist:*`` and ``default`` (required, so no confirmed alert goes unnoticed).
``partner-hit`` is the playbook of a partner's hit on one of this node's entries (the case it
opens asks this node's liaison for source confirmation); it too falls back to ``default``.
A playbook is one step or a list of ``steps``; a step says whom to ``notify``, and optionally
``escalate_to`` whom after ``escalate_after_minutes`` without acknowledgement.

A recipient name in a step may carry ``{arrival_airport}`` or ``{departure_airport}``: it is
resolved from the alert's flight, e.g. ``border-post-{arrival_airport}`` → ``border-post-lhr``.
Names are lower case; the airport code is put in lower case. A partner's hit was seen abroad, so
such names resolve to nobody there, as for an alert whose flight is unknown.

Validation (:func:`parse_playbooks`) names the place of every problem: file, line and the path
of the key, e.g. ``playbooks.yaml:12 playbooks.rule:*.notify[1]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from interlock.errors import RefusedError
from interlock.response.playbook_file import Located, read_located

DEFAULT_PLAYBOOKS_PATH: Path | None = None
"""Where the node reads its playbooks (None: the built-in set). The setting
``Settings.response_playbooks`` is meant to take its place."""

WATCHLIST_CATEGORIES = ("watchlist:sought", "watchlist:documents", "watchlist:other")
PARTNER_HIT = "partner-hit"
PLACEHOLDERS = ("arrival_airport", "departure_airport")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_TEMPLATE = re.compile(r"\{([^{}]*)\}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_RULE_CATEGORY = re.compile(r"^rule:([a-z0-9][a-z0-9._-]*|\*)$")

BUILTIN_YAML = """\
recipients:
  duty-desk:
    channel: email
    address: interlock-duty@localhost
  duty-supervisor:
    channel: email
    address: interlock-supervisor@localhost
playbooks:
  default:
    notify: [duty-desk]
    escalate_after_minutes: 15
    escalate_to: [duty-supervisor]
  partner-hit:
    notify: [duty-desk]
    escalate_after_minutes: 15
    escalate_to: [duty-supervisor]
"""
"""The built-in set, used when the node has no playbook file: the local duty desk's mailbox,
then its supervisor after 15 minutes; a partner's hit on one of this node's entries the same
way (the built-in set has no liaison desk of its own)."""


class Channel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Recipient:
    """A named recipient. ``secret`` (webhooks only) signs each body with HMAC-SHA256."""

    name: str
    channel: Channel
    address: str
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Step:
    """Notify ``notify``; after ``escalate_after_minutes`` unacknowledged, ``escalate_to``."""

    notify: tuple[str, ...]
    escalate_after_minutes: int | None = None
    escalate_to: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Playbook:
    """The steps for one alert category (``key`` as written in the file)."""

    key: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Airports:
    """The airports of an alert's flight, for names with placeholders."""

    departure_airport: str | None = None
    arrival_airport: str | None = None


@dataclass(frozen=True, slots=True)
class Playbooks:
    """A validated playbook set."""

    recipients: dict[str, Recipient]
    playbooks: dict[str, Playbook]
    source: str = "built-in"

    def for_category(self, category: str) -> Playbook:
        """The playbook of ``category``: its own, else ``<kind>:*``, else ``default``."""
        kind, _, _ = category.partition(":")
        for key in (category, f"{kind}:*", "default"):
            if key in self.playbooks:
                return self.playbooks[key]
        raise RefusedError("no playbook and no default", location=self.source)  # validated away

    def resolve(
        self, names: tuple[str, ...], airports: Airports
    ) -> tuple[list[Recipient], list[str]]:
        """The recipients ``names`` stand for on a flight with ``airports``, and the names that
        could not be resolved (an airport unknown, or no recipient for it)."""
        found: list[Recipient] = []
        missing: list[str] = []
        for name in names:
            resolved = resolve_name(name, airports)
            recipient = self.recipients.get(resolved) if resolved else None
            if recipient is None:
                missing.append(resolved or name)
            elif recipient not in found:
                found.append(recipient)
        return found, missing


def resolve_name(name: str, airports: Airports) -> str | None:
    """``name`` with its placeholders filled (airport codes in lower case); None when the
    flight does not give an airport it needs."""
    values = {
        "arrival_airport": airports.arrival_airport,
        "departure_airport": airports.departure_airport,
    }
    missing = [key for key in _TEMPLATE.findall(name) if not values.get(key)]
    if missing:
        return None
    return _TEMPLATE.sub(lambda m: str(values[m.group(1)]).lower(), name)


def builtin_playbooks() -> Playbooks:
    """The built-in set (:data:`BUILTIN_YAML`)."""
    return parse_playbooks(BUILTIN_YAML, source="built-in")


def load_playbooks(path: Path | None = DEFAULT_PLAYBOOKS_PATH) -> Playbooks:
    """The playbooks in the file at ``path``; the built-in set when ``path`` is None."""
    if path is None:
        return builtin_playbooks()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        reason = f"cannot read the playbook file: {err.strerror}"
        raise RefusedError(reason, location=str(path)) from None
    return parse_playbooks(text, source=path.name)


def parse_playbooks(text: str, *, source: str = "playbooks") -> Playbooks:
    """Validate and read a playbook file (errors name file, line and key)."""
    root = read_located(text, source=source)
    top = root.mapping(allowed=("recipients", "playbooks"))
    recipients = {
        name: _recipient(name, value)
        for name, value in top["recipients"].mapping().items()
    } if "recipients" in top else {}  # fmt: skip
    if "playbooks" not in top:
        raise root.error("a 'playbooks' section is required")
    books = top["playbooks"]
    playbooks = {key: _playbook(key, value, recipients) for key, value in books.mapping().items()}
    if "default" not in playbooks:
        raise books.error("a 'default' playbook is required, so every alert category has one")
    return Playbooks(recipients, playbooks, source)


def _recipient(name: str, node: Located) -> Recipient:
    if not _NAME.match(name):
        raise node.error("a recipient name is lower-case letters, digits, '.', '_' or '-'")
    fields = node.mapping(allowed=("channel", "url", "address", "secret"))
    channel_text = fields["channel"].text() if "channel" in fields else ""
    if channel_text not in tuple(Channel):
        raise node.error("channel must be 'webhook' or 'email'")
    channel = Channel(channel_text)
    if channel is Channel.WEBHOOK:
        if "url" not in fields:
            raise node.error("a webhook recipient needs a 'url'")
        url = fields["url"].text()
        if not re.match(r"^https?://[^/\s]+", url):
            raise fields["url"].error("a webhook url starts with http:// or https:// and a host")
        secret = fields["secret"].text() if "secret" in fields else None
        return Recipient(name, channel, url, secret)
    if "secret" in fields:
        raise fields["secret"].error("only webhook recipients have a secret")
    if "address" not in fields or not _EMAIL.match(fields["address"].text()):
        raise node.error("an email recipient needs an 'address' like someone@example.org")
    return Recipient(name, channel, fields["address"].text())


def _playbook(key: str, node: Located, recipients: dict[str, Recipient]) -> Playbook:
    known = (*WATCHLIST_CATEGORIES, "watchlist:*", PARTNER_HIT, "default")
    if key not in known and not _RULE_CATEGORY.match(key):
        raise node.error(
            "a playbook is keyed 'default', 'watchlist:sought', 'watchlist:documents', "
            "'watchlist:other', 'watchlist:*', 'rule:<rule category>', 'rule:*' or 'partner-hit'"
        )
    fields = node.mapping(allowed=("steps", "notify", "escalate_after_minutes", "escalate_to"))
    if "steps" in fields:
        if len(fields) > 1:
            raise node.error("write either 'steps' or one step's keys, not both")
        steps = tuple(_step(item, recipients) for item in fields["steps"].sequence())
    else:
        steps = (_step(node, recipients),)
    if not steps:
        raise node.error("a playbook needs at least one step")
    return Playbook(key, steps)


def _step(node: Located, recipients: dict[str, Recipient]) -> Step:
    fields = node.mapping(allowed=("notify", "escalate_after_minutes", "escalate_to"))
    if "notify" not in fields:
        raise node.error("a step needs 'notify': a list of recipient names")
    notify = _names(fields["notify"], recipients, empty_ok=False)
    escalate_to = _names(fields["escalate_to"], recipients) if "escalate_to" in fields else ()
    minutes = None
    if "escalate_after_minutes" in fields:
        minutes = fields["escalate_after_minutes"].integer(minimum=1)
    if bool(escalate_to) != (minutes is not None):
        raise node.error("'escalate_after_minutes' and 'escalate_to' go together")
    return Step(notify, minutes, escalate_to)


def _names(
    node: Located, recipients: dict[str, Recipient], *, empty_ok: bool = True
) -> tuple[str, ...]:
    items = node.sequence()
    if not items and not empty_ok:
        raise node.error("name at least one recipient")
    names = tuple(item.text() for item in items)
    for item, name in zip(items, names, strict=True):
        _check_name(item, name, recipients)
    return names


def _check_name(node: Located, name: str, recipients: dict[str, Recipient]) -> None:
    unknown = [key for key in _TEMPLATE.findall(name) if key not in PLACEHOLDERS]
    if unknown:
        raise node.error(f"unknown placeholder {{{unknown[0]}}}; use {{arrival_airport}} or "
                         "{departure_airport}")  # fmt: skip
    pattern = "^" + _TEMPLATE.sub("\0", re.escape(name).replace(r"\{", "{").replace(r"\}", "}"))
    pattern = pattern.replace("\0", "[a-z0-9]+") + "$"
    if not any(re.match(pattern, known) for known in recipients):
        raise node.error(f"no recipient {name!r} in 'recipients'")
