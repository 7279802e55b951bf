"""Incremental index (index/segments.py): base + delta against a full rebuild of the same store."""

from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest

from wto_assist.index.build import build_index, current_version
from wto_assist.ingest import ingest_paths
from wto_assist.search import Filters, Searcher

from .store_edits import delete_documents

ADDED = "WT/COMTD/M/100"  # removed from the copy before the base build, ingested again after it
REMOVED = "WT/COMTD/M/50"  # in the base build, removed from the store afterwards
FILTERS = [Filters(), Filters(speaker="European Union"), Filters(date_from="2010", date_to="2017"),
           Filters(symbol="WT/COMTD/M/1")]


@pytest.fixture(scope="module")
def segmented(shared, ctd_db, tmp_path_factory):
    """(searcher over base + delta, searcher over a full rebuild, the incremental build's report)."""
    work = tmp_path_factory.mktemp("segments")
    db = work / "corpus.sqlite"
    shutil.copy(ctd_db, db)
    delete_documents(db, [ADDED])
    build_index(db, work / "index", with_dense=False)
    report = ingest_paths([shared / "corpus" / "ctd-minutes" / "WTCOMTDM100.txt"], db)
    assert not report.failed, report.failed
    delete_documents(db, [REMOVED])
    incremental = build_index(db, work / "index", with_dense=False)
    build_index(db, work / "full", with_dense=False, full=True)
    searchers = Searcher(work / "index", db), Searcher(work / "full", db)
    yield (*searchers, incremental, work)
    for searcher in searchers:
        searcher.close()


