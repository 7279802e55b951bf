"""The first pages of a BM25 ranking at the scale of an archive, without reading every posting.

index/pruned.py rescores only the documents a page can reach, but it still scores every row lexically
first: a pass over all the query's postings and all rows, linear in the archive. Here a document is
bounded before any of its postings are read, from the index's best weight of each term in each
block of rows (lexical.write_block_maxima):

    loose bound = ceiling x (1 + meeting weight) x the best, over the document's blocks of BLOCK_ROWS rows,
                  of the sum of the query's terms' best weights in the block

(a row's BM25 is the sum of its terms' weights, none above the term's best in the row's block, and
the meeting bonus is at most the meeting weight times the document's best BM25; the ceiling is per
document: a factor counts only where a row earns it). Documents are read best loose bound first:
reading one (its rows' BM25 from the postings, found by binary search) gives the exact bound PrunedHits
uses, and read documents are rescored best exact bound first. Before many documents are read, their
loose bounds are refined: the query's rarer terms are read row by row (all their postings in one pass when
the documents hold a tenth of the rows or more), its most frequent ones (most of its postings, little of a row's
score) still taken by block. A ranked row is final once its score is
above the bound of every document not rescored (exact where read, loose or refined otherwise): order and
scores are those of rescoring every hit.

The count: exact over the eligible documents (a term of the query, a row passing the filters) when they
hold at most EXACT_ROWS rows; beyond, counted on a sample of them (chosen by a hash of the document number)
and scaled by the rows the filters keep, and said to be an estimate ("about 48,000 hits"; issue 24 allows
estimates beyond a threshold).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from .hitlist import HitList, once_per_citation
from .lexical import BLOCK_ROWS, TermPart, add_at, block_maxima, every_row_score
from .pruned import FIRST_DOCUMENTS, ROUNDING, PrunedHits, _rows_of

FIRST_READ = 256  # documents read (lexically scored) before the first rescoring; then those a page still needs
EXACT_ROWS = 60_000  # eligible rows counted exactly; beyond, a sample of about SAMPLE_ROWS rows is counted
SAMPLE_ROWS = 30_000
MIN_SAMPLED_HITS = 500  # fewer hits than this in a sample: sample four times as many documents (at last all)
FULL_SHARE = 0.2  # reading more than this share of all rows: ranked from every row's BM25 at once (measured at 100x)
# A refined bound reads the postings of a query's rarer terms only: the most frequent terms, holding up to this share
# of its postings (and little of a row's score: their idf is low), count their best weight per block instead.
COMMON_SHARE = 0.7
PASS_SHARE = 0.1  # refining documents holding more than this share of all rows: every rare posting read in one pass
# A row's float32 BM25 rounds at each term it adds (2**-24 relative each); the loose bounds sum in float64.
LOOSE_ROUNDING = 1e-5


def _positions(begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Every position of the ranges [begin, end), ranges in order."""
    lengths = end - begin
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths - begin, lengths)


def about(value: float) -> int:
    """An estimated count as it is said: two significant figures ("about 48,000")."""
    if value < 100:
        return int(round(value))
    digits = int(math.floor(math.log10(value))) - 1
    return int(round(value, -digits))


