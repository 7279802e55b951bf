"""The record's structure as ranking evidence, applied to any mode's scores.

Both adjustments were chosen on the dev queries (docs/search.md, "Ranking, by measurement"): a paragraph gains when its meeting
discussed the query at length (the mean of the document's best three scores, times MEETING_WEIGHT), and
when a Member or group the query names speaks in it or is named in it (times 1 + MEMBER_WEIGHT).
"""

from __future__ import annotations

import numpy as np

from . import members

MEETING_WEIGHT = 0.2
MEETING_TOP = 3
MEMBER_WEIGHT = 0.1


def meeting_context(scores: np.ndarray, document_ids: np.ndarray, weight: float = MEETING_WEIGHT, top: int = MEETING_TOP,
                    document_sizes: np.ndarray | None = None) -> np.ndarray:
    """scores + weight × mean of the best `top` finite scores of the same document. With `document_sizes`
    (paragraphs per document), `scores` may hold only some rows of each document (the hits of a query)."""
    finite = np.isfinite(scores)
    if weight == 0 or not finite.any():
        return scores
    base = np.where(finite, scores, 0.0)
    count = document_sizes if document_sizes is not None else np.bincount(document_ids, minlength=int(document_ids.max()) + 1)
    total = top_sums(base, document_ids, top, count.size)
    bonus = total / np.minimum(count, top).clip(min=1)
    return np.where(finite, scores + weight * bonus[document_ids], scores)


def top_sums(values: np.ndarray, groups: np.ndarray, top: int, size: int) -> np.ndarray:
    """Sum of the `top` largest values of each group, by group id (size `size`). Rows come grouped by
    document in the index, so this is `top` linear passes, not a sort of every hit."""
    if values.size == 0:
        return np.zeros(size)
    if np.any(groups[1:] < groups[:-1]):
        order = np.argsort(groups, kind="stable")
        values, groups = values[order], groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    lengths = np.diff(np.r_[starts, values.size])
    remaining = values.astype(np.float64)
    total = np.zeros(size)
    for _ in range(top):
        best = np.maximum.reduceat(remaining, starts)
        found = np.isfinite(best)
        total[groups[starts]] += np.where(found, best, 0.0)
        # Take out one occurrence of each group's best: the next pass finds the next best.
        at_best = np.flatnonzero(remaining == np.repeat(best, lengths))
        first = at_best[np.r_[True, groups[at_best[1:]] != groups[at_best[:-1]]]]
        remaining[first] = -np.inf
    return total


def named_members(query: str) -> set[str]:
    return {actor.name for actor, _, _ in members.find_all(query)}


def member_boost(scores: np.ndarray, query: str, row_members: list[set[str]], weight: float = MEMBER_WEIGHT) -> np.ndarray:
    """Scale up paragraphs where a Member or group named in the query speaks or is named."""
    named = named_members(query)
    if not named or weight == 0:
        return scores
    involved = np.fromiter((bool(named & names) for names in row_members), dtype=bool, count=len(row_members))
    return boost_involved(scores, involved, weight)


def boost_involved(scores: np.ndarray, involved: np.ndarray, weight: float = MEMBER_WEIGHT) -> np.ndarray:
    """Scale up the finite scores where `involved` (a Member or group the query names takes part)."""
    return np.where(involved & np.isfinite(scores), scores * (1 + weight), scores)
