"""Synthetic scale: 1M random 384-d vectors (MiniLM's size) in FAISS flat vs IVF, query latency and memory.

Usage: python benchmarks/bench_faiss_scale.py [N]   (default 1,000,000; about 4 minutes and 3 GiB on 2 cores)
Random vectors say nothing about quality, only about speed and memory at a size far beyond the CTD corpus.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

import faiss
import numpy as np

DIMENSION = 384


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies(index, queries: np.ndarray, k: int = 10) -> tuple[float, float]:
    timings = []
    for query in queries:
        clock = time.perf_counter()
        index.search(query[None, :], k)
        timings.append((time.perf_counter() - clock) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * len(timings)) - 1]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((count, DIMENSION), dtype=np.float32)
    faiss.normalize_L2(vectors)
    queries = rng.standard_normal((200, DIMENSION), dtype=np.float32)
    faiss.normalize_L2(queries)
    print(f"{count:,} vectors x {DIMENSION} float32 = {vectors.nbytes / 2**20:.0f} MiB; faiss threads {faiss.omp_get_max_threads()}")
    print("| index | build s | p50 ms | p95 ms | peak RSS MiB |\n|---|---|---|---|---|")

    clock = time.perf_counter()
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(vectors)
    build = time.perf_counter() - clock
    p50, p95 = latencies(flat, queries[:50])
    print(f"| flat (exact) | {build:.1f} | {p50:.1f} | {p95:.1f} | {rss_mib():.0f} |")
    del flat

    nlist = 1024
    clock = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIMENSION)
    ivf = faiss.IndexIVFFlat(quantizer, DIMENSION, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors[rng.choice(count, size=min(count, 100_000), replace=False)])
    ivf.add(vectors)
    build = time.perf_counter() - clock
    for nprobe in (8, 32):
        ivf.nprobe = nprobe
        p50, p95 = latencies(ivf, queries)
        print(f"| IVF{nlist},Flat nprobe={nprobe} | {build:.1f} | {p50:.2f} | {p95:.2f} | {rss_mib():.0f} |")


if __name__ == "__main__":
    main()
