"""The explainable score: weighted features of a query against one watchlist entry.

Every part of the score is an :class:`Explanation` (feature, weight, the two values, a reason),
so a reviewer sees which field matched which value and how much it weighed (SG-21, SG-46).

The name score aligns the words of two names one to one whatever their order, each pair scored
by spelling (Jaro-Winkler and edit distance) or, across scripts and romanisations, by consonant
skeleton. Each word weighs by how much it tells apart: rare words in the list weigh more than
Muhammad or Ali, particles and legal forms little, initials half. Words left over on either side
count against the name in proportion to their weight. Birth date, nationality, gender and
document numbers then adjust the name score as weak or strong evidence, per the policy in
:data:`EVIDENCE`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.fuzz import ratio

from interlock.screening.model import Explanation, Query
from interlock.screening.normalize import NameForm, Token, latin_skeleton, prepare_name
from interlock.watchlists.model import (
    EntryKind,
    NameStrength,
    PartialDate,
    WatchlistEntry,
)

# Score adjustments for evidence beside the name (added to the name score, then clipped to 0..1).
EVIDENCE: dict[str, float] = {
    "birth_date_exact": 0.12,
    "birth_date_year": 0.03,
    "birth_date_near": -0.04,  # year ±1 or day and month swapped: weak evidence against
    # Birth years two or more apart, neither approximate: strong evidence against, the stronger
    # the less distinctive the name (John Lee -0.24; a rare four-part name -0.12, since a long
    # distinctive name that matches is more likely a wrong date than another person).
    "birth_date_differs": -0.3,
    "birth_date_differs_distinctive": -0.12,
    # More than FAR_YEARS apart: for an indistinct name (Jie Dong, Wei Zhang) that is another
    # person; a distinctive full name still only loses the distinctive amount above.
    "birth_date_far": -0.4,
    # DISTANT_YEARS or more apart and not a slip of one digit or two swapped digits (1958 for
    # 1978, 1975 for 1957): another person, however distinctive the name (a child is never
    # the adult on the list). Not softened by distinctiveness.
    "birth_date_distant": -0.4,
    "nationality_match": 0.02,
    "nationality_differs": -0.03,
    "gender_differs": -0.06,
    "document_match": 0.35,
}
WEAK_ALIAS_FACTOR = 0.92
# Summed word weight (default_weight) at which a matched name counts as fully distinctive.
SPECIFIC_NAME = 2.5
# Birth years further apart than this count as far (see EVIDENCE["birth_date_far"]).
FAR_YEARS = 5
# Birth years at least this far apart, and not a typing slip, are another person.
DISTANT_YEARS = 15
# The least score of an entry whose document (number and issuer) the query carries.
DOCUMENT_FLOOR = 0.85
# Words so common in names worldwide that they tell little apart whatever the list says.
COMMON_WORDS = (
    "muhammad mohammed mohammad mohamed muhammed mohamad mohamud mohammod ahmad ahmed ali "
    "hassan hasan hussein husain hussain husein abdallah abdullah abdulla abdul abu khan mahmoud "
    "mahmud omar umar ibrahim ismail yusuf yousef yousif mustafa mostafa said saeed khalid khaled "
    "karim rahman rehman rahim aziz jan gul shah haji "
    "kim lee park choi jung kang cho yoon jang lim han wang li zhang liu chen yang huang zhao wu "
    "zhou nguyen tran le pham singh kumar sharma patel smith johnson williams brown jones garcia "
    "rodriguez martinez hernandez lopez gonzalez perez sanchez john james david maria mary jose "
    "ivanov ivan petrov sergey alexander aleksandr vladimir"
)
COMMON_TEXTS = frozenset(
    token.text for word in COMMON_WORDS.split() for token in prepare_name(word).core
)
COMMON_SKELETONS = frozenset(latin_skeleton(word) for word in COMMON_WORDS.split())


@dataclass(slots=True)
class PreparedName:
    """An entry's name, normalised once at load."""

    form: NameForm
    strength: NameStrength
    display: str


