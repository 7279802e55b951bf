"""The first pages of a BM25 ranking without rescoring every hit.

At the scale of an archive a long query matches about half of all paragraphs, and the ranking's
adjustments (meeting context, Members named, relevance.adjust) cost more per hit than BM25 itself.
Each adjustment raises a score by a bounded amount: a hit's final score is at most

    ceiling x (its BM25 + meeting weight x the best BM25 of its document)

(the meeting bonus is a mean of the document's best scores; `ceiling` is the product of every factor
above 1 the query can apply, one for all documents or one per document). So documents are taken best bound first: every hit of the documents taken
is rescored exactly as if all hits were, and a ranked row is final once its score is above the bound
of every document not taken. A deeper page takes four times as many documents. The order, the scores
and the count are those of rescoring every hit (the count marks every hit's citation, as HitList does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from .hitlist import HitList, fresh_citations

FIRST_DOCUMENTS = 64  # documents rescored for a first page; four times as many at each deepening
# Relative slack on each document's bound: the rescoring rounds its float operations, the bound may not.
ROUNDING = 1e-9


def _rows_of(starts: np.ndarray, documents: np.ndarray) -> np.ndarray:
    """Every row of the given documents (ascending document numbers give ascending rows)."""
    lengths = starts[documents + 1] - starts[documents]
    offsets = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(offsets - starts[documents], lengths)


class PrunedHits:
    """HitList's interface (rows best first, one per citation, opened rows first; exact count) over
    `lexical` BM25 scores, rescoring only the documents a page can reach.

    `shown` marks the hits that may be listed (not hidden, passing the filters); `rescore(rows)` gives
    the final scores of `rows`, every hit of whole documents in ascending order (the meeting context
    reads all of a document's hits, shown or not)."""

    def __init__(self, opened: list[int], lexical: np.ndarray, shown: np.ndarray, rescore: Callable[[np.ndarray], np.ndarray],
                 ceiling: float | np.ndarray, meeting_weight: float, document_starts: np.ndarray, document_ids: np.ndarray,
                 citation_ids: np.ndarray, citation_count: int, order: np.ndarray | None = None, counted: bool = True):
        self.opened = list(opened)
        self._lexical, self._shown, self._rescore = lexical, shown, rescore
        self._starts = np.asarray(document_starts, dtype=np.int64)
        self._citation_ids, self._citation_count, self._order = citation_ids, citation_count, order
        self._rows = np.flatnonzero(shown)
        if counted:
            opened_citations = np.asarray([citation_ids[row] for row in self.opened], dtype=np.int64)
            self._total = len(self.opened) + fresh_citations(np.asarray(citation_ids[self._rows]), opened_citations, citation_count)
        else:  # the caller counts (index/sublinear.py): the hit rows only cap how far the ranking reads
            self._total = len(self.opened) + int(self._rows.size)
        self._bounds = self._document_bounds(ceiling, meeting_weight)
        live = int(np.count_nonzero(self._bounds > -np.inf))
        self._by_bound = np.argsort(-self._bounds, kind="stable")[:live]
        # Documents of rows opened by a citation are always rescored: their rows keep their own scores.
        self._forced = np.unique(np.asarray(document_ids)[np.asarray(self.opened, dtype=np.int64)]) if self.opened else np.zeros(0, dtype=np.int64)
        self._taken = 0
        self._beyond = np.inf  # the highest bound of a document not taken
        self._inner: HitList | None = None
        self._exact = len(self.opened)  # leading positions known to be final

    def _document_bounds(self, ceiling: float | np.ndarray, meeting_weight: float) -> np.ndarray:
        """Per document, the highest final score any of its shown hits can reach (-inf: none shown)."""
        starts, count = self._starts, self._lexical.size
        documents = starts.size - 1
        if count == 0 or documents == 0:
            return np.full(documents, -np.inf)
        at = starts[:-1]  # an empty document's start may be the row count: the arrays get one padding row
        empty = starts[1:] == starts[:-1]
        anywhere = np.maximum.reduceat(np.r_[self._lexical, 0], at).astype(np.float64)
        best_shown = np.maximum.reduceat(np.r_[np.where(self._shown, self._lexical, 0), 0], at).astype(np.float64)
        bounds = ceiling * (best_shown + meeting_weight * anywhere)
        bounds += np.abs(bounds) * ROUNDING
        bounds[empty | (best_shown <= 0)] = -np.inf
        return bounds

    def __len__(self) -> int:
        return self._total

    def _take(self, documents: int) -> None:
        """Rescore the hits of the `documents` best-bounded documents (and of the opened rows')."""
        self._taken = min(documents, self._by_bound.size)
        chosen = np.union1d(self._by_bound[: self._taken], self._forced)
        self._beyond = float(self._bounds[self._by_bound[self._taken]]) if self._taken < self._by_bound.size else -np.inf
        rows = _rows_of(self._starts, chosen)
        rows = rows[self._lexical[rows] > 0]
        scores = np.asarray(self._rescore(rows), dtype=np.float64)
        listed = self._shown[rows]
        self._inner = HitList(self.opened, rows[listed], scores[listed], self._citation_ids, self._citation_count, self._order)
        self._exact = len(self.opened)

    def _extend(self, wanted: int) -> None:
        """Make the first `wanted` positions final (fewer when there are fewer hits)."""
        wanted = min(wanted, self._total)
        while self._exact < wanted:
            if self._inner is None:
                self._take(FIRST_DOCUMENTS)
            ordered = self._inner[:wanted]
            while self._exact < len(ordered) and (self._beyond == -np.inf or self._inner.score(ordered[self._exact]) > self._beyond):
                self._exact += 1
            if self._exact >= wanted or self._beyond == -np.inf:
                return
            self._take(4 * max(self._taken, 1))

    @property
    def rescored_documents(self) -> int:
        """How many documents have been rescored so far (besides those of opened rows)."""
        return self._taken

    def hit_rows(self) -> np.ndarray:
        """Every listed hit row (all rows of a citation), in row order."""
        return self._rows

    def score(self, row: int) -> float:
        """The row's final score (rows listed so far), -inf when it is not a hit."""
        if self._inner is None:
            self._extend(1)
        return self._inner.score(row) if self._inner is not None else float("-inf")

    def __getitem__(self, index):
        if isinstance(index, slice):
            stop = self._total if index.stop is None else index.stop
            self._extend(stop if stop >= 0 else self._total + stop)
            return self._listed()[index]
        self._extend(index + 1 if index >= 0 else self._total)
        return self._listed()[index]

    def _listed(self) -> list[int]:
        return self._inner[: self._exact] if self._inner is not None else self.opened[: self._exact]

    def from_position(self, start: int) -> Iterator[int]:
        position = start
        while position < self._total:
            if position >= self._exact:  # a few rows ahead, not one by one: a page skipping stale rows reads on
                self._extend(position + 16)
                if position >= self._exact:
                    return
            yield self._inner[position] if self._inner is not None else self.opened[position]
            position += 1

    def __iter__(self) -> Iterator[int]:
        return self.from_position(0)
