"""Search acceptance on the real CTD minutes (../shared). Full-corpus dense runs live in benchmarks/."""

import json
import shutil
import sqlite3

import pytest

from wto_assist.evaluate import evaluate, load_queries
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.search import DEFAULT_MODE, Filters, Searcher

# Measured on the full corpus with bm25 (README): MRR@10 0.591, Recall@10 0.691.
BM25_FLOORS = {"MRR@10": 0.58, "Recall@10": 0.68}


@pytest.fixture(scope="module")
def ctd_bm25(ctd_db, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("ctd-index")
    build_index(ctd_db, index_dir, with_dense=False)
    searcher = Searcher(index_dir, ctd_db)
    yield searcher
    searcher.close()


def test_bm25_floors_on_the_full_corpus(shared, ctd_bm25):
    metrics = evaluate(ctd_bm25, load_queries(shared / "eval" / "dev-queries.jsonl"), ["bm25"])["bm25"]
    for name, floor in BM25_FLOORS.items():
        assert metrics[name] >= floor, (name, metrics)


def test_speaker_filter_returns_only_that_delegation(ctd_db, ctd_bm25):
    results = ctd_bm25.search("duty-free quota-free market access", mode="bm25", k=50, filters=Filters(speaker="Bangladesh"))
    assert len(results) == 50
    connection = sqlite3.connect(ctd_db)
    for result in results:
        actors = {
            name for (name,) in connection.execute(
                "SELECT a.name FROM paragraph_actors a JOIN paragraphs p ON p.id = a.paragraph_id"
                " JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? AND p.seq = ?",
                (result["symbol"], result["seq"]),
            )
        }
        assert "Bangladesh" in actors, result["citation"]


def test_date_range_follows_meeting_dates(ctd_bm25):
    results = ctd_bm25.search("technical assistance plan", mode="bm25", k=100, filters=Filters(date_from="2005", date_to="2006-06"))
    assert len(results) == 100
    assert all("2005-01-01" <= r["date"] <= "2006-06-30" for r in results)
    symbols = {r["symbol"] for r in results}
    assert symbols <= {f"WT/COMTD/M/{n}" for n in range(50, 58)}  # meetings of 10 Jan 2005 to 11 May 2006


def test_default_mode_is_at_least_bm25_on_the_dev_queries_documents(shared, tmp_path):
    """Hybrid vs BM25 on the 21 source meetings of the dev queries (the full corpus takes ~9 min to embed)."""
    queries = load_queries(shared / "eval" / "dev-queries.jsonl")
    sources = {json.loads(line)["source_symbol"] for line in (shared / "eval" / "dev-queries.jsonl").read_text().splitlines() if line}
    folder = tmp_path / "minutes"
    folder.mkdir()
    for symbol in sources:
        number = symbol.rsplit("/", 1)[1]
        matches = [p for p in (shared / "corpus" / "ctd-minutes").iterdir() if p.stem.lower() == f"wtcomtdm{number}"]
        shutil.copy(matches[0], folder)
    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    ingest_paths([folder], db)
    build_index(db, index_dir)
    searcher = Searcher(index_dir, db)
    results = evaluate(searcher, queries, ["bm25", DEFAULT_MODE])
    searcher.close()
    for metric in ("MRR@10", "Recall@10"):
        assert results[DEFAULT_MODE][metric] >= results["bm25"][metric], (metric, results)