@dataclass(slots=True)
class PreparedEntry:
    """A watchlist entry with its names normalised and documents keyed, ready to score."""

    entry: WatchlistEntry
    names: tuple[PreparedName, ...]
    documents: frozenset[str] = field(default_factory=frozenset)
    has_latin: bool = False  # has a name written in Latin (or folded to Latin) script


def prepare_entry(entry: WatchlistEntry) -> PreparedEntry:
    """Normalise an entry's names and document numbers (once, when a list is loaded)."""
    organisation = entry.kind is EntryKind.ENTITY
    names = tuple(
        PreparedName(prepare_name(name.full, organisation), name.strength, name.full)
        for name in entry.names
        if name.full.strip()
    )
    documents = frozenset(
        number for number in (normalise_document(doc.number) for doc in entry.documents) if number
    )
    has_latin = any(not name.form.arabic and name.form.tokens for name in names)
    return PreparedEntry(entry, names, documents, has_latin)


def normalise_document(number: str | None) -> str:
    """A document number compared exactly: upper case, letters and digits only."""
    if not number:
        return ""
    return "".join(char for char in number.upper() if char.isalnum())


WeightFn = Callable[[Token], float]


# Numbers and roman numerals tell apart Fund VIII from Fund IX, Solutions from Solutions II.
_QUALIFIER = re.compile(r"^(?:\d+|[ivx]{1,4})$")


def default_weight(token: Token) -> float:
    """A word's weight without list statistics."""
    if token.minor:
        return 0.15
    if token.initial:
        return 0.4
    if token.arabic:
        weight = 0.45 if token.skeleton in COMMON_SKELETONS else 1.0
        return weight * 0.6 if len(token.skeleton) <= 1 else weight
    weight = 0.45 if token.text in COMMON_TEXTS else 1.0
    if len(token.text) <= 2 and not _QUALIFIER.match(token.text):
        return weight * 0.6
    return weight


def frequency_key(token: Token) -> str:
    """What word frequencies are counted on: the spelling of a Latin word (its skeleton would
    lump Vanhee with Wan and Wen), the skeleton of an Arabic-script one."""
    return "@" + token.skeleton if token.arabic else token.text


class IdfWeights:
    """Word weights from how many of the list's names carry each skeleton (inverse document
    frequency), memoised per word; a new instance is made when the list changes."""

    def __init__(self, frequencies: Mapping[str, int], total: int) -> None:
        self._frequencies = frequencies
        self._total = total
        self._scale = math.log(total + 1.0)
        self._memo: dict[Token, float] = {}

    def __call__(self, token: Token) -> float:
        value = self._memo.get(token)
        if value is None:
            value = self._memo[token] = self._compute(token)
        return value

    def _compute(self, token: Token) -> float:
        base = default_weight(token)
        if token.minor or token.initial or self._total < 50:
            return base
        count = self._frequencies.get(frequency_key(token), 0)
        rarity = math.log((self._total + 1.0) / (count + 1.0)) / self._scale
        return base * (0.35 + 0.65 * rarity)


# Letters that romanisations of Arabic and Persian interchange (ض ظ ذ as d/dh/z, ث as th/s,
# ق as q/k/g/gh, خ as kh/h): one class each when an Arabic-script word meets a Latin one.
_COARSE = str.maketrans({"Z": "D", "S": "T", "G": "K", "J": "K", "X": "H", "P": "B", "W": "F"})
_SIMILARITIES: dict[tuple[Token, Token], float] = {}
_SIMILARITY_CACHE_LIMIT = 2_000_000


def token_similarity(a: Token, b: Token) -> float:
    """How alike two name words are, 0..1, by spelling or, across scripts, by skeleton (cached)."""
    key = (a, b)
    value = _SIMILARITIES.get(key)
    if value is None:
        if len(_SIMILARITIES) >= _SIMILARITY_CACHE_LIMIT:
            _SIMILARITIES.clear()
        value = _SIMILARITIES[key] = _token_similarity(a, b)
    return value


