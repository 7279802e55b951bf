"""Index build, incremental update, query latency, size, memory, retrieval quality and the fusion
variants behind the default mode, on the real CTD minutes.

Usage: python benchmarks/bench_index.py [SHARED_DIR]   (default ../shared; takes about 10 minutes on 2 cores)
Prints Markdown tables for the README.
"""

from __future__ import annotations

import json
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from wto_assist import ranking
from wto_assist.evaluate import evaluate, load_queries, metrics, relevant_rows
from wto_assist.evaluate import ranking as ranking_of
from wto_assist.index import dense
from wto_assist.index.analysis import tokens
from wto_assist.index.build import build_index, lexical_text
from wto_assist.ingest import ingest_paths
from wto_assist.search import HYBRID_DENSE_WEIGHT, MODES, SIMILAR_THRESHOLD, Searcher, fuse

REPO = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    work = Path(tempfile.mkdtemp(prefix="wto-bench-"))
    try:
        corpus = work / "minutes"
        shutil.copytree(shared / "corpus" / "ctd-minutes", corpus)
        db, index_dir = work / "corpus.sqlite", work / "index"
        clock = time.perf_counter()
        ingest_paths([corpus], db)
        parse_seconds = time.perf_counter() - clock

        report = build_index(db, index_dir)
        version = index_dir / report.version
        print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
        print("\n| stage | seconds |\n|---|---|")
        print(f"| parse (ingest 110 files) | {parse_seconds:.1f} |")
        for stage, seconds in report.seconds.items():
            print(f"| {stage} | {seconds:.1f} |")
        encode_rate = report.encoded / report.seconds["encode"]
        paragraph_rate = report.rows / report.seconds["encode"]

        # Raw model.encode on a sample of the same window texts, for comparison with the pipeline.
        from wto_assist.store import Store

        with Store(db, create=False) as store:
            texts = [window for row in store.index_rows()[:3000] for window in dense.windows(row["text"])][:2000]
        encoder = dense.Encoder()
        clock = time.perf_counter()
        encoder.model.encode(texts, batch_size=64)
        raw_rate = len(texts) / (time.perf_counter() - clock)
        print("\n| encoding | windows/s | paragraphs/s |\n|---|---|---|")
        print(f"| index build ({report.rows} paragraphs, {report.windows} windows) | {encode_rate:.1f} | {paragraph_rate:.1f} |")
        print(f"| raw model.encode, 2,000 of the same windows | {raw_rate:.1f} | – |")

        extra = corpus / "WTCOMTDM990.txt"
        shutil.copy(REPO / "corpora" / "minutes" / "WTCOMTDM990.txt", extra)
        ingest_paths([corpus], db)
        clock = time.perf_counter()
        incremental = build_index(db, index_dir)
        incremental_seconds = time.perf_counter() - clock
        print(
            f"\nincremental: one added document -> {incremental.encoded} windows embedded, {incremental.reused} reused, "
            f"{incremental_seconds:.1f} s in all"
        )
        version = index_dir / incremental.version
        print(f"index size on disk: {folder_size(version) / 2**20:.1f} MiB "
              f"(bm25 {folder_size(version / 'bm25') / 2**20:.1f}, dense {folder_size(version / 'dense') / 2**20:.1f})")

        searcher = Searcher(index_dir, db)
        queries = load_queries(shared / "eval" / "dev-queries.jsonl")
        print("\n| mode | p50 ms | p95 ms |\n|---|---|---|")
        for mode in MODES:
            searcher.search("warm-up", mode=mode)
            latencies = []
            for _ in range(3):
                for query in queries:
                    clock = time.perf_counter()
                    searcher.search(query.query, mode=mode, k=10)
                    latencies.append((time.perf_counter() - clock) * 1000)
            latencies.sort()
            print(f"| {mode} | {statistics.median(latencies):.1f} | {latencies[int(0.95 * len(latencies)) - 1]:.1f} |")
        results = evaluate(searcher, queries, list(MODES))
        print("\n| mode | MRR@10 | Recall@10 | Recall@100 | nDCG@10 |\n|---|---|---|---|---|")
        for mode, result in results.items():
            print(f"| {mode} | {result['MRR@10']:.3f} | {result['Recall@10']:.3f} | {result['Recall@100']:.3f} | {result['nDCG@10']:.3f} |")
        print("\nfirst relevant rank per query:", json.dumps({m: r["first_relevant_rank"] for m, r in results.items()}))
        ranking_variants(searcher, queries, db)
        searcher.close()
        cold_start(db, index_dir)
        encoders(db)
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


