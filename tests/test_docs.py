"""The README stays true to the code: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from interlock.cli import app
from interlock.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"`INTERLOCK_{name.upper()}`" in README, name


def test_every_command_is_in_the_readme_tour() -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        names = [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
        for full in names:
            assert f"interlock {full}" in README, full


def test_quick_start_is_the_two_make_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [
        line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make")
    ]
    assert commands == ["make demo", "make test"]