def _queries(shared) -> list[str]:
    lines = (shared / "eval" / "dev-queries.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()]


def test_an_incremental_build_adds_a_segment_and_tombstones_what_was_removed(segmented):
    delta, full, report, work = segmented
    added_rows = len(full.columns.document_rows(ADDED))
    assert report.delta == {"documents": 1, "rows": added_rows, "removed_documents": 1}
    assert list(delta.columns.document_rows(ADDED)) == list(range(delta.columns.row_count - added_rows, delta.columns.row_count))
    assert (current_version(work / "index") / "delta").is_dir()
    assert report.rows == full.row_count
    assert not list(delta.columns.document_rows(REMOVED)) and list(full.columns.document_rows(ADDED))
    assert delta.run(f"{ADDED}").records[0]["symbol"] == ADDED
    assert delta.run(REMOVED).notices and REMOVED + " is not in the corpus" in delta.run(REMOVED).notices[0]


def test_base_plus_delta_counts_exactly_and_ranks_like_a_full_rebuild(shared, segmented):
    """Totals are exact; the order differs from a full rebuild's only where the scores are within the change
    of BM25's average paragraph length (not recomputed for the base), measured here and in docs/scale.md."""
    delta, full, _, _ = segmented
    same_pages = pages = 0
    worst = 0.0
    for query in _queries(shared):
        for filters in FILTERS:
            mine, theirs = delta.run(query, filters=filters, size=10), full.run(query, filters=filters, size=10)
            assert mine.total == theirs.total, (query, filters)
            cited = [record["citation"] for record in mine.records]
            expected = [record["citation"] for record in theirs.records]
            pages += 1
            same_pages += cited == expected
            assert len(set(cited) & set(expected)) >= 8, (query, filters, cited, expected)
            scores = {record["citation"]: record["score"] for record in theirs.records}
            for record in mine.records:
                if record["citation"] in scores:
                    worst = max(worst, abs(record["score"] - scores[record["citation"]]) / max(abs(scores[record["citation"]]), 1e-9))
    assert same_pages / pages >= 0.9, (same_pages, pages)
    assert worst < 0.01, worst
    print(f"identical first pages: {same_pages}/{pages}; largest relative score difference {worst:.2e}")


def test_base_plus_delta_read_document_by_document_ranks_as_scoring_every_row(shared, segmented, monkeypatch):
    """The archive-scale path (index/sublinear.py) over base + delta: the delta's postings carry no stored
    maxima and the base's are rescaled to the IDF over both; pages, scores and counts are those of the
    path that scores every row of both segments."""
    import wto_assist.search as search
    from wto_assist.index import sublinear

    monkeypatch.setattr(sublinear, "FIRST_READ", 8)  # as at the scale of an archive: a few documents first
    monkeypatch.setattr(sublinear, "FULL_SHARE", 1.0)
    delta = segmented[0]
    pages = {}
    for threshold in (10**12, 0):
        monkeypatch.setattr(search, "SUBLINEAR_FROM_ROWS", threshold)
        monkeypatch.setattr(search, "SUBLINEAR_FROM_POSTINGS", threshold)
        pages[threshold] = [delta.run(query, "bm25", filters) for query in _queries(shared)[:8]
                            for filters in (Filters(), Filters(speaker="European Union"))]
    for everyone, reading in zip(pages[10**12], pages[0]):
        assert [(r["citation"], r["score"]) for r in reading.records] == [(r["citation"], r["score"]) for r in everyone.records]
        assert (reading.total, reading.words) == (everyone.total, everyone.words)


def test_the_delta_scores_its_rows_as_a_full_rebuild_would_up_to_the_average_length(segmented):
    delta, full, _, _ = segmented
    query = "special and differential treatment for least-developed countries"
    mine, theirs = delta.lexical.scores(query), full.lexical.scores(query)
    added_mine = np.asarray(mine[list(delta.columns.document_rows(ADDED))])
    added_full = np.asarray(theirs[list(full.columns.document_rows(ADDED))])
    assert added_mine.size == added_full.size and added_mine.any()
    assert np.allclose(added_mine, added_full, rtol=0.01)


def test_index_full_merges_the_delta_and_an_old_format_says_what_to_run(segmented, ctd_db, tmp_path):
    _, _, _, work = segmented
    shutil.copytree(work / "index", tmp_path / "index")
    build_index(work / "corpus.sqlite", tmp_path / "index", with_dense=False, full=True)
    version = current_version(tmp_path / "index")
    assert not (version / "delta").exists()
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 5
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    from wto_assist.index.build import FORMAT_VERSION, IndexMissing

    with pytest.raises(IndexMissing, match=f"format 5, this wto-assist reads format {FORMAT_VERSION}: build the index again"):
        Searcher(tmp_path / "index", work / "corpus.sqlite")


def test_a_dense_index_takes_new_documents_as_a_segment_and_finds_what_a_full_rebuild_finds(tmp_path):
    """The sample corpus with vectors: one document added after the base build; dense scores of base +
    delta equal a full rebuild's (exact window indexes on both sides); hybrid finds the same first page."""
    from tests.conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    held_back = tmp_path / "WTCOMTDM990.txt"
    shutil.move(corpus / "minutes" / "WTCOMTDM990.txt", held_back)
    db = tmp_path / "corpus.sqlite"
    ingest_paths([corpus], db)
    build_index(db, tmp_path / "index")
    shutil.move(held_back, corpus / "minutes" / "WTCOMTDM990.txt")
    ingest_paths([corpus], db)
    report = build_index(db, tmp_path / "index")
    assert report.delta is not None and report.delta["documents"] == 1 and 0 < report.encoded < report.windows
    build_index(db, tmp_path / "full", full=True)
    delta, full = Searcher(tmp_path / "index", db), Searcher(tmp_path / "full", db)
    try:
        for query in ("duty-free quota-free market access for least-developed countries", "import ban on shrimp"):
            for filters in (Filters(), Filters(symbol="WT/COMTD/M/990")):
                mine = delta.run(query, mode="dense", filters=filters, size=20)
                theirs = full.run(query, mode="dense", filters=filters, size=20)
                assert [(r["citation"], r["score"]) for r in mine.records] == [(r["citation"], r["score"]) for r in theirs.records]
                assert mine.total == theirs.total and theirs.records
                # Hybrid mixes in BM25, whose average paragraph length stays the base's until the next full
                # build (on this small sample one document moves it by a few per cent): the same hits on the first
                # page, scores within 5 %, and only near-ties may swap.
                mine = {r["citation"]: r["score"] for r in delta.run(query, mode="hybrid", filters=filters).records}
                theirs = {r["citation"]: r["score"] for r in full.run(query, mode="hybrid", filters=filters).records}
                assert mine.keys() == theirs.keys()
                assert all(abs(mine[c] - theirs[c]) <= 0.05 * theirs[c] for c in theirs), (mine, theirs)
                order_mine, order_theirs = list(mine), list(theirs)
                for a, b in zip(order_mine, order_theirs):
                    assert a == b or abs(theirs[a] - theirs[b]) <= 0.05 * max(theirs[a], theirs[b])
    finally:
        delta.close()
        full.close()


def test_documents_saved_in_the_second_the_base_read_the_store_are_not_indexed_twice(tmp_path):
    """The store's clock counts seconds: a document ingested just before the base build read the store
    shares that second, and stays in the base unless its paragraphs changed."""
    from tests.conftest import CORPUS

    db = tmp_path / "corpus.sqlite"
    ingest_paths([CORPUS], db)
    build_index(db, tmp_path / "index", with_dense=False)
    connection = sqlite3.connect(db)
    read_at = json.loads((current_version(tmp_path / "index") / "manifest.json").read_text(encoding="utf-8"))["read_at"]
    with connection:
        connection.execute("UPDATE documents SET ingested_at = ?", (read_at,))
    connection.close()
    live = current_version(tmp_path / "index")
    again = build_index(db, tmp_path / "index", with_dense=False)
    assert again.up_to_date and again.version == live.name and current_version(tmp_path / "index") == live


def test_an_index_run_with_nothing_new_publishes_nothing(segmented):
    """After the incremental build, `index` again with nothing ingested or removed keeps the live version."""
    delta, full, report, work = segmented
    live = current_version(work / "index")
    again = build_index(work / "corpus.sqlite", work / "index", with_dense=False)
    assert again.up_to_date and current_version(work / "index") == live
    assert sorted(path.name for path in (work / "index").iterdir() if path.name.startswith("v")) == [live.name]


def test_documents_ingested_while_the_index_was_built_count_as_waiting():
    """The index reads the store when it starts (read_at) and is published later (created): a document
    ingested in between is not in it, so the staleness check starts from read_at."""
    from wto_assist.index_health import built_at

    manifest = {"read_at": "2026-11-28T10:00:00+00:00", "created": "2026-11-28T10:09:00+0000"}
    assert built_at(manifest) == "2026-11-28T10:00:00+00:00"
    assert built_at({"created": "2026-11-28T10:09:00+0000"}) == "2026-11-28T10:09:00+00:00"  # an index older than read_at
