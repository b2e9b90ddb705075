"""Country facts the generator needs: ISO 3166-1 codes, airlines and passport number forms.

Only the countries the generator uses are covered. ``airportsdata`` gives alpha-2 codes;
passports and manifests carry alpha-3 codes.
"""

from __future__ import annotations

_ALPHA3 = str.split(
    "AE ARE AR ARG AT AUT AU AUS AZ AZE BE BEL BR BRA CA CAN CH CHE CL CHL CN CHN CO COL "
    "CZ CZE DE DEU DK DNK DZ DZA EG EGY ES ESP ET ETH FI FIN FR FRA GB GBR GH GHA GR GRC "
    "HK HKG HU HUN ID IDN IE IRL IL ISR IN IND IT ITA JO JOR JP JPN KE KEN KR KOR MA MAR "
    "MX MEX MY MYS NG NGA NL NLD NO NOR NZ NZL PE PER PH PHL PK PAK PL POL PT PRT QA QAT "
    "RO ROU RU RUS SA SAU SE SWE SG SGP TH THA TR TUR TW TWN TZ TZA UA UKR US USA UZ UZB "
    "VN VNM ZA ZAF"
)

ALPHA3: dict[str, str] = dict(zip(_ALPHA3[::2], _ALPHA3[1::2], strict=True))
"""ISO 3166-1 alpha-2 → alpha-3 for every country the generator uses."""

# Real airline designators (IATA two-character codes), by the airline's home country.
CARRIERS: dict[str, tuple[str, ...]] = {
    "GB": ("BA", "VS"), "FR": ("AF",), "NL": ("KL",), "DE": ("LH", "EW"), "TR": ("TK", "PC"),
    "ES": ("IB", "UX"), "IT": ("AZ",), "CH": ("LX",), "AT": ("OS",), "DK": ("SK",),
    "IE": ("EI",), "PT": ("TP",), "GR": ("A3",), "PL": ("LO",), "NO": ("DY", "SK"),
    "SE": ("SK",), "FI": ("AY",), "BE": ("SN",), "RU": ("SU",), "AE": ("EK", "EY"),
    "QA": ("QR",), "SA": ("SV",), "EG": ("MS",), "IL": ("LY",), "JO": ("RJ",),
    "SG": ("SQ",), "HK": ("CX",), "KR": ("KE", "OZ"), "JP": ("JL", "NH"),
    "CN": ("CA", "MU", "CZ"), "TH": ("TG",), "MY": ("MH",), "IN": ("AI", "6E"),
    "ID": ("GA",), "PH": ("PR",), "TW": ("CI", "BR"), "VN": ("VN",), "US": ("AA", "DL", "UA"),
    "CA": ("AC",), "MX": ("AM",), "BR": ("G3", "AD"), "CO": ("AV",), "AR": ("AR",),
    "CL": ("LA",), "PE": ("LP",), "ZA": ("SA",), "ET": ("ET",), "KE": ("KQ",), "NG": ("P4",),
    "MA": ("AT",), "DZ": ("AH",), "AU": ("QF",), "NZ": ("NZ",), "PK": ("PK",), "UZ": ("HY",),
    "AZ": ("J2",),
}  # fmt: skip

# Passport number forms by issuing state: "#" a digit, "@" a letter, "*" a letter or digit,
# anything else literal. Approximations of the published forms; other states use DEFAULT.
PASSPORT_FORMS: dict[str, tuple[str, ...]] = {
    "GBR": ("#########",), "USA": ("@########", "#########"), "DEU": ("C********",),
    "FRA": ("##@@#####",), "ITA": ("@@#######",), "ESP": ("@@@######",),
    "NLD": ("@@*****##",), "CHN": ("E########", "E@#######"), "JPN": ("@@#######",),
    "KOR": ("M########",), "IND": ("@#######",), "RUS": ("#########",),
    "POL": ("@@#######",), "TUR": ("U########",), "BRA": ("@@######",), "CAN": ("@@######",),
    "AUS": ("@#######", "@@#######"), "CHE": ("X#######",), "UKR": ("@@######",),
}  # fmt: skip
DEFAULT_PASSPORT_FORMS = ("@#######", "@@#######", "########")
