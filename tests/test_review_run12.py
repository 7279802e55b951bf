"""Fault-finding review of run 12 of issue 24 (commits 515a8c0 and 5778cb5): a Member's frequency kept per
Searcher, mapped.fault_in, the *.mapped_arrays lists, analysis.word_stem / stem_ahead and Searcher.warm.

A small index (six CTD minutes, then one added and one removed by an incremental build) stands for base + delta;
the session's `ctd_searcher` stands for one full index."""

from __future__ import annotations

import mmap
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

import wto_assist.search as search
from wto_assist.corpus import Corpus
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import WRITTEN_WORD, fold_accents, stem, stem_ahead, word_stem
from wto_assist.index.build import build_index, current_version
from wto_assist.index.lexical import LexicalIndex
from wto_assist.index.mapped import fault_in, mapped
from wto_assist.ingest import ingest_paths

from .store_edits import delete_documents

KEPT = [f"WT/COMTD/M/{number}" for number in range(80, 86)]  # the small base
ADDED, REMOVED = "WT/COMTD/M/86", "WT/COMTD/M/81"  # the incremental build's added and removed documents
# Queries naming Members, some by several names or as a possessive ("EU", "European Union", "Canada's").
MEMBER_QUERIES = ["India tariff preferences for least-developed countries", "European Union and EU proposals on S&DT",
                  "Canada's statement on duty-free quota-free market access", "what did China say about the LDCs",
                  "United States Egypt Brazil technical assistance"]


@pytest.fixture(scope="module")
def small(shared, ctd_db, tmp_path_factory):
    """{db, index, base: a Searcher opened on the base version before the incremental build (still held)}."""
    work = tmp_path_factory.mktemp("review12")
    db = work / "corpus.sqlite"
    shutil.copy(ctd_db, db)
    connection = sqlite3.connect(db)
    symbols = [symbol for (symbol,) in connection.execute("SELECT symbol FROM documents")]
    connection.close()
    delete_documents(db, [symbol for symbol in symbols if symbol not in KEPT])
    build_index(db, work / "index", with_dense=False)
    base = search.Searcher(work / "index", db)
    report = ingest_paths([shared / "corpus" / "ctd-minutes" / "WTCOMTDM86.txt"], db)
    assert not report.failed, report.failed
    delete_documents(db, [REMOVED])
    built = build_index(db, work / "index", with_dense=False)
    assert built.delta and built.delta["documents"] == 1 and built.delta["removed_documents"] == 1, built.delta
    assert (current_version(work / "index") / "delta").is_dir()
    yield {"db": db, "index": work / "index", "base": base, "work": work}
    base.close()


@pytest.fixture
def sublinear(monkeypatch):
    """The counts by words of the scale of an archive (Searcher._counted_words), forced on a small index."""
    monkeypatch.setattr(search, "SUBLINEAR_FROM_ROWS", 0)
    monkeypatch.setattr(search, "SUBLINEAR_FROM_POSTINGS", 0)


def _afresh(searcher, term: str, name: str) -> int:
    return int(np.count_nonzero(searcher.lexical.term_rows(term) | searcher._member_rows(name)))


def _page(result) -> tuple:
    return result.total, result.words, [record["citation"] for record in result.records]


# --- 1. a Member's frequency kept per Searcher ---------------------------------------------------------------------

def test_kept_member_frequencies_over_base_and_delta_count_as_afresh_and_change_no_page(small, sublinear):
    """Over base + delta (SegmentedLexical), every kept (word, Member) count equals counting it afresh, and each
    page equals the page of a Searcher that recounts for every query (the code before 515a8c0)."""
    kept, recounting = search.Searcher(small["index"], small["db"]), search.Searcher(small["index"], small["db"])
    recounting._member_frequency = lambda term, name: _afresh(recounting, term, name)
    try:
        assert type(kept.lexical).__name__ == "SegmentedLexical"
        for query in MEMBER_QUERIES * 2:  # the second round reads the kept counts
            assert _page(kept.run(query, "bm25")) == _page(recounting.run(query, "bm25")), query
        names = {name for _, name in kept._member_frequencies}
        assert {"India", "European Union", "Canada", "China"} <= names, kept._member_frequencies
        for (term, name), count in kept._member_frequencies.items():
            assert count == _afresh(kept, term, name), (term, name)
    finally:
        kept.close()
        recounting.close()


