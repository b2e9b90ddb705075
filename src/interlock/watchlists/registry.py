"""The source registry (SG-17): a list is kept only with a known owner and legal basis."""

from __future__ import annotations

from interlock.errors import InterlockError
from interlock.watchlists.model import ListInfo, ListType

# What importers put where a format does not say who owns a list or on what basis.
UNSPECIFIED = "unspecified"


class RegistryError(InterlockError):
    """A list or entry operation the registry refuses (unknown owner, missing reason …)."""

    status_code = 422


def is_unspecified(value: str) -> bool:
    """True for an empty value or the importers' placeholder ``unspecified``."""
    return value.strip().casefold() in ("", UNSPECIFIED)


def check_registrable(info: ListInfo) -> None:
    """Refuse a list without a name, owner or legal basis, or of no known type (SG-17)."""
    missing = [
        label
        for label, value in (
            ("name", info.name),
            ("owner", info.owner),
            ("legal basis", info.legal_basis),
        )
        if is_unspecified(value)
    ]
    if missing:
        name = info.name.strip() or "(unnamed)"
        raise RegistryError(
            f"list {name!r}: {' and '.join(missing)} unspecified; a list is registered only "
            "with its owner and legal basis (SG-17)"
        )
    if not isinstance(info.list_type, ListType):
        raise RegistryError(f"list {info.name!r}: unknown list type {info.list_type!r}")


def import_record(
    from_file: ListInfo,
    stored: ListInfo | None,
    *,
    owner: str | None = None,
    legal_basis: str | None = None,
    list_type: ListType | None = None,
    description: str | None = None,
) -> tuple[ListInfo, bool]:
    """The registry record to import a file under, and whether it must be (re)registered.

    A new list takes the file format's defaults (``from_file``) with the options given over
    them, and needs a known owner and legal basis (SG-17). A stored list keeps its record
    except for the options given; the refresh date is always the file's.
    """
    base = from_file if stored is None else stored
    given = {
        "owner": owner,
        "legal_basis": legal_basis,
        "list_type": list_type,
        "description": description,
    }
    record = ListInfo(
        name=base.name,
        owner=owner if owner is not None else base.owner,
        legal_basis=legal_basis if legal_basis is not None else base.legal_basis,
        list_type=list_type if list_type is not None else base.list_type,
        refreshed_on=from_file.refreshed_on,
        description=description if description is not None else base.description,
    )
    if stored is None:
        _require_source(record)
        return record, True
    changed = any(v is not None and v != getattr(stored, k) for k, v in given.items())
    if changed:
        check_registrable(record)
    return record, changed


def _require_source(record: ListInfo) -> None:
    missing = [
        option
        for option, value in (("--owner", record.owner), ("--legal-basis", record.legal_basis))
        if is_unspecified(value)
    ]
    if missing:
        raise RegistryError(
            f"list {record.name!r} is new and its file does not say who owns it or on what legal "
            f"basis it is kept: give {' and '.join(missing)} (SG-17)"
        )
    check_registrable(record)
