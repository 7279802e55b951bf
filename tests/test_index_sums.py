"""Run 13 (issue 24): the index's sums with numpy's add.at, and the best row per document the one-pass refinement takes."""

from __future__ import annotations

import numpy as np
import pytest

from wto_assist.index.lexical import TermPart, add_at, every_row_score
from wto_assist.index.sublinear import _best_per_document


@pytest.mark.parametrize("target_type", [np.float32, np.float64])
@pytest.mark.parametrize("index_type", [np.uint32, np.int32, np.int64])
def test_add_at_gives_the_fancy_index_sums_bit_for_bit(target_type, index_type, tmp_path):
    """float32 weights added into float32 scores (a row's BM25) or float64 sums (the loose bounds' blocks); indices as
    the index stores them (uint32/int32 postings, int64 delta rows), read memory-mapped as lexical.mapped reads them;
    a term with no posting in a segment."""
    rng = np.random.default_rng(3)
    target = rng.random(5_000).astype(target_type)
    expected = target.copy()
    for number in range(6):
        index = np.sort(rng.choice(target.size, 1_200, replace=False)).astype(index_type)
        values = (rng.random(index.size) * 7).astype(np.float32)
        np.save(tmp_path / f"i{number}.npy", index)
        np.save(tmp_path / f"v{number}.npy", values)
        expected[index] += values
        add_at(target, np.load(tmp_path / f"i{number}.npy", mmap_mode="r"), np.load(tmp_path / f"v{number}.npy", mmap_mode="r"))
    add_at(target, np.zeros(0, dtype=index_type), np.zeros(0, dtype=np.float32))
    assert target.dtype == target_type and np.array_equal(target, expected)


def test_every_row_score_adds_the_parts_in_their_order_with_their_factors():
    """Base parts (int32 rows) and a delta part whose int64 rows follow the base's, with and without a factor."""
    rng = np.random.default_rng(5)
    rows = 940
    parts = []
    for factor in (None, np.float32(0.75), None):
        held = np.sort(rng.choice(900, 300, replace=False)).astype(np.int32)
        parts.append(TermPart(held, (rng.random(held.size) * 3).astype(np.float32), factor))
    delta = 900 + np.sort(rng.choice(40, 15, replace=False)).astype(np.int64)
    parts.append(TermPart(delta, rng.random(delta.size).astype(np.float32), np.float32(1.7)))
    expected = np.zeros(rows, dtype=np.float32)
    for part in parts:
        expected[part.rows] += part.weights * part.factor if part.factor is not None else part.weights
    assert np.array_equal(every_row_score(parts, rows), expected)


@pytest.mark.parametrize("seed", range(6))
def test_best_per_document_over_adjacent_gapped_and_last_documents(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 9, 40)
    starts = np.r_[0, np.cumsum(sizes)]
    values = rng.random(int(starts[-1])).astype(np.float32)
    documents = np.flatnonzero(sizes > 0)
    documents = np.sort(rng.choice(documents, max(1, documents.size // (1 + seed % 3)), replace=False))
    if seed % 2:  # the last document, which ends the rows, always among them
        documents = np.union1d(documents, [np.flatnonzero(sizes > 0)[-1]])
    expected = [float(values[starts[d]:starts[d + 1]].max()) for d in documents]
    best = _best_per_document(values, starts, documents)
    assert best.dtype == np.float64 and best.tolist() == expected