class QueryPostings:
    """A query's BM25 read from its posting lists (lexical.TermPart, in the order scores() adds them), one
    document at a time: the same float32 sums as scoring every row."""

    def __init__(self, parts: list[TermPart], document_starts: np.ndarray):
        self.parts = parts
        self._starts = np.asarray(document_starts, dtype=np.int64)
        sizes = np.asarray([int(part.rows.size) for part in parts], dtype=np.int64)
        self.postings = int(sizes.sum())
        self._all: np.ndarray | None = None
        # The parts a refined bound takes by block (the most frequent terms), and the others, read row by row.
        common = np.zeros(len(parts), dtype=bool)
        common[np.argsort(-sizes, kind="stable")] = np.cumsum(sizes[np.argsort(-sizes, kind="stable")]) <= COMMON_SHARE * self.postings
        self._common = common
        self._common_blocks: np.ndarray | None = None  # per block, the common parts' best weights summed (loose_bounds)

    def loose_bounds(self, listed_blocks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per document, bounds on its rows' BM25: (over the blocks holding a row that may be listed, over all
        its blocks), each the best block's sum of the query's terms' best weights there (0: none)."""
        starts = self._starts
        rows = int(starts[-1])
        common, rare = (np.zeros(-(-rows // BLOCK_ROWS) + 1, dtype=np.float64) for _ in range(2))
        for part, is_common in zip(self.parts, self._common):
            held, best = part.blocks, part.maxima
            if held is None:  # a small delta segment: computed from its postings
                held, best = block_maxima(part.rows, part.weights)
            best = np.asarray(best, dtype=np.float32)
            add_at(common if is_common else rare, np.asarray(held), best * part.factor if part.factor is not None else best)
        common *= 1 + LOOSE_ROUNDING
        self._common_blocks = common
        blocks = common + rare * (1 + LOOSE_ROUNDING)
        anywhere = self._per_document(blocks)
        if listed_blocks is None:
            return anywhere, anywhere
        return self._per_document(np.where(np.r_[listed_blocks, False][: blocks.size], blocks, 0.0)), anywhere

    def _per_document(self, blocks: np.ndarray) -> np.ndarray:
        """Each document's best block (a block may hold the end of one document and the start of the next:
        each document takes its last block too)."""
        starts = self._starts
        if starts.size < 2 or starts[-1] == 0:
            return np.zeros(starts.size - 1)
        first, last = starts[:-1] // BLOCK_ROWS, np.maximum(starts[1:] - 1, 0) // BLOCK_ROWS
        bounds = np.maximum(np.maximum.reduceat(blocks, np.minimum(first, blocks.size - 1)), blocks[last])
        bounds[starts[1:] == starts[:-1]] = 0
        return bounds

    def read(self, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of these documents holding a term of the query, ascending; their BM25, float32)."""
        documents = np.sort(np.asarray(documents, dtype=np.int64))
        if int((self._starts[documents + 1] - self._starts[documents]).sum()) > FULL_SHARE * self._starts[-1]:
            # most documents: every posting added at once is cheaper
            chosen = np.zeros(self._starts.size - 1, dtype=bool)
            chosen[documents] = True
            scores = self.every_row()
            rows = np.flatnonzero(np.repeat(chosen, np.diff(self._starts)) & (scores > 0))
            return rows, scores[rows]
        every, scores = self._sums(documents, self.parts)
        held = scores > 0
        return every[held], scores[held]

    def _sums(self, documents: np.ndarray, parts: list[TermPart]) -> tuple[np.ndarray, np.ndarray]:
        """(every row of these documents, ascending documents; the parts' scores added there in their order, float32)."""
        low, high = self._starts[documents], self._starts[documents + 1]
        sizes = high - low
        every = _rows_of(self._starts, documents)
        scores = np.zeros(every.size, dtype=np.float32)
        shift = low - (np.cumsum(sizes) - sizes)  # a row's position among `every` is the row minus its document's shift
        for part in parts:
            begin, end = _find(part.rows, low), _find(part.rows, high)
            positions = _positions(begin, end)
            if positions.size:
                add_at(scores, np.asarray(part.rows[positions]) - np.repeat(shift, end - begin), part.values(positions))
        return every, scores

    def refined_bounds(self, documents: np.ndarray, listed: Callable[[np.ndarray], np.ndarray] | None,
                       listed_blocks: np.ndarray | None = None, listed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For these documents (ascending, none empty), bounds on their rows' BM25 tighter than loose_bounds' at a
        fraction of reading them: per row, the rare parts' weights read from their postings plus the common parts'
        best weights in the row's block. (Over the rows `listed` keeps, over all rows), as loose_bounds, with the
        blocks holding a listed row (or the rows `listed_rows` marks, when the rare postings are read in one pass);
        without `listed` (no filter on rows) both are over all rows."""
        if self._common_blocks is None:
            self.loose_bounds()
        common = self._common_blocks
        low, high = self._starts[documents], self._starts[documents + 1]
        rare = [part for part, is_common in zip(self.parts, self._common) if not is_common]
        if int((high - low).sum()) > PASS_SHARE * int(self._starts[-1]):
            return self._refined_in_one_pass(documents, rare, listed, listed_rows)
        # A row holding no rare term is bounded by its block's common weights; the document's best such block:
        anywhere = self._per_document(common)[documents]
        best_listed = anywhere
        if listed is not None:
            kept = common if listed_blocks is None else np.where(np.r_[listed_blocks, False][: common.size], common, 0.0)
            best_listed = self._per_document(kept)[documents]
        rare_sums = np.zeros(int(self._starts[-1]), dtype=np.float32)
        found = []
        for part in rare:  # first every rare weight added at its row, then each row read once per part holding it
            begin, end = _find(part.rows, low), _find(part.rows, high)
            positions = _positions(begin, end)
            rows = np.asarray(part.rows[positions], dtype=np.int64)
            if rows.size:
                add_at(rare_sums, rows, part.values(positions))
                found.append((rows, end - begin))
        # float32 as the rows' BM25 is, the slack added per document (LOOSE_ROUNDING covers a float32 sum's rounding)
        common32 = common.astype(np.float32)
        for rows, counts in found:
            bounds = rare_sums[rows] + common32[rows // BLOCK_ROWS]
            held = counts > 0
            first = (np.cumsum(counts) - counts)[held]
            anywhere[held] = np.maximum(anywhere[held], np.maximum.reduceat(bounds, first) * (1 + LOOSE_ROUNDING))
            if listed is not None:
                listed_best = np.maximum.reduceat(np.where(listed(rows), bounds, np.float32(0)), first) * (1 + LOOSE_ROUNDING)
                best_listed[held] = np.maximum(best_listed[held], listed_best)
        return (best_listed if listed is not None else anywhere), anywhere

    def _refined_in_one_pass(self, documents: np.ndarray, rare: list[TermPart], listed: Callable[[np.ndarray], np.ndarray] | None,
                             listed_rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """refined_bounds for documents holding more than PASS_SHARE of the rows: every rare posting added at its row in
        one pass (no binary search per document, then a gather, per rare term), each row bounded by its rare sum plus its
        block's common weights, the best per document. Above a tenth of the rows at 100x: median 4.7 to 5.9 ms, most 9 to
        14, where reading document by document took 8.7 to 13 and 21 to 33 (benchmarks/bench_refine.py, three runs)."""
        rows = int(self._starts[-1])
        bounds = np.zeros(rows, dtype=np.float32)
        for part in rare:
            add_at(bounds, np.asarray(part.rows), part.values(slice(None)))
        # The common blocks added after the rare sums, as the per-document way adds them: added onto a common weight,
        # hundreds of rare weights each below half its last float32 place would round away (the fault round's case).
        bounds += np.repeat(self._common_blocks.astype(np.float32), BLOCK_ROWS)[:rows]
        bounds *= np.float32(1 + LOOSE_ROUNDING)
        anywhere = _best_per_document(bounds, self._starts, documents)
        if listed is None:
            return anywhere, anywhere
        # Over the rows the filter keeps (hidden rows too: a bound a little looser, not a gather of every row)
        kept = listed_rows if listed_rows is not None else listed(np.arange(rows))
        return _best_per_document(bounds * kept, self._starts, documents), anywhere

    def every_row(self) -> np.ndarray:
        """Every row's BM25 (LexicalIndex.scores' sums), computed once."""
        if self._all is None:
            self._all = every_row_score(self.parts, int(self._starts[-1]))
        return self._all

    def holds(self, row: int) -> bool:
        """Whether the row holds a term of the query."""
        return any(_holds(part, np.asarray([row]))[0] for part in self.parts)


def _best_per_document(values: np.ndarray, starts: np.ndarray, documents: np.ndarray) -> np.ndarray:
    """The largest value in each of these documents' rows (documents ascending, none empty), as float64."""
    low, high = starts[documents], starts[documents + 1]
    edges = np.empty(2 * documents.size, dtype=np.int64)
    edges[0::2], edges[1::2] = low, high
    if edges[-1] >= values.size:  # the last document ends the rows: its maximum runs to the end
        edges = edges[:-1]
    best = np.maximum.reduceat(values, edges)[0::2]
    return best.astype(np.float64)


def _find(postings: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """np.searchsorted with the keys in the postings' own type: with another, numpy converts (copies) the
    whole posting list first, which cost more than the rest of a query at the scale of an archive."""
    return np.searchsorted(postings, np.asarray(rows).astype(postings.dtype, copy=False))


def blocks_holding(marked: np.ndarray) -> np.ndarray:
    """Per block of BLOCK_ROWS rows, whether it holds a marked row. A block's eight one-byte flags (BLOCK_ROWS
    is 8 since index format 7) read as one 64-bit word: 0.12 ms over 1.2 million rows, where np.logical_or.reduceat
    took 2.4 ms (benchmarks/bench_page_steps.py), most of what a speaker filter added to a query at 100x."""
    marked = np.asarray(marked, dtype=bool)
    if BLOCK_ROWS not in (1, 2, 4, 8):  # no word of that many bytes: another index format's block size
        return np.logical_or.reduceat(marked, np.arange(0, marked.size, BLOCK_ROWS)) if marked.size else np.zeros(0, dtype=bool)
    padded = np.zeros(-(-marked.size // BLOCK_ROWS) * BLOCK_ROWS, dtype=bool)
    padded[: marked.size] = marked
    return padded.view(f"u{BLOCK_ROWS}") != 0


def _sampled(documents: np.ndarray, share: float) -> np.ndarray:
    """Which documents a sample of about `share` of them takes: chosen by a hash of the document number,
    so the same query counts the same sample, and no period of the archive's order (a series, a copy)
    lines up with it as every k-th document would."""
    mixed = (documents.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
    return mixed < np.uint64(int(share * 2**24))


def _holds(part: TermPart, rows: np.ndarray) -> np.ndarray:
    """Per row, whether the part's postings name it."""
    at = _find(part.rows, rows)
    inside = at < part.rows.size
    found = np.zeros(rows.size, dtype=bool)
    found[inside] = np.asarray(part.rows[at[inside]]) == rows[inside]
    return found


def rows_holding(parts: list[TermPart], rows: np.ndarray, document_starts: np.ndarray, document_ids: np.ndarray) -> np.ndarray:
    """Per row, whether any of the parts (one analysed term, base and delta) names it: the postings inside
    the rows' documents are gathered once (a binary search per document, not per row of a large sample)."""
    rows = np.asarray(rows, dtype=np.int64)
    found = np.zeros(rows.size, dtype=bool)
    if rows.size == 0:
        return found
    order = np.argsort(rows, kind="stable")
    ascending = rows[order]
    owners = np.asarray(document_ids[ascending], dtype=np.int64)
    documents = owners[np.r_[True, owners[1:] != owners[:-1]]]
    low, high = document_starts[documents], document_starts[documents + 1]
    held = np.zeros(rows.size, dtype=bool)
    for part in parts:
        inside = np.asarray(part.rows[_positions(_find(part.rows, low), _find(part.rows, high))])
        if inside.size:
            at = np.minimum(np.searchsorted(inside, ascending.astype(inside.dtype)), inside.size - 1)
            held |= inside[at] == ascending
    found[order] = held
    return found


class SublinearHits:
    """HitList's interface (rows best first, one per citation, opened rows first) over a query's postings,
    reading and rescoring only the documents a page can reach; `len()` is exact or an estimate (`estimated`).

    `listed(rows)` says which hit rows may be listed (not hidden, passing the filters); `eligible` marks the
    documents holding such a row (None: every document), `listed_rows` the rows a filter keeps (None: no
    filter); `rescore(rows, bm25)` gives the final scores of every hit of whole documents, rows ascending."""

    def __init__(self, opened: list[int], postings: QueryPostings, listed: Callable[[np.ndarray], np.ndarray],
                 eligible: np.ndarray | None, listed_rows: np.ndarray | None, rescore: Callable[[np.ndarray, np.ndarray], np.ndarray], ceiling: float | np.ndarray,
                 meeting_weight: float, document_starts: np.ndarray, document_ids: np.ndarray, citation_ids: np.ndarray,
                 citation_count: int, order: np.ndarray | None = None):
        self.opened = list(opened)
        self._postings, self._listed, self._rescore = postings, listed, rescore
        self._starts = np.asarray(document_starts, dtype=np.int64)
        self._document_ids, self._citation_ids, self._citation_count, self._order = document_ids, citation_ids, citation_count, order
        # the ranking's ceiling per document (a number: the same for all)
        self._ceiling = np.broadcast_to(np.asarray(ceiling, dtype=np.float64), (self._starts.size - 1,))
        self._meeting = meeting_weight
        self._listed_rows = listed_rows
        listed_blocks = None
        if listed_rows is not None:  # a filter on rows (a speaker): blocks without a listed row bound no listed hit
            listed_blocks = blocks_holding(listed_rows)
        self._listed_blocks = listed_blocks
        best_listed, anywhere = postings.loose_bounds(listed_blocks)
        loose = self._ceiling * (best_listed + meeting_weight * anywhere)
        loose += np.abs(loose) * ROUNDING
        candidate = best_listed > 0
        if eligible is not None:
            candidate &= eligible
        loose[~candidate] = -np.inf
        self._loose = loose
        self._candidates = np.flatnonzero(candidate)
        self._by_loose = self._candidates[np.argsort(-loose[self._candidates], kind="stable")]
        documents = self._starts.size - 1
        self._exact_bound = np.full(documents, np.nan)  # documents read: their exact bound (-inf: nothing to list)
        self._refined = np.zeros(documents, dtype=bool)  # documents whose loose bound was refined (_refine)
        self._next_unread = 0  # position in _by_loose of the first document perhaps not read
        self._rows, self._scores, self._row_documents = [], [], []  # what reading gave, batch by batch
        self._joined = None  # the same, joined
        self._taken = np.zeros(0, dtype=np.int64)
        self._rescored_documents = np.zeros(self._starts.size - 1, dtype=bool)
        self._final_rows, self._final_scores = [], []  # listed rows of rescored documents, and their final scores
        self._forced = np.unique(np.asarray(document_ids)[np.asarray(self.opened, dtype=np.int64)]) if self.opened else np.zeros(0, dtype=np.int64)
        self._read(self._forced)
        self._inner: HitList | None = None
        self._whole: PrunedHits | None = None  # the ranking once most documents must be read (_go_whole)
        self._beyond_read = np.inf
        self._exact = len(self.opened)
        self._count: tuple[int, bool, np.ndarray, float] | None = None

    # --- reading and rescoring documents ---------------------------------------------------------

    def _read(self, documents: np.ndarray) -> None:
        """Score these documents' rows lexically and set their exact bounds."""
        documents = documents[np.isnan(self._exact_bound[documents])]
        if documents.size == 0:
            return
        rows, scores = self._postings.read(documents)
        documents = np.sort(documents)
        self._exact_bound[documents] = -np.inf
        if rows.size:
            owner = np.asarray(self._document_ids[rows], dtype=np.int64)
            first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            listed = self._listed(rows)
            anywhere = np.maximum.reduceat(scores, first).astype(np.float64)
            best_listed = np.maximum.reduceat(np.where(listed, scores, 0), first).astype(np.float64)
            bounds = self._ceiling[owner[first]] * (best_listed + self._meeting * anywhere)
            bounds += np.abs(bounds) * ROUNDING
            bounds[best_listed <= 0] = -np.inf
            self._exact_bound[owner[first]] = bounds
            self._rows.append(rows)
            self._scores.append(scores)
            self._row_documents.append(owner)
            self._joined = None

    def _refine(self, documents: np.ndarray) -> None:
        """Tighten the loose bounds of these documents (those not read nor refined yet) from the postings of the
        query's rarer terms (QueryPostings.refined_bounds), and order the documents by their bounds again."""
        documents = np.sort(documents[np.isnan(self._exact_bound[documents]) & ~self._refined[documents]])
        documents = documents[self._starts[documents + 1] > self._starts[documents]]
        if documents.size == 0:
            return
        # Without a filter on rows, every row of an eligible document may be listed but hidden ones (headings,
        # rarely a document's best): bounding over all rows skips looking each row up.
        listed = self._listed if self._listed_rows is not None else None
        best_listed, anywhere = self._postings.refined_bounds(documents, listed, self._listed_blocks, self._listed_rows)
        bounds = self._ceiling[documents] * (best_listed + self._meeting * anywhere)
        bounds += np.abs(bounds) * ROUNDING
        bounds[best_listed <= 0] = -np.inf
        self._loose[documents] = np.minimum(self._loose[documents], bounds)
        self._refined[documents] = True
        self._by_loose = self._candidates[np.argsort(-self._loose[self._candidates], kind="stable")]
        self._next_unread = 0  # read documents are skipped again (_unread_bound)

    def _needed(self, floor: float) -> int:
        """How many documents, in loose-bound order, have a loose bound at or above `floor`."""
        return int(np.searchsorted(-self._loose[self._by_loose], -floor, side="right"))

    def _read_more(self, documents: int) -> None:
        """Read the next documents in loose-bound order until `documents` have been read in that order (all of
        them once that is most of the rows: reading them all at once costs little more)."""
        end = min(documents, self._by_loose.size)
        if end < self._by_loose.size and self._starts[self._by_loose[:end] + 1].sum() - self._starts[self._by_loose[:end]].sum() > FULL_SHARE * self._starts[-1]:
            self._go_whole()
            return
        if end > self._next_unread:
            self._read(self._by_loose[self._next_unread : end])
            self._next_unread = end

    def _unread_bound(self) -> float:
        if self._next_unread < self._by_loose.size and not np.isnan(self._exact_bound[self._by_loose[self._next_unread]]):
            # read already (a document of an opened row, or one read before the bounds were refined)
            unread = np.isnan(self._exact_bound[self._by_loose[self._next_unread :]])
            self._next_unread += int(np.argmax(unread)) if unread.any() else int(unread.size)
        return float(self._loose[self._by_loose[self._next_unread]]) if self._next_unread < self._by_loose.size else -np.inf

    def _take(self, documents: int) -> None:
        """Rescore the read documents of the `documents` best exact bounds (and those of opened rows); a
        document is rescored once (its rows' final scores depend on its own rows only)."""
        read = np.flatnonzero(np.isfinite(self._exact_bound))
        best = read[np.argsort(-self._exact_bound[read], kind="stable")]
        chosen = np.union1d(best[:documents], self._forced)
        fresh = chosen[~self._rescored_documents[chosen]]
        if fresh.size or self._inner is None:
            if self._joined is None:
                self._joined = tuple(np.concatenate(batches) if batches else np.zeros(0, dtype=dtype) for batches, dtype
                                     in ((self._rows, np.int64), (self._scores, np.float32), (self._row_documents, np.int64)))
            rows, scores, owners = self._joined
            picked = np.zeros(self._starts.size - 1, dtype=bool)
            picked[fresh] = True
            keep = picked[owners]
            rows, scores = rows[keep], scores[keep]
            ascending = np.argsort(rows, kind="stable")
            rows, scores = rows[ascending], scores[ascending]
            final = np.asarray(self._rescore(rows, scores), dtype=np.float64)
            listed = self._listed(rows)
            self._final_rows.append(rows[listed])
            self._final_scores.append(final[listed])
            self._rescored_documents[fresh] = True
            every_row, every_score = np.concatenate(self._final_rows), np.concatenate(self._final_scores)
            ascending = np.argsort(every_row, kind="stable")
            self._inner = HitList(self.opened, every_row[ascending], every_score[ascending], self._citation_ids,
                                  self._citation_count, self._order)
        self._taken = best[self._rescored_documents[best]]
        waiting = best[~self._rescored_documents[best]]  # read, not rescored: best exact bound first
        self._beyond_read = float(self._exact_bound[waiting[0]]) if waiting.size else -np.inf
        self._exact = len(self.opened)

    def _extend(self, wanted: int) -> None:
        """Make the first `wanted` positions final (fewer when there are fewer hits)."""
        while self._exact < wanted and self._whole is None:
            if self._inner is None:
                self._read_more(FIRST_READ)
                if self._whole is not None:
                    return
                self._take(FIRST_DOCUMENTS)
            unread = self._unread_bound()
            beyond = max(self._beyond_read, unread)
            ordered = self._inner[:wanted]
            while self._exact < len(ordered) and (beyond == -np.inf or self._inner.score(ordered[self._exact]) > beyond):
                self._exact += 1
            if self._exact >= wanted or beyond == -np.inf:
                return
            # The next row is held back by an unread document (read more) or by a read one not rescored (take more).
            next_score = self._inner.score(ordered[self._exact]) if self._exact < len(ordered) else -np.inf
            if unread >= next_score and (unread > -np.inf) and (unread >= self._beyond_read or next_score > self._beyond_read):
                # The wanted-th score so far can only rise: no document bounded below it is ever needed, so read
                # every one above it at once (they are a prefix of the loose order); without one yet, four times as many.
                floor = self._inner.score(ordered[wanted - 1]) if len(ordered) >= wanted else -np.inf
                needed = self._needed(floor) if floor > -np.inf else 0
                if needed - self._next_unread > FIRST_READ:  # many documents to read: first tighten their bounds
                    self._refine(self._by_loose[self._next_unread : needed])
                    needed = self._needed(floor)
                self._read_more(max(needed, self._next_unread + 1) if needed else 4 * max(self._next_unread, 1))
                if self._whole is not None:
                    return
                self._take(max(self._taken.size, FIRST_DOCUMENTS))
            else:  # every read document bounded at or above the wanted-th score so far (all copies of a tie at once)
                floor = self._inner.score(ordered[wanted - 1]) if len(ordered) >= wanted else -np.inf
                reaching = int(np.count_nonzero(self._exact_bound >= floor)) if floor > -np.inf else 0
                self._take(max(reaching, self._taken.size + 1) if reaching else 4 * max(self._taken.size, 1))

    def _go_whole(self) -> None:
        """Most documents must be read: rank as index/pruned.py does, from every row's BM25 (one pass over the
        postings and the rows costs less than reading documents one by one); the count stays this class's."""
        lexical = self._postings.every_row()
        shown = (lexical > 0) & self._listed(np.arange(lexical.size))
        self._whole = PrunedHits(self.opened, lexical, shown, lambda rows: self._rescore(rows, lexical[rows]), self._ceiling,
                                 self._meeting, self._starts, self._document_ids, self._citation_ids, self._citation_count,
                                 self._order, counted=False)

    @property
    def rescored_documents(self) -> int:
        """How many documents have been rescored so far (besides those of opened rows)."""
        return self._whole.rescored_documents if self._whole is not None else int(self._taken.size)

    @property
    def read_documents(self) -> int:
        return int(np.count_nonzero(~np.isnan(self._exact_bound)))

    def score(self, row: int) -> float:
        if self._inner is None:
            self._extend(1)
        if self._whole is not None:
            return self._whole.score(row)
        return self._inner.score(row) if self._inner is not None else float("-inf")

    def __getitem__(self, index):
        if isinstance(index, slice):
            self._extend(np.iinfo(np.int64).max if index.stop is None or index.stop < 0 else index.stop)
        else:
            self._extend(index + 1 if index >= 0 else np.iinfo(np.int64).max)
        if self._whole is not None:
            return self._whole[index]
        return self._final()[index]

    def _final(self) -> list[int]:
        return self._inner[: self._exact] if self._inner is not None else self.opened[: self._exact]

    def from_position(self, start: int) -> Iterator[int]:
        position = start
        while self._whole is None:
            if position < self._exact:
                yield self._inner[position] if self._inner is not None else self.opened[position]
                position += 1
                continue
            self._extend(position + 16)  # a few rows ahead: a page skipping stale rows reads on
            if self._whole is None and position >= self._exact:
                return  # every hit listed
        yield from self._whole.from_position(position)

    def __iter__(self) -> Iterator[int]:
        return self.from_position(0)

    # --- counting ---------------------------------------------------------------------------

    def _counted(self) -> tuple[int, bool, np.ndarray, float]:
        """(count, estimated, the counted hits one per citation, scale): every eligible document's hits when
        they hold at most EXACT_ROWS rows, else those of a sample of them, scaled by the rows the filters keep."""
        if self._count is None:
            sizes = self._starts[self._candidates + 1] - self._starts[self._candidates]
            if self._listed_rows is not None:  # hits follow the rows a filter keeps, not the documents' lengths
                # counted from the kept rows' documents: a sum per document over every row cost 2 to 3 ms at 100x
                kept = np.bincount(self._document_ids[np.flatnonzero(self._listed_rows)], minlength=self._starts.size - 1)
                weights = kept[self._candidates]
            else:
                weights = sizes
            share = SAMPLE_ROWS / int(sizes.sum()) if int(sizes.sum()) > EXACT_ROWS else 1.0
            while True:
                chosen = _sampled(self._candidates, share) if share < 1 else np.ones(self._candidates.size, dtype=bool)
                representatives = self._hits_once_per_citation(self._candidates[chosen])
                # Too few hits in the sample for a fair estimate (a rare word, a narrow filter): a larger sample.
                if share >= 1 or representatives.size >= MIN_SAMPLED_HITS:
                    break
                share *= 4
            scale = 1.0 if share >= 1 else float(weights.sum()) / max(float(weights[chosen].sum()), 1.0)
            fresh = representatives.size if share >= 1 else about(representatives.size * scale)
            self._count = (len(self.opened) + fresh, share < 1, representatives, scale)
        return self._count

    def _hits_once_per_citation(self, documents: np.ndarray) -> np.ndarray:
        """The listed hits of these documents, the first row of each citation, opened citations left out."""
        rows, _ = self._postings.read(documents)
        return once_per_citation(rows[self._listed(rows)], self._citation_ids, self.opened)

    def __len__(self) -> int:
        return self._counted()[0]

    @property
    def estimated(self) -> bool:
        """True when len() is an estimate from a sample of the eligible documents."""
        return self._counted()[1]

    def counted_hits(self) -> tuple[np.ndarray, float]:
        """The hits counted (one row per citation, opened citations left out, row order) and the factor
        that scales counts over them to the whole result (1: every hit was counted)."""
        _, _, representatives, scale = self._counted()
        return representatives, scale

    def matches(self, row: int) -> bool:
        """Whether a row holds a word of the query (a listed row that was not opened always does)."""
        return self._postings.holds(row)