_VOWEL_CLASS = {"a": "a", "e": "i", "i": "i", "o": "u", "u": "u"}


def first_vowel(word: str) -> str:
    """The class of a word's first vowel (a; e/i; o/u): Mohammed and Muhammad agree on it,
    Mohammed and Mahmud, Cheng and Chang, Ming and Myong do not."""
    for char in word:
        cls = _VOWEL_CLASS.get(char)
        if cls is not None:
            return cls
    return ""


def _token_similarity(a: Token, b: Token) -> float:
    if a.initial or b.initial:
        if a.initial and b.initial:
            return 1.0 if a.text == b.text else 0.0
        long = b if a.initial else a
        short = a if a.initial else b
        return 0.7 if long.text[:1] == short.text else 0.0
    if a.arabic or b.arabic:
        if a.skeleton == b.skeleton:
            return 0.95 if len(a.skeleton) >= 3 else 0.85
        coarse_a = a.skeleton.translate(_COARSE)
        coarse_b = b.skeleton.translate(_COARSE)
        shorter = min(len(a.skeleton), len(b.skeleton))
        if coarse_a == coarse_b:
            return 0.9 if shorter >= 3 else 0.8
        if shorter >= 3 and Levenshtein.distance(coarse_a, coarse_b, score_cutoff=1) <= 1:
            return 0.8
        return 0.5 * Levenshtein.normalized_similarity(coarse_a, coarse_b)
    if a.text == b.text:
        return 1.0
    if a.flat == b.flat:
        return 0.96  # Ayub / Ayyub, Inocent / Innocent
    spelled = 0.5 * JaroWinkler.similarity(a.text, b.text) + 0.5 * (
        Levenshtein.normalized_similarity(a.text, b.text)
    )
    if (
        a.skeleton == b.skeleton
        and len(a.skeleton) >= 3
        and spelled >= 0.6
        and 4 * min(len(a.text), len(b.text)) >= 3 * max(len(a.text), len(b.text))
        and first_vowel(a.text) == first_vowel(b.text)
    ):
        spelled = max(spelled, 0.92)  # a transliteration variant: Mohammed / Muhammad
    return spelled


@dataclass(slots=True)
class NameScore:
    """The outcome of comparing two names, with the aligned words for explanations."""

    score: float
    pairs: list[tuple[Token, Token, float]]
    extra_query: list[Token]
    extra_entry: list[Token]
    script: str = "latin"

    @property
    def specificity(self) -> float:
        """How distinctive the matched words are in people's names generally, 0..1: two
        uncommon words matched in full give 0.8, John Lee 0.36."""
        if self.script == "cjk":
            return 0.6
        matched = sum(_distinctive(a) * min(1.0, sim) for a, _b, sim in self.pairs)
        return min(1.0, matched / SPECIFIC_NAME)


def _distinctive(token: Token) -> float:
    """How much one matched word tells people apart in general: common words and the short
    syllables of Chinese, Korean and Vietnamese names (Wei, Jie, Dong) tell little."""
    weight = default_weight(token)
    if token.arabic or token.minor or token.initial:
        return weight
    if len(token.text) <= 3:
        return weight * 0.5
    if len(token.text) == 4:
        return weight * 0.75
    return weight


_PAIR_FLOOR = 0.55
_JOINED_FLOOR = 0.9
EXTRA_ENTRY = 0.6
EXTRA_QUERY = 0.6
EXTRA_CONFLICT = 2.0
_FULL_CREDIT = 0.85
_NO_CREDIT = 0.6


def _credit(similarity: float) -> float:
    """What a word pair adds: its similarity, less and less below 0.85 (near misses are often
    other names: Angela / Angelo counts, Jun / Yun little, Merkel / Mercaz not at all)."""
    if similarity >= _FULL_CREDIT:
        return similarity
    return similarity * max(0.0, (similarity - _NO_CREDIT) / (_FULL_CREDIT - _NO_CREDIT))


