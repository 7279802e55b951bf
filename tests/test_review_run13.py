"""Fault round on run 13 (issue 24): numpy's add.at for the index's sums (lexical.add_at), the refined bounds read in
one pass (QueryPostings._refined_in_one_pass, _best_per_document), the count's kept rows from a bincount
(SublinearHits._counted), and the web app's index switch outside the exclusive lock (WebState.load / follow,
Corpus.open_live_searcher / replace_searcher). The switch tests use a stand-in Searcher over a real index folder's
CURRENT pointer, held at its warm-up by Events (no sleeps), so every interleaving they name is forced."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from wto_assist.corpus import Corpus
from wto_assist.index import sublinear
from wto_assist.index.build import current_version
from wto_assist.index.lexical import BLOCK_ROWS, TermPart, add_at, block_maxima, every_row_score
from wto_assist.index.sublinear import QueryPostings

from .test_review_run10 import _ceiling_case
from .test_sublinear_review import _case, random_documents


# --- lexical.add_at ----------------------------------------------------------------------------------------------

def test_add_at_with_float64_values_rounds_twice_unlike_the_fancy_form():
    """Latent (fine at every call site): add_at rounds float64 values to float32 before adding, the fancy form adds in
    float64 and rounds once. Equal only because every caller's values are float32 (test below)."""
    rng = np.random.default_rng(2)
    base = rng.random(20_000).astype(np.float32)
    values = rng.random(base.size) * 1e-3  # float64
    fancy, at = base.copy(), base.copy()
    index = np.arange(base.size)
    fancy[index] += values
    add_at(at, index, values)
    assert not np.array_equal(fancy, at)
    # ... and every value a query adds is float32: a base part (float32 weights x float32 factor) and a delta part
    for factor in (None, np.float32(0.8)):
        part = TermPart(np.arange(3), np.ones(3, dtype=np.float32), factor)
        assert part.values(slice(None)).dtype == np.float32


def test_add_at_sums_a_repeated_index_where_the_fancy_form_keeps_one():
    """Why "each index named once" matters: the two forms differ on a repeated index. The call sites' indices are
    unique: postings (rows ascending), block_maxima's blocks, and _sums' positions even for a repeated document
    (next test)."""
    target, fancy = np.zeros(3, dtype=np.float32), np.zeros(3, dtype=np.float32)
    add_at(target, np.array([1, 1]), np.array([2.0, 3.0], dtype=np.float32))
    fancy[np.array([1, 1])] += np.array([2.0, 3.0], dtype=np.float32)
    assert target[1] == 5.0 and fancy[1] == 3.0
    rows = np.array([0, 1, 2, 3, 9, 10, 17, 18, 19, 40])
    blocks, _ = block_maxima(rows, np.ones(rows.size, dtype=np.float32))
    assert np.unique(np.asarray(blocks)).size == np.asarray(blocks).size


def test_reading_a_document_named_twice_gives_its_scores_twice_not_doubled():
    rng = np.random.default_rng(4)
    _, starts, _, _ = random_documents(rng, 30, 20, empty_documents=False)
    rows = int(starts[-1])
    held = np.flatnonzero(rng.random(rows) < 0.4)
    postings = QueryPostings([TermPart(held, (rng.random(held.size) + 0.5).astype(np.float32))], starts)
    every, scores = postings._sums(np.array([3, 3, 7]), postings.parts)
    once_every, once_scores = postings._sums(np.array([3, 7]), postings.parts)
    size3 = int(starts[4] - starts[3])
    assert np.array_equal(scores[size3:], once_scores) and np.array_equal(scores[:size3], once_scores[:size3])
    assert np.array_equal(every[size3:], once_every)


# --- refined bounds read in one pass ----------------------------------------------------------------------------

