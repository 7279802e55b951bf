"""Warm search latency through the web app vs the Searcher itself, on the full CTD corpus (BM25 index),
and the cost of a 1,000-result query rendered one page at a time.

Usage: python benchmarks/bench_web.py [SHARED_DIR]   (about a minute)
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from wto_assist.evaluate import load_queries
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.search import Searcher
from wto_assist.web.app import create_app

REPO = Path(__file__).resolve().parents[1]


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * len(samples)) - 1]


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    queries = [q.query for q in load_queries(shared / "eval" / "dev-queries.jsonl")]
    with tempfile.TemporaryDirectory() as folder:
        db, index_dir = Path(folder) / "corpus.sqlite", Path(folder) / "index"
        ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        build_index(db, index_dir, with_dense=False)
        searcher = Searcher(index_dir, db)
        direct = []
        for _ in range(3):
            for query in queries:
                clock = time.perf_counter()
                searcher.search(query, mode="bm25", k=10)
                direct.append((time.perf_counter() - clock) * 1000)
        searcher.close()
        client = TestClient(create_app(db, index_dir, Path(folder) / "web", with_dense=False), base_url="http://127.0.0.1")
        client.get("/search?q=warm-up")
        through_app = []
        for _ in range(3):
            for query in queries:
                clock = time.perf_counter()
                client.get("/search", params={"q": query, "mode": "bm25"})
                through_app.append((time.perf_counter() - clock) * 1000)
        query = {"q": "technical assistance developing countries", "mode": "bm25"}
        pages = int(re.search(r"page 1 of (\d+)", client.get("/search", params=query).text)[1])
        clock = time.perf_counter()
        response = client.get("/search", params={**query, "page": str(pages)})
        last_page = (time.perf_counter() - clock) * 1000
        assert f"Page {pages} of {pages}" in response.text
    print("| path (BM25, full CTD corpus, 21 dev queries x 3) | p50 ms | p95 ms |\n|---|---|---|")
    print("| Searcher.search, k=10 | %.1f | %.1f |" % percentiles(direct))
    print("| GET /search (every hit counted, page of 20 read and rendered) | %.1f | %.1f |" % percentiles(through_app))
    print(f"\n'{query['q']}': last page ({pages} of {pages}) rendered in {last_page:.0f} ms, {len(response.text) / 1024:.0f} KiB of HTML")


if __name__ == "__main__":
    main()
