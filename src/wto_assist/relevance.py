"""Relevance a delegate can read: what the query asks beyond its words, and how well the hits answer it.

`adjust` applies the query's understanding (query_parse.py) to any mode's scores:
- procedural lines (index/procedural.py) keep PROCEDURAL_WEIGHT of their score unless the query names procedure;
- a period in the query ("in 2005") raises paragraphs of those meetings by PERIOD_WEIGHT, a bare year
  (+/- one year) by BARE_PERIOD_WEIGHT;
- "what did India say" (or a query opening with India: "India says…") raises India's own statements by SPEAKER_WEIGHT, and "who raised / who supported"
  raises delegations' statements (not the Chair's summaries) by DELEGATION_WEIGHT.
All weights were chosen on the dev and tuning queries (benchmarks/bench_index.py prints each variant).

`WordMatch` counts hits by how many of the user's concepts they contain, and flags a weak result set
when the best hit holds less than WEAK_COVERAGE of the query's weight (inverse document frequency of
the concepts it contains over all of them), a threshold calibrated on queries the ranking was not tuned
on (benchmarks/data/calibration-queries.jsonl; docs/search.md says how).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import members
from .query_parse import ParsedQuery
from .wording import agreeing, counted

PROCEDURAL_WEIGHT = 0.5
PERIOD_WEIGHT = 0.5  # "in 2005": the question's period (0.2 and 0.5 measured alike; 1.0 lowered the tuning set)
BARE_PERIOD_WEIGHT = 0.2  # a bare year, which often names a plan or report rather than the meeting
SPEAKER_WEIGHT = 0.3  # 0.2 / 0.3 / 0.5: held-out MRR@10 0.840 / 0.854 / 0.859, dev and tuning unchanged (docs/search.md)
DELEGATION_WEIGHT = 0.1
# Below the best-hit coverage of 166 of the 170 known items of the dev, tuning, held-out and calibration sets,
# above 13 of the 16 questions the CTD minutes do not answer (0.64 flagged 26 known items): bench_index.py prints both.
WEAK_COVERAGE = 0.5


@dataclass
class RowFacts:
    """Per index row, what `adjust` reads (built once by the Searcher)."""

    procedural: np.ndarray  # bool
    dates: np.ndarray  # "YYYY-MM-DD" or ""
    by_member: np.ndarray  # bool: a Member's delegation speaks (speaker kind "member", not the Chair or the Secretariat)
    speakers: list[set[str]] | np.ndarray  # actors (speaker, co-speakers, groups spoken for), or a mask of rows speaking


def adjust(scores: np.ndarray, parsed: ParsedQuery, facts: RowFacts, procedural_weight: float = PROCEDURAL_WEIGHT,
           period_weight: float = PERIOD_WEIGHT, speaker_weight: float = SPEAKER_WEIGHT,
           delegation_weight: float = DELEGATION_WEIGHT) -> np.ndarray:
    """Scores (higher is better, -inf for non-hits) rescaled by what the query asks beyond its words."""
    factor = np.ones(scores.shape, dtype=np.float64)
    if not parsed.procedure and procedural_weight != 1:
        factor[facts.procedural] *= procedural_weight
    if parsed.period and period_weight:
        first, last = parsed.period
        if facts.dates.dtype.kind in "iu":  # YYYYMMDD numbers (index/columns.py), 0 for undated
            first, last = int(first.replace("-", "")), int(last.replace("-", ""))
            inside = (facts.dates != 0) & (facts.dates >= first) & (facts.dates <= last)
        else:
            inside = (facts.dates != "") & (facts.dates >= first) & (facts.dates <= last)
        factor[inside] *= 1 + (period_weight if parsed.period_explicit else min(period_weight, BARE_PERIOD_WEIGHT))
    if parsed.speakers and speaker_weight:
        speaking = (facts.speakers if isinstance(facts.speakers, np.ndarray)  # already a mask of the rows
                    else np.fromiter((bool(parsed.speakers & names) for names in facts.speakers), dtype=bool, count=len(facts.speakers)))
        factor[speaking] *= 1 + speaker_weight
    if parsed.speaker_question and delegation_weight:
        factor[facts.by_member] *= 1 + delegation_weight
    # Scores can be negative only in dense mode (cosines); scaling a negative score up would lower it.
    return np.where(np.isfinite(scores) & (scores > 0), scores * factor, scores)


def max_factor(parsed: ParsedQuery, procedural_weight: float = PROCEDURAL_WEIGHT, period_weight: float = PERIOD_WEIGHT,
               speaker_weight: float = SPEAKER_WEIGHT, delegation_weight: float = DELEGATION_WEIGHT,
               in_period: np.ndarray | bool = True, speaking: np.ndarray | bool = True):
    """The most `adjust` can multiply a positive score by for this query (index/pruned.py bounds scores with it).
    With `in_period` and `speaking` per document (holding a row of the query's period, a row where one of
    its speakers speaks), the most per document: a factor counts only where a row can earn it."""
    factor = 1.0
    if not parsed.procedure:
        factor *= max(1.0, procedural_weight)
    if parsed.speaker_question:
        factor *= 1 + max(0.0, delegation_weight)
    if parsed.period:
        factor = factor * np.where(in_period, 1 + max(0.0, period_weight), 1.0)
    if parsed.speakers:
        factor = factor * np.where(speaking, 1 + max(0.0, speaker_weight), 1.0)
    return factor if np.ndim(factor) else float(factor)


@dataclass
class WordMatch:
    """How the hits hold the user's concepts: all of them, some, or none (similar in meaning only)."""

    all_words: int
    some_words: int
    similar: int
    coverage: float | None  # share of the query's weight in the best hit; None without concepts
    weak: bool
    estimated: bool = False  # the counts come from a sample of the documents (index/sublinear.py)

    def sentence(self) -> str:
        about = "about " if self.estimated else ""
        parts = [f"{about}{counted(self.all_words, 'paragraph')} {agreeing(self.all_words, 'contains', 'contain')} all your words"]
        if self.some_words:
            parts.append(f"{about}{self.some_words:,} more {agreeing(self.some_words, 'contains', 'contain')} some")
        if self.similar:
            parts.append(f"{self.similar} more {agreeing(self.similar, 'shares no word but is', 'share no word but are')} close in meaning")
        return "; ".join(parts)


