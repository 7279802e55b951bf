"""Two ways of run 13 (docs/scale.md) timed against the forms they replaced, on a bench_scale.py folder (100x: the
archive-scale path), and checked to give the same answer:

1. the refined bounds of the archive-scale path (QueryPostings.refined_bounds): the query's rare terms read document
   by document (a binary search per term and document, then gathers) against every rare posting added in one pass,
   for every refinement the dev queries make under the filter sets none, speaker and date range; printed by the share
   of all rows the refined documents hold (PASS_SHARE chooses the pass above it);
2. every row's BM25 (lexical.every_row_score, also the whole-corpus path below 100,000 rows): the fancy-index form
   `scores[rows] += weights` against numpy's add.at (lexical.add_at), for the same queries' postings.

Usage: python benchmarks/bench_refine.py FOLDER [--shared ../shared]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from bench_scale import FILTER_SETS, queries
from wto_assist.index import sublinear
from wto_assist.index.lexical import every_row_score
from wto_assist.search import Filters, Searcher

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5


def _fastest(call) -> tuple[float, object]:
    """(the fastest of REPEATS runs in ms, what the call gave)."""
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), result


def refinements(searcher: Searcher, texts: list[str]) -> list[tuple[float, float, float]]:
    """(share of rows, ms document by document, ms in one pass) for every refinement of these queries' first pages."""
    measured = []
    original, saved = sublinear.QueryPostings.refined_bounds, sublinear.PASS_SHARE

    def timed(postings, documents, listed, listed_blocks=None, listed_rows=None):
        results = {}
        for way, share in (("by document", 2.0), ("one pass", 0.0)):
            sublinear.PASS_SHARE = share
            results[way] = _fastest(lambda: original(postings, documents, listed, listed_blocks, listed_rows))
        sublinear.PASS_SHARE = saved
        starts = postings._starts
        rows, scores = postings.read(documents)
        exact = np.zeros(documents.size)  # each document's best row, as reading it gives
        np.maximum.at(exact, np.searchsorted(documents, np.searchsorted(starts, rows, "right") - 1), scores)
        for way, (_, (_, anywhere)) in results.items():  # both are bounds: never below what reading gives
            if not np.all(anywhere >= exact):
                raise SystemExit(f"{way}: a refined bound below a document's best row")
        share = float((starts[documents + 1] - starts[documents]).sum() / starts[-1])
        measured.append((share, results["by document"][0], results["one pass"][0]))
        return original(postings, documents, listed, listed_blocks, listed_rows)

    sublinear.QueryPostings.refined_bounds = timed
    try:
        for name in ("none", "speaker", "date range"):
            for text in texts:
                searcher.run(text, "bm25", Filters(**FILTER_SETS[name]))
    finally:
        sublinear.QueryPostings.refined_bounds = original
    return measured


def _fancy_index_scores(parts, rows: int) -> np.ndarray:
    """every_row_score as it was before run 13."""
    result = np.zeros(rows, dtype=np.float32)
    for part in parts:
        result[np.asarray(part.rows)] += part.values(slice(None))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    arguments = parser.parse_args()
    searcher = Searcher(arguments.folder / "index", arguments.folder / "corpus.sqlite")
    texts = queries(arguments.shared)
    for text in texts:  # the index's pages mapped first
        searcher.run(text, "bm25")
    print(f"{searcher.row_count:,} rows; PASS_SHARE {sublinear.PASS_SHARE}")
    measured = sorted(refinements(searcher, texts))
    print("1. refined bounds, ms (fastest of 5): share of rows, by document, in one pass")
    for share, by_document, one_pass in measured:
        print(f"   {share:5.3f}  {by_document:6.2f}  {one_pass:6.2f}")
    above = [(by_document, one_pass) for share, by_document, one_pass in measured if share > sublinear.PASS_SHARE]
    if above:
        print(f"   above PASS_SHARE ({len(above)} refinements): by document median {statistics.median(b for b, _ in above):.2f}, "
              f"most {max(b for b, _ in above):.2f}; one pass median {statistics.median(p for _, p in above):.2f}, "
              f"most {max(p for _, p in above):.2f}")
    fancy, added = [], []
    for text in texts:
        parts = searcher.lexical.term_parts(text)
        old_ms, old = _fastest(lambda: _fancy_index_scores(parts, searcher.row_count))
        new_ms, new = _fastest(lambda: every_row_score(parts, searcher.row_count))
        if not np.array_equal(old, new):
            raise SystemExit(f"every_row_score differs from the fancy-index sums for {text!r}")
        fancy.append(old_ms)
        added.append(new_ms)
    print(f"2. every row's BM25 over the {len(texts)} dev queries, ms (fastest of 5): fancy index median "
          f"{statistics.median(fancy):.2f}, most {max(fancy):.2f}; add.at median {statistics.median(added):.2f}, most "
          f"{max(added):.2f} (identical sums)")
    searcher.close()


if __name__ == "__main__":
    main()
