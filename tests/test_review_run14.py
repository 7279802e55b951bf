"""Fault round on run 14 (issue 24): index format 9's letter folding (analysis.fold_accents and every place that must
agree with it), the web app's reads of the index in use (the Corpus page under the lock, the index job's switch after
the build lock), and an index of an older format said as such (IndexOutdated, Corpus.index_problem,
WebState.missing_index, serve). Small fixtures: the illustrative sample corpus, or stand-in Searchers."""

from __future__ import annotations

import http.client
import json
import shutil
import types
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from starlette.testclient import TestClient

from wto_assist.corpus import Corpus
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import stem, tokens, word_stem
from wto_assist.index.build import FORMAT_VERSION, IndexOutdated, build_index, current_version
from wto_assist.query_parse import concepts

from .test_review_run13 import _publish, _Stand, web_state  # noqa: F401 - web_state: the stand-in fixture

ORIGIN = {"origin": "http://127.0.0.1"}


# --- fold_accents (index format 9) ------------------------------------------------------------------------------

@pytest.mark.parametrize("written, typed", [
    ("Œuvrè", "oeuvre"),          # a letter kept whole by NFKD next to an accent NFKD takes apart
    ("ŒUVRE", "oeuvre"),          # the capital form
    ("STRAẞE", "strasse"),        # capital sharp s: lower() gives "ß", folded to "ss"
    ("İSTANBUL", "istanbul"),     # lower() of "İ" is two characters ("i" + U+0307)
    ("Łódź", "lodz"),
    ("Østebø", "ostebo"),         # as the CTD minutes write it (WT/COMTD/M/84, M/86)
    ("Þingvellir", "thingvellir"),
])
def test_a_word_written_with_or_without_those_letters_is_one_term_everywhere(written, typed):
    """Fine: the index's tokens, the query's concepts, highlighting's stems and the spelling check's test all reduce
    the written and the typed form to the same term, and a query typed either way marks both."""
    assert tokens(written) == tokens(typed) == [stem(typed)]
    assert [concept.term for concept in concepts(written)] == [concept.term for concept in concepts(typed)] == [stem(typed)]
    assert word_stem(written) == word_stem(typed) == stem(typed)
    text = f"{written} and {typed}"
    for query in (written, typed):
        assert QueryWords(query).spans(text) == [(0, len(written)), (len(written) + 5, len(text))]


def test_a_numbered_group_next_to_a_folded_letter_keeps_its_place():
    """Fine: "ß" and "œ" grow by one character when folded; the group's span is taken on the text as written."""
    text = "Straße G-90 œuvre"
    assert tokens(text) == [stem("strasse"), "g90", stem("oeuvre")]
    assert QueryWords("G90").spans(text) == [(7, 11)]
    assert QueryWords("oeuvre strasse").spans(text) == [(0, 6), (12, 17)]


# Was a defect (since format 8): analysis.expand matched glossary expansions on fold(text), before fold_accents, and
# query_parse.concepts after it: a PDF's ligature (U+FB00 'ﬀ') in 'diﬀerential' hid the S&DT term from the index only.
# Both now read the text through analysis.lowered_and_folded (format 9), and a document's text is read with its
# ligatures as letters (readers.clean_converted_text), so the page marks the phrase too.
def test_a_glossary_expansion_written_with_a_ligature_is_the_acronym_in_the_index_too(tmp_path):
    from wto_assist.documents.readers import read_text

    written = "special and diﬀerential treatment"  # as text extracted from a PDF often writes it
    concept_terms = {concept.term for concept in concepts(written)}
    assert concept_terms == {stem("sdt")}  # the query side sees the expansion
    assert stem("sdt") in tokens(written)  # and the index side
    (tmp_path / "page.txt").write_text(f"WT/COMTD/M/999\n&& The {written} of ﬁnancial services.\n", encoding="utf-8")
    stored, _ = read_text(tmp_path / "page.txt")
    assert "special and differential treatment of financial services" in stored
    at = stored.index("special")
    assert QueryWords("S&DT").spans(stored) == [(at, at + len("special and differential treatment"))]



# Was a defect (since format 8): query_parse.concepts folded before lower-casing, the index after: a sign whose NFKD is
# capitals (™ -> 'TM', also ℍ, №, ㎐, 🄰…) joined the word as a concept ('rounduptm') the index never held. Both read the
# text through analysis.lowered_and_folded now, where such capitals are separators, as the index always took them.
def test_a_word_pasted_with_a_trade_mark_sign_is_the_same_concept_the_index_holds():
    query = "Roundup™ glyphosate"
    assert [concept.term for concept in concepts(query)] == tokens(query)  # ['rounduptm', 'glyphos'] vs ['roundup', 'glyphos']
    assert QueryWords(query).spans("Roundup™ with glyphosate") == [(0, 7), (14, 24)]
    assert [concept.term for concept in concepts("ℍello №5 ㎐")] == tokens("ℍello №5 ㎐")  # "ello", "o5": what the index holds

