"""Country facts the generator needs: airlines and passport number forms, by alpha-2 code.

``airportsdata`` gives alpha-2 codes; passports and manifests carry alpha-3 codes, mapped
with :func:`interlock.model.countries.to_alpha3`.
"""

from __future__ import annotations

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
