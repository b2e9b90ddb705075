"""How the command line shows messages and the store: rich tables on the console."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from interlock.model import ParsedMessage
from interlock.store import Store


def print_message(out: Console, message: ParsedMessage) -> None:
    """A parsed message: its flights, up to 50 travellers, its warnings and errors."""
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


def print_summary(out: Console, summary: dict[str, int], url: str) -> None:
    """The store's counts, and where the store is."""
    out.print(f"store: {url}", highlight=False)
    table = Table("what", "count")
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)


def print_sample_flight(out: Console, store: Store) -> None:
    """The first flight in the store and five of its travellers."""
    flights = store.flights.list(limit=1, offset=0)
    if not flights:
        return
    key = flights[0].key
    people = store.travellers.for_flight(key)
    table = Table("surname", "given names", "born", "nat", "document", title=f"flight {key}: "
                  f"{len(people)} travellers (first 5)")  # fmt: skip
    for t in people[:5]:
        doc = t.documents[0] if t.documents else None
        born = t.birth_date.isoformat() if t.birth_date else ""
        table.add_row(t.surname, t.given_names, born, t.nationality or "",
                      f"{doc.type} {doc.number}" if doc else "")  # fmt: skip
    out.print(table)
