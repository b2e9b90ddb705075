"""The ``interlock`` command: one sub-command per operational verb."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from interlock import __version__
from interlock.display import print_message, print_sample_flight, print_summary
from interlock.errors import InterlockError, ParseError
from interlock.ingest.service import expand_paths
from interlock.logs import configure_logging
from interlock.runtime import settle_heap
from interlock.settings import get_settings

if TYPE_CHECKING:
    from interlock.store import Store

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


def progress() -> Progress:
    """The progress bar used by long commands (on stderr, so stdout stays parseable)."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False,
    )  # fmt: skip


@app.callback(invoke_without_command=True)
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Interlock node: traveller data ingestion, screening, review and sharing."""
    configure_logging(get_settings())
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
    for path in expand_paths(files):
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
                print_message(out, message)
    if failed:
        raise typer.Exit(1)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(exc.strerror or "cannot read", location=str(path)) from None


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Message files or folders (walked recursively).")
    ],
    sender: Annotated[
        str | None, typer.Option(help="Sender to record (default: from the message).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON outcome per file per line.")
    ] = False,
) -> None:
    """Store messages in the node, idempotently, keeping every manifest version of a flight.

    Exit code 1 when any message failed (it is still recorded, with the reason).
    """
    from interlock.ingest.service import Ingestor, IngestOutcome

    files = expand_paths(paths)
    store = _open_store()
    ingestor = Ingestor(store)
    settle_heap()
    counts: dict[str, int] = {"stored": 0, "duplicate": 0, "failed": 0}
    travellers = 0

    def report(_path: Path, outcome: IngestOutcome) -> None:
        nonlocal travellers
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        travellers += outcome.travellers if outcome.status == "stored" else 0
        if as_json:
            sys.stdout.write(json.dumps(outcome.to_dict(), ensure_ascii=False) + "\n")
        elif outcome.status == "failed":
            err.print(f"[red]failed:[/] {outcome.reason}", highlight=False, soft_wrap=True)
        bar.advance(task)

    with progress() as bar:
        task = bar.add_task("ingesting", total=len(files))
        workers = get_settings().parse_workers if len(files) > 1 else 0
        ingestor.ingest_paths(files, on_progress=report, parse_workers=workers, sender=sender)
    store.dispose()
    err.print(f"{len(files)} files: {counts['stored']} stored ({travellers} travellers), "
              f"{counts['duplicate']} duplicates, {counts['failed']} failed")  # fmt: skip
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """What the node's store holds: messages by status and format, flights, travellers."""
    store = _open_store()
    summary = store.summary()
    store.dispose()
    print_summary(out, summary, _safe_url())


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().resolved_database_url).render_as_string(hide_password=True)


def _open_store() -> Store:
    from interlock.store import Store

    return Store.from_settings(get_settings())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the node: REST API (OpenAPI at /docs)."""
    import uvicorn

    from interlock.api.app import create_app

    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")


@app.command()
def demo(
    travellers: Annotated[int, typer.Option(help="Passengers in the synthetic day.", min=1)] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic day.")] = 2026,
) -> None:
    """A complete local scenario on the embedded default: generate a synthetic day of traffic,
    ingest it into the node's store (SQLite under the data folder) and print what it stored."""
    from interlock.generate.traffic import generate_traffic, write_traffic
    from interlock.ingest.service import Ingestor

    settings = get_settings()
    folder = settings.data_dir / "demo-traffic" / f"seed-{seed}"
    out.print(f"[bold]1.[/] generating a synthetic day: {travellers} passengers (seed {seed})")
    traffic = generate_traffic(travellers, seed=seed)
    paths = write_traffic(traffic, folder)
    crew = sum(len(ft.crew) for ft in traffic.flights)
    booked = sum(len(people) for ft in traffic.flights for _, people in ft.bookings)
    out.print(f"   {len(traffic.flights)} flights, {len(paths)} messages in {folder}: "
              f"{travellers} passengers and {crew} crew on manifests (PAXLST), "
              f"{booked} of the passengers also in PNR pushes (PNRGOV)")  # fmt: skip
    out.print(f"[bold]2.[/] ingesting into {_safe_url()}")
    store = _open_store()
    ingestor = Ingestor(store)
    del traffic
    settle_heap()
    counts: dict[str, int] = {}
    with progress() as bar:
        task = bar.add_task("ingesting", total=len(paths))
        for path in paths:
            outcome = ingestor.ingest_bytes(path.read_bytes(), source=str(path))
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            bar.advance(task)
    out.print("   " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    out.print("[bold]3.[/] what the node holds now")
    print_summary(out, store.summary(), _safe_url())
    print_sample_flight(out, store)
    store.dispose()


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
    settle_heap()
    with progress() as bar:
        task = bar.add_task("writing", total=traffic.file_count)
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