# --- an index of an older format ----------------------------------------------------------------------------------

def _outdated_index(db, index_dir):
    """A real index of the sample corpus whose manifest says the format before this one."""
    build_index(db, index_dir, with_dense=False)
    manifest_path = current_version(index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "format": FORMAT_VERSION - 1}), encoding="utf-8")


def _outdated_client(db, tmp_path):
    """The web app over an outdated index of the sample corpus (tmp_path/index)."""
    _outdated_index(db, tmp_path / "index")
    return _client(db, tmp_path, tmp_path / "index")


def _client(db, tmp_path, index_dir, raise_server_exceptions=True):
    from wto_assist.web.app import create_app

    app = create_app(db, index_dir, tmp_path / "data", with_dense=False)
    client = TestClient(app, base_url="http://127.0.0.1", headers=ORIGIN, raise_server_exceptions=raise_server_exceptions)
    client.state = app.app.state.web
    return client


def test_an_incremental_build_over_an_older_format_is_a_full_one_and_the_cli_says_what_to_do(sample_db, tmp_path):
    """Fine: segments.plan refuses another format, so `index` over a format-8 live index builds all of it again;
    before that, `search` says the format found, the one read, and the command to run (exit code non-zero)."""
    from click.testing import CliRunner

    from wto_assist.cli import main

    index_dir = tmp_path / "index"
    _outdated_index(sample_db, index_dir)
    for command in (["search", "import ban"], ["serve", "--port", "0"]):  # serve: refused before it listens
        said = CliRunner().invoke(main, [*command, "--db", str(sample_db), "--index", str(index_dir)])
        assert said.exit_code != 0, command
        assert f"has format {FORMAT_VERSION - 1}, this wto-assist reads format {FORMAT_VERSION}" in said.output
        assert "build the index again" in said.output
    report = build_index(sample_db, index_dir, with_dense=False)
    assert report.delta is None and not report.up_to_date
    assert json.loads((current_version(index_dir) / "manifest.json").read_text(encoding="utf-8"))["format"] == FORMAT_VERSION


# Was a defect: precedent took the index through Corpus.searcher_if_built, which swallowed IndexOutdated (the query
# dropped without a word, paragraphs newest first); searcher_if_built now lets it through.
def test_precedent_with_a_query_on_an_index_of_an_older_format_says_it_must_be_built_again(sample_db, tmp_path):
    client = _outdated_client(sample_db, tmp_path)
    answer = client.get("/api/precedent?provision=GATT1994:XI&q=plant+health")
    said = json.dumps(answer.json())
    assert answer.status_code == 503 or "another version" in said or f"format {FORMAT_VERSION - 1}" in said


def test_the_cases_and_draft_paths_name_the_outdated_index(sample_db, tmp_path):
    """Fine: the paths that take Corpus.searcher themselves carry the IndexOutdated message (cases: a notice; a
    brief's search support: DraftError); since the fault round, searcher_if_built too (precedent, draft
    suggestions and preview), where no index at all is still None."""
    index_dir = tmp_path / "index"
    _outdated_index(sample_db, index_dir)
    with Corpus(sample_db, index_dir) as corpus:
        with pytest.raises(IndexOutdated, match=f"format {FORMAT_VERSION - 1}"):
            corpus.searcher
        with pytest.raises(IndexOutdated, match=f"format {FORMAT_VERSION - 1}"):
            corpus.searcher_if_built()  # what precedent, draft suggestions and preview take (test above)
    with Corpus(sample_db, tmp_path / "no-index") as corpus:
        assert corpus.searcher_if_built() is None


# Fixed after the fault round; was defect: WebState.follow returns on IndexMissing from current_version without
# clearing Corpus.index_problem: after the outdated index is deleted the pages still say it was built by another
# version (it is gone: 'no index yet' is what is true)
def test_after_the_outdated_index_is_deleted_the_pages_no_longer_say_another_version(sample_db, tmp_path):
    client = _outdated_client(sample_db, tmp_path)
    assert "another version" in client.get("/api/search?q=DFQF").json()["error"]
    assert "another version" in client.get("/api/ready").json()["index_problem"]  # a health check tells it from none
    shutil.rmtree(tmp_path / "index")
    error = client.get("/api/search?q=DFQF").json()["error"]
    assert "another version" not in error and "no index yet" in error
    assert client.get("/api/ready").json()["index_problem"] is None


def test_after_the_cli_rebuilds_the_outdated_index_the_web_app_uses_it(sample_db, tmp_path):
    """Fine: a build by `wto-assist index` (not Index now) is followed by the next request; the problem is cleared."""
    client = _outdated_client(sample_db, tmp_path)
    assert client.get("/api/search?q=DFQF").status_code == 503
    build_index(sample_db, tmp_path / "index", with_dense=False)
    assert client.get("/api/search?q=DFQF").status_code == 200
    assert client.state.corpus.index_problem is None and "another version" not in client.get("/corpus").text



