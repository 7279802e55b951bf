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

from wto_assist import members
from wto_assist.evaluate import evaluate, load_queries, metrics, ranking, relevant_rows
from wto_assist.index.analysis import tokens
from wto_assist.index.build import lexical_text
from wto_assist.index import dense
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.search import MODES, Searcher, fuse

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
        fusion_variants(searcher, queries, db)
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def fusion_variants(searcher: Searcher, queries, db: Path) -> None:
    """The alternatives measured when choosing the default mode (README, "Modes and the default")."""
    import bm25s
    import numpy as np

    from wto_assist.store import Store

    relevant = relevant_rows(searcher, queries)
    count = len(searcher.rows)
    lexical = [searcher.lexical.scores(q.query) for q in queries]
    semantic = [searcher.dense.scores(q.query, count) for q in queries]
    with Store(db, create=False) as store:
        texts = {(r["symbol"], r["seq"]): lexical_text(r) for r in store.index_rows()}
    plain = bm25s.BM25(k1=1.2, b=0.75)
    plain.index([tokens(texts[(r["symbol"], r["seq"])], expand_acronyms=False) or ["<empty>"] for r in searcher.rows], show_progress=False)
    vocabulary = plain.vocab_dict

    def plain_scores(query):
        wanted = [t for t in tokens(query, expand_acronyms=False) if t in vocabulary]
        return plain.get_scores(wanted) if wanted else np.zeros(count)

    def rrf(b, d, weight, k=60):
        rank_b, rank_d = np.empty(count), np.empty(count)
        rank_b[np.argsort(-b)] = np.arange(count)
        rank_d[np.argsort(-d)] = np.arange(count)
        return (1 - weight) / (k + rank_b + 1) + weight / (k + rank_d + 1)

    def boost(scores, query, factor):
        named = {actor.name for actor, _, _ in members.find_all(query) if actor}
        if not named:
            return scores
        mask = np.array([bool(named & set(row["actors"])) for row in searcher.rows])
        return np.where(mask & np.isfinite(scores), scores * (1 + factor), scores)

    variants = {
        "BM25 without acronym expansion": [plain_scores(q.query) for q in queries],
        "BM25 with expansion and agenda field (bm25)": lexical,
        "dense alone (dense)": semantic,
    }
    for weight in (0.2, 0.3, 0.5):
        variants[f"RRF, dense weight {weight}"] = [rrf(b, d, weight) for b, d in zip(lexical, semantic)]
    for weight in (0.1, 0.2, 0.3, 0.4, 0.5):
        variants[f"linear fusion, dense weight {weight}"] = [fuse(b, d, None, weight) for b, d in zip(lexical, semantic)]
    for factor in (0.1, 0.2):
        variants[f"linear 0.2 + boost x{1 + factor} for a Member named in the query"] = [
            boost(fuse(b, d, None, 0.2), q.query, factor) for b, d, q in zip(lexical, semantic, queries)
        ]
    print("\n| variant | MRR@10 | Recall@10 |\n|---|---|---|")
    for name, score_lists in variants.items():
        scores = [np.where(np.isfinite(s) & (s != 0), s, -np.inf) if "BM25" in name else s for s in score_lists]
        result = metrics(queries, [ranking(s) for s in scores], relevant)
        print(f"| {name} | {result['MRR@10']:.3f} | {result['Recall@10']:.3f} |")


if __name__ == "__main__":
    main()
