"""The screener: watchlist entries indexed once, queries compared with few of them.

The candidate index maps keys to the entries whose names (or documents) carry them: each word's
consonant skeleton, the skeleton with one letter deleted (for typos and single transliteration
differences), CJK characters, and normalised document numbers. A query collects the entries that
share a key with it, then only those are scored (:mod:`interlock.screening.score`). Very common
keys (carried by a large share of a big list) only count when nothing rarer found a candidate.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import cdist

from interlock.screening.model import Band, Match, Query
from interlock.screening.normalize import NameForm, Token, prepare_name
from interlock.screening.score import (
    EntryScore,
    IdfWeights,
    PreparedEntry,
    PreparedName,
    frequency_key,
    normalise_document,
    prepare_entry,
    score_one,
    score_prepared,
)
from interlock.watchlists.model import EntryKind, PartialDate, WatchlistEntry

DEFAULT_THRESHOLD = 0.7
# Band floors (SG-22: reviewers see a band, not a verdict). See docs/screening.md for calibration.
BAND_FLOORS: tuple[tuple[float, Band], ...] = ((0.9, Band.HIGH), (0.8, Band.MEDIUM))
# A key carried by more names than this is not walked (it would say nothing in any case).
MAX_POSTINGS = 250_000
# A word carried by more names than this is credited only through word pairs.
RARE_POSTINGS = 3_000
_MIN_DELETE_KEY = 4


def band_for(score: float) -> Band:
    """The band of a score."""
    for floor, band in BAND_FLOORS:
        if score >= floor:
            return band
    return Band.LOW


@cache
def token_keys(token: Token) -> tuple[str, ...]:
    """An entry word's keys: its skeleton and, for typos and single transliteration differences,
    the skeleton with each letter deleted in turn (marked ``~``)."""
    skeleton = token.skeleton
    if token.minor or token.initial or not skeleton:
        return ()
    if len(skeleton) < _MIN_DELETE_KEY:
        return (skeleton,)
    return (skeleton, *("~" + skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))))


@cache
def _query_token_keys(token: Token) -> tuple[str, ...]:
    """A query word's keys, so that skeletons one edit apart meet: the skeleton itself; ``~`` +
    skeleton (the entry's has a letter more); each deletion (the query's has a letter more);
    ``~`` + each deletion (one letter differs)."""
    skeleton = token.skeleton
    if token.minor or token.initial or not skeleton:
        return ()
    keys = [skeleton]
    if len(skeleton) + 1 >= _MIN_DELETE_KEY:
        keys.append("~" + skeleton)
    if len(skeleton) >= _MIN_DELETE_KEY:
        for i in range(len(skeleton)):
            deleted = skeleton[:i] + skeleton[i + 1 :]
            keys.append(deleted)
            keys.append("~" + deleted)
    return tuple(dict.fromkeys(keys))


def _pair_key(first: str, second: str) -> str | None:
    """The key of two words' skeletons, in either order (None for one skeleton twice)."""
    if first == second or first.startswith("~") or second.startswith("~"):
        return None
    return "&" + first + "|" + second if first < second else "&" + second + "|" + first


_MAX_PAIR_WORDS = 6
_MAX_QUERY_WORDS = 12


def pair_keys(form: NameForm) -> set[str]:
    """A name's word-pair keys: names sharing two words with a query are found through them
    even when each word alone is carried by very many names (Maria, Garcia)."""
    skeletons = sorted(
        {
            token.skeleton
            for token in form.core
            if token.skeleton and not token.minor and not token.initial
        }
    )[:_MAX_PAIR_WORDS]
    return {"&" + a + "|" + b for a, b in combinations(skeletons, 2)}


# How many names (per query) are scored in full, best cheap bound first.
CANDIDATE_NAMES = 8
# How many names, best bound first, are re-ranked by spelling before the best are scored.
CANDIDATE_POOL = 256
# How much spelling similarity weighs when choosing among candidates of similar estimate.
SPELLING_TIEBREAK = 0.25
# Words whose skeleton this many names share are looked up by their skeleton only.
NEAR_SKIP = 64
# Entries born on the query's exact date are scored too, unless more than this many are.
BIRTH_DATE_CANDIDATES = 8
# Of an entry found by birth date or document only, this many names are compared in full.
DATE_CANDIDATE_NAMES = 3
# A key shared through a deleted letter counts this much of the word's weight.
NEAR_KEY_CREDIT = 0.8
# A name is scored only if the query words it shares a key with carry this share of the weight.
MIN_BOUND = 0.3


@dataclass(slots=True)
class _Arrays:
    """Scratch and per-name arrays of the candidate stage (one slot per indexed name)."""

    score: NDArray[np.float32]
    hits: NDArray[np.float32]
    bits: NDArray[np.int64]  # per name, the query words that credited it (reset per query)
    words: NDArray[np.float32]
    alive: NDArray[np.bool_]
    folded: NDArray[np.object_]  # each name's folded words, for spelling re-ranking


