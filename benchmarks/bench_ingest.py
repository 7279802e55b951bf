"""Ingest and enrichment throughput on the real CTD minutes: paragraphs per second, enrichment cost, memory.

Usage: python benchmarks/bench_ingest.py [CORPUS_DIR]   (default ../shared/corpus/ctd-minutes)
Prints a Markdown table row for docs/measurements.md.
"""

from __future__ import annotations

import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from wto_assist.enrich import enrich_store
from wto_assist.ingest import ingest_paths


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared/corpus/ctd-minutes"
    ingest_runs, enrich_runs = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "corpus.sqlite"
            start = time.perf_counter()
            report = ingest_paths([corpus], db, enrich=False)
            ingest_runs.append(time.perf_counter() - start)
            enriched = enrich_store(db)
            enrich_runs.append(enriched.seconds)
    ingest, enrich = min(ingest_runs), min(enrich_runs)
    paragraphs = sum(count for _, _, count in report.ingested)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
    print("| files | failed | paragraphs | ingest s | paragraphs/s | enrich s | entities | enrich / ingest | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(report.ingested)} | {len(report.failed)} | {paragraphs} | {ingest:.2f} | {paragraphs / ingest:,.0f} | "
        f"{enrich:.2f} | {enriched.entities} | {enrich / ingest:.2f}x | {peak_mib:.0f} |"
    )


if __name__ == "__main__":
    main()