def _exact_per_document(parts, starts, documents, kept=None):
    """Per document, the largest float32 BM25 of its (kept) rows, summed in the parts' order (0: none)."""
    scores = every_row_score(parts, int(starts[-1]))
    if kept is not None:
        scores = np.where(kept, scores, np.float32(0))
    return np.array([float(scores[starts[d]:starts[d + 1]].max()) for d in documents])


@pytest.mark.parametrize("seed", range(12))
def test_one_pass_bounds_hold_with_delta_parts_a_partial_last_block_and_the_last_document(seed, monkeypatch):
    """Base parts with stored maxima, delta parts without (blocks None, rows after the base), factors, rows not a
    multiple of BLOCK_ROWS, the document ending the rows always refined; `listed` given without `listed_rows`, with
    them, and a filter whose kept rows are all hidden. Each bound at or above the exact one, at or below the loose."""
    monkeypatch.setattr(sublinear, "PASS_SHARE", 0.0)
    rng = np.random.default_rng(100 + seed)
    _, starts, _, _ = random_documents(rng, int(rng.integers(5, 60)), 23, empty_documents=False)
    rows = int(starts[-1])
    if rows % BLOCK_ROWS == 0:  # a last block only partly filled
        starts = np.r_[starts[:-1], rows + 3]
        rows += 3
    base = rows - int(rng.integers(1, max(2, rows // 4)))  # the delta segment's rows at the end
    parts = []
    for number in range(int(rng.integers(2, 9))):
        delta = number % 3 == 2
        low, high = (base, rows) if delta else (0, base)
        held = np.flatnonzero(rng.random(high - low) < rng.choice([0.05, 0.3, 0.9])) + low
        weights = (rng.random(held.size) * 3 + 1e-3).astype(np.float32)
        factor = np.float32(rng.uniform(0.4, 2.0)) if rng.random() < 0.5 else None
        blocks, maxima = (None, None) if delta else block_maxima(held, weights)
        parts.append(TermPart(held.astype(np.int64 if delta else np.int32), weights, factor, blocks, maxima))
    postings = QueryPostings(parts, starts)
    loose, _ = postings.loose_bounds()
    documents = np.union1d(np.sort(rng.choice(starts.size - 1, max(1, (starts.size - 1) // 2), replace=False)), [starts.size - 2])
    exact = _exact_per_document(parts, starts, documents)
    anywhere, same = postings.refined_bounds(documents, None)
    assert np.all(anywhere >= exact) and np.array_equal(anywhere, same)
    # above the loose bound by at most one more LOOSE_ROUNDING (the common blocks carry it already, the one pass
    # multiplies again): harmless, _refine keeps the smaller of the two
    assert np.all(anywhere <= loose[documents] * (1 + sublinear.LOOSE_ROUNDING) * (1 + 1e-6))
    kept = rng.random(rows) < 0.3
    hidden = rng.random(rows) < (1.0 if seed % 4 == 0 else 0.2)  # seed 0, 4, 8: every kept row hidden

    def listed(at):
        return kept[at] & ~hidden[at]

    for listed_rows in (kept, None):  # `listed` given without `listed_rows`: the one pass asks listed() for every row
        best_listed, anywhere = postings.refined_bounds(documents, listed, None, listed_rows)
        assert np.all(best_listed >= _exact_per_document(parts, starts, documents, kept & ~hidden))
        assert np.all(anywhere >= exact) and np.all(best_listed <= anywhere)


@pytest.mark.parametrize("seed", range(10))
def test_one_pass_and_per_document_refinement_give_the_same_pages(seed, monkeypatch):
    """The same random case ranked with every refinement read in one pass and with every one per document: the same
    pages (each equal to rescoring every hit) and the same count."""
    monkeypatch.setattr(sublinear, "FIRST_READ", 1 + seed % 3)
    pages = []
    for pass_share in (0.0, 2.0):
        monkeypatch.setattr(sublinear, "PASS_SHARE", pass_share)
        got, expected = _ceiling_case(seed, 9, by_row=seed % 2 == 0, eligible_filter=seed % 3 == 0, opened_count=seed % 3)
        pages.append((got[:20], len(got)))
        assert got[:20] == expected[:20]
    assert pages[0] == pages[1]


def test_one_pass_bound_with_hundreds_of_tiny_rare_terms_stays_above_the_row_sum():
    """float32 rounding at its worst: one common term of weight 1 in the row, and 600 rare terms each below half a
    unit in the last place of 1, first in the query. The row's BM25 adds the rare ones first, so they count (1 + 3.2e-5);
    the one-pass bound added them onto the common block's weight, where each rounded away (1 + 2e-5: below the row),
    until it added the rare postings into zeros first and the common blocks after (the per-document order).
    Adversarial: a real rare term's weight is far above a common one's half ulp; about 336 such terms are needed."""
    rows = 1400  # the common term's postings: 70% of all (600 rare singletons), so it alone is taken by block
    starts = np.array([0, 8, rows])
    tiny = np.float32(0.9 * 2.0 ** -24)
    rare = [TermPart(np.array([3], dtype=np.int32), np.array([tiny], dtype=np.float32)) for _ in range(600)]
    common_rows = np.arange(rows, dtype=np.int32)
    common = TermPart(common_rows, np.ones(rows, dtype=np.float32), None, *block_maxima(common_rows, np.ones(rows, dtype=np.float32)))
    parts = [*rare, common]
    postings = QueryPostings(parts, starts)
    assert postings._common[-1] and not postings._common[:-1].any()
    exact = _exact_per_document(parts, starts, np.array([0]))
    assert float(exact[0]) > 1.0 + 3e-5  # 600 x 0.9 half-ulps kept by the row's own sum
    bounds = {}
    for pass_share in (2.0, 0.0):  # per document (holds), then in one pass
        saved, sublinear.PASS_SHARE = sublinear.PASS_SHARE, pass_share
        try:
            bounds[pass_share] = postings.refined_bounds(np.array([0]), None)[1]
        finally:
            sublinear.PASS_SHARE = saved
    assert bounds[2.0][0] >= exact[0]
    assert bounds[0.0][0] >= exact[0]  # 1.0000200 < 1.0000322 when the common weight was added first (run 13 fault round)


@pytest.mark.parametrize("seed", range(8))
def test_refining_documents_in_any_order_with_empty_ones_and_the_last_document(seed, monkeypatch):
    """_refine is handed documents in loose-bound order (not ascending), empty documents among them and the document
    ending the rows: _best_per_document assumes ascending documents, none empty (its reduceat reads past the rows
    otherwise); _refine sorts and drops them first, so the one pass never sees them. Each bound stays at or above the
    exact one reading the document gives."""
    monkeypatch.setattr(sublinear, "PASS_SHARE", 0.0)
    got, _ = _case(200 + seed, seed % 2 == 0, 0, False, False, empty_documents=True)
    rng = np.random.default_rng(seed)
    documents = np.r_[rng.permutation(got._starts.size - 1)]  # every document, empty ones too, in no order
    assert np.any(np.diff(got._starts) == 0) and documents[0] != 0
    got._refine(documents)
    candidates = got._candidates
    refined = got._loose[candidates].copy()
    got._read(candidates)
    exact = got._exact_bound[candidates]
    assert np.all(refined >= exact)


# --- the count's kept rows per document -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(8))
def test_an_estimated_count_with_a_row_filter_scales_by_the_kept_rows_of_every_document(seed, monkeypatch):
    """_counted's weights (the filter's kept rows per document, from a bincount) against the sum per document over
    every row it replaced, empty documents included: the estimate's scale is theirs."""
    monkeypatch.setattr(sublinear, "EXACT_ROWS", 0)
    monkeypatch.setattr(sublinear, "SAMPLE_ROWS", 200)
    monkeypatch.setattr(sublinear, "MIN_SAMPLED_HITS", 0)
    got, _ = _case(seed, True, 0, False, False)
    assert np.any(np.diff(got._starts) == 0)
    _, scale = got.counted_hits()
    starts, candidates = got._starts, got._candidates
    kept = np.where(starts[1:] > starts[:-1], np.add.reduceat(np.r_[got._listed_rows, False], starts[:-1], dtype=np.int64), 0)
    weights = kept[candidates]
    chosen = sublinear._sampled(candidates, sublinear.SAMPLE_ROWS / int((starts[candidates + 1] - starts[candidates]).sum()))
    assert got.estimated and scale == float(weights.sum()) / max(float(weights[chosen].sum()), 1.0) and scale > 1


def test_the_count_with_a_row_filter_and_empty_documents_matches_the_reference(monkeypatch):
    """The whole _counted path over a sample (EXACT_ROWS lowered): with a row filter the count is an estimate scaled by
    the kept rows; every eligible document sampled, it equals the reference count."""
    monkeypatch.setattr(sublinear, "EXACT_ROWS", 10**9)
    got, expected = _case(5, True, 0, False, False)
    assert len(got) == len(expected) and not got.estimated


# --- the web app's index switch -------------------------------------------------------------------------------

class _Stand:
    """A stand-in Searcher of the live version: records warm-ups and closes; its warm-up can be held or made to fail."""

    made: list["_Stand"] = []
    hold: threading.Event | None = None
    entered: threading.Event | None = None
    fail = False

    def __init__(self, index_dir):
        self.version = current_version(index_dir)
        self.manifest = json.loads((self.version / "manifest.json").read_text(encoding="utf-8"))
        self.closed = False
        self.warmed_for_pages = None
        _Stand.made.append(self)

    def warm(self, for_pages: bool = False) -> None:
        self.warmed_for_pages = for_pages
        if _Stand.entered is not None:
            _Stand.entered.set()
        if _Stand.hold is not None:
            assert _Stand.hold.wait(timeout=20)
        if _Stand.fail:
            raise OSError("a mapped page could not be read")

    def close(self) -> None:
        assert not self.closed, "closed twice"
        self.closed = True


def _publish(index_dir, name: str) -> None:
    """A build landing: a version folder with its manifest, then CURRENT pointing at it."""
    (index_dir / name).mkdir(parents=True, exist_ok=True)
    (index_dir / name / "manifest.json").write_text(json.dumps({"dense": False}), encoding="utf-8")
    (index_dir / "CURRENT").write_text(name, encoding="utf-8")


@pytest.fixture
def web_state(tmp_path, monkeypatch):
    """A WebState whose Corpus opens stand-in Searchers of tmp_path/index (version v1 live)."""
    from wto_assist.web.app import WebState

    index_dir = tmp_path / "index"
    _publish(index_dir, "v1")
    _Stand.made, _Stand.hold, _Stand.entered, _Stand.fail = [], None, None, False
    monkeypatch.setattr(Corpus, "_open_searcher", lambda self: _Stand(self.index_dir))
    state = WebState(tmp_path / "corpus.sqlite", index_dir, tmp_path / "data", None, False)
    yield state
    _Stand.hold = _Stand.entered = None


def _open(made) -> list:
    return [searcher for searcher in made if not searcher.closed]


def test_the_web_app_warms_for_pages_and_serve_does_not(web_state):
    assert web_state.searcher.warmed_for_pages is True
    corpus = web_state.corpus
    corpus.reopen_searcher(warm=True)  # serve's _LiveSearcher switch
    assert corpus.opened_searcher.warmed_for_pages is False
    assert len(_open(_Stand.made)) == 1


def test_a_request_during_a_switch_answers_from_the_old_index_and_one_searcher_stays_open(web_state, tmp_path):
    """Two follow() at once: one switches (held at its warm-up), the other returns at once with the old Searcher,
    which stays open and usable under the shared lock until the switch ends; then exactly one Searcher is open."""
    old = web_state.searcher
    _publish(tmp_path / "index", "v2")
    _Stand.hold, _Stand.entered = threading.Event(), threading.Event()
    switcher = threading.Thread(target=web_state.follow)
    switcher.start()
    assert _Stand.entered.wait(timeout=20)
    web_state.follow()  # another request: does not wait for the warm-up
    with web_state.lock:
        assert web_state.searcher is old and not old.closed
    _Stand.hold.set()
    switcher.join(timeout=20)
    assert not switcher.is_alive()
    assert web_state.searcher.version.name == "v2" and old.closed
    assert _open(_Stand.made) == [web_state.searcher] and len(_Stand.made) == 2  # no second warm-up raced in


@pytest.fixture
def web_state_without_an_index(tmp_path, monkeypatch):
    """(a WebState whose Corpus opens stand-in Searchers, its index folder): no build has landed yet."""
    from wto_assist.index.build import IndexMissing
    from wto_assist.web.app import WebState

    index_dir = tmp_path / "index"
    index_dir.mkdir()
    _Stand.made, _Stand.hold, _Stand.entered, _Stand.fail = [], None, None, False

    def opened(self):
        if not (self.index_dir / "CURRENT").exists():
            raise IndexMissing("none yet")
        return _Stand(self.index_dir)

    monkeypatch.setattr(Corpus, "_open_searcher", opened)
    yield WebState(tmp_path / "corpus.sqlite", index_dir, tmp_path / "data", None, False), index_dir
    _Stand.hold = _Stand.entered = None


def test_before_the_first_index_requests_wait_for_it_and_only_one_opens_it(web_state_without_an_index):
    """No index at start: two follow() once the first build lands; one opens and warms it, the other waits for it
    (searcher None: a blocking wait) and then finds it in use."""
    state, index_dir = web_state_without_an_index
    assert state.searcher is None
    _publish(index_dir, "v1")
    _Stand.hold, _Stand.entered = threading.Event(), threading.Event()
    results = []
    first = threading.Thread(target=lambda: (state.follow(), results.append(state.searcher)))
    first.start()
    assert _Stand.entered.wait(timeout=20)
    second = threading.Thread(target=lambda: (state.follow(), results.append(state.searcher)))
    second.start()
    _Stand.hold.set()
    for thread in (first, second):
        thread.join(timeout=20)
    assert len(results) == 2 and all(searcher is not None and not searcher.closed for searcher in results)
    assert len(_Stand.made) == 1


def test_a_warm_up_that_fails_closes_the_fresh_searcher_and_keeps_the_old_one(web_state, tmp_path):
    old = web_state.searcher
    _publish(tmp_path / "index", "v2")
    _Stand.fail = True
    with pytest.raises(OSError):
        web_state.follow()
    assert not web_state.switching.locked()  # the next request may try again
    assert web_state.searcher is old and not old.closed
    assert _open(_Stand.made) == [old]  # the v2 Searcher it could not warm is closed


def test_after_an_index_job_follow_returns_the_index_the_job_built_is_in_use(web_state, tmp_path):
    _publish(tmp_path / "index", "v2")  # a CLI build: a request starts switching to it
    _Stand.hold, _Stand.entered = threading.Event(), threading.Event()
    request = threading.Thread(target=web_state.follow)
    request.start()
    assert _Stand.entered.wait(timeout=20)
    _publish(tmp_path / "index", "v3")  # the web job's build lands while v2 warms
    job = threading.Thread(target=web_state.follow)  # jobs.py: state.follow() right after build_index
    job.start()
    job.join(timeout=20)
    _Stand.hold.set()
    request.join(timeout=20)
    assert web_state.searcher.version.name == "v3"



def test_an_index_jobs_follow_waits_for_a_switch_under_way_and_returns_with_its_index_in_use(web_state, tmp_path):
    """jobs.py calls follow(wait=True) after its build: while a request's switch to the version before warms, the
    job waits, and when it returns (the upload says "done") the version it built is the one in use."""
    _publish(tmp_path / "index", "v2")
    _Stand.hold, _Stand.entered = threading.Event(), threading.Event()
    request = threading.Thread(target=web_state.follow)
    request.start()
    assert _Stand.entered.wait(timeout=20)
    _publish(tmp_path / "index", "v3")
    returned = threading.Event()
    job = threading.Thread(target=lambda: (web_state.follow(wait=True), returned.set()))
    job.start()
    assert not returned.wait(timeout=0.3)  # the switch to v2 is still warming: the job waits for it
    _Stand.hold.set()
    job.join(timeout=20)
    assert returned.is_set() and web_state.searcher.version.name == "v3"
    request.join(timeout=20)
    assert _open(_Stand.made) == [web_state.searcher]

def test_load_inside_the_exclusive_lock_and_two_loads_at_once_leave_one_searcher_open(web_state, tmp_path):
    """load() re-enters the exclusive lock (tests/test_review_run10.py's switch does so); two direct load() calls
    racing (one held at its warm-up) each close what they replace: one Searcher open at the end."""
    with web_state.lock.exclusive():
        web_state.load()
    _publish(tmp_path / "index", "v2")
    held = _Stand.hold = threading.Event()
    _Stand.entered = threading.Event()
    slow = threading.Thread(target=web_state.load)
    slow.start()
    assert _Stand.entered.wait(timeout=20)
    _Stand.hold, _Stand.entered = None, None
    web_state.load()  # the other, not held
    slow_hold = [s for s in _Stand.made if s.warmed_for_pages and not s.closed]
    assert len(slow_hold) == 2  # the slow one still warming, and the one in use
    held.set()
    slow.join(timeout=20)
    assert len(_open(_Stand.made)) == 1 and _open(_Stand.made) == [web_state.searcher]



def test_a_page_opening_the_searcher_lazily_during_the_first_switch_leaves_one_open(web_state_without_an_index):
    """No index at start; the first build lands. While a request's follow() warms it, another page reads
    corpus.searcher (which opens one, unwarmed, when none is in use). The swap closes that one: one Searcher open."""
    state, index_dir = web_state_without_an_index
    _publish(index_dir, "v1")
    held = _Stand.hold = threading.Event()
    _Stand.entered = threading.Event()
    switcher = threading.Thread(target=state.follow)
    switcher.start()
    assert _Stand.entered.wait(timeout=20)
    _Stand.hold = _Stand.entered = None
    with state.lock:
        lazy = state.corpus.searcher  # a page using the corpus directly
        assert lazy.warmed_for_pages is None and not lazy.closed
    held.set()
    switcher.join(timeout=20)
    assert lazy.closed and _open(_Stand.made) == [state.searcher] and state.searcher.warmed_for_pages is True


def test_an_index_job_switches_after_letting_the_build_lock_go(web_state, tmp_path, monkeypatch):
    """The job's switch (its warm-up up to 3 s at 100x) runs once the cross-process build lock is free: another
    worker's build does not wait for it; the version the job built is in use when it returns."""
    import fcntl
    import types

    from wto_assist.web import jobs

    def built(*arguments, **keywords):
        _publish(tmp_path / "index", "v2")
        return types.SimpleNamespace(rows=1)

    lock_free_at_switch = []
    real_follow = web_state.follow

    def follow(wait=False):
        with open(web_state.data_dir / jobs.BUILD_LOCK, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock_free_at_switch.append(False)
            else:
                fcntl.flock(handle, fcntl.LOCK_UN)
                lock_free_at_switch.append(True)
        real_follow(wait=wait)

    monkeypatch.setattr(jobs, "build_index", built)
    monkeypatch.setattr(web_state, "follow", follow)
    jobs._build(web_state, types.SimpleNamespace(progress=""))
    assert lock_free_at_switch == [True] and web_state.searcher.version.name == "v2"
