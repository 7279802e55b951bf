"""The ranked hits of one query, one per citation, sorted only as deep as the pages asked for.

Sorting every hit of a common word costs more than the rest of a query at the scale of an archive;
a page needs only its first rows. The count is exact all the same: it marks the distinct citations of
all hits in one array pass (only index/sublinear.py, at the scale of an archive, estimates a large count,
and says so).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def fresh_citations(held: np.ndarray, opened: np.ndarray, citation_count: int) -> int:
    """How many distinct citations `held` names besides `opened`'s: marked in an array of every citation,
    or, for a few hits in a large corpus (a page's documents at the scale of an archive), sorted."""
    if held.size * 16 < citation_count:
        if np.all(held[1:] >= held[:-1]):  # the citations of rows in row order: their distinct values without a hash
            distinct = held[np.flatnonzero(np.r_[True, held[1:] != held[:-1]])] if held.size else held
        else:
            distinct = np.unique(held)
        return int(distinct.size - np.count_nonzero(np.isin(distinct, opened)))
    seen = np.zeros(citation_count, dtype=bool)
    seen[opened] = True
    fresh = np.zeros(citation_count, dtype=bool)
    fresh[held] = True
    return int(np.count_nonzero(fresh & ~seen))


def once_per_citation(rows: np.ndarray, citation_ids: np.ndarray, opened: list[int] | set[int] = ()) -> np.ndarray:
    """Of hit rows in row order, the first row of each citation, citations of `opened` rows left out (row order)."""
    rows = np.asarray(rows, dtype=np.int64)
    citations = np.asarray(citation_ids[rows]) if rows.size else np.zeros(0, dtype=np.int64)
    if np.all(citations[1:] >= citations[:-1]):  # citations numbered in row order: no sort needed
        first = rows[np.flatnonzero(np.r_[True, citations[1:] != citations[:-1]])] if rows.size else rows
    else:
        first = np.sort(rows[np.unique(citations, return_index=True)[1]])
    if len(opened):
        opened_citations = np.asarray(citation_ids[np.fromiter(opened, dtype=np.int64, count=len(opened))])
        first = first[~np.isin(np.asarray(citation_ids[first]), opened_citations)]
    return first


class HitList:
    """Rows best first (score descending, then row number or `order`, as a stable sort would give), one per citation;
    rows `opened` by a citation in the query come first."""

    def __init__(self, opened: list[int], rows: np.ndarray, scores: np.ndarray, citation_ids: np.ndarray,
                 citation_count: int, order: np.ndarray | None = None):
        self.opened = list(opened)
        self._order = order  # ties go by this position per row (an incremental build's full-rebuild order)
        self._rows = np.asarray(rows, dtype=np.int64)
        self._scores = np.asarray(scores, dtype=np.float64)
        self._citation_ids = citation_ids
        opened_citations = np.asarray([citation_ids[row] for row in self.opened], dtype=np.int64)
        self._total = len(self.opened) + fresh_citations(np.asarray(citation_ids[self._rows]) if self._rows.size else np.zeros(0, dtype=np.int64),
                                                          opened_citations, citation_count)
        self._ordered: list[int] = list(self.opened)
        self._seen = set(opened_citations.tolist())
        self._depth = 0  # how many of the best hits have been sorted and grouped so far

    def __len__(self) -> int:
        return self._total

    def _extend(self, wanted: int) -> None:
        """Sort and group more hits until `wanted` rows are known (or every hit is)."""
        while len(self._ordered) < min(wanted, self._total) and self._depth < self._rows.size:
            depth = min(self._rows.size, max(2 * (wanted - len(self._ordered)) + self._depth, 64, 2 * self._depth))
            if depth < self._rows.size:
                threshold = np.partition(-self._scores, depth - 1)[depth - 1]
                chosen = np.flatnonzero(-self._scores <= threshold)  # ties at the border all come in
            else:
                chosen = np.arange(self._rows.size)
            rows = self._rows[chosen]
            chosen = chosen[np.lexsort((rows if self._order is None else np.asarray(self._order)[rows], -self._scores[chosen]))]
            citations = np.asarray(self._citation_ids[self._rows[chosen[self._depth :]]])
            for position, citation in zip(chosen[self._depth :].tolist(), citations.tolist()):
                if citation not in self._seen:
                    self._seen.add(citation)
                    self._ordered.append(int(self._rows[position]))
            self._depth = chosen.size

    def hit_rows(self) -> np.ndarray:
        """Every hit row (all rows of a citation), in row order."""
        return self._rows

    def score(self, row: int) -> float:
        """The row's score, -inf when it is not a hit (a row opened by a citation need not be one)."""
        at = int(np.searchsorted(self._rows, row))  # hit rows come in row order
        return float(self._scores[at]) if at < self._rows.size and self._rows[at] == row else float("-inf")

    def __getitem__(self, index):
        if isinstance(index, slice):
            stop = self._total if index.stop is None else index.stop
            self._extend(stop if stop >= 0 else self._total + stop)
            return self._ordered[index]
        self._extend(index + 1 if index >= 0 else self._total)
        return self._ordered[index]

    def from_position(self, start: int) -> Iterator[int]:
        """Rows from `start` on, sorted lazily (a page skipping stale rows reads further as it needs)."""
        position = start
        while position < self._total:
            self._extend(position + 16)
            if position >= len(self._ordered):
                return
            yield self._ordered[position]
            position += 1

    def __iter__(self) -> Iterator[int]:
        return self.from_position(0)