OFF_TOPIC_QUERIES = [
    "xyzzyplugh", "qwertyuiop asdf", "lorem ipsum dolor sit amet", "zxcv bnm", "*", "???",
    "football world cup results", "recipe for chocolate cake", "quantum entanglement of photons",
    "how to repair a bicycle puncture", "best hiking trails in the alps", "symptoms of the common cold",
    "jazz saxophone improvisation", "photosynthesis in desert plants", "medieval castle architecture",
    "learn to play chess openings", "volcanic eruption in iceland", "knitting a wool scarf",
    "the plot of a detective novel", "banana spaceship",
]


def calibration(searcher: Searcher, queries, relevant) -> None:
    """The similarity threshold: off-topic queries' best cosines against the relevant paragraphs'."""
    count = len(searcher.rows)
    off_topic = [float(searcher.dense.scores(q, count, depth=searcher.dense.index.ntotal).max()) for q in OFF_TOPIC_QUERIES]
    relevant_cosines = []
    for query, wanted in zip(queries, relevant):
        cosines = searcher.dense.scores(query.query, count, depth=searcher.dense.index.ntotal)
        relevant_cosines += [float(cosines[row]) for row in wanted]
    above = sum(value >= SIMILAR_THRESHOLD for value in relevant_cosines)
    print(f"\nsimilarity threshold {SIMILAR_THRESHOLD}: {len(OFF_TOPIC_QUERIES)} off-topic or nonsense queries, best cosine "
          f"max {max(off_topic):.3f} (median {statistics.median(off_topic):.3f}); relevant paragraphs of the dev queries at "
          f"or above it: {above} of {len(relevant_cosines)}")
    for mode in MODES:
        hits = [searcher.run(q, mode=mode).total for q in OFF_TOPIC_QUERIES if q in ("xyzzyplugh", "*", "qwertyuiop asdf")]
        print(f"  {mode}: hits for 'xyzzyplugh', '*', 'qwertyuiop asdf' = {hits}")


def ranking_variants(searcher: Searcher, queries, db: Path) -> None:
    """Every ranking variant tried for the default mode (README, "Ranking"), in one run."""
    import bm25s
    import numpy as np

    from wto_assist.store import Store

    relevant = relevant_rows(searcher, queries)
    calibration(searcher, queries, relevant)
    count = len(searcher.rows)
    with Store(db, create=False) as store:
        texts = {(r["symbol"], r["seq"]): lexical_text(r) for r in store.index_rows()}

    def bm25_scores(expand_acronyms: bool, stemmed: bool):
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokens(texts[(r["symbol"], r["seq"])], expand_acronyms, stemmed) or ["<empty>"] for r in searcher.rows]
        retriever.index(corpus, show_progress=False)
        result = []
        for query in queries:
            wanted = [t for t in tokens(query.query, expand_acronyms, stemmed) if t in retriever.vocab_dict]
            result.append(retriever.get_scores(wanted).astype(np.float32) if wanted else np.zeros(count, dtype=np.float32))
        return result

    def matched(scores):
        return [np.where(s > 0, s, -np.inf) for s in scores]

    plain, baseline = bm25_scores(False, False), bm25_scores(True, False)
    lexical = [searcher.lexical.scores(q.query) for q in queries]  # stemmed, as indexed
    semantic = [searcher.dense.scores(q.query, count, depth=200, floor=SIMILAR_THRESHOLD) for q in queries]
    hits = [(b > 0) | (d >= SIMILAR_THRESHOLD) for b, d in zip(lexical, semantic)]
    documents = searcher._document_ids

    def structure(scores, query, meeting=ranking.MEETING_WEIGHT, member=ranking.MEMBER_WEIGHT):
        return ranking.member_boost(ranking.meeting_context(scores, documents, meeting), query.query, searcher._members, member)

    def fused(weight):
        return [fuse(b, d, h, weight) for b, d, h in zip(lexical, semantic, hits)]

    variants = {
        "BM25 without acronym expansion, no stemming": matched(plain),
        "**BM25 (glossary, no stemming): the baseline**": matched(baseline),
        "BM25 with light stemming": matched(lexical),
        "  + meeting context": [structure(s, q, member=0) for s, q in zip(matched(lexical), queries)],
        "  + Member named in the query": [structure(s, q, meeting=0) for s, q in zip(matched(lexical), queries)],
        "  + both (`--mode bm25`, **default**)": [structure(s, q) for s, q in zip(matched(lexical), queries)],
        "dense alone, above the threshold (`--mode dense`)": [np.where(h, d, -np.inf) for h, d in zip(hits, semantic)],
    }
    for weight in (0.1, 0.2, 0.3):
        variants[f"linear fusion, dense weight {weight}"] = fused(weight)
    for weight in (0.1, 0.2):
        variants[f"linear fusion {weight} + meeting context + Member named" + (" (`--mode hybrid`)" if weight == HYBRID_DENSE_WEIGHT else "")] = [
            structure(s, q) for s, q in zip(fused(weight), queries)
        ]
    print("\n| variant | MRR@10 | × baseline | Recall@10 | nDCG@10 |\n|---|---|---|---|---|")
    reference = metrics(queries, [ranking_of(s) for s in variants["**BM25 (glossary, no stemming): the baseline**"]], relevant)
    for name, score_lists in variants.items():
        result = metrics(queries, [ranking_of(s) for s in score_lists], relevant)
        print(f"| {name} | {result['MRR@10']:.3f} | {result['MRR@10'] / reference['MRR@10']:.2f} | "
              f"{result['Recall@10']:.3f} | {result['nDCG@10']:.3f} |")