def compare_names(
    query: NameForm,
    entry: NameForm,
    weight: WeightFn = default_weight,
    query_weights: Sequence[float] | None = None,
) -> NameScore:
    """Align two names word by word, in any order, and score the weighted share that matched."""
    if query.cjk and entry.cjk:
        cjk = 1.0 if query.cjk == entry.cjk else ratio(query.cjk, entry.cjk) / 100.0
        return NameScore(cjk * 0.98 if cjk < 1.0 else 1.0, [], [], [], script="cjk")
    q_tokens = query.core
    e_tokens = entry.core
    if not q_tokens or not e_tokens:
        return NameScore(0.0, [], list(q_tokens), list(e_tokens))
    wq = query_weights if query_weights is not None else [weight(t) for t in q_tokens]
    we = [weight(t) for t in e_tokens]
    similarity = token_similarity
    scored = [
        (similarity(a, b), i, j) for i, a in enumerate(q_tokens) for j, b in enumerate(e_tokens)
    ]
    scored.sort(reverse=True)
    free_q = [True] * len(q_tokens)
    free_e = [True] * len(e_tokens)
    pairs: list[tuple[Token, Token, float]] = []
    matched = 0.0
    paired = 0.0
    for sim, i, j in scored:
        if sim < _PAIR_FLOOR:
            break
        if free_q[i] and free_e[j]:
            free_q[i] = free_e[j] = False
            pairs.append((q_tokens[i], e_tokens[j], sim))
            both = wq[i] + we[j]
            paired += both
            matched += both * (sim if sim >= _FULL_CREDIT else _credit(sim))
    extra_q_weight = 0.0
    for index, free in enumerate(free_q):
        if free:
            extra_q_weight += wq[index]
    extra_e_weight = 0.0
    for index, free in enumerate(free_e):
        if free:
            extra_e_weight += we[index]
    # Words only the list has (father's, tribal names) count less than words only the query
    # has; words left over on both sides disagree, which counts more.
    if extra_q_weight and extra_e_weight:
        total = paired + (extra_q_weight + extra_e_weight) * EXTRA_CONFLICT
    elif entry.organisation:
        total = paired + extra_q_weight + extra_e_weight  # Banco Santander / … Chile differ
    elif len(pairs) <= 1:
        # One shared word (Musa, Ward) is little evidence: what else the query says counts fully.
        total = paired + extra_q_weight + extra_e_weight * EXTRA_ENTRY
    else:
        total = paired + extra_q_weight * EXTRA_QUERY + extra_e_weight * EXTRA_ENTRY
    score = matched / total if total else 0.0
    extra_q = [t for t, free in zip(q_tokens, free_q, strict=True) if free]
    extra_e = [t for t, free in zip(e_tokens, free_e, strict=True) if free]
    arabic = query.arabic or entry.arabic
    if (extra_q or extra_e) and not arabic and score < _JOINED_FLOOR * 0.97:
        # Words split or joined differently (Vanderbruggen, JanDaniel): the whole names.
        joined = ratio(query.joined, entry.joined, score_cutoff=90.0) / 100.0
        if joined * 0.97 > score:
            score = joined * 0.97
            extra_q, extra_e = [], []
    return NameScore(score, pairs, extra_q, extra_e, script="arabic" if arabic else "latin")


def _date_text(value: PartialDate) -> str:
    text = f"{value.year:04d}"
    if value.month:
        text += f"-{value.month:02d}"
        if value.day:
            text += f"-{value.day:02d}"
    if value.range_to_year:
        text += f"..{value.range_to_year:04d}"
    if value.approximate:
        text = "~" + text
    return text


