"""Check that scale_corpus.derive_index gives the index a real build gives, at a scale where both run.

Usage: python benchmarks/check_derived.py [--copies 10] [--shared ../shared]   (about 3 minutes at 10 copies)
Prints, per column array, whether it is identical, and the largest relative BM25 score difference over
the 21 dev queries (float32 rounding: about 1e-7), and the same for the query terms' block maxima (the
same blocks, the same best weights up to rounding). Exits non-zero when they differ.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from scale_corpus import derive_index, replicate
from wto_assist.evaluate import load_queries
from wto_assist.index.build import build_index
from wto_assist.index.lexical import LexicalIndex
from wto_assist.ingest import ingest_paths

REPO = Path(__file__).resolve().parents[1]


def live(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text(encoding="utf-8").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wto-derive-"))
    try:
        single, many = work / "single.sqlite", work / "many.sqlite"
        ingest_paths([arguments.shared / "corpus" / "ctd-minutes"], single)
        shutil.copy(single, many)
        replicate(many, arguments.copies)
        build_index(single, work / "single", with_dense=False)
        build_index(many, work / "built", with_dense=False)
        derive_index(work / "single", work / "derived", arguments.copies)
        built, derived = live(work / "built"), live(work / "derived")
        same = True
        for path in sorted((built / "columns").glob("*.npy")):
            equal = np.array_equal(np.load(path), np.load(derived / "columns" / path.name))
            same &= equal
            print(f"{path.stem}: {'identical' if equal else 'DIFFERENT'}")
        read = lambda version: json.loads((version / "columns" / "vocabulary.json").read_text(encoding="utf-8"))  # noqa: E731
        same &= read(built) == read(derived)
        real, copy = LexicalIndex(built / "bm25"), LexicalIndex(derived / "bm25")
        worst = worst_maximum = 0.0
        for query in load_queries(arguments.shared / "eval" / "dev-queries.jsonl"):
            a, b = real.scores(query.query), copy.scores(query.query)
            same &= bool(np.array_equal(a > 0, b > 0))
            worst = max(worst, float(np.abs(a - b).max() / max(float(a.max()), 1e-9)))
            # The block maxima (index format 7): the same blocks per term, the same best weights up to rounding.
            built_parts, derived_parts = real.term_parts(query.query), copy.term_parts(query.query)
            same &= len(built_parts) == len(derived_parts)
            for mine, theirs in zip(built_parts, derived_parts):
                same &= bool(np.array_equal(mine.blocks, theirs.blocks))
                if mine.maxima.size and mine.maxima.size == theirs.maxima.size:
                    worst_maximum = max(worst_maximum, float(np.abs(np.asarray(mine.maxima) - np.asarray(theirs.maxima)).max()
                                                             / max(float(np.max(mine.maxima)), 1e-9)))
        print(f"BM25: largest relative score difference {worst:.1e}; block maxima: largest relative difference {worst_maximum:.1e}"
              f" (same blocks: {'yes' if same else 'NO'})")
        return 0 if same and worst < 1e-5 and worst_maximum < 1e-5 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