def cold_start(db: Path, index_dir: Path, repeats: int = 3) -> None:
    """A new process per query, as a delegate's shell runs it: hybrid (ONNX query encoder) against bm25."""
    import subprocess

    command = [str(Path(sys.executable).parent / "wto-assist"), "search", "duty-free quota-free market access for LDCs",
               "--db", str(db), "--index", str(index_dir), "--k", "3"]
    timings = {}
    for label, extra in (("bm25 (the default)", ["--mode", "bm25"]), ("hybrid (ONNX query encoder)", ["--mode", "hybrid"])):
        runs = []
        for _ in range(repeats):
            clock = time.perf_counter()
            subprocess.run(command + extra, check=True, capture_output=True)
            runs.append(time.perf_counter() - clock)
        timings[label] = statistics.median(runs)
    bm25_seconds = timings["bm25 (the default)"]
    print("\n| cold CLI query (median of 3) | seconds | × bm25 |\n|---|---|---|")
    for label, seconds in timings.items():
        print(f"| {label} | {seconds:.2f} | {seconds / bm25_seconds:.1f} |")


def encoders(db: Path) -> None:
    """Indexing throughput of the torch model, its ONNX export and the export quantised to int8."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from wto_assist.index.onnx_encoder import OnnxEncoder, export_folder
    from wto_assist.store import Store

    with Store(db, create=False) as store:
        texts = [window for row in store.index_rows()[:2000] for window in dense.windows(row["text"])][:1000]
    torch_encoder = dense.Encoder()
    exported = export_folder(torch_encoder.name)
    quantised_folder = Path(tempfile.mkdtemp(prefix="wto-int8-"))
    shutil.copytree(exported, quantised_folder, dirs_exist_ok=True)
    quantize_dynamic(str(exported / "model.onnx"), str(quantised_folder / "model.onnx"), weight_type=QuantType.QInt8)
    reference = None
    print("\n| encoder, 1,000 windows | windows/s | cosine to torch (mean / min) |\n|---|---|---|")
    for label, encoder in (("torch (sentence-transformers)", torch_encoder), ("ONNX export, fp32", OnnxEncoder(exported)),
                           ("ONNX export, int8 dynamic quantisation", OnnxEncoder(quantised_folder))):
        clock = time.perf_counter()
        vectors = encoder.encode(texts)
        rate = len(texts) / (time.perf_counter() - clock)
        reference = vectors if reference is None else reference
        agreement = (vectors * reference).sum(axis=1)
        print(f"| {label} | {rate:.1f} | {agreement.mean():.4f} / {agreement.min():.4f} |")
    shutil.rmtree(quantised_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
