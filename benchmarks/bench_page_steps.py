"""Three steps of a search page, each timed against the form it replaced in run 11 (docs/scale.md), on the real
CTD minutes, and checked to give the same answer:

1. which blocks of eight rows hold a row a filter keeps, over 1.2 million rows (the 100x archive), 5 % kept:
   np.logical_or.reduceat against sublinear.blocks_holding (the flags read as 64-bit words);
2. the numbered-group pattern ("G-90") over every paragraph: the pattern that opened with its look-behind against
   analysis._NUMBERED_GROUP, which opens with the "G";
3. the acronyms and glossary expansions of the 21 dev queries over every paragraph: one pattern whose alternatives
   open with a look-behind and switch case, against QueryWords' two patterns scanned together.

Usage: python benchmarks/bench_page_steps.py [SHARED_DIR]   (about a minute; the CTD minutes are ingested first)
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from wto_assist.evaluate import load_queries
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import _NUMBERED_GROUP, glossary_forms
from wto_assist.index.lexical import BLOCK_ROWS
from wto_assist.index.sublinear import blocks_holding
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]
# The numbered-group pattern before run 11: the same matches (tests/test_review_run11.py), the look-behind first.
GROUP_BEFORE = re.compile(r"(?<![\w/.-])(?:[Gg]-?|[Gg]roup of )(\d{1,3})(?![\w/]|-\d)")


def best_ms(step, repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        clock = time.perf_counter()
        step()
        timings.append((time.perf_counter() - clock) * 1000)
    return min(timings)


def phrases_before(query: str) -> re.Pattern | None:
    """The glossary forms of the query's terms as one pattern, as highlighting built it before run 11."""
    phrases = []
    for term in sorted(QueryWords(query).terms):
        acronyms, expansions = glossary_forms(term)
        phrases += [rf"(?<![\w&]){re.escape(acronym)}s?(?![\w&])" for acronym in acronyms]
        phrases += [r"(?i:(?<!\w)" + r"[\s,-]+".join(map(re.escape, expansion.split())) + r"(?!\w))" for expansion in expansions]
    return re.compile("|".join(sorted(phrases, key=len, reverse=True))) if phrases else None


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.sqlite"
        ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        with Store(db) as store:
            texts = [row["text"] for row in store.connection.execute("SELECT text FROM paragraphs")]
    print(f"CTD minutes: {len(texts):,} paragraphs; best of 5 runs each")

    marked = np.random.default_rng(0).random(1_200_000) < 0.05
    reduced = np.logical_or.reduceat(marked, np.arange(0, marked.size, BLOCK_ROWS))
    assert np.array_equal(reduced, blocks_holding(marked))
    print(f"1. blocks holding a kept row, 1,200,000 rows: reduceat {best_ms(lambda: np.logical_or.reduceat(marked, np.arange(0, marked.size, BLOCK_ROWS))):.2f} ms,"
          f" read as words {best_ms(lambda: blocks_holding(marked)):.2f} ms")

    assert all([m.span() for m in GROUP_BEFORE.finditer(text)] == [m.span() for m in _NUMBERED_GROUP.finditer(text)] for text in texts)
    print(f"2. numbered groups over every paragraph: look-behind first {best_ms(lambda: [list(GROUP_BEFORE.finditer(t)) for t in texts]):.0f} ms,"
          f" the G first {best_ms(lambda: [list(_NUMBERED_GROUP.finditer(t)) for t in texts]):.0f} ms")

    queries = [query.query for query in load_queries(shared / "eval" / "dev-queries.jsonl")]
    cases = [(before, QueryWords(query)) for query in queries if (before := phrases_before(query)) is not None]
    for before, words in cases:
        assert all([m.span() for m in before.finditer(text)] == words._phrase_spans(text) for text in texts)
    print(f"3. glossary forms of {len(cases)} dev queries over every paragraph: one pattern, look-behind first"
          f" {best_ms(lambda: [list(before.finditer(t)) for before, _ in cases for t in texts], 3):.0f} ms,"
          f" two patterns scanned together {best_ms(lambda: [words._phrase_spans(t) for _, words in cases for t in texts], 3):.0f} ms")


if __name__ == "__main__":
    main()
