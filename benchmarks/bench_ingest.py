"""Ingest throughput on the real CTD minutes: files and paragraphs per second, peak memory.

Usage: python benchmarks/bench_ingest.py [CORPUS_DIR]   (default ../shared/corpus/ctd-minutes)
Prints a Markdown table row for the README.
"""

from __future__ import annotations

import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from wto_assist.ingest import ingest_paths


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared/corpus/ctd-minutes"
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            report = ingest_paths([corpus], Path(folder) / "corpus.sqlite")
            runs.append(time.perf_counter() - start)
    best = min(runs)
    paragraphs = sum(count for _, _, count in report.ingested)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
    print("| files | failed | paragraphs | best of 3 (s) | paragraphs/s | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(report.ingested)} | {len(report.failed)} | {paragraphs} | {best:.2f} | {paragraphs / best:,.0f} | {peak_mib:.0f} |")


if __name__ == "__main__":
    main()
