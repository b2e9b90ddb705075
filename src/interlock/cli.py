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
from interlock.display import print_message, print_summary
from interlock.errors import InterlockError, ParseError
from interlock.ingest.service import expand_paths
from interlock.logs import configure_logging
from interlock.runtime import settle_heap
from interlock.settings import get_settings
from interlock.watchlists.model import ListType

if TYPE_CHECKING:
    from interlock.model import Issue
    from interlock.screening import Screener
    from interlock.screening.lists import LoadedLists
    from interlock.store import Store
    from interlock.watchlists.model import WatchlistEntry

app = typer.Typer(
    help="Interlock node: traveller data ingestion, screening, review and sharing.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_enable=False,
)
generate_app = typer.Typer(help="Generate synthetic data (synthetic people only).",
                           no_args_is_help=True, rich_markup_mode="markdown")  # fmt: skip
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


WatchlistOption = Annotated[
    list[str],
    typer.Option(
        "--watchlist",
        help="A watchlist file or folder (UN XML, OFAC CSV trio, FtM JSON, list CSV) or the "
        "name of a list in the node's store; repeat for several.",
    ),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(help="Lowest score reported (default: the screener's documented threshold).",
                 min=0.0, max=1.0),
]  # fmt: skip
LimitOption = Annotated[int, typer.Option(help="Most matches per traveller.", min=1)]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per traveller per line.")]


@app.command()
def screen(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Traveller files or folders: PAXLST, PNRGOV, MRZ, CSV, JSONL queries."),
    ],
    watchlist: WatchlistOption,
    threshold: ThresholdOption = None,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Screen every traveller in the inputs against the watchlists (nothing is stored).

    PNR travellers are screened only against lists of persons sought or under alert (SG-17).
    """
    from interlock.screening.queries import read_queries
    from interlock.screening.report import ResultTable, result_object

    screener, loaded, cut = _screener(watchlist, threshold)
    sought = loaded.sought()
    table = ResultTable()
    for path in expand_paths(inputs):
        issues: list[Issue] = []
        for query, view in read_queries(path, issues=issues):
            lists = sought if view.get("format") == "pnrgov" else None
            found = [] if lists == [] else screener.screen(query, threshold=cut, limit=limit,
                                                           lists=lists)  # fmt: skip
            if as_json:
                sys.stdout.write(json.dumps(result_object(view, found), ensure_ascii=False) + "\n")
            table.add(view, found)
        for issue in issues:
            err.print(f"[yellow]warning:[/] {issue}", highlight=False, soft_wrap=True)
    if not as_json:
        table.print(out)
    err.print(f"{table.screened} travellers screened against {len(screener)} entries")


@app.command()
def match(
    watchlist: WatchlistOption,
    name: Annotated[str, typer.Option(help="The whole name, in any order.")],
    birth_date: Annotated[str | None, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    nationality: Annotated[
        str | None, typer.Option(help="ISO 3166 alpha-2/alpha-3 or ICAO 9303 code.")
    ] = None,
    gender: Annotated[str | None, typer.Option(help="M or F.")] = None,
    document: Annotated[str | None, typer.Option(help="Travel document number.")] = None,
    document_country: Annotated[
        str | None, typer.Option(help="Issuing country of the document.")
    ] = None,
    threshold: ThresholdOption = None,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Screen one person given on the command line against the watchlists."""
    from interlock.screening.queries import query_from_mapping, query_view
    from interlock.screening.report import ResultTable, result_object

    fields = {"name": name, "birth_date": birth_date, "nationality": nationality, "gender": gender,
              "document_number": document, "document_country": document_country}  # fmt: skip
    query = query_from_mapping(fields, location="command line")
    screener, _loaded, cut = _screener(watchlist, threshold)
    found = screener.screen(query, threshold=cut, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps(result_object(query_view(query), found), ensure_ascii=False))
        sys.stdout.write("\n")
        return
    table = ResultTable()
    table.add(query_view(query), found)
    table.print(out)


