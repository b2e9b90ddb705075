"""The local scenario of ``interlock demo`` (what ``make demo`` runs), on the node's configured
store (by default SQLite under the data folder):

1. generate a synthetic day of traffic departing today (PAXLST manifests, PNRGOV pushes);
2. build a synthetic national list of persons sought, planted from passengers of that day and
   padded with decoys (:mod:`interlock.generate.demo_list`), write it as a national-list CSV
   under the data folder and import it as ``interlock watchlist import`` does;
3. import the real UN Security Council Consolidated List from ``../shared/data`` when present;
4. put a risk rule through its workflow: drafted by one synthetic account, backtested and
   approved by another (:mod:`interlock.demo_review`);
5. ingest the day (every traveller is screened and run through the active rules as it is
   stored; alerts are raised);
6. show what the node holds and the matches stored for the day's travellers: whether every
   planted passenger was found by its entry and no decoy matched;
7. import a second version of the national list that adds one planted entry, and show the
   match retro-screening raised for it;
8. show the alerts, review and confirm the most urgent open one as a synthetic reviewer
   (checklist and reason), show the notifications its playbook queued, write its explanation
   pack under the data folder and verify the audit log;
9. start a partner node on loopback (HTTPS, its own store and keys under the data folder),
   register each node with the other, publish the national list to it as a signed message,
   have it cosign this node's ledger checkpoint and prove the message is in this node's log
   (:mod:`interlock.demo_sharing`).
10. have the partner see a planted person of the day: its confirmed alert comes back as a hit
    notification that opens a case here, and this node confirms the source
    (:mod:`interlock.demo_partner_hit`).

Running it again on the same data folder on the same day changes nothing: the files are the
same, the lists are already stored versions and the messages duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select

from interlock.demo_review import ReviewResult, prepare_rule, review_alerts
from interlock.display import print_sample_flight, print_summary
from interlock.generate.demo_list import DemoList, Planted, build_demo_list
from interlock.generate.files import file_stem
from interlock.generate.traffic import generate_traffic, write_traffic
from interlock.ingest.service import Ingestor
from interlock.model import Format
from interlock.runtime import settle_heap
from interlock.store import Store
from interlock.store.matches import MatchReason
from interlock.store.schema import MatchRow, MessageRow, TravelDocumentRow, TravellerRow
from interlock.watchlists.display import print_import
from interlock.watchlists.importing import ListImport, import_list, retro_line
from interlock.watchlists.model import ListType
from interlock.watchlists.versions import source_digest

if TYPE_CHECKING:
    from interlock.demo_sharing import SharingResult
    from interlock.screening.retro import RetroSummary
    from interlock.settings import Settings

LIST_NAME = "demo-national-sought"
LIST_OWNER = "Demo national authority (synthetic)"
LIST_BASIS = "Synthetic demonstration data — not a real list"
LIST_DESCRIPTION = "Synthetic persons sought, planted from the demo's generated day"
UN_FILE = "un_sc_consolidated_2024-09-26.xml"
UN_LIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "watchlists" / UN_FILE
"""The UN list in the shared data folder beside the repository (as the tests find it)."""
TABLE_ROWS = 15


@dataclass(frozen=True, slots=True)
class ShownMatch:
    """A stored match of one of the day's travellers, with what identifies the traveller."""

    traveller_id: int
    traveller: str
    document_number: str
    source: str  # "manifest" or "PNR"
    flight_key: str | None
    list_name: str
    entry_id: str
    score: float
    band: str
    reason: str  # the name explanation's reason
    found_by: MatchReason

    def is_of(self, planted: Planted) -> bool:
        """The match is the planted passenger's (same flight, same passport)."""
        return (
            self.flight_key == planted.flight_key
            and self.document_number == planted.document_number
        )