# Fixed after the fault round; was latent (cost): with an index of another format in use, every search, coalitions and
# corpus request runs follow(): searcher None, so it opens the same outdated version again (three times: the
# SWITCHES_AT_ONCE loop goes on while the searcher stays None; 9 opens for 3 requests) and each time takes the state's
# lock exclusively to put None in use, waiting for every request in flight (a long draft or Corpus page) — 'no index
# yet' returns at current_version instead
def test_an_outdated_index_is_not_opened_again_on_every_request(sample_db, tmp_path, monkeypatch):
    client = _outdated_client(sample_db, tmp_path)
    opened = []
    real_open = Corpus._open_searcher

    def counted(self):
        opened.append(1)
        return real_open(self)

    monkeypatch.setattr(Corpus, "_open_searcher", counted)
    for _ in range(3):
        assert client.get("/api/search?q=DFQF").status_code == 503
    assert len(opened) <= 1  # CURRENT did not move: one more try at most


# Fixed after the fault round; was latent: the search view checks state.searcher outside the lock and reads it again
# after waiting its turn (state.searching); a switch meanwhile to an index that cannot be opened (WebState.load puts
# None in use) makes the second read None: AttributeError, a 500
def test_a_switch_to_no_searcher_while_a_search_waits_its_turn_is_no_500(sample_db, tmp_path):
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    client = _client(sample_db, tmp_path, index_dir, raise_server_exceptions=False)
    state = client.state
    real_turn = state.searching

    @contextmanager
    def turn_after_a_switch():
        with real_turn:
            # what load() does when the live index cannot be opened (open_live_searcher returned None)
            with state.lock.exclusive():
                state.corpus.replace_searcher(None)
            yield

    state.searching = turn_after_a_switch()
    answer = client.get("/api/search?q=import+ban")
    assert answer.status_code == 503 and "no index yet" in answer.json()["error"]  # said, not a 500


# Fixed after the fault round; was latent: serve's /health calls _LiveSearcher.current() outside any try: when CURRENT
# moves to an index that cannot be opened (another format), reopen_searcher puts None in use and Corpus.searcher
# raises IndexOutdated; the handler dies and the client gets no answer at all
def test_serve_health_answers_when_the_live_index_turns_unreadable(sample_db, tmp_path):
    from .serving import json_service

    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    with json_service(sample_db, index_dir) as server:
        live = current_version(index_dir)
        older = index_dir / "older-format"
        shutil.copytree(live, older)
        manifest = json.loads((older / "manifest.json").read_text(encoding="utf-8"))
        (older / "manifest.json").write_text(json.dumps({**manifest, "format": FORMAT_VERSION - 1}), encoding="utf-8")
        (index_dir / "CURRENT").write_text(older.name, encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_port}/health"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            assert f"format {FORMAT_VERSION - 1}" in json.loads(error.read())["error"]
        except http.client.RemoteDisconnected:  # before the fix: the handler raised, nothing was sent
            status = None
        assert status == 503


# --- the index job's switch after the build lock ----------------------------------------------------------------

def test_an_index_job_whose_version_is_pruned_before_its_switch_ends_with_the_newer_one(web_state, tmp_path, monkeypatch):  # noqa: F811
    """Fine: another worker's build lands (v3) and removes the job's version (v2) between the job's build and its
    switch: the job returns with v3 in use, the v1 Searcher closed, one Searcher open."""
    from wto_assist.web import jobs

    def built(*arguments, **keywords):
        _publish(tmp_path / "index", "v2")
        return types.SimpleNamespace(rows=1)

    real_follow = web_state.follow

    def another_worker_then_follow(wait=False):
        _publish(tmp_path / "index", "v3")
        shutil.rmtree(tmp_path / "index" / "v2")
        real_follow(wait=wait)

    old = web_state.searcher
    monkeypatch.setattr(jobs, "build_index", built)
    monkeypatch.setattr(web_state, "follow", another_worker_then_follow)
    jobs._build(web_state, types.SimpleNamespace(progress=""))
    assert web_state.searcher.version.name == "v3" and old.closed
    assert [searcher for searcher in _Stand.made if not searcher.closed] == [web_state.searcher]


def test_an_index_job_whose_build_raised_switches_nothing(web_state, monkeypatch):  # noqa: F811
    """Fine: the switch follows the build only when it returned; a failed build leaves the Searcher in use open."""
    from wto_assist.web import jobs

    def failed(*arguments, **keywords):
        raise OSError("disk full")

    old = web_state.searcher
    monkeypatch.setattr(jobs, "build_index", failed)
    with pytest.raises(OSError):
        jobs._build(web_state, types.SimpleNamespace(progress=""))
    assert web_state.searcher is old and not old.closed