def test_an_index_switch_opens_a_searcher_that_counts_the_new_index(small, sublinear):
    """The web app's switch (WebState.follow -> Corpus.reopen_searcher) makes a new Searcher: no count kept over
    the base version survives into base + delta, where the Member's rows changed."""
    base = small["base"]
    base.run(MEMBER_QUERIES[0], "bm25")
    assert ("india", "India") in base._member_frequencies
    corpus = Corpus(small["db"], small["index"])
    try:
        switched = corpus.reopen_searcher(warm=True)
        assert switched is not base and switched.version != base.version
        assert switched._member_frequencies == {}
        switched.run(MEMBER_QUERIES[0], "bm25")
        new, old = switched._member_frequencies[("india", "India")], base._member_frequencies[("india", "India")]
        assert new == _afresh(switched, "india", "India") and old == _afresh(base, "india", "India") and new != old
    finally:
        corpus.close()


def test_threads_filling_the_kept_counts_at_once_get_the_pages_of_one_thread(ctd_db, ctd_index, sublinear):
    """Eight request threads meeting the empty dict together (check, count, store: no lock) answer as one thread."""
    alone = search.Searcher(ctd_index, ctd_db)
    together = search.Searcher(ctd_index, ctd_db)
    try:
        expected = {query: _page(alone.run(query, "bm25")) for query in MEMBER_QUERIES}
        found, errors, start = {}, [], threading.Barrier(8)

        def work(number: int) -> None:
            try:
                start.wait()
                for query in MEMBER_QUERIES[number % 2:] + MEMBER_QUERIES[: number % 2]:
                    found[(number, query)] = _page(together.run(query, "bm25"))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert all(page == expected[query] for (_, query), page in found.items()) and len(found) == 8 * len(MEMBER_QUERIES)
        assert together._member_frequencies == alone._member_frequencies
    finally:
        alone.close()
        together.close()


# --- 2. fault_in ------------------------------------------------------------------------------------------------------

ARRAYS = {
    "0-d": np.array(7, dtype=np.int64),
    "Fortran-ordered": np.asfortranarray(np.arange(3 * 5000, dtype=np.int32).reshape(3, 5000)),
    "big-endian": np.arange(5000, dtype=">i8"),
    "unicode labels": np.array(["1", "12", "3bis", "", "Ø"] * 2000),
    "bytes": np.array([b"%040x" % n for n in range(3000)], dtype="S40"),
    "bool": np.arange(9000) % 3 == 0,
    "structured": np.zeros(2000, dtype=[("a", "<i4"), ("b", "<f8")]),
    "one element": np.array([3.5], dtype=np.float32),
}


@pytest.mark.parametrize("name", list(ARRAYS))
def test_fault_in_reads_any_mapped_array_and_changes_no_value(tmp_path, name):
    expected = ARRAYS[name]
    np.save(tmp_path / "a.npy", expected)
    array = mapped(tmp_path / "a.npy")
    fault_in([array, expected])  # mapped, and an array in memory
    assert array.dtype == expected.dtype and array.shape == expected.shape and np.array_equal(array, expected)
    assert not array.flags.writeable


def test_fault_in_passes_over_strided_and_empty_views_without_copying_them(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(100_000, dtype=np.int64))
    array = mapped(tmp_path / "a.npy")
    fault_in([array[::3], array[:0], array.reshape(1000, 100)[:, :7], np.zeros((0, 4))])
    assert np.array_equal(array[::3], np.arange(0, 100_000, 3))


def test_fault_in_a_mapping_whose_file_was_removed_or_replaced_reads_the_mapped_values(tmp_path):
    """An index switch removes old versions (build._remove_old_versions) and a build writes new files beside them:
    a mapping keeps its file's pages (unlinked or renamed over), so a late warm-up reads the old values, no error."""
    values = np.arange(300_000, dtype=np.int32)
    np.save(tmp_path / "removed.npy", values)
    np.save(tmp_path / "replaced.npy", values)
    removed, replaced = mapped(tmp_path / "removed.npy"), mapped(tmp_path / "replaced.npy")
    (tmp_path / "removed.npy").unlink()
    np.save(tmp_path / "new.npy", values[::-1].copy())
    os.replace(tmp_path / "new.npy", tmp_path / "replaced.npy")
    fault_in([removed, replaced])
    assert np.array_equal(removed, values) and np.array_equal(replaced, values)


