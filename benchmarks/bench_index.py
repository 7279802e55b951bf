"""Index build, incremental update, query latency, size, memory, retrieval quality and the fusion
variants behind the default mode, on the real CTD minutes.

Usage: python benchmarks/bench_index.py [SHARED_DIR] [--heldout=QUERIES.jsonl] [--ranking]
(default ../shared; about 15 minutes on 2 cores; --ranking prints only the BM25 ranking tables, in 2-3 minutes)
Prints Markdown tables for docs/measurements.md.
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
from wto_assist.index.build import build_index, lexical_text
from wto_assist.ingest import ingest_paths
from wto_assist.search import MODES, SIMILAR_THRESHOLD, Searcher

REPO = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "") for a in sys.argv[1:] if a.startswith("--"))
    shared = Path(arguments[0]) if arguments else REPO.parent / "shared"
    heldout = Path(options["heldout"]) if options.get("heldout") else None
    if "ranking" in options:
        ranking_only(shared, heldout)
        return
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
        calibration(searcher, queries, relevant_rows(searcher, queries))
        ranking_variants(searcher, query_sets(shared, heldout), db)
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


def query_sets(shared: Path, heldout: Path | None = None) -> dict[str, list]:
    """Every known-item query set, by name with its size: dev (../shared), tuning (written before tuning),
    calibration (known items kept for the weak-match threshold) and, when given, the held-out set."""
    sets = {"dev": load_queries(shared / "eval" / "dev-queries.jsonl"),
            "tuning": load_queries(REPO / "benchmarks" / "data" / "tuning-queries.jsonl"),
            "calibration": load_queries(CALIBRATION)}
    if heldout is not None:
        sets["held-out"] = load_queries(heldout)
    return sets


CALIBRATION = REPO / "benchmarks" / "data" / "calibration-queries.jsonl"


def ranking_variants(searcher: Searcher, sets: dict[str, list], db: Path, with_dense: bool = True) -> None:
    """Every ranking variant against the standard BM25 baseline (Snowball stemming, English stop words),
    on every query set, in one run (docs/search.md)."""
    import bm25s
    import numpy as np

    from wto_assist import query_parse, relevance
    from wto_assist.evaluate import StandardBM25
    from wto_assist.index.analysis import light_stem, tokens
    from wto_assist.index.lexical import K1
    from wto_assist.store import Store

    with Store(db, create=False) as store:
        texts = {(r["symbol"], r["seq"]): lexical_text(r) for r in store.index_rows()}
    standard = StandardBM25([texts[(r["symbol"], r["seq"])] for r in searcher.rows])
    documents, facts = searcher._document_ids, searcher._facts
    not_heading = ~searcher._heading_like

    def lexical(query):
        scores = searcher.lexical.scores(query_parse.parse(query).text or query)
        return np.where((scores > 0) & not_heading, scores, -np.inf)

    def other_bm25(stemmer, k1):
        """The project's analysis with another stemmer or k1, indexed afresh for comparison."""
        retriever = bm25s.BM25(k1=k1, b=0.75)
        retriever.index([tokens(texts[(r["symbol"], r["seq"])], stemmer=stemmer) or ["<empty>"] for r in searcher.rows], show_progress=False)

        def scores(query):
            wanted = [t for t in tokens(query, stemmer=stemmer) if t in retriever.vocab_dict]
            if not wanted:
                return np.full(len(searcher.rows), -np.inf)
            found = retriever.get_scores(wanted)
            return np.where((found > 0) & not_heading, found, -np.inf)
        return scores

    def structure(scores, query):
        return ranking.member_boost(ranking.meeting_context(scores, documents), query, searcher._members)

    def understood(scores, query, **weights):
        defaults = {"procedural_weight": 1, "period_weight": 0, "speaker_weight": 0, "delegation_weight": 0}
        return relevance.adjust(scores, query_parse.parse(query), facts, **{**defaults, **weights})

    light = other_bm25(light_stem, 1.2)
    variants = {
        "**standard BM25 (Snowball, English stop words): the baseline**": lambda q: standard.scores(q),
        "BM25 k1 1.2, glossary, light stemming": light,
        "  + meeting context + Member named (the previous default)": lambda q: structure(light(q), q),
        "BM25 k1 1.2, glossary, Snowball stemming": other_bm25(None, 1.2),
        f"BM25 k1 {K1}, glossary, Snowball stemming": lexical,
        "  + meeting context + Member named": lambda q: structure(lexical(q), q),
    }
    for weight in (0.5, 0.25, 0.1):
        variants[f"  + procedural lines × {weight}"] = (
            lambda q, w=weight: understood(structure(lexical(q), q), q, procedural_weight=w))
    variants["  + period in the query (× 1.5 for \"in 2005\", × 1.2 for a bare year)"] = (
        lambda q: understood(structure(lexical(q), q), q, period_weight=relevance.PERIOD_WEIGHT))
    variants["  + speaker layer (what did X say × 1.2, who-questions × 1.1)"] = (
        lambda q: understood(structure(lexical(q), q), q, speaker_weight=0.2, delegation_weight=0.1))
    variants["  + all of these (`--mode bm25`, **default**)"] = lambda q: searcher.scores(q, "bm25", None)[0]
    if with_dense:
        variants["dense alone (`--mode dense`)"] = lambda q: searcher.scores(q, "dense", None)[0]
        variants["hybrid: fusion 0.1 + structure + understanding (`--mode hybrid`)"] = lambda q: searcher.scores(q, "hybrid", None)[0]
    baseline = next(iter(variants))
    for name, queries in sets.items():
        relevant = relevant_rows(searcher, queries)
        results = {variant: metrics(queries, [ranking_of(score(q.query)) for q in queries], relevant) for variant, score in variants.items()}
        reference = results[baseline]["MRR@10"]
        print(f"\n{name} queries ({len(queries)})\n\n| variant | MRR@10 | × baseline | Recall@10 | nDCG@10 |\n|---|---|---|---|---|")
        for variant, result in results.items():
            print(f"| {variant} | {result['MRR@10']:.3f} | {result['MRR@10'] / max(reference, 1e-9):.2f} | "
                  f"{result['Recall@10']:.3f} | {result['nDCG@10']:.3f} |")
        default = results["  + all of these (`--mode bm25`, **default**)"]
        print("first relevant rank, default:", json.dumps(default["first_relevant_rank"]))
        flagged = sum(searcher.run(q.query, mode="bm25").words.weak for q in queries)
        print(f"weak-match notice on {flagged} of {len(queries)} known-item queries (default mode)")
    weak_match_calibration(searcher)


