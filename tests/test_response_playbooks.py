"""Playbook files: choice by category with fallbacks, airport placeholders, validation that
names the place, the built-in set, the example file, and the ``interlock notify`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from auth_helpers import PASSWORD, make_user
from interlock.access.roles import Role
from interlock.cli_response import app
from interlock.errors import RefusedError
from interlock.response import builtin_playbooks, load_playbooks, parse_playbooks
from interlock.response.playbooks import Airports, Channel, Playbooks
from interlock.settings import get_settings
from interlock.store import Store
from test_response_support import (
    NOW,
    WebhookServer,
    confirmed_alert,
    enqueue,
    playbook_text,
)

pytest_plugins = ["test_response_support"]  # fixtures: webhook, smtp, books

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "playbooks.yaml"
runner = CliRunner()


@pytest.mark.parametrize(
    ("category", "key"),
    [
        ("watchlist:sought", "watchlist:sought"),
        ("watchlist:other", "default"),
        ("rule:smuggling", "rule:smuggling"),
        ("rule:anything-else", "rule:*"),
        ("something:new", "default"),
    ],
)
def test_playbook_by_category_with_fallbacks(books: Playbooks, category: str, key: str) -> None:
    assert books.for_category(category).key == key


def test_airport_placeholders_resolve_from_the_flight(books: Playbooks) -> None:
    notify = books.for_category("watchlist:sought").steps[0].notify
    found, missing = books.resolve(notify, Airports("FRA", "LHR"))
    assert [r.name for r in found] == ["border-post-lhr", "duty-desk"]
    assert missing == []
    found, missing = books.resolve(notify, Airports("FRA", "CDG"))
    assert ([r.name for r in found], missing) == (["duty-desk"], ["border-post-cdg"])
    found, missing = books.resolve(notify, Airports(None, None))
    assert missing == ["border-post-{arrival_airport}"]


def test_secrets_and_channels_are_read(books: Playbooks) -> None:
    jfk = books.recipients["border-post-jfk"]
    assert jfk.channel is Channel.WEBHOOK and jfk.secret
    assert jfk.secret is not None and jfk.secret not in repr(jfk)
    assert books.recipients["duty-desk"].address == "duty-desk@example.org"


BASE = """\
recipients:
  duty-desk:
    channel: email
    address: duty-desk@example.org
playbooks:
  default:
    notify: [duty-desk]
"""


@pytest.mark.parametrize(
    ("text", "location", "reason"),
    [
        (BASE.replace("[duty-desk]", "[night-desk]"), "f.yaml:7 playbooks.default.notify[0]",
         "no recipient 'night-desk'"),
        (BASE.replace("email", "pager"), "f.yaml:2 recipients.duty-desk", "channel must be"),
        (BASE.replace("default:", "rule:*:"), "f.yaml:5 playbooks", "'default' playbook is required"),
        (BASE.replace("[duty-desk]", '["desk-{arrival_city}"]'), "f.yaml:7 playbooks.default.notify[0]",
         "unknown placeholder {arrival_city}"),
        (BASE + "    escalate_to: [duty-desk]\n", "f.yaml:6 playbooks.default",
         "'escalate_after_minutes' and 'escalate_to' go together"),
        (BASE + "    escalate_after_minutes: soon\n    escalate_to: [duty-desk]\n",
         "f.yaml:8 playbooks.default.escalate_after_minutes", "whole number"),
        (BASE.replace("channel: email", "channel: webhook").replace(
            "address: duty-desk@example.org", "url: ftp://example.org/x"),
         "f.yaml:4 recipients.duty-desk.url", "http:// or https://"),
        (BASE.replace("default:", "watchlist:lost:"), "f.yaml:6 playbooks.watchlist:lost",
         "a playbook is keyed"),
        (BASE + "  default:\n    notify: [duty-desk]\n", "f.yaml:8 playbooks.default", "given twice"),
        (BASE.replace("notify: [duty-desk]", "notify: [duty-desk"), "f.yaml:8", "expected"),
    ],
)  # fmt: skip
def test_validation_names_the_place(text: str, location: str, reason: str) -> None:
    with pytest.raises(RefusedError) as caught:
        parse_playbooks(text, source="f.yaml")
    assert caught.value.location == location
    assert reason in caught.value.reason


def test_steps_form_and_template_needs_a_matching_recipient() -> None:
    text = BASE.replace(
        "    notify: [duty-desk]\n",
        '    steps:\n      - notify: ["post-{arrival_airport}"]\n'
        "        escalate_after_minutes: 5\n        escalate_to: [duty-desk]\n"
        "      - notify: [duty-desk]\n",
    )
    with pytest.raises(RefusedError, match=r"no recipient 'post-\{arrival_airport\}'"):
        parse_playbooks(text)
    text = text.replace("recipients:\n", "recipients:\n  post-lhr:\n    channel: email\n"
                        "    address: post-lhr@example.org\n")  # fmt: skip
    steps = parse_playbooks(text).playbooks["default"].steps
    assert [(s.notify, s.escalate_after_minutes) for s in steps] == [
        (("post-{arrival_airport}",), 5), (("duty-desk",), None),
    ]  # fmt: skip


def test_builtin_set_and_example_file_are_valid() -> None:
    assert builtin_playbooks().for_category("rule:x").key == "default"
    example = load_playbooks(EXAMPLE)
    assert "watchlist:sought" in example.playbooks
    for recipient in example.recipients.values():
        assert "example.org" in recipient.address
    assert load_playbooks(None).source == "built-in"


def test_check_playbooks_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check-playbooks", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "watchlist:sought" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(BASE.replace("email", "fax"))
    result = runner.invoke(app, ["check-playbooks", str(broken)])
    assert result.exit_code != 0
    assert isinstance(result.exception, RefusedError)
    assert str(result.exception).startswith("broken.yaml:2 recipients.duty-desk")


def test_list_ack_and_run_commands(
    store_url: str, store: Store, books: Playbooks, webhook: WebhookServer,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    alert_id = confirmed_alert(store, category="rule:fraud")
    (nid,) = enqueue(store, alert_id, books, now=NOW)
    make_user(store, "ana.analyst", Role.ANALYST)
    file = tmp_path / "playbooks.yaml"
    file.write_text(playbook_text(webhook.url))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTERLOCK_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    try:
        ran = runner.invoke(app, ["run", "--playbooks", str(file)])
        assert ran.exit_code == 0, ran.output
        assert "sent 1" in ran.output and len(webhook.posts) == 1
        listed = runner.invoke(app, ["list", "--alert", str(alert_id), "--as", "ana.analyst",
                                     "--json"])  # fmt: skip
        assert listed.exit_code == 0, listed.output
        assert f'"id": {nid}' in listed.output and '"status": "sent"' in listed.output
        acked = runner.invoke(app, ["ack", str(nid), "--as", "ana.analyst"])
        assert acked.exit_code == 0, acked.output
        assert f"alert {alert_id} acknowledged by ana.analyst" in acked.output
        wrong = runner.invoke(app, ["list", "--status", "lost", "--as", "ana.analyst"])
        assert isinstance(wrong.exception, RefusedError)
    finally:
        get_settings.cache_clear()