def _screener(specs: list[str], threshold: float | None) -> tuple[Screener, LoadedLists, float]:
    """One screener over every list asked for, and the threshold to use."""
    from datetime import date

    from interlock.screening import DEFAULT_THRESHOLD, Screener
    from interlock.screening.lists import load_lists

    today = date.today()
    with err.status("loading watchlists"):
        loaded = load_lists(specs, today=today, open_store=_open_store)
        screener = Screener(loaded.entries, today=today)
    for issue in loaded.issues:
        err.print(f"[yellow]watchlist warning:[/] {issue}", highlight=False, soft_wrap=True)
    return screener, loaded, DEFAULT_THRESHOLD if threshold is None else threshold


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
    """Store messages in the node, idempotently, keeping every manifest version of a flight,
    screen their travellers against the node's lists and run the active risk rules (matches
    and alerts are stored with them).

    Exit code 1 when any message failed (it is still recorded, with the reason).
    """
    from interlock.ingest.service import Ingestor, IngestOutcome

    files = expand_paths(paths)
    store = _open_store()
    ingestor = Ingestor(store)
    settle_heap()
    counts: dict[str, int] = {"stored": 0, "duplicate": 0, "failed": 0}
    travellers = screened = matches = hits = alerts = 0

    def report(_path: Path, outcome: IngestOutcome) -> None:
        nonlocal travellers, screened, matches, hits, alerts
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        travellers += outcome.travellers if outcome.status == "stored" else 0
        screened += outcome.screened
        matches += outcome.matches
        hits += outcome.rule_hits
        alerts += outcome.alerts
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
              f"{counts['duplicate']} duplicates, {counts['failed']} failed; "
              f"{screened} travellers screened, {matches} matches stored, {hits} rule hits, "
              f"{alerts} alerts raised",
              soft_wrap=True)  # fmt: skip
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
    tls: Annotated[
        bool,
        typer.Option(
            help="Serve HTTPS with the node's own certificate (keys folder), the one partners "
            "pin when they register this node."
        ),
    ] = False,
) -> None:
    """Run the node: REST API (OpenAPI at /docs), TAXII 2.1 at /taxii2/, the ledger at
    /ledger/; sends the notifications of confirmed alerts, pushes and pulls partner shares and
    collects witness cosignatures."""
    import uvicorn

    from interlock.api.app import create_app
    from interlock.sharing.identity import node_identity

    settings = get_settings()
    cert = key = None
    if tls:
        identity = node_identity(settings)
        cert, key = str(identity.tls_cert_path), str(identity.tls_key_path)
    app = create_app(settings, serving=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=cert,
        ssl_keyfile=key,
        timeout_graceful_shutdown=5,  # a partner's idle keep-alive link must not hold it up
    )


@app.command()
def demo(
    travellers: Annotated[int, typer.Option(help="Passengers in the synthetic day.", min=1)] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic day.")] = 2026,
) -> None:
    """A complete local scenario on the embedded default (SQLite under the data folder):
    generate a synthetic day of traffic, plant a synthetic national list from it, import it and
    the UN list, ingest the day (screening it), show the matches, then retro-screen a new
    version of the list (steps in interlock.demo)."""
    from interlock.demo import run_demo

    run_demo(out, travellers=travellers, seed=seed, progress=progress)


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
    day: Annotated[
        str | None,
        typer.Option(
            help="Departure day: YYYY-MM-DD or `today` (default: 2026-06-01, fixed "
            "so that a seed always gives the same files)."
        ),
    ] = None,
) -> None:
    """Write a synthetic day of traffic: PAXLST manifests and PNRGOV pushes."""
    from datetime import UTC, date, datetime

    from interlock.generate.traffic import generate_traffic, write_traffic

    when: date | None = None
    if day is not None:
        try:
            when = datetime.now(UTC).date() if day == "today" else date.fromisoformat(day)
        except ValueError:
            raise ParseError(f"--day {day!r}: write YYYY-MM-DD or today") from None
    traffic = generate_traffic(travellers, seed=seed, pnr_share=pnr_share, day=when)
    settle_heap()
    with progress() as bar:
        task = bar.add_task("writing", total=traffic.file_count)
        paths = write_traffic(traffic, out_dir, on_file=lambda _p: bar.advance(task))
    out.print(f"wrote {len(paths)} files for {len(traffic.flights)} flights "
              f"({travellers} passengers) to {out_dir}")  # fmt: skip


