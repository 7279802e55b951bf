"""Where a warm bm25 query's time goes, stage by stage, on a bench_scale.py folder (1x or 100x): what the query-growth
ratio of issue 24 (p95 at 100x against p95 at 1x) is made of (docs/scale.md, run 14).

Each stage is timed by wrapping the method that does it (time.perf_counter around each call): nested stages count in
their own line and in their parent's ("the page" holds reading, rescoring and refining). Printed: the mean per query,
in ms, over the 21 dev queries run REPEATS times warm, under each filter set asked for.

Usage: python benchmarks/bench_query_stages.py FOLDER [--filters none,speaker,date range] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import collections
import functools
import time
from pathlib import Path

from bench_scale import FILTER_SETS, queries
from wto_assist.index.sublinear import QueryPostings, SublinearHits
from wto_assist.search import Filters, Searcher

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5
# (label, class, method): the stages of Searcher.run at the scale of an archive (index/sublinear.py)
STAGES = [
    ("whole query (Searcher.run)", Searcher, "run"),
    ("ranking set up (_ranked)", Searcher, "_ranked"),
    ("  loose bounds of every document", QueryPostings, "loose_bounds"),
    ("count (sample of the hits)", SublinearHits, "_counted"),
    ("the page (_records)", Searcher, "_records"),
    ("  documents read (postings)", SublinearHits, "_read"),
    ("  documents rescored", SublinearHits, "_take"),
    ("  bounds refined", SublinearHits, "_refine"),
    ("  every row's BM25 (most documents)", SublinearHits, "_go_whole"),
    ("counts by the query's words (_explain)", Searcher, "_explain"),
]


def timed_stages() -> collections.Counter:
    """Wrap every stage's method; the seconds spent in each accumulate in the Counter returned."""
    spent: collections.Counter = collections.Counter()
    for label, owner, name in STAGES:
        method = getattr(owner, name)

        def wrapper(*arguments, _method=method, _label=label, **keywords):
            started = time.perf_counter()
            try:
                return _method(*arguments, **keywords)
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(owner, name, functools.wraps(method)(wrapper))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--filters", default="none,speaker,date range", help="bench_scale.py filter sets, comma-separated")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    arguments = parser.parse_args()
    names = [name.strip() for name in arguments.filters.split(",")]
    unknown = [name for name in names if name not in FILTER_SETS]
    if unknown:
        parser.error(f"--filters: no filter set {unknown[0]!r} (there are: {', '.join(FILTER_SETS)})")
    searcher = Searcher(arguments.folder / "index", arguments.folder / "corpus.sqlite")
    texts = queries(arguments.shared)
    spent = timed_stages()
    print(f"{arguments.folder}: {searcher.row_count:,} paragraphs; mean ms per query over {len(texts)} queries x {REPEATS}")
    print("| stage | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    columns = []
    for name in names:
        filters = Filters(**FILTER_SETS[name])
        for text in texts:  # warm: the mapped pages and caches this filter set touches
            searcher.run(text, "bm25", filters)
        spent.clear()
        for _ in range(REPEATS):
            for text in texts:
                searcher.run(text, "bm25", filters)
        columns.append({label: seconds * 1000 / (REPEATS * len(texts)) for label, seconds in spent.items()})
    for label, _, _ in STAGES:
        print(f"| {label} | " + " | ".join(f"{column.get(label, 0.0):.2f}" for column in columns) + " |")


if __name__ == "__main__":
    main()