def compare_birth_dates(query: PartialDate, entry: PartialDate) -> tuple[str, float, str]:
    """The DOB feature for one pair of dates: (evidence key or "", adjustment, reason)."""
    if entry.range_to_year is not None:
        if entry.year <= query.year <= entry.range_to_year:
            return "birth_date_year", EVIDENCE["birth_date_year"], "birth year within listed range"
        return "", 0.0, "listed as a range: never counts against"
    if query.year == entry.year:
        if query.month and entry.month and query.day and entry.day:
            if (query.month, query.day) == (entry.month, entry.day):
                return "birth_date_exact", EVIDENCE["birth_date_exact"], "same date of birth"
            if (query.month, query.day) == (entry.day, entry.month):
                return "birth_date_near", EVIDENCE["birth_date_near"], "day and month swapped"
            if entry.approximate:
                return "birth_date_year", EVIDENCE["birth_date_year"], "same year (approximate)"
            return "birth_date_near", EVIDENCE["birth_date_near"], "same year, other day"
        return "birth_date_year", EVIDENCE["birth_date_year"], "same birth year"
    if entry.approximate:
        return "", 0.0, "approximate date: never counts against"
    gap = abs(query.year - entry.year)
    if gap == 1:
        return "birth_date_near", EVIDENCE["birth_date_near"], "birth year one apart"
    if gap >= DISTANT_YEARS and not _year_slip(query.year, entry.year):
        reason = f"birth years {gap} apart, not a typing slip: another person"
        return "birth_date_distant", EVIDENCE["birth_date_distant"], reason
    if gap > FAR_YEARS:
        return "birth_date_far", EVIDENCE["birth_date_far"], f"birth years {gap} apart"
    return "birth_date_differs", EVIDENCE["birth_date_differs"], f"birth years {gap} apart"


def _year_slip(a: int, b: int) -> bool:
    """Whether two years differ by one mistyped digit or two neighbouring digits swapped."""
    x, y = f"{a:04d}", f"{b:04d}"
    differ = [i for i in range(len(x)) if x[i] != y[i]]
    if len(differ) == 1:
        return True
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and (x[differ[0]], x[differ[1]]) == (y[differ[1]], y[differ[0]])
    )


@dataclass(slots=True)
class EntryScore:
    """The score of one entry for one query with its explanations."""

    score: float
    matched_name: str
    explanations: list[Explanation]


