"""Fault round on run 10 (issue 24): refined bounds (QueryPostings.refined_bounds, SublinearHits._refine), a ceiling
per document (Searcher._ceiling, relevance.max_factor with arrays), and the per-thread connections handed back
(corpus.ThreadStores). Each test tries to break an invariant: the pages are those of rescoring every hit; no final
score exceeds its document's ceiling times (BM25 + meeting x the document's best BM25); a connection is never
handed to two threads at once, nor handed out closed."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from wto_assist import query_parse, ranking, relevance
from wto_assist.corpus import ThreadStores
from wto_assist.filters import Filters
from wto_assist.index import sublinear
from wto_assist.index.hitlist import HitList
from wto_assist.index.lexical import TermPart, block_maxima
from wto_assist.index.sublinear import QueryPostings, SublinearHits
from wto_assist.search import Searcher
from wto_assist.store import Store

from .test_sublinear_review import random_documents, random_opened


def _ceiling_case(seed: int, parts_count: int, by_row: bool, eligible_filter: bool, opened_count: int = 0):
    """(SublinearHits, reference HitList) with a ceiling PER DOCUMENT and a rescore that reaches it exactly on some
    rows (the tightest the bound may be), many parts of very different sizes (common and rare), tied weights."""
    rng = np.random.default_rng(seed)
    documents = int(rng.integers(30, 200))
    sizes, starts, document_ids, citation_ids = random_documents(rng, documents, 30)
    rows = int(starts[-1])
    parts = []
    for number in range(parts_count):
        share = 0.9 if number == 0 else rng.choice([0.002, 0.02, 0.2])  # one very common term, the others rarer
        held = np.flatnonzero(rng.random(rows) < share)
        weights = (np.round(rng.random(held.size) * 6 + 1) / 2).astype(np.float32) if number % 2 else \
            (rng.random(held.size) * (0.05 if number == 0 else 4) + 1e-3).astype(np.float32)
        factor = np.float32(rng.uniform(0.3, 2.5)) if rng.random() < 0.4 else None
        blocks, maxima = block_maxima(held, weights) if rng.random() < 0.6 else (None, None)
        parts.append(TermPart(held, weights, factor, blocks, maxima))
    lexical = np.zeros(rows, dtype=np.float32)
    for part in parts:
        lexical[part.rows] += part.values(np.arange(part.rows.size))
    ceiling = np.where(rng.random(documents) < 0.3, rng.choice([1.5, 2.0, 3.0], documents), 1.0)
    # A row's factor: its document's ceiling on about half of its rows (reached exactly), else 1.
    boost = np.where(rng.random(rows) < 0.5, ceiling[document_ids], 1.0)
    row_filter = rng.random(rows) < rng.choice([0.15, 0.5, 1.0])
    hidden = rng.random(rows) < 0.1

    def rescore(hit_rows, bm25):
        return ranking.meeting_context(bm25, document_ids[hit_rows], 0.2, document_sizes=sizes) * boost[hit_rows]

    def listed(hit_rows):
        keep = ~hidden[hit_rows]
        return keep & row_filter[hit_rows] if (by_row or eligible_filter) else keep

    opened = random_opened(rng, opened_count, citation_ids)
    hits = np.flatnonzero(lexical > 0)
    final, shown = rescore(hits, lexical[hits]), listed(hits)
    citation_count = int(citation_ids.max()) + 1
    expected = HitList(opened, hits[shown], final[shown], citation_ids, citation_count)
    eligible = None
    if by_row or eligible_filter:
        eligible = np.array([row_filter[starts[d]:starts[d + 1]].any() for d in range(documents)])
    got = SublinearHits(opened, QueryPostings(parts, starts), listed, eligible, row_filter if by_row else None, rescore,
                        ceiling, 0.2, starts, document_ids, citation_ids, citation_count)
    return got, expected


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("parts_count", [1, 2, 7])
def test_pages_with_a_ceiling_per_document_equal_rescoring_every_hit(seed, parts_count, monkeypatch):
    """A ceiling that differs per document and is reached exactly; a row filter, a document-level filter
    (eligible given, rows not filtered: refined bounds over all rows) or none; refinement forced early."""
    monkeypatch.setattr(sublinear, "FIRST_READ", 1 + seed % 3)
    monkeypatch.setattr(sublinear, "FULL_SHARE", 1.0 if seed % 4 else 0.4)
    got, expected = _ceiling_case(seed, parts_count, by_row=seed % 3 == 0, eligible_filter=seed % 3 == 1, opened_count=seed % 4)
    every = expected[:]
    assert got[:10] == every[:10]
    assert list(got.from_position(25)) == every[25:]
    assert [got.score(row) for row in every[:40] if row not in got.opened] == \
        [expected.score(row) for row in every[:40] if row not in expected.opened]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("listed_given", [True, False])
def test_refined_bounds_stay_at_or_above_the_exact_bounds_with_many_terms(seed, listed_given, monkeypatch):
    """Many terms (float32 rounding at each added term), factor-scaled and delta parts, a refined bound per document
    is never below the bound reading it gives, with or without the listed rows (rare terms read in one pass or
    per document, alternately)."""
    monkeypatch.setattr(sublinear, "PASS_SHARE", 0.0 if seed % 2 else 2.0)
    got, _ = _ceiling_case(seed, 12 + seed % 5, by_row=listed_given, eligible_filter=not listed_given)
    candidates = got._candidates
    got._refine(candidates)
    refined = got._loose[candidates].copy()
    got._read(candidates)
    exact = got._exact_bound[candidates]
    assert np.all(refined >= exact), (refined[refined < exact], exact[refined < exact])


def test_refined_bounds_of_one_posting_per_row_sum_at_or_above_float32_row_sums(monkeypatch):
    """Worst case of the rounding: 60 rare terms of the same row, each adding a weight float32 rounds (the row's BM25
    sums them in float32 in the parts' order; the refined bound in another order)."""
    rng = np.random.default_rng(7)
    rows = 64
    starts = np.array([0, 16, 32, 48, 64])
    parts = [TermPart(np.arange(rows), np.full(rows, 0.01, dtype=np.float32), None, None, None)] * 0
    for _ in range(60):
        weights = (rng.random(rows) * 3 + 0.1).astype(np.float32)
        parts.append(TermPart(np.arange(rows), weights, np.float32(rng.uniform(0.5, 1.5)), None, None))
    postings = QueryPostings(parts, starts)
    postings.loose_bounds()
    documents = np.arange(4)
    rows_read, scores = postings.read(documents)
    exact = np.maximum.reduceat(scores, np.searchsorted(rows_read, starts[:-1]))
    for pass_share in (0.0, 2.0):  # the rare terms read in one pass, and per document
        monkeypatch.setattr(sublinear, "PASS_SHARE", pass_share)
        best_listed, anywhere = postings.refined_bounds(documents, None)
        assert np.all(anywhere >= exact) and np.all(best_listed >= exact)


# --- the ceiling per document on the real minutes ------------------------------------------------------------------

@pytest.fixture(scope="module")
def ctd_searcher(ctd_db, ctd_index):
    searcher = Searcher(ctd_index, ctd_db)
    yield searcher
    searcher.close()


REAL_QUERIES = [
    ("special and differential treatment in 2005", None),
    ("aid for trade between 2003 and 2006", None),
    ("what did India say about duty-free quota-free market access", None),
    ("Bangladesh least developed countries preferences", None),
    ("what did Brazil say on technical assistance in 2004", Filters(speaker="Brazil")),
    ("China accession and India in 2002", Filters(member="India")),
    ("small economies work programme in 2006", Filters(date_from="2004-01-01", date_to="2008-12-31")),
    ("what did the European Union and China say about electronic commerce since 2010", Filters(symbol="WT/COMTD/M/")),
    ("what did the Chair say about the agenda in 2005", Filters(speaker="Chair")),
    ("G-90 proposal 2003", None),
]


@pytest.mark.parametrize("query, filters", REAL_QUERIES, ids=[q for q, _ in REAL_QUERIES])
def test_final_scores_never_exceed_the_ceiling_of_their_document(ctd_searcher, query, filters):
    """Every listed hit's final score <= its document's ceiling x (its BM25 + meeting x the document's best BM25):
    the bound index/pruned.py and index/sublinear.py skip documents with. The ceiling must be above 1 somewhere
    and 1 somewhere else for the test to bite where the query names a period, a speaker or a Member."""
    searcher = ctd_searcher
    parsed = query_parse.parse(query)
    mask = searcher.mask(filters) if filters is not None else None
    lexical = searcher.lexical.scores(parsed.text or query)
    hits = np.flatnonzero(lexical > 0)
    assert hits.size
    final = np.asarray(searcher._rescored(hits, lexical[hits], query, parsed, "bm25"), dtype=np.float64)
    documents = np.asarray(searcher._document_ids[hits], dtype=np.int64)
    best = np.zeros(searcher._document_sizes.size)
    np.maximum.at(best, documents, lexical[hits].astype(np.float64))
    ceiling = searcher._ceiling(query, parsed, mask)
    bound = ceiling[documents] * (lexical[hits] + searcher.weights.meeting * best[documents])
    listed = searcher._listable[hits]
    if mask is not None:
        listed &= mask[hits]
    assert listed.any()
    over = listed & (final > bound * (1 + 1e-6))
    assert not over.any(), [(int(row), final[i], bound[i]) for i, row in zip(np.flatnonzero(over), hits[over])][:5]
    if parsed.period or parsed.speakers or ranking.named_members(query):
        assert ceiling.min() < ceiling.max()  # per document indeed


def test_max_factor_per_document_is_the_scalar_where_every_factor_applies():
    parsed = query_parse.parse("what did India say about special and differential treatment in 2005")
    scalar = relevance.max_factor(parsed)
    assert isinstance(scalar, float)
    per_document = relevance.max_factor(parsed, in_period=np.array([True, False, True]), speaking=np.array([True, True, False]))
    assert per_document[0] == pytest.approx(scalar)
    assert np.all(per_document <= scalar) and per_document[1] < scalar


# --- ThreadStores --------------------------------------------------------------------------------------------------

def _database(tmp_path):
    path = tmp_path / "corpus.sqlite"
    Store(path).close()
    return path


def test_a_connection_of_an_ended_thread_goes_to_one_new_thread_only(tmp_path):
    """Threads end and start in waves: at no time do two live threads hold the same connection."""
    stores = ThreadStores(_database(tmp_path))
    try:
        for _ in range(5):
            barrier = threading.Barrier(4)
            got: list = []

            def work():
                store = stores.get()
                got.append(store)
                barrier.wait(timeout=10)  # all four alive together, each holding its connection
                store.connection.execute("SELECT 1").fetchone()

            threads = [threading.Thread(target=work) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len({id(store) for store in got}) == 4
        assert stores.connections <= 8  # handed back and reused, not one per thread ever started (20 threads)
    finally:
        stores.close()


def test_after_close_no_thread_gets_a_closed_connection(tmp_path):
    """A thread that held a connection before close() gets an open one afterwards, and the connections
    handed back by threads ending after close() are not handed out again (they are closed)."""
    stores = ThreadStores(_database(tmp_path))
    ready, release = threading.Event(), threading.Event()
    before: list = []

    def holder():
        before.append(stores.get())
        ready.set()
        release.wait(timeout=10)

    thread = threading.Thread(target=holder)
    thread.start()
    ready.wait(timeout=10)
    mine = stores.get()
    stores.close()
    release.set()
    thread.join()
    fresh = stores.get()
    assert fresh is not mine and fresh is not before[0]
    assert fresh.connection.execute("SELECT 1").fetchone()[0] == 1
    results = []

    def later():
        results.append(stores.get().connection.execute("SELECT 1").fetchone()[0])

    worker = threading.Thread(target=later)
    worker.start()
    worker.join()
    assert results == [1]
    stores.close()


def test_a_schema_check_after_close_when_the_database_was_replaced(tmp_path):
    """close() then a new database at the same path (a restored or re-created corpus): the next connection is the
    first of the new file, so it must create the schema; the flag 'schema checked' survives close() today."""
    path = _database(tmp_path)
    stores = ThreadStores(path)
    stores.get()
    stores.close()
    path.unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"corpus.sqlite{suffix}").unlink(missing_ok=True)
    import sqlite3
    sqlite3.connect(path).close()  # an empty file at the path: Store(create=False) opens it
    store = stores.get()
    tables = {row[0] for row in store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    stores.close()
    assert "meta" in tables


@pytest.mark.parametrize("first_read", [1, 8])
def test_archive_path_on_the_real_minutes_lists_the_pages_of_rescoring_every_hit(ctd_searcher, monkeypatch, first_read):
    """The sublinear path forced on the real minutes, bounds refined at almost every read (FIRST_READ 1), for queries
    with a period, a speaker question, Members named, and speaker, member and date filters: the first pages and a
    deeper one are those of rescoring every hit (rows and scores)."""
    import wto_assist.search as search

    for name in ("SUBLINEAR_FROM_ROWS", "SUBLINEAR_FROM_POSTINGS"):
        monkeypatch.setattr(search, name, 0)
    monkeypatch.setattr(sublinear, "FIRST_READ", first_read)
    monkeypatch.setattr(sublinear, "FULL_SHARE", 1.0)
    searcher = ctd_searcher
    refined_somewhere = False
    for query, filters in REAL_QUERIES:
        chosen = filters or Filters()
        order = searcher.ranked_rows(query, "bm25", chosen)
        assert isinstance(order, SublinearHits)
        hits, scores, _ = searcher.scores(query, "bm25", searcher.mask(chosen))
        reference = HitList([], hits, scores, searcher._citation_ids, searcher.columns.citation_count, searcher.columns.order())
        assert order[:30] == reference[:30], query
        assert [order.score(row) for row in order[:30]] == [reference.score(row) for row in reference[:30]], query
        assert list(order.from_position(60))[:40] == reference[60:100], query
        refined_somewhere |= bool(order._refined.any())
    assert refined_somewhere or first_read == 8


def test_a_connection_taken_from_the_idle_list_is_held_before_close_can_run(tmp_path, monkeypatch):
    """The review found get() taking an idle connection, then close() closing it before the thread held it (the
    thread kept a closed connection). Taking and holding are now one step under the ThreadStores lock, which
    close() needs too: checked where the hold is made, and a connection handed out after close() is open."""
    from wto_assist import corpus

    stores = ThreadStores(_database(tmp_path))
    first = threading.Thread(target=stores.get)  # its connection goes idle when it ends
    first.start()
    first.join()
    assert stores._idle
    locked_while_held, original = [], corpus._Held.__init__

    def holding(self, store):
        locked_while_held.append(stores._lock.locked())
        original(self, store)

    monkeypatch.setattr(corpus._Held, "__init__", holding)
    taken = []
    thread = threading.Thread(target=lambda: taken.append(stores.get()))
    thread.start()
    thread.join()
    assert locked_while_held == [True]
    stores.close()
    after = []
    thread = threading.Thread(target=lambda: after.append(stores.get().connection.execute("SELECT 1").fetchone()[0]))
    thread.start()
    thread.join()
    assert after == [1]
    stores.close()


# --- web workers ---------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(__import__("socket"), "SO_REUSEPORT"), reason="SO_REUSEPORT only")
def test_a_second_server_on_the_port_of_a_running_one_is_refused():
    from wto_assist.errors import UnavailableError
    from wto_assist.web import workers

    running = workers._bound_socket("127.0.0.1", 0)  # a worker of a running server, listening
    running.listen()
    port = running.getsockname()[1]
    try:
        with pytest.raises(UnavailableError):
            workers._reserve_port("127.0.0.1", port).close()  # the second server's parent reserving the port
    finally:
        running.close()


def test_a_search_waiting_for_the_index_switch_does_not_deadlock(sample_db, tmp_path):
    """The search lock is taken before the shared lock; the index switch takes the lock alone: a search holding the
    search lock while a switch waits, and another request holding a share, all finish."""
    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app

    build_index(sample_db, tmp_path / "index", with_dense=False)
    app = create_app(sample_db, tmp_path / "index", tmp_path / "data", with_dense=False)
    state = app.app.state.web
    done = []
    reader_in, release_reader = threading.Event(), threading.Event()

    def reader():  # a page holding a share
        with state.lock:
            reader_in.set()
            release_reader.wait(timeout=10)
        done.append("reader")

    def switch():
        with state.lock.exclusive():
            state.load()
        done.append("switch")

    def search():
        with state.searching, state.lock:
            state.searcher.run("processed fruit", "bm25", Filters(), 1, 10)
        done.append("search")

    threads = [threading.Thread(target=reader)]
    threads[0].start()
    reader_in.wait(timeout=10)
    threads += [threading.Thread(target=switch), threading.Thread(target=search), threading.Thread(target=search)]
    for thread in threads[1:]:
        thread.start()
    release_reader.set()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(done) == ["reader", "search", "search", "switch"]
    state.corpus.close()


@pytest.mark.parametrize("seed", range(6))
def test_counted_words_rarest_first_count_the_rows_holding_every_concept(seed):
    """The concepts looked up rarest first, each at the rows holding all before it: the same count and coverage as the
    presence of every concept at every ranked row (duplicated frequencies, a concept no ranked row holds)."""
    rng = np.random.default_rng(seed)
    concepts, rows = int(rng.integers(1, 6)), 400
    presence = rng.random((concepts, rows)) < rng.uniform(0.2, 0.95, (concepts, 1))
    if seed == 3:
        presence[-1] = False
    frequencies = np.where(rng.random(concepts) < 0.5, 50, rng.integers(1, 300, concepts))
    ranked = rng.permutation(rows)[: int(rng.integers(0, 300))]
    def holding(concept, at):
        return presence[concept, at]

    got = relevance.counted_word_match(int(ranked[0]) if ranked.size else None, ranked, 1.0, holding, frequencies, 10_000,
                                       set(), round)
    all_words = int(presence[:, ranked].all(axis=0).sum())
    assert (got.all_words, got.some_words) == (all_words, ranked.size - all_words)
    if ranked.size:
        weights = relevance.idf_of(frequencies, 10_000)
        assert got.coverage == pytest.approx(float(weights[presence[:, ranked[0]]].sum()) / float(weights.sum()))


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="the workers' own sockets: Linux only")
def test_a_worker_that_cannot_start_stops_the_server_with_a_message_and_frees_the_port(monkeypatch):
    """The settings file gone before the workers read it: each worker ends at once; the parent says which stopped and
    with what exit code, stops the other, and the port is free again."""
    import socket

    from wto_assist.errors import UnavailableError
    from wto_assist.web import workers

    monkeypatch.setenv(workers.SETTINGS_VARIABLE, "/nonexistent/wto-assist-web-settings.json")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(UnavailableError, match=r"worker \d stopped \(exit code 1\)"):
        workers._serve_on_own_sockets("127.0.0.1", port, 2)
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))
        again.listen()
