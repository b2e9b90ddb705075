"""Name normalisation, done once per name when a list is loaded and once per query token.

A name becomes a :class:`NameForm`: Latin tokens (NFKC, case-folded, diacritics and
Latin/Cyrillic/Greek letters folded through ``anyascii``), the particles that only join or
qualify other words removed or glued, a **consonant skeleton** per token, and the CJK characters
kept apart so Chinese, Korean and Japanese names are compared in their own script, never via a
Mandarin reading.

The skeleton is the key to spellings and scripts: vowels and the semivowels w/y inside a word are
dropped, letters that romanisations use for the same sound share a class (q/k/c, kh, gh, sh/ch,
th/t, dh/d, g/j …), doubled letters collapse and a final h goes. Arabic script is mapped letter by
letter straight into the same classes (:mod:`interlock.screening.arabic`), so محمد, Mohammed,
Muhammad and Mohamad all give ``MHMD``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

from interlock.screening.arabic import arabic_skeleton, is_arabic_char

# Words that only join or qualify the next word of an Arabic-origin name: removed.
ARTICLES = frozenset(
    {"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "ud", "ed", "u", "ur", "us"}
)
# Words that romanisations write either apart or joined to the word before them.
SUFFIXES = frozenset(
    {"ullah", "ulla", "uddin", "uddeen", "eddine", "eddin", "addin", "zada", "zadeh", "zadah"}
)
# The same after an article only (Shihab al-Din, Habib al-Allah): alone they are names too
# (Alla, Din), and must not stick to whatever word comes before them.
SUFFIXES_AFTER_ARTICLE = frozenset({"din", "deen", "allah", "alla", "llah"})
# Patronymic links (son/daughter of): removed; they say nothing about which person it is.
LINKS = frozenset({"bin", "ibn", "bint", "binti", "bte", "ben", "ould", "walad", "bn", "b"})
# Words glued to the following word, as the lists write them both ways (Abd al-Rahman,
# Abdulrahman, Abdurrahman; Abu Bakr, Abubakar).
GLUE = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdur", "abdus", "abdoul", "abu", "abou", "abo"}
)
# Honorifics and titles that lists and travellers add or leave out.
TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "haji",
        "hajji",
        "hadji",
        "alhaji",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "mullah",
        "mulla",
        "mullo",
        "maulavi",
        "maulvi",
        "mawlawi",
        "mawlavi",
        "molvi",
        "qari",
        "sayed",
        "sayyid",
        "syed",
        "mufti",
        "imam",
        "sir",
        "general",
        "gen",
        "colonel",
        "col",
    }
)
# Western particles kept as tokens but weighed little.
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le"}
)
# Legal forms of organisations: weighed little and spelled one way.
LEGAL_FORMS: dict[str, str] = {
    "limited": "ltd",
    "ltd": "ltd",
    "llc": "llc",
    "plc": "plc",
    "inc": "inc",
    "incorporated": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "gmbh": "gmbh",
    "ag": "ag",
    "aktiengesellschaft": "ag",
    "sa": "sa",
    "sarl": "sarl",
    "srl": "srl",
    "spa": "spa",
    "bv": "bv",
    "nv": "nv",
    "oy": "oy",
    "ab": "ab",
    "as": "as",
    "jsc": "jsc",
    "ojsc": "jsc",
    "pjsc": "jsc",
    "cjsc": "jsc",
    "zao": "jsc",
    "oao": "jsc",
    "pao": "jsc",
    "ooo": "llc",
    "tov": "llc",
    "fze": "fze",
    "fzco": "fze",
    "fzc": "fze",
    "establishment": "est",
    "est": "est",
    "group": "group",
    "holding": "holding",
    "holdings": "holding",
    "trading": "trading",
    "the": "the",
    "and": "and",
    "of": "of",
}
# Multi-word legal forms folded into one token first.
_LEGAL_PHRASES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\b(?:open |closed |public |private )?joint[- ]stock company\b"), "jsc"),
    (re.compile(r"\blimited liability company\b"), "llc"),
    (re.compile(r"\bpublic limited company\b"), "plc"),
    (re.compile(r"\bsp\.? ?z ?o\.? ?o\.?"), "llc"),
    (re.compile(r"\bs\.? ?a\.? ?r\.? ?l\.?"), "sarl"),
    (re.compile(r"\bp\.? ?l\.? ?c\.?(?=\s|$)"), "plc"),
    (re.compile(r"\bco\.,? ltd\b"), "co ltd"),
    (re.compile(r"\bgesellschaft mit beschr(?:ä|ae|a)nkter haftung\b"), "gmbh"),
    (re.compile(r"\bsocietatea cu r(?:ă|a)spundere limitat(?:ă|a)\b"), "srl"),
    (re.compile(r"\bsociedad an(?:ó|o)nima\b"), "sa"),
    (re.compile(r"\bsoci(?:é|e)t(?:é|e) anonyme\b"), "sa"),
    (re.compile(r"\bint(?:'|’)?l\b"), "international"),
    # Dotted abbreviations: L.L.C., G.m.b.H., U.S. → llc, gmbh, us
    (re.compile(r"\b(?:\w\.){2,}\w?\.?"), lambda m: m.group(0).replace(".", "")),
)

_SPLIT = re.compile(r"[^\w]+|_")
_APOSTROPHES = re.compile("['’‘ʼʿʾ`´]")
_ABD = re.compile(r"^abd([aeiou])([lrsztdn])(?=\w{2})")


@dataclass(slots=True, frozen=True, eq=False)
class Token:
    """One word of a name: its Latin form, skeleton, weight class and whether it is an initial.

    Tokens are interned (one object per distinct word), so they compare and hash by identity
    and similarities between them can be cached cheaply.
    """

    text: str
    skeleton: str
    arabic: bool = False  # came from Arabic script: only the skeleton is reliable
    minor: bool = False  # a particle, title or legal form: weighs little
    initial: bool = False
    flat: str = field(default="", compare=False)  # the text with doubled letters single

    def __post_init__(self) -> None:
        if not self.flat:
            object.__setattr__(self, "flat", _single_letters(self.text))


@dataclass(slots=True, frozen=True)
class NameForm:
    """A name prepared for comparison."""

    original: str
    tokens: tuple[Token, ...]
    cjk: str = ""  # Han, kana and Hangul characters in order, spaces removed
    # The tokens compared: those that identify a person or organisation (particles and legal
    # forms left out), or all of them when nothing else is left.
    core: tuple[Token, ...] = ()
    arabic: bool = False  # some word is in Arabic script
    organisation: bool = False

    folded: str = ""  # the core words' folded forms, sorted and joined: for quick ranking
    joined: str = ""  # all Latin words run together, for names split or joined differently


def _single_letters(text: str) -> str:
    """Runs of one letter made single: Ayyub → Ayub, Musstafa → Mustafa."""
    return collapse(text)


_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 < code <= 0x303F
        or 0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


# Latin spelling → consonant classes. Order matters: longer spellings first.
_DIGRAPHS = (
    ("sch", "$"),
    ("tch", "$"),
    ("dzh", "J"),
    ("zh", "J"),
    ("kh", "X"),
    ("gh", "G"),
    ("sh", "$"),
    ("ch", "$"),
    ("th", "T"),
    ("dh", "D"),
    ("ph", "F"),
    ("ck", "K"),
    ("dj", "J"),
    ("ts", "S"),
    ("tz", "S"),
    ("qu", "K"),
    ("ks", "X"),
    ("x", "X"),
)
_SINGLE = {
    "b": "B",
    "p": "P",
    "t": "T",
    "d": "D",
    "k": "K",
    "q": "K",
    "c": "K",
    "g": "J",
    "j": "J",
    "f": "F",
    "v": "W",
    "s": "S",
    "z": "Z",
    "l": "L",
    "r": "R",
    "m": "M",
    "n": "N",
    "h": "H",
}
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=200_000)
def latin_skeleton(word: str) -> str:
    """The consonant skeleton of a folded Latin word (see the module docstring)."""
    out: list[str] = []
    i = 0
    n = len(word)
    if n > 3 and word.startswith("ou") and word[2] in _VOWELS:
        out.append("W")  # French romanisation: Ouardi = Wardi, Ouahid = Wahid
        i = 2
    while i < n:
        char = word[i]
        if char.isdigit():
            out.append(char)
            i += 1
            continue
        for spelling, cls in _DIGRAPHS:
            if word.startswith(spelling, i):
                out.append(cls)
                i += len(spelling)
                break
        else:
            if char in _VOWELS:
                pass
            elif char in "wy":
                if i == 0:
                    out.append("W" if char == "w" else "Y")
            elif char == "c" and i + 1 < n and word[i + 1] in "eiy":
                out.append("S")
            else:
                single = _SINGLE.get(char)
                if single is not None:
                    out.append(single)
            i += 1
    return _finish(out)


def _finish(classes: list[str]) -> str:
    collapsed: list[str] = []
    for cls in classes:
        if not collapsed or collapsed[-1] != cls:
            collapsed.append(cls)
    if len(collapsed) > 1 and collapsed[-1] == "H":
        collapsed.pop()
    return "".join(collapsed)


def collapse(skeleton: str) -> str:
    """Runs of one letter (or class) made single, e.g. in a skeleton joined from two words."""
    out: list[str] = []
    for cls in skeleton:
        if not out or out[-1] != cls:
            out.append(cls)
    return "".join(out)


def _fold_latin(text: str) -> str:
    return anyascii(text).casefold()


_ABD_FORMS = ("abdul", "abdel", "abdal", "abdur", "abdoul")


@lru_cache(maxsize=50_000)
def _misspelt_abd(word: str) -> bool:
    """abdul and its forms with one typo or swapped pair of letters (adbul, badur, abdull)."""
    if not 4 <= len(word) <= 7 or word in GLUE:
        return False
    return any(OSA.distance(word, form, score_cutoff=1) <= 1 for form in _ABD_FORMS)


def _glue_abd(word: str) -> str:
    """abdul/abdel/abdur… + rest → abd + rest (the article's vowel and l dropped)."""
    match = _ABD.match(word)
    if match is None:
        return word
    consonant = match.group(2)
    rest = word[match.end() :]
    if consonant == "l":
        return "abd" + rest
    return "abd" + consonant + rest  # sun letter: abdurrahman → abd + rrahman


@lru_cache(maxsize=100_000)
def prepare_name(name: str, organisation: bool = False) -> NameForm:
    """Normalise a whole name (any script) into a :class:`NameForm`."""
    text = unicodedata.normalize("NFKC", name).casefold()
    if text.count(",") == 1 and not organisation:
        surname, _, given = text.partition(",")  # "SURNAME, Given" as lists and manifests write it
        if surname.strip() and given.strip():
            text = f"{given} {surname}"
    cjk = "".join(char for char in text if _is_cjk(char))
    if organisation:
        for pattern, replacement in _LEGAL_PHRASES:
            text = pattern.sub(replacement, text)
    text = _APOSTROPHES.sub("", text)  # Qa'ida, Sab'awi, ‘Ali: one word each
    raw_words = [word for word in _SPLIT.split(text) if word]
    words: list[tuple[str, bool]] = []  # (word, from arabic script)
    for word in raw_words:
        if cjk and any(_is_cjk(char) for char in word):
            if not any(_is_han(char) for char in word):
                # Kana and Hangul spell sounds: their romanisation is a fair Latin form too.
                # Han characters are left to the CJK comparison (no Mandarin readings).
                for syllables in _CAMEL.findall(anyascii(word)):
                    words.append((syllables.lower(), False))
            continue
        if any(is_arabic_char(char) for char in word):
            words.append((word, True))
            continue
        folded = re.sub(r"[^a-z0-9]", "", _fold_latin(word.replace("'", "")))
        if folded:
            words.append((folded, False))
    tokens = _tokens(words, organisation)
    core = tuple(token for token in tokens if not token.minor) or tuple(tokens)
    arabic = any(token.arabic for token in tokens)
    folded = " ".join(sorted(token.skeleton if token.arabic else token.text for token in core))
    return NameForm(
        original=name,
        tokens=tuple(tokens),
        cjk=cjk,
        core=core,
        arabic=arabic,
        folded=folded,
        joined="".join(token.text for token in tokens if not token.arabic),
        organisation=organisation,
    )


def _tokens(words: list[tuple[str, bool]], organisation: bool) -> list[Token]:
    tokens: list[Token] = []
    pending = ""  # a glue word waiting for the next word (latin)
    pending_arabic = ""
    after_article = False
    for index, (word, arabic) in enumerate(words):
        last = index == len(words) - 1
        follows_article, after_article = after_article, False
        if arabic:
            if pending:
                tokens.append(_latin_token(pending, organisation))
                pending = ""
            skeletons = arabic_skeleton(word)
            if skeletons.glue and not last:
                pending_arabic += skeletons.skeleton
                continue
            if skeletons.link:
                continue
            if skeletons.suffix and tokens and not pending_arabic:
                before = tokens[-1]
                tokens[-1] = _arabic_token(
                    before.text + word, collapse(before.skeleton + skeletons.skeleton)
                )
                continue
            skeleton = collapse(pending_arabic + skeletons.skeleton)
            pending_arabic = ""
            if skeleton:
                tokens.append(_arabic_token(word, skeleton))
            continue
        if pending_arabic:
            tokens.append(_arabic_token("", pending_arabic))
            pending_arabic = ""
        if not organisation:
            if word in ARTICLES and not last and len(words) > 1:
                after_article = True
                continue
            if word in LINKS and index > 0 and not last:
                continue
            if not last and (word in GLUE or _misspelt_abd(word)):
                pending += "abd" if word.startswith("abd") or word not in GLUE else word
                continue
            if word in TITLES and len(words) > 2:
                continue
        if pending:
            tokens.append(_glued_token(pending, word))
            pending = ""
            continue
        if (
            not organisation
            and (word in SUFFIXES or (follows_article and word in SUFFIXES_AFTER_ARTICLE))
            and tokens
            and not tokens[-1].minor
            and not tokens[-1].arabic
            and not tokens[-1].initial
        ):
            tokens[-1] = _glued_token(tokens[-1].text, word, tokens[-1].skeleton)
            continue
        if not organisation and word in PARTICLES and (index == 0 or last):
            # van, de, le, du as the first or last word are a name (Le Van Duong, Tao Du).
            tokens.append(_name_word(word))
            continue
        tokens.append(_latin_token(word, organisation))
    if pending:
        tokens.append(_latin_token(pending, organisation))
    if pending_arabic:
        tokens.append(_arabic_token("", pending_arabic))
    return tokens


@cache
def _name_word(word: str) -> Token:
    return Token(word, latin_skeleton(word), initial=len(word) == 1)


@cache
def _arabic_token(word: str, skeleton: str) -> Token:
    return Token(word or skeleton.lower(), skeleton, arabic=True)


@cache
def _glued_token(first: str, second: str, first_skeleton: str | None = None) -> Token:
    """Two words written as one (abd + rahman, habib + ullah); each part keeps its own sounds."""
    if first_skeleton is None:
        first_skeleton = latin_skeleton(first)
    second_token = _latin_token(second, False)
    skeleton = collapse(first_skeleton + second_token.skeleton)
    return Token(first + second_token.text, skeleton)


@cache
def _latin_token(word: str, organisation: bool) -> Token:
    if organisation:
        form = LEGAL_FORMS.get(word)
        if form is not None:
            return Token(form, latin_skeleton(form), minor=True)
        return Token(word, latin_skeleton(word))
    glued = _glue_abd(word)
    if glued != word:
        return _glued_token("abd", glued[3:])
    if word.startswith(("al", "el")) and len(word) > 6 and word[2] == word[3]:
        word = word[2:]  # assimilated article glued on: alrrahman, asshami… → rahman
    minor = word in PARTICLES
    return Token(word, latin_skeleton(word), minor=minor, initial=len(word) == 1)