watchlist_app = typer.Typer(
    help="Managed watchlists in the node's store: import versions, list, diff, show, delist.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(watchlist_app, name="watchlist")
ListJsonOption = Annotated[bool, typer.Option("--json", help="JSON output, one object a line.")]


@watchlist_app.command("import")
def watchlist_import(
    path: Annotated[
        Path, typer.Argument(help="The list: UN XML, OFAC folder or sdn.csv, FtM JSON, list CSV.")
    ],
    name: Annotated[
        str | None, typer.Option(help="Name in the store (default: the format's, or the file's).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="Who owns the list (required when the file does not say).")
    ] = None,
    legal_basis: Annotated[
        str | None,
        typer.Option("--legal-basis", help="The law the list is kept under (required likewise)."),
    ] = None,
    list_type: Annotated[
        ListType | None,
        typer.Option("--type", help="sought: persons sought or under alert; documents; other."),
    ] = None,
    description: Annotated[str | None, typer.Option(help="A line on what the list is.")] = None,
    as_json: ListJsonOption = False,
) -> None:
    """Import a version of a list into the node's store and print what it changed.

    The same file again changes nothing. Entries the new version no longer carries are
    delisted, kept for audit, and stop matching at once (SG-18). A new list needs its owner
    and legal basis (SG-17); options given for a stored list update its registry record.
    The travellers already stored on flights in the retro-screening window are then screened
    against the entries the version added or changed, and the matches stored.
    """
    from interlock.watchlists.display import print_import
    from interlock.watchlists.importing import import_list, retro_line

    store = _open_store()
    try:
        done = import_list(
            store, path, name=name, owner=owner, legal_basis=legal_basis, list_type=list_type,
            description=description, status=err.status,
        )  # fmt: skip
    finally:
        store.dispose()
    record, summary, retro = done.record, done.summary, done.retro
    if as_json:
        line = {"list": record.name, "format": done.format, "source": str(path),
                **summary.to_dict(), "retro": retro.to_dict() if retro else None}  # fmt: skip
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    print_import(out, record.name, path.name, summary)
    if retro is not None:
        out.print(retro_line(retro), highlight=False, soft_wrap=True)
    for issue in summary.issues[:20]:
        err.print(f"[yellow]warning:[/] {issue}", highlight=False, soft_wrap=True)
    if len(summary.issues) > 20:
        err.print(f"… and {len(summary.issues) - 20} more warnings")


@watchlist_app.command("list")
def watchlist_list(as_json: ListJsonOption = False) -> None:
    """The lists in the node's store: type, owner, current version, entries that may match
    today (active), entries on the list, refresh date of the list, import time."""
    from interlock.watchlists.display import print_lists

    store = _open_store()
    try:
        lists = store.watchlists.lists()
    finally:
        store.dispose()
    if not as_json:
        print_lists(out, lists)
        return
    for stored in lists:
        sys.stdout.write(json.dumps(stored.to_dict(), ensure_ascii=False) + "\n")


@watchlist_app.command("diff")
def watchlist_diff(
    old: Annotated[
        str, typer.Argument(help="A list file or folder, or LIST@VERSION in the store.")
    ],
    new: Annotated[str, typer.Argument(help="Likewise; LIST alone means its current version.")],
    as_json: ListJsonOption = False,
) -> None:
    """Entries added, removed and changed (with the fields that changed) between two versions
    of a list: two files, two stored versions (LIST@1 LIST@2), or a stored version and a file."""
    from interlock.watchlists.display import diff_object, print_diff
    from interlock.watchlists.versions import diff_entries

    opened: list[Store] = []
    try:
        before, after = (_diff_side(spec, opened) for spec in (old, new))
    finally:
        for store in opened:
            store.dispose()
    diff = diff_entries(before, after)
    if as_json:
        sys.stdout.write(json.dumps(diff_object(old, new, diff), ensure_ascii=False) + "\n")
    else:
        print_diff(out, old, new, diff)


def _diff_side(spec: str, opened: list[Store]) -> list[WatchlistEntry]:
    """The entries of a diff side: a file read, or a stored version (the store opened once)."""
    import re

    from interlock.errors import NotFoundError
    from interlock.watchlists.detect import read_watchlist
    from interlock.watchlists.versions import unique_entries

    if Path(spec).exists():
        read = read_watchlist(Path(spec))
        return unique_entries(read.entries, read.issues)
    found = re.fullmatch(r"(.+)@(\d+)", spec)
    name, version = (found.group(1), int(found.group(2))) if found else (spec, None)
    if not opened:
        opened.append(_open_store())
    if opened[0].watchlists.get(name) is None:
        raise NotFoundError(f"{spec}: no such file, and no list {name!r} in the node's store")
    return opened[0].watchlists.entries_at(name, version)


@watchlist_app.command("show")
def watchlist_show(
    list_name: Annotated[str, typer.Argument(metavar="LIST", help="The list's name.")],
    entry_id: Annotated[str, typer.Argument(help="The entry's id in the list (e.g. QDi.001).")],
    as_json: ListJsonOption = False,
) -> None:
    """One entry of a stored list: status in force, versions, names, dates, documents, the
    nominating source, reason, review-by date and any status decisions taken by hand."""
    from interlock.errors import NotFoundError
    from interlock.watchlists.display import entry_object, print_entry

    store = _open_store()
    try:
        stored = store.watchlists.entry(list_name, entry_id)
    finally:
        store.dispose()
    if stored is None:
        raise NotFoundError(f"list {list_name!r} has no entry {entry_id!r}")
    if as_json:
        sys.stdout.write(json.dumps(entry_object(list_name, stored), ensure_ascii=False) + "\n")
    else:
        print_entry(out, list_name, stored)


@watchlist_app.command("delist")
def watchlist_delist(
    list_name: Annotated[str, typer.Argument(metavar="LIST", help="The list's name.")],
    entry_id: Annotated[str, typer.Argument(help="The entry's id in the list.")],
    reason: Annotated[str, typer.Option(help="Why; kept with the decision (required).")],
    as_json: ListJsonOption = False,
) -> None:
    """Delist an entry by hand: it stops matching at once and stays delisted across
    re-imports; the decision and its reason are kept (SG-18)."""
    from interlock.watchlists.display import entry_object
    from interlock.watchlists.model import EntryStatus

    store = _open_store()
    try:
        stored = store.watchlists.set_status(list_name, entry_id, EntryStatus.DELISTED, reason)
    finally:
        store.dispose()
    if as_json:
        sys.stdout.write(json.dumps(entry_object(list_name, stored), ensure_ascii=False) + "\n")
        return
    out.print(f"{entry_id} of {list_name}: delisted; it no longer matches", highlight=False)


def _mount_parts() -> None:
    """The sub-commands of the node's other parts, each in its own module."""
    from interlock import (
        cli_alerts,
        cli_audit,
        cli_control,
        cli_ledger,
        cli_oversight,
        cli_response,
        cli_retention,
        cli_rules,
        cli_sharing,
        cli_subjects,
        cli_unmask,
        cli_users,
    )

    app.add_typer(cli_users.app, name="users")
    app.add_typer(cli_rules.app, name="rules")
    app.add_typer(cli_alerts.app, name="alerts")
    app.add_typer(cli_alerts.cases_app, name="cases")
    app.add_typer(cli_response.app, name="notify")
    app.add_typer(cli_control.app, name="control")
    app.add_typer(cli_audit.app, name="audit")
    app.add_typer(cli_retention.app, name="retention")
    app.add_typer(cli_unmask.app, name="unmask")
    app.add_typer(cli_subjects.app, name="subject-requests")
    app.add_typer(cli_sharing.partners_app, name="partners")
    app.add_typer(cli_sharing.share_app, name="share")
    app.add_typer(cli_ledger.ledger_app, name="ledger")
    app.command("stats")(cli_oversight.stats)
    app.command("transparency")(cli_oversight.transparency)


_mount_parts()


def run() -> None:
    """Entry point: the typer app, with any InterlockError shown as a one-line error."""
    try:
        app()
    except InterlockError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
