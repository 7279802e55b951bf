"""Corpus (corpus.py): the store and the Searcher opened once per invocation, one connection per thread."""

import threading

import pytest
import yaml
from click.testing import CliRunner

from wto_assist import search, store
from wto_assist.cli import main
from wto_assist.corpus import Corpus
from wto_assist.index.build import IndexMissing

from .test_draft import sample  # noqa: F401 - the sample corpus, its dispute registry and a BM25 index


def _count_opened(monkeypatch, cls) -> list:
    """Record every construction of `cls` (Store or Searcher) from now on."""
    opened, original = [], cls.__init__

    def counting(self, *args, **kwargs):
        opened.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", counting)
    return opened


def _held_together(corpus: Corpus, count: int) -> list:
    """The connections of `count` threads that each take theirs and wait for the others before ending."""
    held, together = [], threading.Barrier(count)

    def hold() -> None:
        held.append(corpus.store)
        together.wait()

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return held


def test_each_thread_has_its_own_connection_and_close_closes_them_all(sample):
    db, index_dir, _ = sample
    corpus = Corpus(db, index_dir)
    mine = corpus.store
    seen = _held_together(corpus, 3)  # three threads holding their connections at the same time as this one
    assert corpus.store is mine  # one per thread, kept
    assert len({id(s) for s in seen + [mine]}) == 4
    assert corpus.searcher.store is corpus.store  # the Searcher reads through the corpus's connections
    corpus.close()
    with pytest.raises(Exception, match="closed"):
        seen[0].connection.execute("SELECT 1")


def test_a_thread_that_ends_hands_its_connection_to_the_next_and_only_the_first_checks_the_schema(sample, monkeypatch):
    """A server's request threads come and go: ten threads one after the other use one connection (not ten
    open files), and opening it again in a new thread writes nothing (no schema check)."""
    db, index_dir, _ = sample
    checks, original = [], store.Store.__init__

    def opening(self, *args, **kwargs):
        checks.append(kwargs.get("check_schema", True))
        original(self, *args, **kwargs)

    monkeypatch.setattr(store.Store, "__init__", opening)
    corpus = Corpus(db, index_dir)
    used = []
    for _ in range(10):
        thread = threading.Thread(target=lambda: used.append(corpus.store))
        thread.start()
        thread.join()
    assert len({id(s) for s in used}) == 1 and checks == [True]
    assert corpus._stores.connections == 1
    pair = _held_together(corpus, 2)  # two threads at once: a second connection, which does not check the schema
    assert len({id(s) for s in pair}) == 2 and corpus._stores.connections == 2
    assert checks == [True, False]
    assert pair[0].connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert pair[1].connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # per connection, set on each
    corpus.close()
    assert corpus._stores.connections == 0


def test_borrowed_leaves_a_given_corpus_open_and_closes_its_own(sample):
    db, index_dir, _ = sample
    with Corpus(db, index_dir) as given:
        with Corpus.borrowed(given) as corpus:
            assert corpus is given
        assert given.store.document("WT/COMTD/M/990") is not None  # still open
        with Corpus.borrowed(db) as own:
            kept = own.store
        with pytest.raises(Exception, match="closed"):
            kept.connection.execute("SELECT 1")


def test_a_corpus_without_an_index_says_so(sample):
    db, _, folder = sample
    with Corpus(db, folder / "no-index") as corpus:
        assert corpus.searcher_if_built() is None
        with pytest.raises(IndexMissing):
            corpus.searcher  # noqa: B018
    with Corpus(db) as corpus:
        assert corpus.searcher_if_built() is None


def test_draft_opens_the_store_and_the_index_once(sample, monkeypatch):
    """Composing, verifying and suggesting co-sponsors share the invocation's store and Searcher (the draft
    used to open the store three times and the index twice)."""
    db, index_dir, folder = sample
    brief = folder / "joint.yaml"
    brief.write_text(yaml.safe_dump({
        "kind": "joint-statement", "release": "restricted",
        "delegation": {"member": "Fiji", "co_sponsors": ["Samoa"], "suggest_co_sponsors": 3},
        "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10", "agenda_item": "Small economies"},
        "points": ["Small, vulnerable economies are exposed to unnotified measures."],
        "support": [{"citation": "WT/COMTD/M/990, para. 8"}, {"query": "small vulnerable economies", "k": 1}],
    }))
    stores, searchers = _count_opened(monkeypatch, store.Store), _count_opened(monkeypatch, search.Searcher)
    result = CliRunner().invoke(main, ["draft", str(brief), "-o", str(folder / "joint.docx"), "--db", str(db), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "written to" in result.output
    assert (len(stores), len(searchers)) == (1, 1)