def _pages(array: np.ndarray) -> set[int]:
    start = array.ctypes.data
    return set(range(start // mmap.PAGESIZE, (start + array.nbytes - 1) // mmap.PAGESIZE + 1))


def _sampled_pages(array: np.ndarray) -> set[int]:
    """The pages fault_in reads a byte of (the same indexing as mapped.fault_in)."""
    raw = array.reshape(-1, order="A").view(np.uint8)
    offsets = [*range(0, raw.size, mmap.PAGESIZE), raw.size - 1]  # every PAGESIZE-th byte, and the last one
    return {(array.ctypes.data + offset) // mmap.PAGESIZE for offset in offsets}


def test_fault_in_reads_a_byte_of_every_page_of_a_mapped_array(tmp_path):
    """A .npy's data starts after its header (128 bytes into a page): every PAGESIZE-th byte from there would leave
    the last page unread (found by the fault round; fault_in reads the last byte too)."""
    np.save(tmp_path / "a.npy", np.zeros(2 * mmap.PAGESIZE, dtype=np.uint8))  # data: two pages' worth, from byte 128
    array = mapped(tmp_path / "a.npy")
    assert _sampled_pages(array) == _pages(array), (sorted(_pages(array) - _sampled_pages(array)))


# --- 3. the mapped_arrays lists -----------------------------------------------------------------------------------

def test_every_npy_of_a_full_and_an_incremental_version_opens_memory_mapped(small, ctd_index):
    """Columns.mapped_arrays opens every *.npy of a columns folder: none may be a pickled object array."""
    versions = [current_version(small["index"]), small["base"].version, current_version(ctd_index)]
    files = [path for version in versions for path in version.rglob("*.npy")]
    assert any("delta" in path.parts for path in files) and any(path.name == "dead.npy" for path in files)
    for path in files:
        array = np.load(path, mmap_mode="r")
        assert array.dtype != object, path


def _mapping(array: np.ndarray):
    """The mmap an array's memory belongs to, or None."""
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base


def test_a_lexical_index_lists_every_memory_mapped_array_it_holds(ctd_searcher):
    """_offsets (indptr.csc.index.npy), read by every term look-up, was left out (found by the fault round)."""
    lexical = ctd_searcher.lexical
    assert isinstance(lexical, LexicalIndex)
    held = [value for value in vars(lexical).values() if isinstance(value, np.ndarray) and _mapping(value) is not None]
    held += [value for value in (lexical._maxima or ())]
    listed = lexical.mapped_arrays()
    missing = [array for array in held if not any(array is other for other in listed)]
    assert not missing, [array.shape for array in missing]


def test_a_segmented_index_lists_its_base_and_delta_mapped_arrays(small):
    searcher = search.Searcher(small["index"], small["db"])
    try:
        listed = searcher.lexical.mapped_arrays()
        assert all(_mapping(array) is not None for array in listed)
        assert any(array is searcher.lexical._weights for array in listed)
        assert any(array is searcher.lexical.base._data for array in listed)
    finally:
        searcher.close()


def test_warming_up_changes_no_page_and_no_column(small, sublinear):
    """Opening every column (Columns caches arrays by name) and stemming ahead leave every page as a cold
    Searcher's, over base + delta; warm() twice is the same; every column is the file's."""
    cold, warm = search.Searcher(small["index"], small["db"]), search.Searcher(small["index"], small["db"])
    try:
        warm.warm(for_pages=True)
        columns = {path.stem: np.load(path) for path in (warm.version / "columns").glob("*.npy")}
        arrays = warm.columns.mapped_arrays()
        assert len(arrays) == len(columns) and "dead" in columns and "order" in columns
        for name, values in columns.items():
            assert warm.columns.array(name) is warm.columns.array(name) and np.array_equal(warm.columns.array(name), values)
        warm.warm(for_pages=True)
        queries = MEMBER_QUERIES + ["special and differential treatment", "Aid for Trade", "e-commerce", "Côte d'Ivoire"]
        for query in queries:
            first, second = cold.run(query, "bm25"), warm.run(query, "bm25")
            assert _page(first) == _page(second) and first.notices == second.notices, query
    finally:
        cold.close()
        warm.close()


# --- 4. word_stem, WRITTEN_WORD, stem_ahead, highlighting ------------------------------------------------------------

HARD_WORDS = ["S&DT", "duty-free", "Côte", "d'Ivoire", "Türkiye", "ﬁnance", "Œuvre", "Straße", "İstanbul", "LDCs'",
              "G-90", "développement", "x" * 3000, "naïve", "ÉTATS-UNIS", "Canada's", "24bis"]


def test_word_stem_is_the_stem_highlighting_took_before_run_12():
    for text in HARD_WORDS:
        for word in WRITTEN_WORD.findall(text):
            assert word_stem(word) == stem(fold_accents(word.lower())), word


def test_stems_do_not_depend_on_the_cache_or_the_thread(ctd_searcher):
    """stem() is an lru_cache over per-thread Snowball stemmers: the CTD vocabulary stemmed cold in four threads
    at once, and again from a cache filled ahead, gives the stems of one fresh stemmer."""
    import snowballstemmer

    words = sorted({fold_accents(word.lower()) for form in ctd_searcher._make_speller().count
                    for word in WRITTEN_WORD.findall(form)})
    fresh = snowballstemmer.stemmer("english")
    expected = [fresh.stemWord(word) for word in words]
    stem.cache_clear()
    results, start = [None] * 4, threading.Barrier(4)

    def work(number: int) -> None:
        start.wait()
        results[number] = [stem(word) for word in (words if number % 2 else words[::-1])]

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results[1] == results[3] == expected and results[0][::-1] == results[2][::-1] == expected
    stem_ahead(words)
    assert [stem(word) for word in words] == expected


def test_highlighting_marks_the_same_cold_warm_and_after_the_cache_was_cleared(ctd_searcher):
    """Marks of real paragraphs with accents, "&" and "-" inside words: a cold process, one that stemmed the
    corpus ahead (Searcher.warm for the web app's pages), and one whose cache was emptied again."""
    texts = [record["text"] for query in ("Côte d'Ivoire", "S&DT duty-free", "Türkiye") for record in
             ctd_searcher.run(query, "bm25", size=10).records]
    queries = ["Cote d'Ivoire duty free", "S&DT special and differential treatment", "turkiye development"]

    def marks() -> list:
        return [QueryWords(query).spans(text) for query in queries for text in texts]

    stem.cache_clear()
    cold = marks()
    ctd_searcher.warm(for_pages=True)
    warm = marks()
    stem.cache_clear()
    assert cold == warm == marks() and sum(map(len, cold)) > 10


# --- 5. Searcher.warm on indexes of every kind -----------------------------------------------------------------------

def test_warm_up_without_a_spelling_vocabulary_reads_the_stores_words(small, tmp_path):
    """An index without spelling.json (an older build): the Speller falls back to the store's texts and the
    corpus's words are still stemmed ahead; the pages are those of the index with the vocabulary."""
    index = tmp_path / "index"
    shutil.copytree(small["index"], index, ignore=shutil.ignore_patterns(".readers"))
    version = current_version(index)
    (version / "spelling.json").unlink()
    (version / "delta" / "spelling.json").unlink(missing_ok=True)
    with_vocabulary, without = search.Searcher(small["index"], small["db"]), search.Searcher(index, small["db"])
    try:
        stem.cache_clear()
        without.warm(for_pages=True)
        assert stem.cache_info().currsize > 1_000
        with_vocabulary.warm(for_pages=True)
        for query in MEMBER_QUERIES + ["tarif preferances"]:
            assert _page(with_vocabulary.run(query, "bm25")) == _page(without.run(query, "bm25")), query
    finally:
        with_vocabulary.close()
        without.close()


def test_warm_up_over_a_delta_that_only_removed_a_document(small, tmp_path):
    """An incremental build that removed a document and added none: the delta's postings are empty arrays
    (fault_in passes over them) and the warm Searcher answers as a cold one."""
    db, index = tmp_path / "corpus.sqlite", tmp_path / "index"
    shutil.copy(small["db"], db)
    build_index(db, index, with_dense=False)
    delete_documents(db, ["WT/COMTD/M/83"])
    built = build_index(db, index, with_dense=False)
    assert built.delta and built.delta["rows"] == 0 and built.delta["removed_documents"] == 1, built.delta
    cold, warm = search.Searcher(index, db), search.Searcher(index, db)
    try:
        assert any(array.size == 0 for array in warm.lexical.mapped_arrays())
        warm.warm()
        for query in MEMBER_QUERIES:
            assert _page(cold.run(query, "bm25")) == _page(warm.run(query, "bm25")), query
    finally:
        cold.close()
        warm.close()


# --- 6. bench_scale.py web_one_user ------------------------------------------------------------------------------------

def _bench_scale():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scale.py"
    spec = importlib.util.spec_from_file_location("bench_scale_under_review", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="Linux: a socket per worker (SO_REUSEPORT)")
def test_the_benchs_first_visit_and_its_again_meet_the_same_worker(sample_db, tmp_path):
    """With --workers 2 each worker listens on its own socket: a fresh connection per visit sent the 'again' visit to
    the other worker about half the time (found by the fault round). web_one_user sends both over one connection."""
    bench = _bench_scale()
    shutil.copy(sample_db, tmp_path / "corpus.sqlite")
    build_index(tmp_path / "corpus.sqlite", tmp_path / "index", with_dense=False)
    import json

    with bench.web_app(tmp_path, workers=2) as server:
        pairs = [tuple(json.loads(body)["pid"] for body in bench.one_connection(server.base, ["/api/ready", "/api/ready"]))
                 for _ in range(16)]
    assert all(first == again for first, again in pairs), pairs
