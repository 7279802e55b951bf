"""Runs 12 and 13 of issue 24 (docs/scale.md): a search page's CPU at the scale of an archive. A Member's frequency
in the index is counted once per Searcher; a worker warms up before it accepts; an index switch warms the new
Searcher while requests answer from the old one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def test_a_members_frequency_is_counted_once_per_index_and_as_before(ctd_searcher, monkeypatch):
    """The counts by the user's words need, for a word naming a Member, the rows holding it or where the Member
    speaks or is named: kept per (word, Member) for the Searcher's index (at the scale of an archive, forced here),
    equal to counting the rows afresh."""
    import wto_assist.search as search

    monkeypatch.setattr(search, "SUBLINEAR_FROM_ROWS", 0)
    monkeypatch.setattr(search, "SUBLINEAR_FROM_POSTINGS", 0)
    searcher = ctd_searcher
    query = "India duty-free tariff preference scheme for LDCs"
    first = searcher.run(query, "bm25")
    kept = dict(searcher._member_frequencies)
    assert ("india", "India") in kept
    afresh = int(np.count_nonzero(searcher.lexical.term_rows("india") | searcher._member_rows("India")))
    assert kept[("india", "India")] == afresh > 0
    again = searcher.run(query, "bm25")
    assert again.words == first.words and again.total == first.total


def _resident_kib(path: Path) -> int | None:
    """How much of the file's mapping in this process is resident (its page-table entries), from Linux's
    /proc/self/smaps; None where there is no such file."""
    smaps = Path("/proc/self/smaps")
    if not smaps.exists():
        return None
    resident, inside = 0, False
    for line in smaps.read_text().splitlines():
        if "-" in line.split(" ", 1)[0] and not line.endswith(":"):  # a mapping's header: "start-end perms ... path"
            inside = line.endswith(str(path))
        elif inside and line.startswith("Rss:"):
            resident += int(line.split()[1])
    return resident


def test_fault_in_maps_every_page_of_a_mapped_array_and_changes_no_value(tmp_path):
    """fault_in reads a byte per page: afterwards the whole file is resident in this process's mapping (a query
    reading it faults no page in), where a fresh mapping held nearly none of it; values are the file's."""
    from wto_assist.index.mapped import fault_in, mapped

    values = np.arange(4_000_000, dtype=np.int32)  # 16 MB
    np.save(tmp_path / "index.npy", values)
    array = mapped(tmp_path / "index.npy")
    before = _resident_kib(tmp_path / "index.npy")
    fault_in([array, np.zeros(0), values[::2]])  # an empty and a strided array are passed over
    after = _resident_kib(tmp_path / "index.npy")
    if before is not None:  # Linux
        assert before < 4_000 and after >= 15_000, (before, after)
    assert np.array_equal(array, values)


def test_a_warm_searcher_has_mapped_its_index_and_stemmed_the_corpus_words_ahead(ctd_db, ctd_index, monkeypatch):
    """Searcher.warm (the web app and `serve` at start) maps every array a query reads; the web app's (for_pages)
    also stems the corpus's words: a page highlighted afterwards finds every stem in the cache, and marks what a cold
    process marks. `serve`'s, which highlights nothing, stems nothing."""
    import wto_assist.search as search
    from wto_assist.highlight import QueryWords
    from wto_assist.index.analysis import stem

    faulted: list[np.ndarray] = []
    real_fault_in = search.fault_in
    monkeypatch.setattr(search, "fault_in", lambda arrays: (faulted.extend(arrays), real_fault_in(arrays)))
    searcher = search.Searcher(ctd_index, ctd_db)
    try:
        records = searcher.run("duty-free quota-free market access for least-developed countries", "bm25", size=20).records
        stem.cache_clear()
        cold = {record["citation"]: QueryWords("market access proposals").spans(record["text"]) for record in records}
        cold_misses = stem.cache_info().misses
        stem.cache_clear()
        searcher.warm()
        assert stem.cache_info().currsize == 0 and faulted
        searcher.warm(for_pages=True)
        lexical = searcher.lexical
        assert any(array is lexical._data for array in faulted) and any(array is lexical._rows for array in faulted)
        assert len(faulted) >= 2 + len(list((searcher.version / "columns").glob("*.npy")))
        assert stem.cache_info().currsize >= 5_000  # the CTD minutes' written words, stemmed once each
        misses = stem.cache_info().misses
        warm = {record["citation"]: QueryWords("market access proposals").spans(record["text"]) for record in records}
        assert warm == cold and any(cold.values())
        # the page's words were stemmed ahead; numbers were not (the spelling vocabulary holds letters only)
        assert cold_misses >= 200 and stem.cache_info().misses - misses <= cold_misses // 5
    finally:
        searcher.close()


def _nodelay_of_an_accepted_connection(bound) -> int:
    """TCP_NODELAY of a connection accepted on `bound` by asyncio's server, as uvicorn serves a worker's socket."""
    import asyncio
    import socket

    async def accept_one() -> int:
        loop = asyncio.get_running_loop()
        accepted = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Probe, sock=bound)
        _, writer = await asyncio.open_connection(*bound.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, 30)
        finally:
            writer.close()
            server.close()
            await server.wait_closed()

    return asyncio.run(accept_one())