def score_prepared(
    query: Query,
    query_form: NameForm,
    prepared: PreparedEntry,
    weight: WeightFn = default_weight,
    names: Iterable[PreparedName] | None = None,
    *,
    explain: bool = True,
    query_weights: Sequence[float] | None = None,
) -> EntryScore:
    """Score one prepared entry for a query; ``names`` limits the names tried, and
    ``explain=False`` skips writing the explanations (the score is the same)."""
    best: NameScore | None = None
    best_name: PreparedName | None = None
    best_value = 0.0
    if query_weights is None:
        query_weights = [weight(token) for token in query_form.core]
    # A Latin-script query is compared with the entry's Latin names where it has any: an
    # original-script name adds only vowel-less guesses to what the Latin names say.
    skip_arabic = not query_form.arabic and prepared.has_latin
    tried = prepared.names if names is None else names
    if skip_arabic and names is not None and all(name.form.arabic for name in names):
        tried = prepared.names  # found through an original-script name: try the Latin ones
    for name in tried:
        if skip_arabic and name.form.arabic:
            continue
        outcome = compare_names(query_form, name.form, weight, query_weights)
        value = outcome.score
        if name.strength is NameStrength.WEAK_ALIAS:
            value *= WEAK_ALIAS_FACTOR
        if best is None or value > best_value:
            best, best_name, best_value = outcome, name, value
    explanations: list[Explanation] = []
    score = best_value
    if explain and best is not None and best_name is not None:
        explanations.append(_name_explanation(query_form, best_name, best, score))
    adjustment = 0.0
    entry = prepared.entry
    if query.birth_date is not None and entry.birth_dates:
        key, value, reason = max(
            (compare_birth_dates(query.birth_date, listed) for listed in entry.birth_dates),
            key=lambda item: item[1],
        )
        if key in ("birth_date_differs", "birth_date_far") and best is not None:
            low = EVIDENCE["birth_date_differs_distinctive"]
            value = value + (low - value) * best.specificity
            reason = f"{reason} (name distinctiveness {best.specificity:.2f})"
        adjustment += value
        if explain:
            listed = ", ".join(_date_text(d) for d in entry.birth_dates[:3])
            explanations.append(
                Explanation("birth_date", value, _date_text(query.birth_date), listed, reason)
            )
    if query.nationality and entry.nationalities:
        if query.nationality in entry.nationalities:
            value = EVIDENCE["nationality_match"]
            reason = "nationality listed"
        else:
            value = EVIDENCE["nationality_differs"]
            reason = "nationality not among the listed ones (weak evidence)"
        adjustment += value
        if explain:
            listed = ", ".join(entry.nationalities)
            explanations.append(
                Explanation("nationality", value, query.nationality, listed, reason)
            )
    if query.gender and entry.gender and query.gender != entry.gender:
        value = EVIDENCE["gender_differs"]
        adjustment += value
        if explain:
            explanations.append(
                Explanation("gender", value, query.gender, entry.gender, "gender differs (weak)")
            )
    floor = 0.0
    number = normalise_document(query.document_number) if prepared.documents else ""
    if number and number in prepared.documents:
        listed_doc = next(
            doc for doc in entry.documents if normalise_document(doc.number) == number
        )
        if (
            not query.document_country
            or not listed_doc.country
            or query.document_country == listed_doc.country
        ):
            value = EVIDENCE["document_match"]
            adjustment += value
            # The same document of the same issuer is an alert whatever the name says
            # (a lost or stolen document, or a listed person's passport under another name).
            floor = 1.0 if entry.kind is EntryKind.DOCUMENT else DOCUMENT_FLOOR
            if explain:
                explanations.append(
                    Explanation(
                        "document",
                        value,
                        f"{query.document_country or '?'} {query.document_number}",
                        f"{listed_doc.country or '?'} {listed_doc.number}",
                        "same document number and issuer",
                    )
                )
    score = max(floor, min(1.0, max(0.0, score + adjustment)))
    return EntryScore(score, best_name.display if best_name else "", explanations)


def _name_explanation(
    query_form: NameForm, name: PreparedName, outcome: NameScore, value: float
) -> Explanation:
    parts = []
    for a, b, sim in outcome.pairs:
        if sim >= 0.999:
            parts.append(f"{a.text or a.skeleton}={b.text or b.skeleton}")
        elif a.arabic or b.arabic:
            parts.append(f"{a.text}~{b.text} (consonants {a.skeleton})")
        else:
            parts.append(f"{a.text}~{b.text} ({sim:.2f})")
    if outcome.extra_query:
        parts.append("only in query: " + " ".join(t.text for t in outcome.extra_query))
    if outcome.extra_entry:
        parts.append("only in list: " + " ".join(t.text for t in outcome.extra_entry))
    if outcome.script == "cjk":
        parts = [f"{query_form.cjk} vs {name.form.cjk} compared in their own script"]
    strength = {
        NameStrength.PRIMARY: "primary name",
        NameStrength.ALIAS: "alias",
        NameStrength.WEAK_ALIAS: "weak alias (counts less)",
    }[name.strength]
    reason = f"{strength}; " + "; ".join(parts) if parts else strength
    return Explanation("name", value, query_form.original, name.display, reason)


def score_one(query: Query, entry: WatchlistEntry) -> EntryScore:
    """Score one entry for a query without a list's statistics (pair comparisons, tests)."""
    form = prepare_name(query.full_name, query.kind is EntryKind.ENTITY)
    return score_prepared(query, form, prepare_entry(entry))
