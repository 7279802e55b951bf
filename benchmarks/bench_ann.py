"""Dense retrieval at the scale of an archive: which FAISS index above which window count (index/ann.py).

Usage: python benchmarks/bench_ann.py [--shared ../shared] [--windows 8000] [--scale 100] [--vectors-cache FILE.npz]

1. Real vectors: the 21 dev queries and a random sample of CTD windows, encoded with the ONNX export of
   MiniLM (windows/s measured). Recall@10 of each candidate index against exact search, its size and
   build time; the candidates use the list count and probe share index/ann.py would use at that size.
2. Exact scan latency by window count (random vectors of dimension 384): where EXACT_LIMIT comes from.
3. The chosen index on random vectors at `--scale` times the CTD window count: build time, memory, query
   latency; the encoding of that many windows is on paper (windows / measured windows per second).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from bench_faiss_scale import latencies
from wto_assist.evaluate import load_queries
from wto_assist.index import ann, dense, onnx_encoder
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]
DIMENSION = 384


def index_bytes(index) -> int:
    return int(faiss.serialize_index(index).size)


def recall_at_10(index, queries: np.ndarray, truth: np.ndarray) -> float:
    _, found = index.search(queries, 10)
    return float(np.mean([len(set(row) & set(exact)) / 10 for row, exact in zip(found.tolist(), truth.tolist())]))


def corpus_windows(shared: Path, work: Path) -> list[str]:
    db = work / "corpus.sqlite"
    ingest_paths([shared / "corpus" / "ctd-minutes"], db, enrich=False)
    with Store(db, create=False) as store:
        texts = [text for _, text in store.paragraph_texts()]
    return [window for text in texts for window in dense.windows(text)]


def encoder():
    model = dense.default_model()
    folder = onnx_encoder.export_folder(model)
    if not all((folder / name).is_file() for name in onnx_encoder.EXPORT_FILES):
        folder = onnx_encoder.export(dense.Encoder(model))
    return onnx_encoder.OnnxEncoder(folder)


def real_vectors(shared: Path, sample: int, cache: Path | None = None) -> tuple[np.ndarray, np.ndarray, int, float]:
    """(query vectors, window vectors, CTD window count, windows encoded per second); with `cache`, the
    vectors of an earlier run with the same sample are read from there (encoding is most of the run)."""
    if cache is not None and cache.exists():
        saved = np.load(cache)
        if int(saved["sample"]) == sample:
            return saved["queries"], saved["vectors"], int(saved["windows"]), float(saved["rate"])
    found = _encode_sample(shared, sample)
    if cache is not None:
        np.savez(cache, queries=found[0], vectors=found[1], windows=found[2], rate=found[3], sample=sample)
    return found


def _encode_sample(shared: Path, sample: int) -> tuple[np.ndarray, np.ndarray, int, float]:
    with tempfile.TemporaryDirectory() as folder:
        windows = corpus_windows(shared, Path(folder))
    chosen = random.Random(0).sample(windows, min(sample, len(windows)))
    model = encoder()
    queries = model.encode([query.query for query in load_queries(shared / "eval" / "dev-queries.jsonl")])
    clock = time.perf_counter()
    vectors = model.encode(chosen)
    rate = len(chosen) / (time.perf_counter() - clock)
    return queries, vectors, len(windows), rate


def candidates(count: int) -> list[tuple[str, str, dict]]:
    """(label, factory string, settings) at the list count ann.py would use for `count` windows."""
    lists = ann.list_count(count)
    result = []
    for share in (1 / 32, 1 / 16, 1 / 8):
        probes = max(8, int(lists * share))
        result.append((f"IVF{lists},SQ8 (int8) nprobe {probes}", f"IVF{lists},SQ8", {"nprobe": probes}))
        result.append((f"IVF{lists},Flat nprobe {probes}", f"IVF{lists},Flat", {"nprobe": probes}))
    for probes in (max(8, lists // 16), max(8, lists // 8)):
        result.append((f"IVF{lists},PQ48 nprobe {probes}", f"IVF{lists},PQ48", {"nprobe": probes}))
        result.append((f"IVF{lists},PQ96 nprobe {probes}", f"IVF{lists},PQ96", {"nprobe": probes}))
    for search in (32, 64, 128):
        result.append((f"HNSW32 efSearch {search}", "HNSW32", {"efSearch": search}))
    for search in (32, 64):  # the graph over int8 codes: HNSW's recall at a quarter of the vectors' memory
        result.append((f"HNSW32,SQ8 (int8) efSearch {search}", "HNSW32_SQ8", {"efSearch": search}))
    return result


def part_real(queries: np.ndarray, vectors: np.ndarray, kinds: tuple[str, ...] = ()) -> None:
    exact = faiss.IndexFlatIP(DIMENSION)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    print(f"\n| index on {len(vectors):,} real CTD windows, 21 real queries | recall@10 | build s | MiB | p50 ms |")
    print("|---|---|---|---|---|")
    print(f"| flat (exact) | 1.000 | 0.0 | {index_bytes(exact) / 2**20:.1f} | {latencies(exact, queries)[0]:.2f} |")
    built: dict[str, tuple] = {}  # one build per factory string; the settings only change the search
    for label, factory, settings in candidates(len(vectors)):
        if kinds and not any(kind in factory for kind in kinds):
            continue
        if factory not in built:
            clock = time.perf_counter()
            index = faiss.index_factory(DIMENSION, factory, faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
            index.add(vectors)
            built[factory] = index, time.perf_counter() - clock
        index, build = built[factory]
        for name, value in settings.items():
            setattr(index, name, value) if name == "nprobe" else setattr(index.hnsw, name, value)
        recall = recall_at_10(index, queries, truth)
        print(f"| {label} | {recall:.3f} | {build:.1f} | {index_bytes(index) / 2**20:.1f} | {latencies(index, queries)[0]:.2f} |",
              flush=True)
    chosen = ann.build(vectors, exact_limit=0)
    print(f"| ann.build as shipped: IVF{chosen.nlist},SQ8 nprobe {chosen.nprobe} | {recall_at_10(chosen, queries, truth):.3f} | - | "
          f"{index_bytes(chosen) / 2**20:.1f} | {latencies(chosen, queries)[0]:.2f} |")


def random_vectors(count: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSION), dtype=np.float32)
    faiss.normalize_L2(vectors)
    return vectors


def part_exact_latency(queries: np.ndarray) -> None:
    print("\n| windows (random, 384-d) | exact scan p50 ms | p95 ms |\n|---|---|---|")
    for count in (50_000, 100_000, 250_000, 500_000):
        index = faiss.IndexFlatIP(DIMENSION)
        index.add(random_vectors(count, count))
        p50, p95 = latencies(index, queries)
        print(f"| {count:,} | {p50:.1f} | {p95:.1f} |", flush=True)
        del index


def part_scale(count: int, rate: float, queries: np.ndarray) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock = time.perf_counter()
    vectors = random_vectors(count, 1)
    made = time.perf_counter() - clock
    clock = time.perf_counter()
    index = ann.build(vectors)
    build = time.perf_counter() - clock
    del vectors
    p50, p95 = latencies(index, queries)
    size = index_bytes(index) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{count:,} windows (random vectors, {made:.0f} s to draw): {type(index).__name__} IVF{index.nlist},SQ8 nprobe {index.nprobe}:"
          f" build (train + add) {build:.0f} s, index {size:.0f} MiB (float32 flat: {count * DIMENSION * 4 / 2**20:.0f} MiB),"
          f" query p50 {p50:.1f} ms, p95 {p95:.1f} ms, peak RSS {peak:.0f} MiB (before: {before:.0f})")
    print(f"encoding {count:,} windows at the measured {rate:.0f} windows/s: {count / rate / 3600:.1f} hours on this machine (on paper)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--windows", type=int, default=8000, help="real CTD windows to encode for the recall test")
    parser.add_argument("--scale", type=int, default=100, help="times the CTD window count for the random-vector index")
    parser.add_argument("--parts", default="real,exact,scale", help="which of real, exact, scale to run")
    parser.add_argument("--rate", type=float, default=None, help="windows/s for the on-paper encoding (else measured)")
    parser.add_argument("--vectors-cache", type=Path, default=None, help="keep the encoded sample here (.npz) for a rerun")
    parser.add_argument("--indexes", default="", help="only the candidates whose FAISS factory string holds one of these"
                        " (comma-separated, e.g. HNSW,SQ8); all by default")
    arguments = parser.parse_args()
    parts = arguments.parts.split(",")
    rate, ctd_windows = arguments.rate, None
    if "real" in parts:
        queries, vectors, ctd_windows, measured = real_vectors(arguments.shared, arguments.windows, arguments.vectors_cache)
        rate = rate or measured
        print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads; CTD minutes: {ctd_windows:,} windows;"
              f" encoded {len(vectors):,} sampled windows at {measured:.0f} windows/s (ONNX, CPU)", flush=True)
        part_real(queries, vectors, tuple(kind for kind in arguments.indexes.split(",") if kind))
    if "exact" in parts:
        part_exact_latency(random_vectors(200, 7))
    if "scale" in parts:
        if ctd_windows is None:
            with tempfile.TemporaryDirectory() as folder:
                ctd_windows = len(corpus_windows(arguments.shared, Path(folder)))
        part_scale(ctd_windows * arguments.scale, rate or float("nan"), random_vectors(200, 7))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