def test_a_workers_socket_hands_its_connections_tcp_nodelay():
    """`web --workers N` binds each worker's socket itself (web/workers.py). asyncio sets TCP_NODELAY only on
    connections of a socket made for IPPROTO_TCP; one made with protocol 0 left Nagle's algorithm on, and every
    response after the first on a kept-alive connection (a browser's) waited about 40 ms for the delayed
    acknowledgement of its headers (docs/scale.md, run 12: 70 against 35 ms a page at 100x)."""
    import socket

    from wto_assist.web.workers import _bound_socket

    bound = _bound_socket("127.0.0.1", 0, shared=False)
    bound.listen()
    assert bound.proto == socket.IPPROTO_TCP
    assert _nodelay_of_an_accepted_connection(bound) != 0



@pytest.fixture()
def app_before_a_switch(sample_db, tmp_path):
    """(the web app's state, a client, its Searcher) over an index whose CURRENT a second build has just moved."""
    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index, current_version
    from wto_assist.web.app import create_app

    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    app = create_app(sample_db, index_dir, tmp_path / "data", with_dense=False)
    state = app.app.state.web
    old = state.searcher
    build_index(sample_db, index_dir, with_dense=False, full=True)  # a new version: CURRENT moves
    assert current_version(index_dir) != old.version
    yield state, TestClient(app, base_url="http://127.0.0.1"), old
    state.corpus.close()


def test_an_index_switch_warms_the_new_index_while_requests_answer_from_the_old(app_before_a_switch, monkeypatch):
    """The web app opens and warms the new Searcher before it takes the lock alone (up to 3 s at 100x): a search
    arriving meanwhile answers from the index it has, and the new one is in use once warm; the old one is closed."""
    import threading

    import wto_assist.search as search
    from wto_assist.index.build import current_version

    state, client, old = app_before_a_switch
    warming, release = threading.Event(), threading.Event()
    real_warm = search.Searcher.warm

    def held_warm(self, for_pages=False):
        warming.set()
        assert release.wait(timeout=60)
        real_warm(self, for_pages=for_pages)

    monkeypatch.setattr(search.Searcher, "warm", held_warm)
    switcher = threading.Thread(target=state.follow)
    switcher.start()
    try:
        assert warming.wait(timeout=60)
        answer = client.get("/search?q=DFQF")  # its follow() finds the switch under way
        assert answer.status_code == 200 and "DFQF" in answer.text and state.searcher is old
    finally:
        release.set()
        switcher.join(timeout=60)
    assert not switcher.is_alive()
    assert state.searcher is not old and state.searcher.version == current_version(state.index_dir)
    assert client.get("/search?q=DFQF").status_code == 200
    assert old._hold.closed  # closed once the new one was in use: its version may go at the next build


def test_a_warm_up_that_fails_leaves_the_old_index_in_use_and_the_new_searcher_closed(app_before_a_switch, monkeypatch):
    import wto_assist.search as search

    state, client, old = app_before_a_switch
    opened = []
    real_init = search.Searcher.__init__

    def recorded_init(self, *arguments, **keywords):
        real_init(self, *arguments, **keywords)
        opened.append(self)

    def failing_warm(self, for_pages=False):
        raise OSError("the disk went away")

    monkeypatch.setattr(search.Searcher, "__init__", recorded_init)
    monkeypatch.setattr(search.Searcher, "warm", failing_warm)
    with pytest.raises(OSError):
        state.follow()
    assert state.searcher is old and not old._hold.closed
    assert len(opened) == 1 and opened[0]._hold.closed  # the Searcher it could not warm holds no version
    assert not state.switching.locked()
    monkeypatch.undo()
    state.follow()  # the next request switches
    assert state.searcher is not old and old._hold.closed


def test_the_corpus_page_reads_the_index_in_use_under_the_lock_a_switch_waits_for(app_before_a_switch, monkeypatch):
    """The Corpus page stats its index's version folder: read outside the lock, a switch could close that Searcher
    and a prune remove the folder first (a 500). A switch starting while the page reads waits for it."""
    import threading

    from wto_assist.web.views import corpus as corpus_page

    state, client, old = app_before_a_switch
    switcher = threading.Thread(target=state.follow, kwargs={"wait": True})
    real_health, real_status, seen = corpus_page.index_health, corpus_page._index_status, {}

    def health_then_a_switch(store, manifest):
        switcher.start()  # the switch now waits for this page's share of the lock
        for _ in range(6000):
            if state.lock._writers_waiting:
                break
            threading.Event().wait(0.01)
        assert state.lock._writers_waiting
        return real_health(store, manifest)

    def status(searcher):
        seen["closed"] = searcher._hold.closed
        return real_status(searcher)

    monkeypatch.setattr(corpus_page, "index_health", health_then_a_switch)
    monkeypatch.setattr(corpus_page, "_index_status", status)
    monkeypatch.setattr(state, "follow", lambda wait=False: None)  # the page's own follow() off: the thread switches
    answer = client.get("/corpus")
    switcher.join(timeout=60)
    assert answer.status_code == 200 and 'id="index-status">' in answer.text and "No index yet" not in answer.text
    assert seen == {"closed": False}  # the page's Searcher was still open when its folder was read
    assert state.searcher is not old and old._hold.closed  # then the switch went through
