"""Minimisation of PNR data on receipt (SAFEGUARDS SG-05 and SG-06), as versioned configuration.

SG-05: only the PNR data elements on the legal list are kept. The list is Annex I of
Directive (EU) 2016/681 (the EU PNR Directive): 19 data elements, read as narrowed by the
Court of Justice in *Ligue des droits humains* (C-817/19, 21 June 2022): "general remarks"
(element 12) only as far as they concern unaccompanied minors, contact details of the
passenger only, payment details of the air ticket only. Every PNRGOV segment and SSR code is
mapped to the Annex I element it carries; anything without an element is dropped.

SG-06: codes and free text that reveal religion, health, ethnicity or sex life (special meals,
assistance and medical codes) are deleted on receipt from every field. Free-text fields that
survive SG-05 are scrubbed token by token with :func:`scrub`.

Change the lists only by editing this module and bumping :data:`VERSION`; a test pins both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

VERSION = "2025.1"
LEGAL_SOURCE = (
    "Directive (EU) 2016/681 Annex I; CJEU C-817/19 Ligue des droits humains (21 June 2022), "
    "paragraphs 126-140 on the Annex I headings"
)


@dataclass(frozen=True, slots=True)
class AnnexElement:
    """One of the 19 PNR data elements of Annex I."""

    number: int
    name: str


ANNEX_I: tuple[AnnexElement, ...] = (
    AnnexElement(1, "PNR record locator"),
    AnnexElement(2, "Date of reservation/issue of ticket"),
    AnnexElement(3, "Date(s) of intended travel"),
    AnnexElement(4, "Name(s)"),
    AnnexElement(5, "Address and contact information (telephone number, e-mail address)"),
    AnnexElement(6, "All forms of payment information, including billing address"),
    AnnexElement(7, "Complete travel itinerary for specific PNR"),
    AnnexElement(8, "Frequent flyer information"),
    AnnexElement(9, "Travel agency/travel agent"),
    AnnexElement(10, "Travel status of passenger (confirmations, check-in, no-show, go-show)"),
    AnnexElement(11, "Split/divided PNR information"),
    AnnexElement(12, "General remarks (only on unaccompanied minors under 18, per C-817/19)"),
    AnnexElement(13, "Ticketing field information, including ticket number and fare quote"),
    AnnexElement(14, "Seat number and other seat information"),
    AnnexElement(15, "Code-share information"),
    AnnexElement(16, "All baggage information"),
    AnnexElement(17, "Number and other names of travellers on the PNR"),
    AnnexElement(18, "Any advance passenger information (API) data collected"),
    AnnexElement(19, "All historical changes to the PNR listed in numbers 1 to 18"),
)

# PNRGOV segment tag -> Annex I element it carries. IFT and SSR are decided per content.
SEGMENT_ELEMENTS: Mapping[str, int] = MappingProxyType(
    {
        "SRC": 1, "RCI": 1, "DAT": 2, "TIF": 4, "ADD": 5, "FOP": 6, "TVL": 7, "APD": 7,
        "FTI": 8, "ORG": 9, "RPI": 10, "TRI": 10, "EQN": 11, "TKT": 13, "MON": 13,
        "PTK": 13, "TXD": 13, "FAR": 13, "SSD": 14, "TRA": 15, "TBD": 16, "EBD": 16,
        "REF": 17, "ABI": 19, "SAC": 19, "MSG": 7,
    }
)  # fmt: skip

# SSR codes kept, with the Annex I element each carries.
ALLOWED_SSR: Mapping[str, int] = MappingProxyType(
    {
        "CTCA": 5, "CTCB": 5, "CTCE": 5, "CTCH": 5, "CTCM": 5, "CTCP": 5, "CTCR": 5,
        "DOCA": 5,
        "FQTV": 8, "FQTR": 8, "FQTU": 8, "FQTS": 8,
        "UMNR": 12,
        "TKNE": 13, "TKNA": 13, "TKNM": 13, "TKTL": 13, "ADTK": 13,
        "SEAT": 14, "RQST": 14, "NSST": 14, "NSSA": 14, "NSSW": 14, "SMST": 14, "SMSA": 14,
        "SMSW": 14,
        "XBAG": 16, "BULK": 16, "FRAG": 16, "CBBG": 16,
        "GRPS": 17, "GRPF": 17, "INFT": 17, "CHLD": 17,
        "DOCS": 18, "DOCO": 18, "PSPT": 18, "FOID": 18,
    }
)  # fmt: skip

# SG-06: codes revealing religion, health, ethnicity or sex life (IATA SSR code list:
# special meals and passenger assistance / medical codes). Deleted wherever they occur.
SENSITIVE_MEAL_CODES: frozenset[str] = frozenset(
    {
        "AVML", "BBML", "BLML", "CHML", "DBML", "FPML", "GFML", "HFML", "HNML", "KSML", "LCML",
        "LFML", "LPML", "LSML", "MOML", "NFML", "NLML", "ORML", "PFML", "RVML", "SFML", "SPML",
        "VGML", "VJML", "VLML", "VOML",
    }
)  # fmt: skip
SENSITIVE_ASSISTANCE_CODES: frozenset[str] = frozenset(
    {
        "WCHR", "WCHS", "WCHC", "WCBD", "WCBW", "WCMP", "WCLB", "WCOB", "MEDA", "BLND", "DEAF",
        "DPNA", "MAAS", "OXYG", "STCR", "LEGL", "LEGR", "SVAN", "ESAN", "PPOC", "POXY", "MEQT",
    }
)  # fmt: skip
SENSITIVE_CODES: frozenset[str] = SENSITIVE_MEAL_CODES | SENSITIVE_ASSISTANCE_CODES

# The element name under which an SG-06 drop is recorded: the code itself would reveal it.
SENSITIVE_DROP = "SSR:sensitive"

_SENSITIVE_WORD = re.compile(
    r"(?<![A-Z0-9])(?:" + "|".join(sorted(SENSITIVE_CODES)) + r")(?![A-Z0-9])", re.IGNORECASE
)
_FIRST_LETTERS = frozenset(code[0] for code in SENSITIVE_CODES)


def is_sensitive(code: str) -> bool:
    """True for an SG-06 code (case-insensitive)."""
    return code.strip().upper() in SENSITIVE_CODES


def ssr_drop_name(code: str) -> str | None:
    """The element name to record if SSR ``code`` is dropped on receipt, or None if it is kept."""
    key = code.strip().upper()
    if key in SENSITIVE_CODES:
        return SENSITIVE_DROP
    if key in ALLOWED_SSR:
        return None
    return f"SSR:{key}" if key.isalnum() and len(key) <= 8 else "SSR:unknown"


def segment_allowed(tag: str) -> bool:
    """True when PNRGOV segment ``tag`` carries an Annex I element (IFT/SSR are decided apart)."""
    return tag in SEGMENT_ELEMENTS


def scrub(text: str) -> str:
    """``text`` with every SG-06 code removed as a word (whitespace tidied); fast when absent."""
    upper = text.upper()
    if not any(ch in _FIRST_LETTERS for ch in upper) or not _SENSITIVE_WORD.search(text):
        return text
    return " ".join(_SENSITIVE_WORD.sub("", text).split())
