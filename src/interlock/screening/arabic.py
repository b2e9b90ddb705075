"""Arabic-script names mapped letter by letter into the consonant classes of
:func:`interlock.screening.normalize.latin_skeleton`.

Arabic writes consonants and long vowels; short vowels are left out. The romanisations the
lists use (Mohammed, Muhammad, Mohamad …) differ almost only in vowels, so both sides meet on a
vowel-less key: alif, hamza and ʿayn drop; و and ي are consonants (W, Y) at the start of a word
and vowels (dropped) inside it, as the Latin side treats w and y; ة and a final ه drop as the
Latin side drops a final h. The article ال is removed, عبد and أبو join the next word, and بن /
ابن (son of) are links that carry no identity.
"""

from __future__ import annotations

from dataclasses import dataclass

_LETTERS: dict[str, str] = {
    "ب": "B",
    "پ": "P",
    "ت": "T",
    "ث": "T",
    "ج": "J",
    "چ": "$",
    "ح": "H",
    "خ": "X",
    "د": "D",
    "ذ": "D",
    "ر": "R",
    "ز": "Z",
    "ژ": "J",
    "س": "S",
    "ش": "$",
    "ص": "S",
    "ض": "D",
    "ط": "T",
    "ظ": "Z",
    "غ": "G",
    "ف": "F",
    "ق": "K",
    "ك": "K",
    "ک": "K",
    "گ": "J",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "ه": "H",
    "ھ": "H",
}
_SILENT = frozenset("اأإآٱءئؤعىة" + "\u0640")  # alif forms, hamza, ʿayn, alif maqsura, tatweel
_SEMIVOWELS = {"و": "W", "ي": "Y", "ی": "Y", "ې": "Y"}
_LINKS = frozenset({"بن", "ابن", "بنت", "إبن"})
_GLUE = frozenset({"عبد", "ابو", "أبو", "ابي", "أبي", "ام", "أم"})
# Words written apart in Arabic script that romanisations join to the word before them:
# Habib Allah → Habibullah, Shihab al-Din → Shahabuddin, Akhund Zada → Akhundzada.
_SUFFIXES = frozenset({"الله", "الدين", "الدین", "زاده", "زادہ"})


@dataclass(slots=True, frozen=True)
class ArabicWord:
    """The skeleton of one Arabic-script word and its role in the name."""

    skeleton: str
    glue: bool = False  # joins the following word (عبد, أبو)
    link: bool = False  # son/daughter of: dropped
    suffix: bool = False  # joins the word before it (الله, الدين)


def is_arabic_char(char: str) -> bool:
    """Whether ``char`` is in one of the Arabic Unicode blocks."""
    code = ord(char)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


def arabic_skeleton(word: str) -> ArabicWord:
    """The consonant skeleton of one Arabic-script word (diacritics ignored)."""
    letters = "".join(
        char for char in word if char in _LETTERS or char in _SILENT or char in _SEMIVOWELS
    )
    if letters in _LINKS:
        return ArabicWord("", link=True)
    glue = letters in _GLUE
    suffix = letters in _SUFFIXES
    if letters.startswith("عبدال") and len(letters) > 6:
        letters = "عبد" + letters[5:]  # عبدالرحمن written as one word
    elif letters.startswith("ال") and len(letters) > 3:
        letters = letters[2:]
    elif letters.startswith("لل") and len(letters) > 3:  # لله after a preposition
        letters = letters[1:]
    classes: list[str] = []
    for index, char in enumerate(letters):
        cls = _LETTERS.get(char)
        if cls is not None:
            classes.append(cls)
        elif char in _SEMIVOWELS and index == 0:
            classes.append(_SEMIVOWELS[char])
    collapsed: list[str] = []
    for cls in classes:
        if not collapsed or collapsed[-1] != cls:
            collapsed.append(cls)
    if len(collapsed) > 1 and collapsed[-1] == "H":
        collapsed.pop()
    return ArabicWord("".join(collapsed), glue=glue, suffix=suffix)
