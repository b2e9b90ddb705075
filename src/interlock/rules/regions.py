"""Nationality groups for disparate-impact and rule-quality figures (SG-11, SG-15).

Nationalities are grouped into world regions so that figures are about groups large enough
to compare, never about single countries or persons. Source: United Nations Statistics
Division, *Standard country or area codes for statistical use* (M49), geographic regions and
sub-regions, with Northern Africa and Sub-Saharan Africa, and Latin America and the Caribbean,
as M49 defines them; Taiwan and Kosovo (not listed in M49) are placed in their sub-region.
ICAO-only codes map through :func:`interlock.model.countries.iso_country`; documents of
organisations and stateless persons fall in ``other``; a missing nationality in ``unknown``.
"""

from __future__ import annotations

from interlock.model.countries import iso_country

_REGIONS = {
    "northern-africa": "DZA EGY LBY MAR SDN TUN ESH",
    "sub-saharan-africa": (
        "IOT BDI COM DJI ERI ETH ATF KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD UGA TZA ZMB "
        "ZWE AGO CMR CAF TCD COG COD GNQ GAB STP BWA SWZ LSO NAM ZAF BEN BFA CPV CIV GMB GHA "
        "GIN GNB LBR MLI MRT NER NGA SHN SEN SLE TGO"
    ),
    "latin-america-caribbean": (
        "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA "
        "LCA MAF VCT SXM TTO TCA VIR BLZ CRI SLV GTM HND MEX NIC PAN ARG BOL BVT BRA CHL COL "
        "ECU FLK GUF GUY PRY PER SGS SUR URY VEN"
    ),
    "northern-america": "BMU CAN GRL SPM USA",
    "central-asia": "KAZ KGZ TJK TKM UZB",
    "eastern-asia": "CHN HKG MAC PRK JPN MNG KOR TWN",
    "south-eastern-asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "southern-asia": "AFG BGD BTN IND IRN MDV NPL PAK LKA",
    "western-asia": "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM",
    "eastern-europe": "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR",
    "northern-europe": "ALA DNK EST FRO FIN GGY ISL IRL IMN JEY LVA LTU NOR SJM SWE GBR",
    "southern-europe": "ALB AND BIH HRV GIB GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP XKX",
    "western-europe": "AUT BEL FRA DEU LIE LUX MCO NLD CHE",
    "oceania": (
        "AUS NZL NFK CXR CCK HMD FJI NCL PNG SLB VUT GUM KIR MHL FSM NRU MNP PLW UMI ASM COK "
        "PYF NIU PCN WSM TKL TON TUV WLF"
    ),
}
REGION_OF: dict[str, str] = {
    code: region for region, codes in _REGIONS.items() for code in codes.split()
}
UNKNOWN = "unknown"
OTHER = "other"


def region(nationality: str | None) -> str:
    """The world region of a nationality code (alpha-2, alpha-3 or ICAO)."""
    if not nationality:
        return UNKNOWN
    country = iso_country(nationality) or nationality.strip().upper()
    return REGION_OF.get(country, OTHER)
