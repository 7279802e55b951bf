"""Check that the bm25 ranking rescoring only the documents a page reaches (index/pruned.py, and at the
scale of an archive index/sublinear.py, which also reads only those documents) lists what rescoring every
hit lists, on an index of any size (a bench_scale.py folder holding corpus.sqlite and index/).

Usage: python benchmarks/check_pruned.py FOLDER [--shared ../shared] [--pages 2]
For the 21 dev queries and a few others, under each of bench_scale.py's filter sets, it compares the first
pages (rows, scores), the count, and how many documents were rescored, and exits non-zero on any difference.
A count the ranking says is an estimate is compared as such: its relative error is printed (largest and
median), and more than ESTIMATE_TOLERANCE off is a difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from bench_scale import FILTER_SETS, queries
from wto_assist.index.hitlist import HitList
from wto_assist.index.sublinear import SublinearHits
from wto_assist.search import Filters, Searcher

REPO = Path(__file__).resolve().parents[1]
ESTIMATE_TOLERANCE = 0.15  # an estimated count further than this from the exact one is a difference
MORE_QUERIES = ["European Union", "tariff", "India said", "what did Brazil say about special and differential treatment in 2005",
                "who supported the G-90 proposals", "Chair took note of the statements"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--pages", type=int, default=2, help="pages of 10 compared per query")
    arguments = parser.parse_args()
    searcher = Searcher(arguments.folder / "index", arguments.folder / "corpus.sqlite")
    depth = 10 * arguments.pages
    cases = differ = 0
    rescored, documents, errors = [], len(searcher.columns.symbols), []
    reading: dict[str, list[tuple[int, int, bool]]] = {}
    clock = time.perf_counter()
    for name, keywords in FILTER_SETS.items():
        for query in queries(arguments.shared) + MORE_QUERIES:
            pruned = searcher.ranked_rows(query, "bm25", Filters(**keywords))
            hits, scores, _ = searcher.scores(query, "bm25", searcher.mask(Filters(**keywords)))
            reference = HitList([], hits, scores, searcher._citation_ids, searcher.columns.citation_count, searcher.columns.order())
            first, expected = pruned[:depth], reference[:depth]
            if getattr(pruned, "estimated", False):
                error = abs(len(pruned) - len(reference)) / max(len(reference), 1)
                errors.append(error)
                count_ok = error <= ESTIMATE_TOLERANCE
            else:
                count_ok = len(pruned) == len(reference)
            same = (count_ok and first == expected
                    and [pruned.score(row) for row in first] == [reference.score(row) for row in expected])
            cases += 1
            rescored.append(pruned.rescored_documents)
            if isinstance(pruned, SublinearHits):  # what the archive-scale path read to make the pages final
                reading.setdefault(name, []).append((pruned.read_documents, int(np.count_nonzero(pruned._refined)), pruned._whole is not None))
            if not same:
                differ += 1
                print(f"DIFFERENT: {query!r}, filter {name}: {len(pruned)} vs {len(reference)} hits", file=sys.stderr)
    searcher.close()
    rescored.sort()
    print(f"{searcher.row_count:,} rows, {documents:,} documents: {cases} queries x filters, first {depth} rows, scores and count"
          f" {'identical in all' if not differ else f'DIFFERENT in {differ}'}; documents rescored per query: median"
          f" {rescored[len(rescored) // 2]:,}, most {rescored[-1]:,} ({time.perf_counter() - clock:.0f} s)")
    for name, figures in reading.items():
        read, refined = sorted(figure[0] for figure in figures), sorted(figure[1] for figure in figures)
        print(f"filter {name}: {len(figures)} queries on the archive-scale path; documents read median {read[len(read) // 2]:,},"
              f" most {read[-1]:,}; bounds refined median {refined[len(refined) // 2]:,}, most {refined[-1]:,};"
              f" ranked from every row: {sum(figure[2] for figure in figures)}")
    if errors:
        errors.sort()
        print(f"{len(errors)} counts were estimates: relative error median {errors[len(errors) // 2]:.3f}, largest {errors[-1]:.3f}")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
