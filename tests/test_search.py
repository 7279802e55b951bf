"""Index build and search on the sample corpus: modes, filters, incremental updates, crash safety."""

import json
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.index import dense
from wto_assist.index.build import build_index, current_version
from wto_assist.ingest import ingest_paths
from wto_assist.search import Filters, SearchError, Searcher
from wto_assist.store import Store

from .conftest import CORPUS


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    ingest_paths([CORPUS], db)
    build_index(db, index_dir)
    searcher = Searcher(index_dir, db)
    yield db, index_dir, searcher
    searcher.close()


def test_every_mode_answers_with_pinpoint_citations(sample_index):
    _, _, searcher = sample_index
    for mode in ("bm25", "dense", "hybrid"):
        results = searcher.search("duty-free quota-free market access for LDCs", mode=mode, k=3)
        assert results, mode
        top = results[0]
        assert {"symbol", "paragraph", "citation", "speaker", "date", "text", "score"} <= set(top)
        assert top["citation"] == f"{top['symbol']}, para. {top['paragraph']}"
    best = searcher.search("DFQF for at least 97 per cent of tariff lines", k=1)[0]
    assert best["citation"] == "WT/COMTD/M/990, para. 3"
    assert best["speaker"] == "Bangladesh" and best["on_behalf_of"] == "LDC Group"


def test_acronyms_and_their_expansions_find_each_other(sample_index):
    _, _, searcher = sample_index
    cited = [r["citation"] for r in searcher.search("duty-free and quota-free", mode="bm25", k=10)]
    assert "WT/COMTD/M/990, para. 5" in cited  # says only "DFQF"


def test_filters(sample_index):
    _, _, searcher = sample_index
    query = "import ban on processed fruit"
    assert {r["family"] for r in searcher.search(query, k=20, filters=Filters(family="panel-report"))} == {"panel-report"}
    in_dispute = {r["symbol"] for r in searcher.search(query, k=20, filters=Filters(symbol="wt/ds990/"))}
    assert in_dispute and in_dispute <= {"WT/DS990/1", "WT/DS990/R", "WT/DS990/TPS/NOR"}
    by_speaker = searcher.search("market access", k=20, filters=Filters(speaker="the EC"))
    assert by_speaker and {r["speaker"] for r in by_speaker} == {"European Union"}
    for_group = searcher.search("market access", k=20, filters=Filters(speaker="LDC Group"))
    assert for_group and all(r["on_behalf_of"] == "LDC Group" for r in for_group)
    dated = searcher.search(query, k=20, filters=Filters(date_from="2026-03", date_to="2026-10-02"))
    assert dated and all("2026-03-01" <= r["date"] <= "2026-10-02" for r in dated)
    unrestricted = searcher.search(query, k=20, filters=Filters(restricted=False))
    restricted = searcher.search(query, k=20, filters=Filters(restricted=True))
    assert unrestricted and all(not r["restricted"] for r in unrestricted)
    assert restricted and all(r["restricted"] for r in restricted)
    assert searcher.search(query, k=20, filters=Filters(body="Sanitary"))[0]["symbol"] == "G/SPS/R/990"
    with pytest.raises(SearchError, match="^type: unknown document family 'minute'"):
        searcher.search(query, filters=Filters(family="minute"))
    with pytest.raises(SearchError, match="^from: "):
        searcher.search(query, filters=Filters(date_from="March 2026"))


