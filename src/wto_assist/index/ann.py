"""The window index type by size: exact below EXACT_LIMIT windows, approximate (FAISS IVF with int8
scalar quantisation) above it, where an exact scan of every window per query no longer fits the budget.

The choice and its settings come from benchmarks/bench_ann.py: recall@10 against exact search on the
real vectors of the dev queries and sampled CTD windows, and latency, memory and build time on random
vectors of the model's dimension at the size of a hundred times the CTD minutes (docs/scale.md).
IVF keeps what search.py relies on: range search (the "similar" floor) and search within allowed rows.
"""

from __future__ import annotations

import math

import numpy as np

# Windows; an exact scan of 100,000 costs about 21 ms on 2 idle cores (1,000,000: 209 ms, docs/measurements.md) and 120 ms
# on the shared machine of docs/scale.md; the CTD minutes (29,273) stay exact, ten times them do not.
EXACT_LIMIT = 100_000
PROBE_SHARE = 1 / 8  # lists visited per query: recall@10 0.952 on real vectors (1/16: 0.890; bench_ann.py)
TRAINING_SAMPLE = 100_000  # vectors the coarse quantiser and the int8 ranges are trained on


def list_count(windows: int) -> int:
    """Inverted lists: about 4 × sqrt(windows), a power of two (FAISS's usual rule), at least 64."""
    return max(64, 2 ** round(math.log2(4 * math.sqrt(max(windows, 1)))))


def probes(lists: int) -> int:
    return max(8, int(lists * PROBE_SHARE))


def build(vectors: np.ndarray, exact_limit: int = EXACT_LIMIT, seed: int = 0):
    """A FAISS inner-product index over `vectors` (float32, normalised): flat up to `exact_limit` rows."""
    import faiss

    count, dimension = vectors.shape
    if count <= exact_limit:
        index = faiss.IndexFlatIP(dimension)
        index.add(vectors)
        return index
    lists = list_count(count)
    index = faiss.index_factory(dimension, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(seed).choice(count, size=min(count, max(TRAINING_SAMPLE, 40 * lists)), replace=False)
    index.train(vectors[np.sort(sample)])
    for start in range(0, count, 100_000):  # added in slices: no second full copy of the vectors
        index.add(vectors[start : start + 100_000])
    index.nprobe = probes(lists)
    return index


def search_parameters(index, selector=None):
    """Search parameters carrying `selector` that keep an IVF index's probe count (FAISS would reset it)."""
    import faiss

    if isinstance(index, faiss.IndexIVF):
        return faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)
    return faiss.SearchParameters(sel=selector) if selector is not None else None


def stored_vectors(index) -> np.ndarray:
    """Every vector of the index, in order (for reuse by the next build). From an int8 index these are the
    decoded values: re-encoding them gives the same codes, so reuse loses nothing further."""
    import faiss

    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()
    return index.reconstruct_n(0, index.ntotal)