@dataclass(slots=True)
class DemoResult:
    """What the demo did and found (for tests and callers)."""

    day: date
    messages: int
    outcomes: dict[str, int]
    screened: int
    national: DemoList | None
    un_imported: bool
    matches: list[ShownMatch] = field(default_factory=list)
    retro: RetroSummary | None = None
    retro_matches: list[ShownMatch] = field(default_factory=list)
    review: ReviewResult = field(default_factory=ReviewResult)
    sharing: SharingResult | None = None

    def found(self, planted: Planted) -> list[ShownMatch]:
        """The matches of ``planted``'s entry on the planted passenger (manifest and PNR)."""
        return [
            m
            for m in self.matches
            if m.list_name == LIST_NAME and m.entry_id == planted.entry_id and m.is_of(planted)
        ]

    def misplaced(self) -> list[ShownMatch]:
        """Matches of planted entries on anyone but their passenger, and of decoys."""
        if self.national is None:
            return []
        planted = {p.entry_id: p for p in [*self.national.planted, self.national.added]}
        return [
            m
            for m in self.matches
            if m.list_name == LIST_NAME
            and (m.entry_id not in planted or not m.is_of(planted[m.entry_id]))
        ]


def run_demo(
    out: Console,
    *,
    travellers: int,
    seed: int,
    settings: Settings | None = None,
    progress: Callable[[], Progress] | None = None,
    un_list: Path | None = UN_LIST,
    now: datetime | None = None,
) -> DemoResult:
    """Run the scenario (module docstring), printing each step on ``out``; ``progress`` makes
    the ingest progress bar (none without it). ``un_list``: the UN list to import, or None."""
    if settings is None:
        from interlock.settings import get_settings

        settings = get_settings()
    now = now or datetime.now(UTC)
    day = now.date()
    folder = settings.data_dir / "demo-traffic" / f"seed-{seed}" / day.isoformat()
    out.print(f"[bold]1.[/] generating a synthetic day: {travellers} passengers on flights "
              f"departing {day} (seed {seed})")  # fmt: skip
    traffic = generate_traffic(travellers, seed=seed, day=day)
    paths = write_traffic(traffic, folder)
    crew = sum(len(ft.crew) for ft in traffic.flights)
    booked = sum(len(people) for ft in traffic.flights for _, people in ft.bookings)
    flight_keys = [ft.flight.key for ft in traffic.flights]
    manifests = {
        ft.flight.key: folder / f"{file_stem(ft.flight)}.paxlst.edi" for ft in traffic.flights
    }
    out.print(f"   {len(traffic.flights)} flights, {len(paths)} messages in {folder}: "
              f"{travellers} passengers and {crew} crew on manifests (PAXLST), "
              f"{booked} of the passengers also in PNR pushes (PNRGOV)")  # fmt: skip

    out.print(f"[bold]2.[/] a synthetic national list of persons sought: {LIST_NAME}")
    try:
        national: DemoList | None = build_demo_list(traffic, seed=seed)
    except ValueError as exc:
        national = None
        out.print(f"   left out: {exc}", highlight=False)
    del traffic
    settle_heap()
    result = DemoResult(day, len(paths), {}, 0, national, un_imported=False)
    store = Store.from_settings(settings)
    try:
        versions: tuple[Path, Path] | None = None
        if national is not None:
            versions = national.write(settings.data_dir / "demo-lists", LIST_NAME)
            out.print(f"   {len(national.planted)} entries planted from passengers of the day "
                      f"(names and dates altered as lists differ from passports), "
                      f"{len(national.decoys)} synthetic decoys whose names nobody on the day "
                      f"carries; written to {versions[0]}", highlight=False)  # fmt: skip
            _import_once(out, store, versions[0], settings, now)

        out.print("[bold]3.[/] the UN Security Council Consolidated List")
        result.un_imported = un_list is not None and un_list.exists()
        if un_list is not None and result.un_imported:
            _import_once(out, store, un_list, settings, now, national_list=False)
        else:
            out.print(f"   not found ({un_list}); going on without it", highlight=False)

        out.print("[bold]4.[/] a risk rule, written by one person and approved by another")
        result.review.rule_active = prepare_rule(out, store, now)

        out.print(f"[bold]5.[/] ingesting into {_safe_url(settings)}; every traveller is "
                  "screened and run through the active rules as it is stored")  # fmt: skip
        result.outcomes, result.screened = _ingest(store, paths, progress)
        out.print("   " + ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items())))

        out.print("[bold]6.[/] what the node holds now")
        print_summary(out, store.summary(), _safe_url(settings))
        print_sample_flight(out, store)
        result.matches = day_matches(store, flight_keys)
        _print_matches(out, result, settings.screen_threshold)

        if national is not None and versions is not None:
            out.print(f"[bold]7.[/] version 2 of {LIST_NAME} adds {national.added.entry_id}, "
                      f"planted from {escape(national.added.name)} on "
                      f"{national.added.flight_key} ({national.added.change})",
                      highlight=False)  # fmt: skip
            done = _import_once(out, store, versions[1], settings, now)
            result.retro = done.retro if done else None
            raised = day_matches(store, flight_keys, entry_id=national.added.entry_id)
            result.retro_matches = [m for m in raised if m.found_by is MatchReason.RETRO]
            result.matches = day_matches(store, flight_keys)
            _print_retro(out, result, national.added)

        out.print("[bold]8.[/] alerts: a person reviews, decides and the playbook responds")
        review = review_alerts(out, store, settings, flight_keys, settings.data_dir / "demo-packs")
        review.rule_active = result.review.rule_active
        result.review = review
    finally:
        store.dispose()
    if national is not None:
        from interlock.demo_sharing import PARTNER, share_with_partner

        out.print(f"[bold]9.[/] sharing with a partner node, {PARTNER}, over HTTPS on loopback")
        seen = next(
            (p for p in national.planted if result.found(p) and p.flight_key in manifests), None
        )
        hit = (seen.entry_id, manifests[seen.flight_key]) if seen is not None else None
        result.sharing = share_with_partner(out, settings, LIST_NAME, hit=hit)
    return result


