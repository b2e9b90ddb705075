"""Find the stored travellers that are the person behind a request (SG-45).

Two exact ways, no fuzzy matching (a subject-access answer must not hand one person's data to
another): the folded surname and given names together with the birth date, or a travel
document number. Names are folded the same way on both sides (transliterated to ASCII, case
folded, hyphens as spaces, runs of spaces collapsed), so ``Müller-Lüdenscheidt`` finds
``MUELLER LUEDENSCHEIDT`` only if the carrier transliterated it that way; a namesake with
another birth date is never found. Document numbers are compared without layout (spaces,
hyphens, dots), in SQL on the ``travel_document`` table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from anyascii import anyascii
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interlock.store.schema import TravelDocumentRow, TravellerRow
from interlock.watchlists.documents import normalise_document_number

BY_NAME = "name+birth-date"
BY_DOCUMENT = "document"


def fold_name(text: str) -> str:
    """The comparable form of a name: ASCII, case folded, hyphens as spaces, single spaces."""
    return " ".join(anyascii(text).casefold().replace("-", " ").split())


@dataclass(frozen=True, slots=True)
class Identity:
    """The requester's details as given."""

    surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None
    document_number: str | None = None

    @property
    def by_name(self) -> bool:
        """Enough to search by name: a surname and a birth date."""
        return bool(self.surname and self.surname.strip()) and self.birth_date is not None

    @property
    def by_document(self) -> bool:
        return bool(self.document_number and normalise_document_number(self.document_number))


@dataclass(slots=True)
class Found:
    """A stored traveller found for the request, and how."""

    traveller_id: int
    matched_by: list[str] = field(default_factory=list)


def find_travellers(session: Session, identity: Identity) -> list[Found]:
    """The stored travellers that are ``identity``, by traveller id."""
    found: dict[int, Found] = {}
    if identity.by_name:
        assert identity.surname is not None  # by_name says so
        surname = fold_name(identity.surname)
        given = fold_name(identity.given_names or "")
        rows = session.execute(
            select(TravellerRow.id, TravellerRow.surname, TravellerRow.given_names).where(
                TravellerRow.birth_date == identity.birth_date
            )
        )
        for traveller_id, stored_surname, stored_given in rows:
            if fold_name(stored_surname) == surname and fold_name(stored_given or "") == given:
                found.setdefault(traveller_id, Found(traveller_id)).matched_by.append(BY_NAME)
    if identity.by_document:
        assert identity.document_number is not None
        number = normalise_document_number(identity.document_number)
        compact = func.upper(TravelDocumentRow.number)
        for layout in (" ", "-", ".", "<"):
            compact = func.replace(compact, layout, "")
        ids = session.execute(
            select(TravelDocumentRow.traveller_id).where(compact == number).distinct()
        ).scalars()
        for traveller_id in ids:
            found.setdefault(traveller_id, Found(traveller_id)).matched_by.append(BY_DOCUMENT)
    return [found[key] for key in sorted(found)]
