"""The screener: watchlist entries indexed once, queries compared with few of them.

The candidate index maps keys to the entries whose names (or documents) carry them: each word's
consonant skeleton, the skeleton with one letter deleted (for typos and single transliteration
differences), CJK characters, and normalised document numbers. A query collects the entries that
share a key with it, then only those are scored (:mod:`interlock.screening.score`). Very common
keys (carried by a large share of a big list) only count when nothing rarer found a candidate.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from functools import cache

from rapidfuzz.fuzz import ratio

from interlock.screening.model import Band, Match, Query
from interlock.screening.normalize import NameForm, Token, prepare_name
from interlock.screening.score import (
    IdfWeights,
    PreparedEntry,
    PreparedName,
    frequency_key,
    normalise_document,
    prepare_entry,
    score_one,
    score_prepared,
)
from interlock.watchlists.model import EntryKind, WatchlistEntry

DEFAULT_THRESHOLD = 0.7
# Band floors (SG-22: reviewers see a band, not a verdict). See docs/screening.md for calibration.
BAND_FLOORS: tuple[tuple[float, Band], ...] = ((0.9, Band.HIGH), (0.8, Band.MEDIUM))
# A key carried by more names than this is only used when nothing rarer found a candidate.
COMMON_KEY_LIMIT = 2_000
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


# How many names (per query) are scored in full, best cheap bound first.
CANDIDATE_NAMES = 8
# How much spelling similarity weighs when choosing among candidates of similar estimate.
SPELLING_TIEBREAK = 0.25
# Words whose skeleton this many names share are looked up by their skeleton only.
NEAR_SKIP = 64
# Entries born on the query's exact date are scored too, unless more than this many are.
BIRTH_DATE_CANDIDATES = 8
# A key shared through a deleted letter counts this much of the word's weight.
NEAR_KEY_CREDIT = 0.8
# A name is scored only if the query words it shares a key with carry this share of the weight.
MIN_BOUND = 0.3


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
        self._frequencies: Counter[str] = Counter()
        self._weights: IdfWeights | None = None
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
                if name.form.cjk:
                    keys.update("#" + char for char in name.form.cjk)
                for name_key in keys:
                    self._keys[name_key].append(name_id)
            for number in prepared.documents:
                self._documents[number].append(position)
            for born in entry.birth_dates:
                if born.day and born.month and not born.approximate and not born.range_to_year:
                    self._birth_dates[(born.year, born.month, born.day)].append(position)
        self._weights = None

    def remove(self, list_name: str, entry_ids: Iterable[str]) -> None:
        """Remove entries; they stop matching at once (their index postings are skipped)."""
        for entry_id in entry_ids:
            position = self._position.pop((list_name, entry_id), None)
            if position is not None:
                self._entries[position] = None

    def _weight(self) -> IdfWeights:
        if self._weights is None:
            self._weights = IdfWeights(self._frequencies, len(self._name_owner))
        return self._weights

    def candidates(
        self, query: Query, form: NameForm | None = None
    ) -> dict[int, list[PreparedName] | None]:
        """Entry positions worth scoring, each with the names that share keys with the query
        (``None``: score all names, e.g. a document hit)."""
        if form is None:
            form = prepare_name(query.full_name, query.kind is EntryKind.ENTITY)
        weight = self._weight()
        bounds: dict[int, float] = defaultdict(float)
        hits: dict[int, int] = defaultdict(int)
        total = 0.0
        common: list[tuple[float, list[int]]] = []
        found: list[tuple[int, float, tuple[str, ...], list[int], list[list[int]]]] = []
        keys_of = self._keys
        for token in form.core:
            keys = _query_token_keys(token)
            if not keys:
                continue
            token_weight = weight(token)
            total += token_weight
            exact_postings = keys_of.get(keys[0], [])
            # A skeleton many names share (MHMD) already unites the spellings of a common word;
            # its one-letter neighbours would only add thousands of postings.
            near_lists = (
                [postings for key in keys[1:] if (postings := keys_of.get(key))]
                if len(exact_postings) < NEAR_SKIP
                else []
            )
            posting_count = len(exact_postings) + sum(map(len, near_lists))
            found.append((posting_count, token_weight, keys, exact_postings, near_lists))
        # Rarest words first. Once enough names are found that a name carrying none of the
        # words found so far could not outrank them (nor reach the floor), the commoner words
        # left only add to the names already found (set intersections, not posting walks).
        found.sort(key=lambda item: item[0])
        remaining = total
        floor = MIN_BOUND * total
        enough = CANDIDATE_NAMES * 4
        for _size, token_weight, _keyset, exact, near_lists in found:
            if bounds and (
                remaining < floor
                or sum(1 for bound in bounds.values() if bound >= remaining) >= enough
            ):
                exact_hits = bounds.keys() & set(exact)
                for name_id in exact_hits:
                    bounds[name_id] += token_weight
                    hits[name_id] += 1
                near_weight = token_weight * NEAR_KEY_CREDIT
                near_hits = bounds.keys() & set().union(*near_lists)
                for name_id in near_hits.difference(exact_hits):
                    bounds[name_id] += near_weight
                    hits[name_id] += 1
                continue
            remaining -= token_weight
            if len(exact) > COMMON_KEY_LIMIT:
                common.append((token_weight, exact))
                exact = []
            near: set[int] = set()
            for postings in near_lists:
                if len(postings) <= COMMON_KEY_LIMIT:
                    near.update(postings)
            for name_id in exact:
                bounds[name_id] += token_weight
                hits[name_id] += 1
            near_weight = token_weight * NEAR_KEY_CREDIT
            for name_id in near.difference(exact):
                bounds[name_id] += near_weight
                hits[name_id] += 1
        if not bounds and common:
            token_weight, postings = min(common, key=lambda item: len(item[1]))
            for name_id in postings:
                bounds[name_id] += token_weight
                hits[name_id] += 1
        if form.cjk:
            total += 1.0
            cjk_hit: set[int] = set()
            for char in form.cjk:
                cjk_hit.update(self._keys.get("#" + char, ()))
            for name_id in cjk_hit:
                bounds[name_id] += 1.0
                hits[name_id] += 1
        chosen: dict[int, list[PreparedName] | None] = {}
        if bounds and total > 0:
            floor = MIN_BOUND * total
            entries = self._entries
            owner = self._name_owner
            estimates: list[tuple[float, int]] = []
            for name_id, bound in bounds.items():
                if bound < floor or entries[owner[name_id]] is None:
                    continue
                # The query's weight the shared keys could explain, less for names with more
                # words than the query shares with them.
                words = len(self._name_ref[name_id].form.core) or 1
                shared = hits[name_id]
                share = 1.0 if shared >= words else math.sqrt(shared / words)
                estimates.append((bound / total * share, name_id))
            estimates.sort(reverse=True)
            if len(estimates) > CANDIDATE_NAMES:
                # Many names share the same keys (Mohammed Ahmadi, Muhammad Hamid …): among the
                # best, prefer those also spelled alike.
                pool = estimates[: CANDIDATE_NAMES * 4]
                folded = form.folded
                refs = self._name_ref
                pool.sort(
                    key=lambda item: (
                        item[0]
                        + SPELLING_TIEBREAK * ratio(folded, refs[item[1]].form.folded) / 100.0
                    ),
                    reverse=True,
                )
                estimates = pool
            for _estimate, name_id in estimates[:CANDIDATE_NAMES]:
                names = chosen.setdefault(owner[name_id], [])
                if names is not None:
                    names.append(self._name_ref[name_id])
        number = normalise_document(query.document_number)
        if number:
            for position in self._documents.get(number, ()):
                chosen[position] = None
        born = query.birth_date
        if born is not None and born.day and born.month and not born.approximate:
            same_day = self._birth_dates.get((born.year, born.month, born.day), ())
            if len(same_day) <= BIRTH_DATE_CANDIDATES:
                for position in same_day:
                    chosen.setdefault(position, None)
        return chosen

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
        matches: list[Match] = []
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
            outcome = score_prepared(query, form, prepared, weight, names, explain=False)
            if outcome.score >= threshold:
                outcome = score_prepared(query, form, prepared, weight, names)
                matches.append(
                    Match(
                        entry.entry_id,
                        entry.list_name,
                        outcome.score,
                        band_for(outcome.score),
                        outcome.matched_name,
                        outcome.explanations,
                    )
                )
        matches.sort(key=lambda match: (-match.score, match.list_name, match.entry_id))
        return matches[:limit]


def score_entry(query: Query, entry: WatchlistEntry) -> Match:
    """The full score of one entry for a query, without threshold (pair comparisons)."""
    outcome = score_one(query, entry)
    return Match(
        entry.entry_id,
        entry.list_name,
        outcome.score,
        band_for(outcome.score),
        outcome.matched_name,
        outcome.explanations,
    )