def _import_once(
    out: Console,
    store: Store,
    path: Path,
    settings: Settings,
    now: datetime,
    *,
    national_list: bool = True,
) -> ListImport | None:
    """Import ``path`` (the national list under its name, owner and legal basis), unless the
    file is already a stored version of the list (a second run: the list may since have moved
    on to a later version, which the earlier file must not undo)."""
    name = LIST_NAME if national_list else None
    if name is not None and store.watchlists.get(name) is not None:
        digest = source_digest(path)
        for version in store.watchlists.versions(name):
            if version.sha256 == digest:
                out.print(f"   {name}: {path.name} is already version {version.version} "
                          "(same sha256); not imported again", highlight=False)  # fmt: skip
                return None
    if national_list:
        done = import_list(
            store, path, name=LIST_NAME, owner=LIST_OWNER, legal_basis=LIST_BASIS,
            list_type=ListType.SOUGHT, description=LIST_DESCRIPTION, now=now, settings=settings,
        )  # fmt: skip
    else:
        done = import_list(store, path, now=now, settings=settings)
    out.print("   ", end="")
    print_import(out, done.record.name, path.name, done.summary)
    if done.retro is not None:
        out.print(f"   {retro_line(done.retro)}", highlight=False)
    return done


def _ingest(
    store: Store, paths: list[Path], progress: Callable[[], Progress] | None
) -> tuple[dict[str, int], int]:
    """Ingest the files; the outcomes by status and the travellers screened."""
    ingestor = Ingestor(store)
    counts: dict[str, int] = {}
    screened = 0
    bar = progress() if progress is not None else None
    task = bar.add_task("ingesting", total=len(paths)) if bar is not None else None
    if bar is not None:
        bar.start()
    try:
        for path in paths:
            outcome = ingestor.ingest_bytes(path.read_bytes(), source=str(path))
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            screened += outcome.screened
            if bar is not None and task is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    return counts, screened