def test_cli_search_json(sample_index):
    db, index_dir, _ = sample_index
    result = CliRunner().invoke(main, ["search", "Article XX(b) necessity", "--json", "--k", "2", "--db", str(db), "--index", str(index_dir), "--type", "third-party-submission"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["citation"] for r in rows][0] == "WT/DS990/TPS/NOR, para. 2"
    assert isinstance(rows[0]["paragraph"], str) and isinstance(rows[0]["score"], float)



def test_cli_search_counts_in_the_users_words_and_suggests_spellings(sample_index):
    db, index_dir, _ = sample_index
    where = ["--db", str(db), "--index", str(index_dir), "--mode", "bm25"]
    result = CliRunner().invoke(main, ["search", "DFQF tariff lines", *where])
    assert result.exit_code == 0, result.output
    counted = [line for line in result.stdout.splitlines() if "all your words" in line]
    assert counted and counted[0].startswith("1 paragraph contains all your words;"), result.stdout  # para. 3 alone says both
    misspelt = CliRunner().invoke(main, ["search", "DFQD tariff lines", *where])
    assert 'no paragraph uses "DFQD": did you mean DFQF?' in misspelt.stderr

def test_incremental_reindex_embeds_only_the_new_document_and_drops_removed_ones(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    added = corpus / "minutes" / "WTCOMTDM990.txt"
    held_back = tmp_path / "WTCOMTDM990.txt"
    shutil.move(added, held_back)
    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    ingest_paths([corpus], db)
    first = build_index(db, index_dir)
    assert first.encoded == first.windows > 0

    shutil.move(held_back, added)
    ingest_paths([corpus], db)
    second = build_index(db, index_dir)
    with Store(db, create=False) as store:
        new_windows = sum(len(dense.windows(p["text"])) for p in store.paragraphs("WT/COMTD/M/990"))
    assert second.encoded == new_windows
    assert second.reused == first.windows

    (corpus / "disputes" / "WT_DS990_R.txt").unlink()
    report = ingest_paths([corpus], db)
    assert report.removed == ["WT/DS990/R"]
    third = build_index(db, index_dir)
    assert third.encoded == 0
    searcher = Searcher(index_dir, db)
    remaining = searcher.search("the Panel finds the import ban inconsistent", k=50)
    assert remaining and all(r["symbol"] != "WT/DS990/R" for r in remaining)
    searcher.close()
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("v")] == [third.version]


def test_killing_a_build_at_random_points_never_breaks_the_live_index(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    ingest_paths([corpus], db)
    build_index(db, index_dir, with_dense=False)
    script = (
        "import sys; from wto_assist.index.build import build_index; "
        "build_index(sys.argv[1], sys.argv[2], with_dense=sys.argv[3] == 'dense')"
    )
    rng = random.Random(7)
    outcomes = set()
    for trial in range(8):
        kind = "dense" if trial % 2 else "bm25"
        process = subprocess.Popen([sys.executable, "-c", script, str(db), str(index_dir), kind])
        time.sleep(rng.uniform(0.2, 6.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            outcomes.add("killed")
        else:
            outcomes.add("finished")
        process.wait()
        searcher = Searcher(index_dir, db)  # must load, whichever version is live
        assert searcher.search("import ban", mode="bm25", k=1), f"trial {trial}"
        searcher.close()
        assert (index_dir / current_version(index_dir).name / "manifest.json").exists()
    assert "killed" in outcomes


def _search_in_a_fresh_process(db, index_dir, *arguments) -> str:
    """Run `search` as a new process would and print its first citation and whether torch was imported."""
    code = (
        "import sys, json; from click.testing import CliRunner; from wto_assist.cli import main; "
        f"r = CliRunner().invoke(main, ['search', *{list(arguments)!r}, '--json', '--db', {str(db)!r}, '--index', {str(index_dir)!r}]); "
        "assert r.exit_code == 0, r.output; "
        "print(json.loads(r.stdout)[0]['citation'], 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_bm25_search_never_imports_torch(sample_index):
    db, index_dir, _ = sample_index
    assert _search_in_a_fresh_process(db, index_dir, "DFQF tariff lines", "--mode", "bm25").endswith("False False")


def test_hybrid_queries_run_on_the_onnx_export_without_torch(sample_index):
    db, index_dir, _ = sample_index
    from wto_assist.index import onnx_encoder

    export = onnx_encoder.export_folder(dense.default_model())
    assert sorted(path.name for path in export.iterdir()) == sorted(onnx_encoder.EXPORT_FILES)  # made by the build
    output = _search_in_a_fresh_process(db, index_dir, "DFQF for at least 97 per cent of tariff lines", "--mode", "hybrid")
    assert output == "WT/COMTD/M/990, para. 3 False False"
    texts = ["duty-free quota-free market access", "The representative of India said that " * 40, "x"]
    exported = onnx_encoder.OnnxEncoder(export).encode(texts, batch_size=2)
    reference = dense.Encoder().encode(texts)
    assert (exported * reference).sum(axis=1).min() > 0.9999


def test_missing_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("WTO_ASSIST_MODEL", str(tmp_path / "no-such-model"))
    with pytest.raises(dense.ModelError, match="embedding model folder not found"):
        dense.Encoder()


def test_default_mode_answers_with_bm25_when_the_model_is_missing(sample_index, tmp_path):
    """Hybrid is the default over a dense index; without the model the default still answers, by words,
    and says so, while a query that asks for hybrid gets the missing model's message."""
    db, index_dir, _ = sample_index
    searcher = Searcher(index_dir, db, model=str(tmp_path / "no-such-model"))
    try:
        page = searcher.run("DFQF for at least 97 per cent of tariff lines")
        assert page.records and page.records[0]["citation"] == "WT/COMTD/M/990, para. 3"
        assert any("searched by words only (BM25)" in notice for notice in page.notices)
        with pytest.raises(dense.ModelError, match="embedding model folder not found"):
            searcher.run("DFQF for at least 97 per cent of tariff lines", mode="hybrid")
    finally:
        searcher.close()


def test_serve_answers_json_on_localhost(sample_index):
    import threading
    import urllib.request

    from wto_assist.corpus import Corpus
    from wto_assist.serve import make_server

    db, index_dir, _ = sample_index
    corpus = Corpus(db, index_dir)
    server = make_server(corpus, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        with urllib.request.urlopen(f"{base}/search?q=processed+fruit&k=2&type=panel-report") as response:
            rows = json.loads(response.read())
        assert rows and rows[0]["symbol"] == "WT/DS990/R"
        try:
            urllib.request.urlopen(f"{base}/search?q=fruit&from=yesterday")
        except urllib.error.HTTPError as error:
            assert error.code == 400 and json.loads(error.read())["field"] == "from"
        else:
            raise AssertionError("a bad date must be a 400")
    finally:
        server.shutdown()
        server.server_close()
        corpus.close()


def test_nonsense_returns_nothing_in_every_mode_and_filters_never_add_hits(sample_index):
    _, _, searcher = sample_index
    for mode in ("bm25", "dense", "hybrid"):
        for query in ("xyzzyplugh", "*", "qwertyuiop asdf"):
            assert searcher.run(query, mode=mode).total == 0, (mode, query)
        query = "market access for least-developed countries"
        everything = searcher.run(query, mode=mode, size=100)
        assert everything.total == len(everything.records) > 0
        for filters in (Filters(date_from="2026"), Filters(speaker="Bangladesh"), Filters(family="minutes"), Filters(restricted=False)):
            filtered = searcher.run(query, mode=mode, filters=filters, size=100)
            assert filtered.total <= everything.total, (mode, filters)
            assert {r["citation"] for r in filtered.records} <= {r["citation"] for r in everything.records}, (mode, filters)


def test_hits_say_whether_they_share_the_query_words(sample_index):
    _, _, searcher = sample_index
    records = searcher.run("duty-free quota-free market access for LDCs", mode="hybrid", size=100).records
    assert {r["match"] for r in records} <= {"words", "similar"} and records[0]["match"] == "words"
    for record in records:
        if record["match"] == "similar":
            assert not searcher.lexical.scores("duty-free quota-free market access for LDCs")[
                next(i for i, row in enumerate(searcher.rows) if row["symbol"] == record["symbol"] and row["seq"] == record["seq"])
            ]


def test_search_errors_name_the_option_and_exit_non_zero(sample_index):
    db, index_dir, _ = sample_index
    where = ["--db", str(db), "--index", str(index_dir), "--mode", "bm25"]
    runner = CliRunner()
    misspelt = runner.invoke(main, ["search", "market access", "--speaker", "Bangaldesh", *where])
    assert misspelt.exit_code == 1 and "did you mean Bangladesh?" in misspelt.output
    assert "--speaker: no Member, group or speaker called 'Phillipines'" in runner.invoke(main, ["search", "access", "--speaker", "Phillipines", *where]).output
    bad_month = runner.invoke(main, ["search", "market access", "--from", "2019-13", *where])
    assert bad_month.exit_code == 1 and "--from: '2019-13' has no month 13" in bad_month.output
    assert "is not a day of February 2019" in runner.invoke(main, ["search", "access", "--to", "2019-02-30", *where]).output
    past_end = runner.invoke(main, ["search", "market access", "--page", "50", *where])
    assert past_end.exit_code == 1 and "page 50 is past the last page of results (1;" in past_end.output
    unloaded = runner.invoke(main, ["search", "fruit", "--dispute", "DS990", *where])
    assert unloaded.exit_code == 0 and "the dispute registry is not loaded" in unloaded.output
    chair = runner.invoke(main, ["search", "agenda", "--speaker", "Chair", "--json", *where])
    assert chair.exit_code == 0 and {r["speaker_kind"] for r in json.loads(chair.stdout)} == {"chair"}


def test_a_search_on_an_index_older_than_the_corpus_says_so(tmp_path):
    import shutil
    import time
    from datetime import datetime, timezone

    from wto_assist.index.build import build_index
    from wto_assist.ingest import ingest_paths
    from wto_assist.search import Searcher

    from .conftest import CORPUS, REPO

    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    ingest_paths([CORPUS], db)
    build_index(db, index_dir, with_dense=False)
    searcher = Searcher(index_dir, db)
    try:
        assert not any("index is older" in n for n in searcher.run("DFQF").notices)
        # The index's timestamp has one-second resolution: wait until the clock has passed it (a condition).
        built = datetime.strptime(searcher.manifest["created"], "%Y-%m-%dT%H:%M:%S%z")
        while datetime.now(timezone.utc).replace(microsecond=0) <= built:
            time.sleep(0.05)
        shutil.copytree(REPO / "tests" / "data" / "concerns", tmp_path / "more")
        ingest_paths([tmp_path / "more"], db)
        notices = searcher.run("DFQF").notices
    finally:
        searcher.close()
    assert "the index is older than 2 documents ingested since it was built: they are not searched yet" in notices


def test_searches_from_many_threads_at_once_all_finish(sample_index):
    """The web app runs requests at once: each thread reads the store through a connection of its own
    (one shared connection deadlocked: SQLite's mutex held while the SQL function wto_today waited for
    the GIL). Bounded waits: a deadlock fails the test instead of hanging it."""
    import threading
    import time

    _, _, searcher = sample_index
    expected = [hit["citation"] for hit in searcher.search("DFQF market access", k=5)]
    results, errors = [], []

    def worker():
        try:
            for _ in range(15):
                results.append([hit["citation"] for hit in searcher.search("DFQF market access", k=5)])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120  # one bound for all of them
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads) and not errors
    assert len(results) == 8 * 15 and all(result == expected for result in results)
