"""The newer WTO dispute table (disputes-ds1-624.jsonl) loaded alone: no row lost, provisions read
faithfully (recall against an independent count), current stages, parties by role, the WTO's
summaries as documents, and precedent in the form a lawyer uses."""

import importlib.util
import json

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.registry import load_registry
from wto_assist.registry.query import find_disputes
from wto_assist.search import Filters, Searcher
from wto_assist.store import Store

from .conftest import REPO


@pytest.fixture(scope="module")
def table(shared, tmp_path_factory):
    db = tmp_path_factory.mktemp("registry-jsonl") / "corpus.sqlite"
    report = load_registry(shared / "data" / "disputes-ds1-624.jsonl", db)
    return db, report


def _run(*arguments):
    result = CliRunner().invoke(main, list(map(str, arguments)))
    assert result.exit_code == 0, result.output
    return result


def test_no_row_is_lost_and_only_the_unreadable_fragment_is_reported(table):
    _, report = table
    assert report.loaded == 624 and report.bad_rows == [] and report.summaries == 624
    assert report.unreadable == [(512, "DS512: truncated cell 'GATT 1994 Art.': the article is missing")]


def test_provision_recall_against_an_independent_count(shared):
    spec = importlib.util.spec_from_file_location("bench_registry", REPO / "benchmarks" / "bench_registry.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(shared)
    counts = result["provisions"]
    assert len(counts) >= 12 and {key.split(":")[0] for key in counts} >= {"GATT1994", "TBT", "SPS", "SG", "AD", "TRIPS", "AG"}
    assert sum(c["found"] for c in counts.values()) / sum(c["expected"] for c in counts.values()) >= 0.98
    for key, c in counts.items():
        assert c["expected"] and c["found"] / c["expected"] >= 0.9, (key, c["missed"])


def test_table_conventions_are_read_as_wto_law(table):
    db, _ = table
    with Store(db, create=False) as store:
        # "GATT 1947: V:2" in a WTO dispute is Article V:2 of the GATT 1994.
        assert "DS512" in [row["ds"] for row in find_disputes(store, provision="GATT1994:V")]
        # "Technical Barriers to Trade (TBT): II:2" is TBT Article 2.2: US – Tuna II (Mexico).
        assert "DS381" in [row["ds"] for row in find_disputes(store, provision="TBT:2.2")]
        sps = {row["ds"]: row for row in find_disputes(store, provision="SPS:5.1")}
        assert sps["DS3"]["involvement"] == "whole Article" and sps["DS3"]["matched"] == ["SPS:5"]
        assert any(row["involvement"] == "cited" for row in sps.values())
        xxb = {row["ds"]: row for row in find_disputes(store, provision="GATT1994:XX(b)")}
        assert xxb and {row["involvement"] for row in xxb.values()} <= {"cited", "whole Article"}
        assert any(row["matched"] == ["GATT1994:XX"] and row["involvement"] == "whole Article" for row in xxb.values())


def test_current_stage_comes_from_the_status_code_or_the_summary(table):
    db, _ = table
    with Store(db, create=False) as store:
        ds512 = find_disputes(store, numbers=[512])[0]
        assert (ds512["stage"], ds512["stage_date"], ds512["stage_source"]) == (
            "Report(s) adopted, no further action required", "2019-04-26", "WTO status code ST5")
        assert ds512["adopted"] == {"Panel Report": "2019-04-26"}
        assert all(row["stage"] for row in find_disputes(store, numbers=list(range(539, 625))))
        assert find_disputes(store, numbers=[164])[0]["related"] == ["DS121", "DS123"]  # "See also …"


def test_member_filters_by_role(table):
    db, _ = table
    as_complainant = json.loads(_run("disputes", "--member", "Norway", "--role", "complainant", "--db", db, "--json").stdout)
    assert "DS552" in [row["ds"] for row in as_complainant] and "DS381" not in [row["ds"] for row in as_complainant]
    assert all(row["roles"] == ["complainant"] for row in as_complainant)
    as_third_party = json.loads(_run("disputes", "--member", "Norway", "--role", "third-party", "--db", db, "--json").stdout)
    assert "DS381" in [row["ds"] for row in as_third_party]
    palm_oil = find_disputes(Store(db, create=False), numbers=[600])[0]
    assert palm_oil["respondents"] == ["European Union", "France", "Lithuania"]


def test_precedent_for_article_xxi_says_how_each_dispute_is_involved(table):
    db, _ = table
    payload = json.loads(_run("precedent", "GATT1994:XXI", "--db", db, "--json").stdout)
    disputes = {row["ds"]: row for row in payload["disputes"]}
    assert payload["disputes"][0]["ds"] == "DS149"
    assert disputes["DS149"]["involvement"][0] == {"how": "cited in the request", "detail": "GATT1994:XXI", "citation": None}
    security = [row for row in payload["disputes"] if any(e["how"] == "subject raised in the summary" for e in row["involvement"])]
    assert {"DS548", "DS552", "DS597"} <= {row["ds"] for row in security}
    with Store(db, create=False) as store:
        for row in security:
            entry = next(e for e in row["involvement"] if e["how"] == "subject raised in the summary")
            symbol, _, label = entry["citation"].partition(", para. ")
            assert entry["detail"] in store.paragraphs(symbol, label)[0]["text"].lower()  # `show` confirms the citation


def test_precedent_exports_csv_and_a_table_of_cases(table, tmp_path):
    import csv

    import docx

    db, _ = table
    _run("precedent", "GATT1994:V", "--db", db, "--csv", tmp_path / "v.csv", "--docx", tmp_path / "v.docx")
    rows = list(csv.DictReader(open(tmp_path / "v.csv", encoding="utf-8")))
    assert "DS512" in [row["dispute"] for row in rows]
    cases = [[cell.text for cell in row.cells] for row in docx.Document(str(tmp_path / "v.docx")).tables[0].rows]
    assert ["Russia – Traffic in Transit",
            "Panel Report, Russia – Measures Concerning Traffic in Transit, WT/DS512/R, adopted 26 April 2019"] in cases


def test_dispute_summaries_are_searchable_documents(table, tmp_path):
    db, _ = table
    shown = _run("show", "DS512 summary", "--db", db).stdout
    assert "DS512 summary, para. [" in shown and "the DSB adopted the panel report" in shown
    build_index(db, tmp_path / "index", with_dense=False)
    searcher = Searcher(tmp_path / "index", db)
    try:
        hits = searcher.search("DSB adopted the panel report", k=5, filters=Filters(dispute="DS512"))
        assert hits and all(hit["symbol"] == "DS512 summary" for hit in hits)
        ukraine = searcher.search("traffic in transit", k=10, filters=Filters(member="Ukraine"))
        assert any(hit["symbol"] == "DS512 summary" for hit in ukraine)
    finally:
        searcher.close()