def day_matches(
    store: Store, flight_keys: list[str], *, entry_id: str | None = None
) -> list[ShownMatch]:
    """The stored matches of travellers on ``flight_keys`` (of one entry), best first."""
    query = (
        select(MatchRow, TravellerRow.given_names, TravellerRow.surname, MessageRow.format)
        .join(TravellerRow, TravellerRow.id == MatchRow.traveller_id)
        .join(MessageRow, MessageRow.id == MatchRow.message_id)
        .where(MatchRow.flight_key.in_(flight_keys))
    )
    if entry_id is not None:
        query = query.where(MatchRow.entry_id == entry_id)
    with store.sessions() as session:
        rows = session.execute(query).all()
        ids = sorted({row[0].traveller_id for row in rows})
        documents: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            part = (
                select(TravelDocumentRow.traveller_id, TravelDocumentRow.number)
                .where(TravelDocumentRow.traveller_id.in_(ids[start : start + 500]))
                .order_by(TravelDocumentRow.id)
            )
            for traveller_id, number in session.execute(part):
                documents.setdefault(traveller_id, number)
    shown = [
        ShownMatch(
            traveller_id=match.traveller_id,
            traveller=f"{given} {surname}".strip(),
            document_number=documents.get(match.traveller_id, ""),
            source="PNR" if message_format == Format.PNRGOV.value else "manifest",
            flight_key=match.flight_key,
            list_name=match.list_name,
            entry_id=match.entry_id,
            score=match.score,
            band=match.band,
            reason=next(
                (e.get("reason", "") for e in match.explanations if e.get("feature") == "name"),
                "",
            ),
            found_by=MatchReason(match.reason),
        )
        for match, given, surname, message_format in rows
    ]
    shown.sort(key=lambda m: (-m.score, m.list_name, m.entry_id, m.traveller_id))
    return shown


def _print_matches(out: Console, result: DemoResult, threshold: float) -> None:
    matches = result.matches
    travellers = len({m.traveller_id for m in matches})
    screened = (
        f"{result.screened} travellers screened as they were stored"
        if result.screened
        else "no traveller screened now (the day's messages were stored by an earlier run)"
    )
    out.print(f"   {screened}; {len(matches)} matches at or above {threshold} stored for "
              f"{travellers} of the day's travellers", highlight=False)  # fmt: skip
    planted = {p.entry_id: p.change for p in _all_planted(result.national)}
    table = Table(title=f"matches of the day, best first (at most {TABLE_ROWS})")
    for header in ("traveller", "list / entry", "score", "name evidence", "planted as"):
        table.add_column(header, overflow="fold")
    for m in matches[:TABLE_ROWS]:
        table.add_row(
            escape(m.traveller) + (" (PNR)" if m.source == "PNR" else ""),
            f"{escape(m.list_name)}\n{escape(m.entry_id)}",
            f"{m.score:.2f} {m.band}",
            escape(m.reason),
            escape(planted.get(m.entry_id, "")) if m.list_name == LIST_NAME else "",
        )
    if matches:
        out.print(table)
    national = result.national
    if national is None:
        return
    found = [p for p in national.planted if result.found(p)]
    missed = [p for p in national.planted if not result.found(p)]
    decoys = set(national.decoys)
    hit = sorted({m.entry_id for m in result.matches if m.entry_id in decoys})
    out.print(f"   planted passengers found by their entry: {len(found)} of "
              f"{len(national.planted)}; decoys matched: {len(hit)} of {len(decoys)}",
              highlight=False)  # fmt: skip
    for p in missed:
        out.print(f"   [yellow]missed:[/] {p.entry_id} ({escape(p.change)}) for "
                  f"{escape(p.name)} on {p.flight_key}", highlight=False)  # fmt: skip
    for m in result.misplaced():
        out.print(f"   [yellow]unexpected:[/] {m.entry_id} matched {escape(m.traveller)} "
                  f"on {m.flight_key} ({m.score:.2f})", highlight=False)  # fmt: skip


def _print_retro(out: Console, result: DemoResult, added: Planted) -> None:
    raised = result.retro_matches
    if result.retro is None and raised:
        out.print("   retro-screening raised this when version 2 was first imported:")
    for m in raised:
        whose = "the planted passenger" if m.is_of(added) else "[yellow]not the planted one[/]"
        out.print(f"   {m.entry_id} → {escape(m.traveller)} ({m.source}, {m.flight_key}): "
                  f"{m.score:.2f} {m.band}, {escape(m.reason)} — {whose}",
                  highlight=False)  # fmt: skip
    mine = [m for m in raised if m.is_of(added)]
    if len(raised) == 1 and mine:
        out.print("   exactly that match: retro-screening found the passenger already stored")
    elif not raised:
        out.print("   [yellow]retro-screening raised no match for the added entry[/]")


def _all_planted(national: DemoList | None) -> list[Planted]:
    return [] if national is None else [*national.planted, national.added]


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.resolved_database_url).render_as_string(hide_password=True)