class Screener:
    """Screens queries against the active entries of any number of lists."""

    def __init__(self, entries: Iterable[WatchlistEntry] = (), *, today: date | None = None):
        self._today = today
        self._entries: list[PreparedEntry | None] = []
        self._position: dict[tuple[str, str], int] = {}
        # Name-level index: name id -> (entry position, prepared name).
        self._name_owner: list[int] = []
        self._name_ref: list[PreparedName] = []
        self._keys: dict[str, list[int]] = defaultdict(list)
        self._documents: dict[str, list[int]] = defaultdict(list)
        # Exact full birth dates: a listed person found by date when the name is an unknown alias.
        self._birth_dates: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        # (birth date, a name word's skeleton) → entries: in a big list, the listed person among
        # many of the same name is found by a date one year out and one shared word.
        self._born_words: dict[tuple[int, int, int, str], list[int]] = defaultdict(list)
        self._frequencies: Counter[str] = Counter()
        self._weights: IdfWeights | None = None
        self._posting_arrays: dict[str, NDArray[np.int32]] = {}
        self._arrays: _Arrays | None = None
        self._scratch_lock = threading.Lock()
        self.add(entries)

    def __len__(self) -> int:
        return len(self._position)

    @property
    def today(self) -> date:
        """The day used to decide whether an entry is past its review date."""
        return self._today or date.today()

    def add(self, entries: Iterable[WatchlistEntry]) -> None:
        """Add (or replace) entries; an entry is identified by its list and id."""
        for entry in entries:
            key = (entry.list_name, entry.entry_id)
            if key in self._position:
                self.remove(entry.list_name, [entry.entry_id])
            prepared = prepare_entry(entry)
            position = len(self._entries)
            self._entries.append(prepared)
            self._position[key] = position
            for name in prepared.names:
                name_id = len(self._name_owner)
                self._name_owner.append(position)
                self._name_ref.append(name)
                keys: set[str] = set()
                for token in name.form.tokens:
                    if not token.minor and token.skeleton:
                        self._frequencies[frequency_key(token)] += 1
                    keys.update(token_keys(token))
                keys.update(pair_keys(name.form))
                if name.form.cjk:
                    keys.update("#" + char for char in name.form.cjk)
                for name_key in keys:
                    self._keys[name_key].append(name_id)
            for number in prepared.documents:
                self._documents[number].append(position)
            skeletons = {
                token.skeleton
                for name in prepared.names
                for token in name.form.core
                if token.skeleton and not token.minor and not token.initial
            }
            for born in entry.birth_dates:
                if born.approximate or born.range_to_year:
                    continue
                day = (born.year, born.month or 0, born.day or 0)
                if born.day and born.month:
                    self._birth_dates[day].append(position)
                for skeleton in skeletons:
                    self._born_words[(*day, skeleton)].append(position)
        self._weights = None
        self._posting_arrays.clear()
        self._arrays = None

    def remove(self, list_name: str, entry_ids: Iterable[str]) -> None:
        """Remove entries; they stop matching at once (their index postings are skipped)."""
        for entry_id in entry_ids:
            position = self._position.pop((list_name, entry_id), None)
            if position is not None:
                prepared = self._entries[position]
                if prepared is not None:
                    for name in prepared.names:
                        for token in name.form.tokens:
                            if not token.minor and token.skeleton:
                                self._frequencies[frequency_key(token)] -= 1
                self._entries[position] = None
                self._arrays = None
                self._weights = None

    def _weight(self) -> IdfWeights:
        if self._weights is None:
            self._weights = IdfWeights(self._frequencies, len(self._name_owner))
        return self._weights

    def _ensure_arrays(self) -> _Arrays:
        """The per-name arrays the candidate stage works on, rebuilt after changes."""
        arrays = self._arrays
        if arrays is None:
            size = len(self._name_owner)
            alive = np.fromiter(
                (self._entries[owner] is not None for owner in self._name_owner),
                dtype=np.bool_,
                count=size,
            )
            words = np.fromiter(
                (max(1, len(name.form.core)) for name in self._name_ref),
                dtype=np.float32,
                count=size,
            )
            folded = np.empty(size, dtype=object)
            folded[:] = [name.form.folded for name in self._name_ref]
            arrays = self._arrays = _Arrays(
                score=np.zeros(size, dtype=np.float32),
                hits=np.zeros(size, dtype=np.float32),
                bits=np.zeros(size, dtype=np.int64),
                words=words,
                alive=alive,
                folded=folded,
            )
        return arrays

    def _postings(self, key: str) -> NDArray[np.int32] | None:
        """The names carrying ``key`` as an array (converted once, on first use)."""
        array = self._posting_arrays.get(key)
        if array is None:
            listed = self._keys.get(key)
            if not listed:
                return None
            array = self._posting_arrays[key] = np.array(listed, dtype=np.int32)
        return array

    def candidates(
        self, query: Query, form: NameForm | None = None
    ) -> dict[int, list[PreparedName] | None]:
        """Entry positions worth scoring, each with the names that share keys with the query
        (``None``: score all names, e.g. a document or exact birth-date hit).

        Every word's postings are accumulated in arrays (vectorised): a name's bound is the
        query weight its keys explain (a key shared through a deleted letter counts
        ``NEAR_KEY_CREDIT``); names are ranked by that share, less for names with more words
        than they share with the query, and the best are re-ranked by spelling."""
        if form is None:
            form = prepare_name(query.full_name, query.kind is EntryKind.ENTITY)
        chosen: dict[int, list[PreparedName] | None] = {}
        if self._name_owner:
            with self._scratch_lock:  # the scratch arrays serve one query at a time
                self._rank_names(form, chosen)
        number = normalise_document(query.document_number)
        if number:
            for position in self._documents.get(number, ()):
                chosen[position] = None
        born = query.birth_date
        if born is not None and not born.approximate:
            if born.day and born.month:
                same_day = self._birth_dates.get((born.year, born.month, born.day), ())
                if len(same_day) <= BIRTH_DATE_CANDIDATES:
                    for position in same_day:
                        chosen.setdefault(position, None)
            self._born_with_words(born, form, chosen)
        return chosen

    def _born_with_words(
        self, born: PartialDate, form: NameForm, chosen: dict[int, list[PreparedName] | None]
    ) -> None:
        """Entries born on the query's date (or its year, a year either side) that share a
        word with the query, when few do."""
        skeletons = {
            token.skeleton
            for token in form.core
            if token.skeleton and not token.minor and not token.initial
        }
        month, day = born.month or 0, born.day or 0
        added = 0
        for year in (born.year, born.year - 1, born.year + 1):
            for key_day in {(year, month, day), (year, 0, 0)}:
                for skeleton in skeletons:
                    positions = self._born_words.get((*key_day, skeleton), ())
                    if len(positions) > BIRTH_DATE_CANDIDATES:
                        continue
                    for position in positions:
                        if position not in chosen:
                            chosen[position] = None
                            added += 1
                    if added >= BIRTH_DATE_CANDIDATES:
                        return

    def _rank_names(self, form: NameForm, chosen: dict[int, list[PreparedName] | None]) -> None:
        arrays = self._ensure_arrays()
        weight = self._weight()
        score, hits, bits = arrays.score, arrays.hits, arrays.bits
        fresh_names: list[NDArray[np.int32]] = []

        def credit(names: NDArray[np.int32], word: int, amount: float, first: bool) -> None:
            # Each query word credits a name once (bit ``word`` of ``bits``; ``first``: this
            # word has credited nobody yet); the first credit of a name collects it.
            # Fancy-index += adds once per distinct index.
            flag = 1 << word
            marks = bits[names]
            if not first:
                open_ = (marks & flag) == 0
                names = names[open_]
                if not names.size:
                    return
                marks = marks[open_]
            fresh_names.append(names[marks == 0])
            score[names] += amount
            hits[names] += 1.0
            bits[names] |= flag

        words: list[tuple[int, float, tuple[str, ...], NDArray[np.int32] | None]] = []
        total = 0.0
        for token in form.core:
            keys = _query_token_keys(token)
            if not keys or len(words) >= _MAX_QUERY_WORDS:
                continue
            token_weight = weight(token)
            total += token_weight
            words.append((len(words), token_weight, keys, self._postings(keys[0])))
        common: list[tuple[int, float, NDArray[np.int32]]] = []
        for word, token_weight, keys, exact in words:
            if exact is not None and exact.size > RARE_POSTINGS:
                # A word carried by very many names is credited through word pairs below.
                common.append((word, token_weight, exact))
                continue
            if exact is not None:
                credit(exact, word, token_weight, True)
            if exact is not None and exact.size >= NEAR_SKIP:
                continue  # a skeleton many names share already unites a word's spellings
            near_arrays = [
                array
                for key in keys[1:]
                if (array := self._postings(key)) is not None and array.size <= RARE_POSTINGS
            ]
            if near_arrays:
                near = np.unique(np.concatenate(near_arrays))
                credit(near, word, token_weight * NEAR_KEY_CREDIT, exact is None)
        # Names sharing two words with the query, however common each word is alone (pairs
        # of words both walked above add nothing).
        walked_all = {index for index, *_rest in words} - {index for index, *_rest in common}
        for first, second in combinations(words, 2):
            if first[0] in walked_all and second[0] in walked_all:
                continue
            key = _pair_key(first[2][0], second[2][0])
            if key is None:
                continue
            pair = self._postings(key)
            if pair is not None and pair.size <= MAX_POSTINGS:
                credit(pair, first[0], first[1], False)
                credit(pair, second[0], second[1], False)
        if not fresh_names and common:
            word, token_weight, exact = min(common, key=lambda item: item[2].size)
            if exact.size <= MAX_POSTINGS:
                credit(exact, word, token_weight, True)
        if form.cjk:
            characters = set(form.cjk)
            total += 1.0
            for index, char in enumerate(sorted(characters)):
                array = self._postings("#" + char)
                if array is not None:
                    credit(array, min(_MAX_QUERY_WORDS + index, 62), 1.0 / len(characters), True)
        if not fresh_names:
            return
        names = fresh_names[0] if len(fresh_names) == 1 else np.concatenate(fresh_names)
        bound = score[names]
        shared = hits[names]
        score[names] = 0.0
        hits[names] = 0.0
        bits[names] = 0
        if total <= 0.0:
            return
        keep = (bound >= MIN_BOUND * total) & arrays.alive[names]
        names, bound, shared = names[keep], bound[keep], shared[keep]
        if not names.size:
            return
        estimate = bound / total * np.sqrt(np.minimum(1.0, shared / arrays.words[names]))
        if estimate.size > CANDIDATE_POOL:
            best = np.argpartition(-estimate, CANDIDATE_POOL)[:CANDIDATE_POOL]
            names, estimate = names[best], estimate[best]
        if estimate.size > CANDIDATE_NAMES:
            # Many names share the same keys (Mohammed Ahmadi, Muhammad Hamid …): among the
            # best, prefer those also spelled alike.
            spelled = cdist([form.folded], arrays.folded[names].tolist(), scorer=ratio)[0]
            estimate = estimate + SPELLING_TIEBREAK * spelled / 100.0
            order = np.argsort(-estimate, kind="stable")[:CANDIDATE_NAMES]
            names = names[order]
        owner = self._name_owner
        for name_id in names.tolist():
            listed = chosen.setdefault(owner[name_id], [])
            if listed is not None:
                listed.append(self._name_ref[name_id])

    def screen(
        self,
        query: Query,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        lists: Collection[str] | None = None,
    ) -> list[Match]:
        """The entries scoring at or above ``threshold`` for the query, best first."""
        organisation = query.kind is EntryKind.ENTITY
        form = prepare_name(query.full_name, organisation)
        weight = self._weight()
        today = self.today
        query_weights = [weight(token) for token in form.core]
        scored: list[tuple[float, str, str, PreparedEntry, list[PreparedName] | None]] = []
        for position, names in self.candidates(query, form).items():
            prepared = self._entries[position]
            if prepared is None:
                continue
            entry = prepared.entry
            if lists is not None and entry.list_name not in lists:
                continue
            if (
                entry.kind is not EntryKind.DOCUMENT
                and (entry.kind is EntryKind.ENTITY) != organisation
            ):
                continue
            if not entry.is_active(today):
                continue
            if names is None and len(prepared.names) > DATE_CANDIDATE_NAMES:
                names = _closest_names(form, prepared)
            outcome = score_prepared(
                query, form, prepared, weight, names, explain=False, query_weights=query_weights
            )
            if outcome.score >= threshold:
                scored.append((-outcome.score, entry.list_name, entry.entry_id, prepared, names))
        scored.sort(key=lambda item: item[:3])
        matches: list[Match] = []
        for _score, _list, _id, prepared, names in scored[:limit]:
            # Explanations are written only for the matches returned.
            outcome = score_prepared(query, form, prepared, weight, names)
            matches.append(_match(prepared.entry, outcome))
        return matches


def _closest_names(form: NameForm, prepared: PreparedEntry) -> list[PreparedName]:
    """An entry found by date or document, not by name: its names closest in spelling (one
    C call) are the ones worth comparing word by word."""
    spelled = cdist([form.folded], [name.form.folded for name in prepared.names], scorer=ratio)[0]
    best = np.argsort(-spelled, kind="stable")[:DATE_CANDIDATE_NAMES]
    return [prepared.names[index] for index in best.tolist()]


def _match(entry: WatchlistEntry, outcome: EntryScore) -> Match:
    return Match(
        entry.entry_id,
        entry.list_name,
        outcome.score,
        band_for(outcome.score),
        outcome.matched_name,
        outcome.explanations,
    )


def score_entry(query: Query, entry: WatchlistEntry) -> Match:
    """The full score of one entry for a query, without threshold (pair comparisons)."""
    return _match(entry, score_one(query, entry))