def weak_match_calibration(searcher: Searcher) -> None:
    """The weak-match threshold: coverage of the best hit for known items (should pass) and for
    questions the CTD minutes do not answer (should warn), on queries the ranking was not tuned on."""
    from wto_assist import relevance

    def coverages(queries):
        values = []
        for query in queries:
            result = searcher.run(query.query)
            values.append(result.words.coverage if result.words and result.words.coverage is not None else 0.0)
        return values

    known = coverages(load_queries(CALIBRATION))
    unanswered = coverages(load_queries(CALIBRATION, answerable=False))
    print(f"\nweak-match calibration: best-hit coverage, {len(known)} known items: "
          + ", ".join(f"{v:.2f}" for v in sorted(known)))
    print(f"  {len(unanswered)} questions the CTD minutes do not answer: " + ", ".join(f"{v:.2f}" for v in sorted(unanswered)))
    best = max((sum(v >= t for v in known) / len(known) + sum(v < t for v in unanswered) / len(unanswered), t)
               for t in sorted(set(known + unanswered)))
    below = [v for v in unanswered if v < min(known)]
    print(f"  gap: highest unanswered below every known item {max(below):.2f}, lowest known item {min(known):.2f}; "
          f"middle {(max(below) + min(known)) / 2:.2f}")
    print(f"  balanced accuracy is highest ({best[0] / 2:.3f}) at a threshold of {best[1]:.2f}; "
          f"in use: {relevance.WEAK_COVERAGE} -> known items flagged {sum(v < relevance.WEAK_COVERAGE for v in known)} "
          f"of {len(known)}, unanswered flagged {sum(v < relevance.WEAK_COVERAGE for v in unanswered)} of {len(unanswered)}")


def ranking_only(shared: Path, heldout: Path | None) -> None:
    """The ranking tables alone, over a BM25-only index (no embedding: minutes, not a quarter hour)."""
    work = Path(tempfile.mkdtemp(prefix="wto-bench-"))
    try:
        db, index_dir = work / "corpus.sqlite", work / "index"
        ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        build_index(db, index_dir, with_dense=False)
        searcher = Searcher(index_dir, db)
        print(f"full CTD corpus: {len(searcher.rows)} paragraphs; BM25-only index (dense variants: run without --ranking)")
        ranking_variants(searcher, query_sets(shared, heldout), db, with_dense=False)
        searcher.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
