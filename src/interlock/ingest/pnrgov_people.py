"""The travellers of one PNR: TIF travellers, check-in repeats, and API data from SSRs.

An infant's DOCS (sex ``MI``/``FI``) is usually filed under the accompanying adult; it is moved
to the infant it names (same surname and first given name), and an infant known only from such
a DOCS becomes a traveller of its own with ``infant=True``.
"""

from __future__ import annotations

from datetime import date

from interlock.ingest.edifact import Segment
from interlock.ingest.pnrgov_names import docs_given_names, same_person, traveller_from_tif
from interlock.ingest.pnrgov_ssr import DocsData, read_doca, read_doco, read_docs
from interlock.model import Contact, TravelDocument, Traveller


class People:
    """Travellers in the order first named, with the one the current TIF group is about."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.travellers: list[Traveller] = []
        self.current: Traveller | None = None
        self._raw_given: dict[int, str] = {}
        self._docs_named: set[int] = set()
        self._from_docs: set[int] = set()

    def add(self, segment: Segment) -> Traveller:
        """A new traveller from a TIF; it becomes the current one."""
        traveller, raw = traveller_from_tif(segment)
        known = self._infant_from_docs(traveller) if traveller.infant else None
        if known is None:
            self._append(traveller, raw)
        self.current = known or traveller
        return self.current

    def check_in(self, segment: Segment) -> Traveller:
        """The traveller a check-in TIF repeats; added if not named before."""
        candidate, raw = traveller_from_tif(segment)
        for traveller in self.travellers:
            if same_person(
                traveller, candidate.surname, candidate.given_names, candidate.reference
            ):
                return traveller
        self._append(candidate, raw)
        return candidate

    def by_reference(self, reference: str) -> Traveller | None:
        """The traveller with this TIF reference (adults before infants sharing it)."""
        if not reference:
            return None
        found = [t for t in self.travellers if t.reference == reference]
        return min(found, key=lambda t: t.infant) if found else None

    def only(self) -> Traveller | None:
        """The PNR's single non-infant traveller, if there is exactly one."""
        adults = [t for t in self.travellers if not t.infant]
        return adults[0] if len(adults) == 1 else None

    def apply_api_ssr(self, target: Traveller, code: str, text: str) -> None:
        """Apply an SSR DOCS, DOCO or DOCA free text to ``target``."""
        if code == "DOCS":
            data = read_docs(text, today=self.today)
            person = self._infant_for(target, data) if data.infant and not target.infant else target
            self._merge_docs(person, data)
        elif code == "DOCO":
            birth_place, document = read_doco(text, today=self.today)
            target.birth_place = target.birth_place or birth_place
            _add_document(target, document)
        else:
            kind, country, address = read_doca(text)
            if kind == "R":
                target.residence_country = target.residence_country or country
                target.address = target.address or address
            elif address and Contact("address", address) not in target.contacts:
                target.contacts.append(Contact("address", address))

    def _append(self, traveller: Traveller, raw_given: str) -> None:
        self.travellers.append(traveller)
        self._raw_given[id(traveller)] = raw_given

    def _infant_for(self, adult: Traveller, data: DocsData) -> Traveller:
        first = data.given_names.split()[:1]
        for traveller in self.travellers:
            if not traveller.infant or (
                data.surname and not same_name(traveller.surname, data.surname)
            ):
                continue
            if not first or traveller.given_names.split()[:1] in ([], first):
                return traveller
        infant = Traveller(
            surname=data.surname or adult.surname,
            given_names=data.given_names,
            infant=True,
            reference=adult.reference,
        )
        self._append(infant, "")
        self._from_docs.add(id(infant))
        return infant

    def _infant_from_docs(self, infant: Traveller) -> Traveller | None:
        """An infant first met in an adult's DOCS that this infant TIF names (then claimed)."""
        first = infant.given_names.split()[:1]
        for known in self.travellers:
            named = same_name(known.surname, infant.surname) and known.given_names.split()[:1] in (
                [],
                first,
            )
            if id(known) in self._from_docs and named:
                self._from_docs.discard(id(known))
                known.reference = infant.reference or known.reference
                known.surname = infant.surname  # the TIF's spelling: DOCS text is often wrapped
                return known
        return None

    def _merge_docs(self, traveller: Traveller, data: DocsData) -> None:
        _add_document(traveller, data.document)
        traveller.nationality = traveller.nationality or data.nationality
        traveller.birth_date = traveller.birth_date or data.birth_date
        traveller.sex = traveller.sex or data.sex
        if data.surname and id(traveller) not in self._docs_named:
            self._docs_named.add(id(traveller))
            traveller.surname = data.surname
            raw = self._raw_given.get(id(traveller), "")
            traveller.given_names = docs_given_names(data.given_names, raw) or traveller.given_names


def same_name(a: str, b: str) -> bool:
    """Names equal but for spaces, hyphens and apostrophes (DOCS free text wraps mid-name)."""
    return _letters(a) == _letters(b)


def _letters(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def _add_document(traveller: Traveller, document: TravelDocument | None) -> None:
    if document is None:
        return
    for known in traveller.documents:
        if known.type == document.type and known.number == document.number:
            return
    traveller.documents.append(document)
