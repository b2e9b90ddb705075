"""The ``interlock`` command: one sub-command per operational verb."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from interlock import __version__
from interlock.errors import InterlockError, ParseError
from interlock.model import ParsedMessage

app = typer.Typer(
    help="Interlock node: traveller data ingestion, screening, review and sharing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
generate_app = typer.Typer(help="Generate synthetic data (synthetic people only).",
                           no_args_is_help=True)  # fmt: skip
app.add_typer(generate_app, name="generate")

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error to stderr and return the exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def progress() -> Progress:
    """The progress bar used by long commands (on stderr, so stdout stays parseable)."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False,
    )  # fmt: skip


def expand(paths: list[Path]) -> Iterator[Path]:
    """Files named, and the files under folders named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Interlock node: traveller data ingestion, screening, review and sharing."""
    if version:
        out.print(f"interlock {__version__}")
        raise typer.Exit(0)


@app.command()
def parse(
    files: Annotated[
        list[Path], typer.Argument(help="Message files (PAXLST, PNRGOV, MRZ, CSV, JSONL).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per message per line.")
    ] = False,
) -> None:
    """Detect the format of each file and print the normalised messages.

    Exit code 0 when every message parsed cleanly, 1 when any file could not be read or any
    message has errors (what parsed is still printed).
    """
    from interlock.ingest.detect import parse_message

    failed = False
    for path in expand(files):
        try:
            messages = parse_message(_read(path), source=str(path))
        except ParseError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            failed = True
            continue
        for message in messages:
            failed |= bool(message.errors)
            if as_json:
                sys.stdout.write(json.dumps(message.to_dict(), ensure_ascii=False) + "\n")
            else:
                _print_message(message)
    if failed:
        raise typer.Exit(1)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(exc.strerror or "cannot read", location=str(path)) from None


def _print_message(message: ParsedMessage) -> None:
    flights = ", ".join(f.key for f in message.flights) or "-"
    counts = f"travellers: {len(message.travellers)}  bookings: {len(message.bookings)}"
    out.print(f"[bold]{message.source}[/]  {message.format.value}  flights: {flights}  {counts}")
    table = Table("surname", "given names", "born", "sex", "nat", "role", "document", "PNR")
    for t in message.travellers[:50]:
        doc = t.documents[0] if t.documents else None
        table.add_row(
            t.surname, t.given_names, t.birth_date.isoformat() if t.birth_date else "",
            t.sex.value if t.sex else "", t.nationality or "", t.role.value,
            f"{doc.type} {doc.number} {doc.issuing_country or ''}" if doc else "",
            t.record_locator or "",
        )  # fmt: skip
    if message.travellers:
        out.print(table)
    if len(message.travellers) > 50:
        out.print(f"… and {len(message.travellers) - 50} more")
    for w in message.warnings:
        out.print(f"[yellow]warning:[/] {w}", highlight=False)
    for e in message.errors:
        out.print(f"[red]error:[/] {e}", highlight=False)


@generate_app.command("traffic")
def generate_traffic_cmd(
    travellers: Annotated[int, typer.Option(help="Number of passengers.", min=1)] = 1000,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the messages to.")] = Path(
        "traffic"
    ),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 0,
    pnr_share: Annotated[
        float, typer.Option(help="Share of passengers with a PNR push.", min=0.0, max=1.0)
    ] = 0.5,
) -> None:
    """Write a synthetic day of traffic: PAXLST manifests and PNRGOV pushes."""
    from interlock.generate.traffic import generate_traffic, write_traffic

    traffic = generate_traffic(travellers, seed=seed, pnr_share=pnr_share)
    files = sum(2 if ft.bookings else 1 for ft in traffic.flights)
    with progress() as bar:
        task = bar.add_task("writing", total=files)
        paths = write_traffic(traffic, out_dir, on_file=lambda _p: bar.advance(task))
    out.print(f"wrote {len(paths)} files for {len(traffic.flights)} flights "
              f"({travellers} passengers) to {out_dir}")  # fmt: skip


def run() -> None:
    """Entry point: the typer app, with any InterlockError shown as a one-line error."""
    try:
        app()
    except InterlockError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
