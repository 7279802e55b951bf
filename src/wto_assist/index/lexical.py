"""BM25 over paragraphs (bm25s), stored as the library's .npy/.json files."""

from __future__ import annotations

import json
import math
import os
from collections import deque
from dataclasses import dataclass
from itertools import islice
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .analysis import tokens
from .mapped import mapped

K1, B = 0.75, 0.75  # k1 0.75 beat 0.6, 0.9, 1.2 and 1.5 on the dev and tuning queries (docs/search.md)
# Tokenising is two thirds of a build (profiled at 10x, docs/scale.md): from this many paragraphs on it
# runs in worker processes, in chunks; below, starting them costs more than it saves.
PARALLEL_FROM = 20_000
CHUNK = 2_000


def build_workers() -> int:
    """Processes that tokenise a large build: $WTO_ASSIST_BUILD_WORKERS, else the CPUs this process may use (at most 8)."""
    configured = os.environ.get("WTO_ASSIST_BUILD_WORKERS")
    if configured and configured.isdecimal():
        return max(1, int(configured))
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def _tokenise_chunk(texts: list[str]) -> list[str]:
    # One string per paragraph crosses the process boundary (tokens never hold a space): cheaper to pickle.
    return [" ".join(tokens(text)) for text in texts]


def tokenised(texts: Iterable[str], count: int, workers: int | None = None, parallel_from: int = PARALLEL_FROM) -> Iterator[list[str]]:
    """tokens() of each of the `count` texts, in order; in worker processes for a large build. The texts
    are read as needed (a few chunks ahead), never all held at once."""
    workers = build_workers() if workers is None else workers
    if workers <= 1 or count < parallel_from:
        yield from map(tokens, texts)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    texts = iter(texts)
    # "spawn": the web app builds from a threaded process, which must not be forked.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        while chunk := list(islice(texts, CHUNK)):
            pending.append(pool.submit(_tokenise_chunk, chunk))
            if len(pending) > 2 * workers:  # a few chunks ahead, not the whole corpus queued in memory
                yield from (line.split() for line in pending.popleft().result())
        while pending:
            yield from (line.split() for line in pending.popleft().result())


def build(texts: Iterable[str], folder: Path, count: int) -> None:
    """BM25 of the `count` texts (an iterable, read once)."""
    import bm25s

    # Token ids, not token lists, go to bm25s: one small int list per paragraph whose ints are the
    # vocabulary's own objects, so a million paragraphs hold no million copies of their words.
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in found or ["<empty>"]] for found in tokenised(texts, count)]
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index((ids, vocabulary), show_progress=False)
    retriever.save(str(folder), show_progress=False)
    # The average paragraph length, which an incremental segment (index/segments.py) scores against.
    (folder / "lengths.json").write_text(json.dumps({"rows": len(ids), "tokens": sum(map(len, ids))}), encoding="utf-8")


@dataclass(frozen=True)
class TermPart:
    """One query token's postings in one segment, as `scores()` adds them: rows ascending, stored weights,
    the factor the segment multiplies them by (None: none), and per block of BLOCK_ROWS rows holding the
    term its best stored weight (None: not stored, index/sublinear.py computes it from the rows)."""

    rows: np.ndarray
    weights: np.ndarray
    factor: np.float32 | None = None
    blocks: np.ndarray | None = None
    maxima: np.ndarray | None = None

    def values(self, positions: np.ndarray) -> np.ndarray:
        """The scores added at these positions of the postings, computed as scores() computes them."""
        stored = np.asarray(self.weights[positions])
        return stored * self.factor if self.factor is not None else stored