def concept_presence(lexical, parsed: ParsedQuery, rows: int, actor_rows=None) -> np.ndarray:
    """Boolean matrix (concepts × rows): which paragraphs contain each of the user's concepts. With
    `actor_rows` (a Member's name -> rows where it speaks or is named), a concept naming a Member is held
    by every paragraph of that Member, however the minutes write it ("EC" in "The representative of the
    European Communities said")."""
    if not parsed.concepts:
        return np.zeros((0, rows), dtype=bool)
    presence = np.vstack([lexical.term_rows(concept.term) for concept in parsed.concepts])
    if actor_rows is not None:
        for number, concept in enumerate(parsed.concepts):
            actor = members.lookup(concept.label)
            if actor is not None:
                presence[number] |= actor_rows(actor.name)
    return presence


def idf(presence: np.ndarray) -> np.ndarray:
    """BM25's inverse document frequency of each concept (a concept no paragraph holds weighs most)."""
    return idf_of(np.count_nonzero(presence, axis=1), presence.shape[1])


def idf_of(frequencies: np.ndarray, total: int) -> np.ndarray:
    """idf() from each concept's number of paragraphs among `total`."""
    return np.log(1 + (total - frequencies + 0.5) / (frequencies + 0.5))


def word_match(order: list[int], presence: np.ndarray, opened: set[int], matched: np.ndarray,
               weak_coverage: float = WEAK_COVERAGE) -> WordMatch:
    """Counts over the ranked hits (one per citation): holding all the user's concepts, holding some of
    the query's words, or none (similar in meaning); and the coverage of the best hit."""
    if isinstance(order, np.ndarray):  # the Searcher passes its hits as an array: no Python loop over them
        ranked = order[~np.isin(order, np.fromiter(opened, dtype=np.int64, count=len(opened)))] if opened else order
    else:
        ranked = [row for row in order if row not in opened]
    lexical = int(np.count_nonzero(matched[ranked])) if len(ranked) else 0
    if presence.shape[0] == 0:
        return WordMatch(0, lexical, len(ranked) - lexical, None, False)
    # Rows holding every concept, then read at the ranked rows: one pass per concept, not a gather per concept.
    all_words = int(np.count_nonzero(np.logical_and.reduce(presence, axis=0)[ranked])) if len(ranked) else 0
    coverage = best_coverage(ranked, presence)
    weak = bool(len(ranked)) and not opened and (coverage is None or coverage < weak_coverage)
    return WordMatch(all_words, lexical - all_words, len(ranked) - lexical, coverage, weak)


def counted_word_match(first: int | None, ranked: np.ndarray, scale: float, holding: Callable[[int, np.ndarray], np.ndarray],
                       frequencies: np.ndarray, rows: int, opened: set[int], rounded: Callable[[float], int],
                       weak_coverage: float = WEAK_COVERAGE) -> WordMatch:
    """word_match over counted hits (one row per citation, opened citations left out, lexical matches all)
    that may be a sample: counts scaled by `scale` and `rounded` when it is not 1. `first` is the first
    ranked hit (its coverage decides the weak-match notice); `holding(concept, rows)` says which of the rows
    hold the concept (its number), `frequencies` each concept's rows in the whole corpus of `rows` rows."""
    estimated = scale != 1.0

    def scaled(count: int) -> int:
        return rounded(count * scale) if estimated else count

    if first is None:
        ranked = np.zeros(0, dtype=np.int64)
    if frequencies.size == 0:
        return WordMatch(0, scaled(ranked.size), 0, None, False, estimated)
    # Rarest concept first: each next one is looked up only at the rows that hold every concept so far.
    holding_all = np.asarray(ranked, dtype=np.int64)
    for concept in np.argsort(frequencies, kind="stable").tolist():
        if holding_all.size == 0:
            break
        holding_all = holding_all[holding(concept, holding_all)]
    all_words = int(holding_all.size)
    coverage = None
    if first is not None:
        weights = idf_of(frequencies, rows)
        total = float(weights.sum())
        if total > 0 and not math.isnan(total):
            at_first = np.asarray([first], dtype=np.int64)
            held = np.asarray([bool(holding(concept, at_first)[0]) for concept in range(frequencies.size)], dtype=bool)
            coverage = float(weights[held].sum()) / total
    weak = first is not None and not opened and (coverage is None or coverage < weak_coverage)
    # Each count estimated on its own: "about 409,400" (a difference of two rounded figures) claims a precision it has not.
    return WordMatch(scaled(all_words), scaled(ranked.size - all_words), 0, coverage, weak, estimated)


def best_coverage(ranked: list[int], presence: np.ndarray, top: int = 1) -> float | None:
    """Share of the query's weight held by the best of the first `top` hits (1: the first hit)."""
    if not len(ranked) or presence.shape[0] == 0:
        return None
    weights = idf(presence)
    total = float(weights.sum())
    if total <= 0 or math.isnan(total):
        return None
    return max(float(weights[presence[:, row]].sum()) / total for row in ranked[:top])
