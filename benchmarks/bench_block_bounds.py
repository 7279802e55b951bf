"""How tight a document's bound is, by the size of the blocks it is made of (index/sublinear.py, BLOCK_ROWS).

For each of the 21 dev queries on the real CTD minutes, the ranking's sixteenth row's final score is found by
scoring every row; then, for blocks of 1, 2, 4, 8 and 16 rows, for whole documents, and for the refined bound
(blocks of 8 for the most frequent terms, the others' postings read row by row), the number of documents
whose bound (the ranking's ceiling x (1 + meeting weight) x their best block's sum of the query's terms' best
weights) is at or above it: the documents a first page must read before it is final (the synthetic archive
repeats each 100 times). docs/scale.md quotes it.

Usage: python benchmarks/bench_block_bounds.py [SHARED_DIR]   (about a minute)
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from pathlib import Path

import numpy as np

import wto_assist.search as search
from bench_scale import queries
from real_minutes import ingested_minutes, shared_folder
from wto_assist import query_parse
from wto_assist.index import lexical, sublinear
from wto_assist.index.build import build_index

SIZES = {"1 row": 1, "2 rows": 2, "4 rows": 4, "8 rows (shipped)": 8, "16 rows": 16, "whole document": None}
REFINED = "8 rows, refined (the rarer terms' postings read, sublinear.COMMON_SHARE)"


def document_bounds(parts, starts: np.ndarray, block: int | None) -> np.ndarray:
    """Each document's bound before the ceiling: with `block`, the shipped computation (QueryPostings.loose_bounds,
    blocks of that many rows counted from row 0, maxima computed from the postings); without, the sum of each
    term's best weight in the whole document."""
    if block is not None:
        with patched_block_rows(block):
            plain = [dataclasses.replace(part, blocks=None, maxima=None) for part in parts]
            return sublinear.QueryPostings(plain, starts).loose_bounds()[1]
    owner_of = np.repeat(np.arange(starts.size - 1), np.diff(starts))
    bounds = np.zeros(starts.size - 1)
    for part in parts:
        best = np.zeros(starts.size - 1)
        np.maximum.at(best, owner_of[np.asarray(part.rows)], np.asarray(part.values(slice(None)), dtype=np.float64))
        bounds += best
    return bounds


def refined_bounds(parts, starts: np.ndarray) -> np.ndarray:
    """Each document's refined bound before the ceiling (QueryPostings.refined_bounds over every non-empty document)."""
    postings = sublinear.QueryPostings(parts, starts)
    documents = np.flatnonzero(starts[1:] > starts[:-1])
    bounds = np.zeros(starts.size - 1)
    bounds[documents] = postings.refined_bounds(documents, None)[1]
    return bounds


@contextlib.contextmanager
def patched_block_rows(rows: int):
    saved = lexical.BLOCK_ROWS, sublinear.BLOCK_ROWS
    lexical.BLOCK_ROWS = sublinear.BLOCK_ROWS = rows
    try:
        yield
    finally:
        lexical.BLOCK_ROWS, sublinear.BLOCK_ROWS = saved


def main() -> None:
    shared = shared_folder()
    texts = queries(shared)
    with ingested_minutes(shared) as store, tempfile.TemporaryDirectory() as folder:
        build_index(store.path, Path(folder) / "index", with_dense=False)
        searcher = search.Searcher(Path(folder) / "index", store.path)
        starts = searcher._document_starts
        needed = {name: [] for name in [*SIZES, REFINED]}
        for text in texts:
            parsed = query_parse.parse(text)
            order = searcher.ranked_rows(text, "bm25")  # below SUBLINEAR_FROM_ROWS: every row is scored
            threshold = order.score(order[:16][-1])
            ceiling = searcher._ceiling(text, parsed) * (1 + searcher.weights.meeting)
            parts = searcher.lexical.term_parts(parsed.text or text)
            for name, block in SIZES.items():
                needed[name].append(int(np.count_nonzero(ceiling * document_bounds(parts, starts, block) >= threshold)))
            needed[REFINED].append(int(np.count_nonzero(ceiling * refined_bounds(parts, starts) >= threshold)))
        searcher.close()
    print(f"{len(texts)} dev queries, {starts.size - 1} documents: documents whose bound reaches the 16th row's final score")
    print("| blocks of | median | 90th percentile | most |\n|---|---|---|---|")
    for name, counts in needed.items():
        print(f"| {name} | {np.median(counts):.0f} | {np.percentile(counts, 90):.0f} | {max(counts)} |")


if __name__ == "__main__":
    main()