def add_at(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """target[index] += values, each index named once: numpy's add.at, which since numpy 1.25 runs about three times
    faster than the fancy-index form over a query's postings (benchmarks/bench_refine.py), but only when the values
    have the target's type (otherwise a general loop many times slower): they are converted first. The same sums."""
    np.add.at(target, index, np.asarray(values, dtype=target.dtype))


def every_row_score(parts: list[TermPart], rows: int) -> np.ndarray:
    """Every row's BM25: the parts' scores added in their order, in float32 (a part names each row once)."""
    result = np.zeros(rows, dtype=np.float32)
    for part in parts:
        add_at(result, np.asarray(part.rows), part.values(slice(None)))
    return result


def idf(df: int, rows: int) -> float:
    """BM25's inverse document frequency as bm25s computes it ("lucene": never negative)."""
    return math.log(1 + (rows - df + 0.5) / (df + 0.5))


class LexicalIndex:
    """Reads the arrays bm25s saved (memory-mapped) and scores with numpy: a query imports neither bm25s
    nor scipy (a second of a cold start) and touches only its terms' postings."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        parameters = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if parameters.get("method") != "lucene" or parameters.get("k1") != K1 or parameters.get("b") != B:
            raise ValueError(f"{folder}: a BM25 index with other parameters than this version of wto-assist writes")
        self.row_count = int(parameters["num_docs"])
        self.vocabulary: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        self._data = mapped(folder / "data.csc.index.npy")
        self._rows = mapped(folder / "indices.csc.index.npy")
        self._offsets = mapped(folder / "indptr.csc.index.npy")
        held = (folder / "maxima.json").exists() and json.loads((folder / "maxima.json").read_text(encoding="utf-8")) == {"block_rows": BLOCK_ROWS}
        # written by every build of format 7; another block size is not read (computed per query instead)
        self._maxima = tuple(mapped(folder / name) for name in MAXIMA_FILES) if held else None
        self.folder = folder

    def mapped_arrays(self) -> list[np.ndarray]:
        """The memory-mapped arrays a query reads (mapped.fault_in)."""
        return [self._data, self._rows, self._offsets, *(self._maxima or ())]

    def average_length(self) -> float:
        lengths = json.loads((self.folder / "lengths.json").read_text(encoding="utf-8"))
        return lengths["tokens"] / max(lengths["rows"], 1)

    def document_frequency(self, term: int) -> int:
        return int(self._offsets[term + 1] - self._offsets[term])

    def dead_frequencies(self, dead: np.ndarray) -> np.ndarray:
        """Per term, how many of the rows marked in `dead` contain it (their postings, found in one pass)."""
        positions = np.flatnonzero(dead[self._rows])
        terms = np.searchsorted(self._offsets, positions, side="right") - 1
        return np.bincount(terms, minlength=len(self._offsets) - 1).astype(np.int32)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed paragraph (zeros when no query term is in the vocabulary)."""
        return every_row_score(self.term_parts(query), self.row_count)

    def term_parts(self, query: str) -> list[TermPart]:
        """The postings scores() adds, one part per query token in the vocabulary, in the same order."""
        return [self.part(term) for term in (self.vocabulary.get(token) for token in tokens(query)) if term is not None]

    def part(self, term: int, factor: np.float32 | None = None) -> TermPart:
        start, end = int(self._offsets[term]), int(self._offsets[term + 1])
        blocks = maxima = None
        if self._maxima is not None:
            offsets, held, best = self._maxima
            blocks, maxima = held[int(offsets[term]) : int(offsets[term + 1])], best[int(offsets[term]) : int(offsets[term + 1])]
        return TermPart(self._rows[start:end], self._data[start:end], factor, blocks, maxima)

    def analysed_parts(self, term: str) -> list[TermPart]:
        """The postings of one analysed term (a concept of the query), for which rows hold it."""
        index = self.vocabulary.get(term)
        return [] if index is None else [self.part(index)]

    def term_rows(self, term: str) -> np.ndarray:
        """True for every indexed paragraph containing the (analysed) term."""
        result = np.zeros(self.row_count, dtype=bool)
        index = self.vocabulary.get(term)
        if index is not None:
            result[self._rows[int(self._offsets[index]) : int(self._offsets[index + 1])]] = True
        return result


# --- per block of rows, the best weight of each term (what lets a query skip documents: index/sublinear.py) ---

MAXIMA_FILES = ("maxima.offsets.npy", "maxima.blocks.npy", "maxima.weights.npy")
BLOCK_ROWS = 8  # rows per block: a document's bound is its best block's (a bound per document was too loose for long queries)


def block_maxima(rows: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(blocks, best weight in each) of one posting list (rows ascending)."""
    if rows.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    blocks = np.asarray(rows) // BLOCK_ROWS
    first = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    return blocks[first].astype(np.int32), np.maximum.reduceat(np.asarray(weights, dtype=np.float32), first)


def write_block_maxima(folder: Path) -> None:
    """Per term, the blocks of BLOCK_ROWS rows holding it and the term's best weight in each: a query bounds
    a document's best score from these without reading its postings."""
    data = np.load(folder / "data.csc.index.npy", mmap_mode="r")
    rows = np.load(folder / "indices.csc.index.npy", mmap_mode="r")
    offsets = np.load(folder / "indptr.csc.index.npy", mmap_mode="r")
    found = [block_maxima(rows[int(start) : int(end)], data[int(start) : int(end)]) for start, end in zip(offsets[:-1], offsets[1:])]
    arrays = (np.r_[0, np.cumsum([blocks.size for blocks, _ in found])].astype(np.int64),
              np.concatenate([blocks for blocks, _ in found]) if found else np.zeros(0, np.int32),
              np.concatenate([best for _, best in found]) if found else np.zeros(0, np.float32))
    for name, array in zip(MAXIMA_FILES, arrays):
        np.save(folder / name, array)
    (folder / "maxima.json").write_text(json.dumps({"block_rows": BLOCK_ROWS}), encoding="utf-8")
