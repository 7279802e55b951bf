"""The record's structure as ranking evidence, applied to any mode's scores.

Both adjustments were chosen on the dev queries (README, "Ranking"): a paragraph gains when its meeting
discussed the query at length (the mean of the document's best three scores, times MEETING_WEIGHT), and
when a Member or group the query names speaks in it or is named in it (times 1 + MEMBER_WEIGHT).
"""

from __future__ import annotations

import numpy as np

from . import members

MEETING_WEIGHT = 0.2
MEETING_TOP = 3
MEMBER_WEIGHT = 0.1


def meeting_context(scores: np.ndarray, document_ids: np.ndarray, weight: float = MEETING_WEIGHT, top: int = MEETING_TOP) -> np.ndarray:
    """scores + weight × mean of the best `top` finite scores of the same document."""
    finite = np.isfinite(scores)
    if weight == 0 or not finite.any():
        return scores
    base = np.where(finite, scores, 0.0)
    order = np.lexsort((-base, document_ids))  # by document, best first within it
    grouped = document_ids[order]
    starts = np.r_[0, np.nonzero(np.diff(grouped))[0] + 1]
    rank_in_document = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    best = order[rank_in_document < top]
    count = np.bincount(document_ids, minlength=int(document_ids.max()) + 1)
    total = np.bincount(document_ids[best], weights=base[best], minlength=count.size)
    bonus = total / np.minimum(count, top).clip(min=1)
    return np.where(finite, scores + weight * bonus[document_ids], scores)


def named_members(query: str) -> set[str]:
    return {actor.name for actor, _, _ in members.find_all(query)}


def member_boost(scores: np.ndarray, query: str, row_members: list[set[str]], weight: float = MEMBER_WEIGHT) -> np.ndarray:
    """Scale up paragraphs where a Member or group named in the query speaks or is named."""
    named = named_members(query)
    if not named or weight == 0:
        return scores
    involved = np.fromiter((bool(named & names) for names in row_members), dtype=bool, count=len(row_members))
    return np.where(involved & np.isfinite(scores), scores * (1 + weight), scores)
