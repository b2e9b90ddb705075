"""Traveller names in PNRGOV TIF segments and how they meet the names in SSR DOCS.

TIF given names often carry the title glued on (``JOHNMR``, ``KONG CHUN MRS``). Titles are
removed when they stand as a separate last word, and the unambiguous ones (MR, MRS, MSTR)
also when glued to the last word. DOCS names are the document's and take precedence; when a
carrier copied the TIF field with its title into DOCS (``…/LORELEIMRS/LISE``), the copy is
recognised and the title removed there too, as it is when the whole spaced TIF field was copied
(``…/ANNA MRS``).
"""

from __future__ import annotations

from interlock.ingest.edifact import Segment
from interlock.model import Traveller

_SPACED_TITLES = frozenset(["MR", "MRS", "MS", "MISS", "MSTR", "DR", "PROF", "REV", "INF", "CHD"])
_GLUED_TITLES = ("MSTR", "MRS", "MR")
_INFANT_TYPES = frozenset({"IN", "INF"})


def strip_title(given: str) -> str:
    """Given names without a trailing title."""
    words = given.split()
    if len(words) > 1 and words[-1] in _SPACED_TITLES:
        return " ".join(words[:-1])
    if words:
        last = words[-1]
        for title in _GLUED_TITLES:
            if last.endswith(title) and len(last) > len(title) + 1:
                words[-1] = last[: -len(title)]
                break
    return " ".join(words)


def traveller_from_tif(segment: Segment) -> tuple[Traveller, str]:
    """A traveller from ``TIF+SURNAME[:I]+GIVEN TITLE:TYPE:REF``, and the raw given-name field.

    TYPE ``IN`` (or ``INF``) marks an infant; REF is the carrier's traveller reference.
    """
    raw_given = " ".join(segment.get(2, 0).split())
    kind = segment.get(2, 1).strip().upper()
    reference = segment.get(2, 2).strip() or None
    traveller = Traveller(
        surname=" ".join(segment.get(1, 0).split()),
        given_names=strip_title(raw_given),
        infant=kind in _INFANT_TYPES,
        reference=reference,
    )
    return traveller, raw_given


def docs_given_names(docs_given: str, tif_raw_given: str) -> str:
    """DOCS given names, with a title removed if the first word is a copy of the TIF field."""
    words = docs_given.split()
    if words and words == tif_raw_given.split():  # the TIF field copied, spaced title and all
        return strip_title(tif_raw_given)
    if words and tif_raw_given and words[0] == tif_raw_given.replace(" ", ""):
        words[0] = strip_title(tif_raw_given)
    return " ".join(" ".join(words).split())


def same_person(traveller: Traveller, surname: str, given: str, reference: str | None) -> bool:
    """True when a TIF (or DOCS) names ``traveller``: same reference, or same names."""
    if reference and traveller.reference:
        return reference == traveller.reference and surname == traveller.surname
    return surname == traveller.surname and (not given or given == traveller.given_names)
