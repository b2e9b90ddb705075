"""Names as printed in passports: upper-case Latin, transliterated per ICAO Doc 9303 Part 3.

Only what the generator needs: Latin letters with diacritics (the Part 3 recommended
equivalents for the common ones, plain base letters otherwise), Cyrillic and Greek (the
Part 3 tables), and Hangul (Revised Romanization, with the spellings Korean passports use
for common surnames). Everything outside A-Z, space, hyphen and apostrophe is dropped.
"""

from __future__ import annotations

import unicodedata

# ICAO 9303 Part 3 recommended transliterations of Latin letters that are not plain base
# letters with a removable diacritic (or where the recommendation differs from that).
_LATIN_SPECIAL = {
    "ß": "SS", "Å": "AA", "Æ": "AE", "Ø": "OE", "Œ": "OE",
    "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "Ŋ": "N", "Ə": "A",
    "ʼ": "'", "’": "'", "ʻ": "'", "`": "'",
}  # fmt: skip

# ICAO 9303 Part 3, transliteration of Cyrillic characters (Russian, Ukrainian letters).
_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Е": "E", "Ё": "E", "Є": "IE",
    "Ж": "ZH", "З": "Z", "И": "I", "І": "I", "Ї": "I", "Й": "I", "К": "K", "Л": "L", "М": "M",
    "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH",
    "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E",
    "Ю": "IU", "Я": "IA",
}  # fmt: skip

# ICAO 9303 Part 3, transliteration of Greek characters (single letters; digraphs below).
_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I",
    "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S",
    "Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}  # fmt: skip
_GREEK_DIGRAPHS = {"ΟΥ": "OU", "ΑΥ": "AV", "ΕΥ": "EV", "ΓΓ": "NG", "ΓΚ": "GK", "ΜΠ": "MP"}

# Hangul Revised Romanization: initial consonants, vowels, final consonants.
_HANGUL_INITIAL = str.split("G KK N D TT R M B PP S SS - J JJ CH K T P H")
_HANGUL_VOWEL = str.split("A AE YA YAE EO E YEO YE O WA WAE OE YO U WO WE WI YU EU UI I")
_HANGUL_FINAL = ["", *str.split("K K K N N N T L K M L L L P L M P P T T NG T T K T P T")]
# The spellings Korean passports use for the most common surnames.
_KOREAN_SURNAMES = {
    "김": "KIM", "이": "LEE", "박": "PARK", "최": "CHOI", "정": "JUNG", "강": "KANG",
    "조": "CHO", "윤": "YOON", "장": "JANG", "임": "LIM", "한": "HAN", "오": "OH", "신": "SHIN",
    "권": "KWON", "황": "HWANG", "안": "AHN", "송": "SONG", "류": "RYU", "유": "YOO",
    "홍": "HONG", "고": "KO", "문": "MOON", "양": "YANG", "손": "SON", "배": "BAE", "노": "NOH",
    "백": "BAEK", "허": "HEO", "남": "NAM", "심": "SIM", "곽": "KWAK", "성": "SUNG", "우": "WOO",
    "구": "KOO", "주": "JOO", "서": "SEO", "전": "JEON",
}  # fmt: skip

# German-language names: umlauts written out (ICAO 9303 Part 3 gives AE/OE/UE as equivalents).
_UMLAUTS = {"Ä": "AE", "Ö": "OE", "Ü": "UE"}

_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ -'")


def passport_name(text: str, *, umlauts: bool = False) -> str:
    """Return ``text`` as a passport prints it: upper-case Latin A-Z, space, hyphen, apostrophe.

    With ``umlauts``, Ä Ö Ü become AE OE UE (German practice); otherwise A O U.
    """
    upper = "".join(_without_greek_accent(char) for char in text.upper())
    if umlauts:
        for umlaut, latin in _UMLAUTS.items():
            upper = upper.replace(umlaut, latin)
    for digraph, latin in _GREEK_DIGRAPHS.items():
        upper = upper.replace(digraph, latin)
    out: list[str] = []
    for char in upper:
        out.append(_letter(char))
    return " ".join("".join(out).split())


def _letter(char: str) -> str:
    if char in _ALLOWED:
        return char
    if char in _LATIN_SPECIAL:
        return _LATIN_SPECIAL[char]
    if char in _CYRILLIC:
        return _CYRILLIC[char]
    if 0xAC00 <= ord(char) <= 0xD7A3:
        return _hangul_syllable(char)
    base = unicodedata.normalize("NFD", char)[0]
    if base in _GREEK:
        return _GREEK[base]
    return base if base in _ALLOWED else ""


def _without_greek_accent(char: str) -> str:
    if "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff":
        return unicodedata.normalize("NFD", char)[0]
    return char


def _hangul_syllable(char: str) -> str:
    index = ord(char) - 0xAC00
    initial = _HANGUL_INITIAL[index // 588]
    vowel = _HANGUL_VOWEL[(index % 588) // 28]
    return ("" if initial == "-" else initial) + vowel + _HANGUL_FINAL[index % 28]


def korean_surname(text: str) -> str:
    """Romanise a Korean surname with the common passport spelling when there is one."""
    return _KOREAN_SURNAMES.get(text) or passport_name(text)
