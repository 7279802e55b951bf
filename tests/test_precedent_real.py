"""Precedent on the real dispute table (disputes-ds1-624.jsonl): `disputes --provision` and `precedent`
agree; DS512, whose cited provisions are partly unreadable, is never dropped; security exceptions of
the other agreements are reachable with --related; reports in the corpus become pinpointed precedent;
a user's notes survive re-loading the registry; summary paragraphs carry their own event dates."""

import csv
import json
import re
import shutil

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.precedent import UNREADABLE
from wto_assist.registry import load_registry
from wto_assist.search import Filters, Searcher
from wto_assist.store import Store

from .conftest import CORPUS
from .report_fixtures import build_report_docx


@pytest.fixture(scope="module")
def registry(shared, tmp_path_factory):
    db = tmp_path_factory.mktemp("precedent-real") / "corpus.sqlite"
    load_registry(shared / "data" / "disputes-ds1-624.jsonl", db)
    return db


@pytest.fixture()
def few_disputes(shared, tmp_path):
    """The real rows of DS512 and DS567 alone: a registry small enough to load several times."""
    rows = [line for line in (shared / "data" / "disputes-ds1-624.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["ds"] in ("DS512", "DS567")]
    assert len(rows) == 2
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    return path, tmp_path / "corpus.sqlite"


def _run(*arguments, env=None):
    result = CliRunner(env=env).invoke(main, list(map(str, arguments)))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_disputes_and_precedent_agree_for_20_provisions(registry):
    with Store(registry, create=False) as store:
        keys = [row["key"] for row in store.connection.execute(
            "SELECT key, COUNT(*) AS n FROM dispute_provisions WHERE key LIKE '%:%' GROUP BY key ORDER BY n DESC, key LIMIT 20")]
    assert len(keys) == 20
    for key in keys:
        listed = json.loads(_run("disputes", "--provision", key, "--db", registry, "--json"))
        found = json.loads(_run("precedent", key, "--db", registry, "--json", "--k", "0"))
        assert [(r["ds"], r["involvement"]) for r in listed] == [(r["ds"], r["involvement"]) for r in found["disputes"] + found["unreadable"]], key
        assert listed and all(r["involvement"] and all(e["how"] for e in r["involvement"]) for r in listed), key
    # The count the text output prints is the same too.
    text_disputes = _run("disputes", "--provision", "Art. XXI GATT", "--db", registry).splitlines()[-1]
    text_precedent = [line for line in _run("precedent", "GATT 1994 Art. XXI", "--db", registry).splitlines() if re.fullmatch(r"\d+ disputes.*", line)]
    assert re.fullmatch(r"\d+ disputes.*", text_disputes) and [text_disputes] == text_precedent


def test_article_xxi_lists_ds512_and_says_what_the_table_records(registry):
    output = _run("precedent", "GATT1994:XXI", "--db", registry)
    assert "provisions cited in requests for consultations, not the defences" in output
    payload = json.loads(_run("precedent", "GATT1994:XXI", "--db", registry, "--json"))
    ds512 = next(row for row in payload["disputes"] if row["ds"] == "DS512")
    hows = [entry["how"] for entry in ds512["involvement"]]
    assert "invoked as a defence" in hows and UNREADABLE in hows
    assert {"ds": "DS512", "number": 512, "registry": "panel report adopted 2019-04-26",
            "fetch": "wto-assist fetch --dispute DS512"} in payload["missing_reports"]
    assert "wto-assist fetch --dispute DS512" in output
    # A provision DS512's request does not cite, of the same agreement: flagged, not dropped.
    article_i = json.loads(_run("precedent", "GATT1994:I", "--db", registry, "--json"))
    assert "DS512" not in [row["ds"] for row in article_i["disputes"]]
    assert [row["ds"] for row in article_i["unreadable"]] == ["DS512"]
    assert "GATT 1994 Art." in article_i["unreadable"][0]["involvement"][0]["detail"]
    assert UNREADABLE in _run("disputes", "--provision", "GATT I", "--db", registry)
    # Another agreement: DS512's unreadable GATT cell cannot concern the TBT Agreement.
    tbt = json.loads(_run("precedent", "TBT:2.2", "--db", registry, "--json"))
    assert "DS512" not in [row["ds"] for row in tbt["disputes"] + tbt["unreadable"]]


def test_security_exceptions_of_other_agreements_come_with_related(registry):
    plain = json.loads(_run("precedent", "GATT1994:XXI", "--db", registry, "--json"))
    assert [p["key"] for p in plain["parallel"]] == ["GATS:XIVbis", "TRIPS:73"]
    assert "DS567" not in [row["ds"] for row in plain["disputes"]]
    related = json.loads(_run("precedent", "GATT1994:XXI", "--related", "--db", registry, "--json"))
    ds567 = next(row for row in related["disputes"] if row["ds"] == "DS567")
    assert ds567["short_title"] == "Saudi Arabia — IPRs"
    assert ds567["involvement"][0]["how"] == "parallel provision" and ds567["involvement"][0]["detail"].startswith("TRIPS:73")
    assert {row["ds"] for row in plain["disputes"]} < {row["ds"] for row in related["disputes"]}
    assert "add --related" in _run("precedent", "GATT XXI", "--db", registry)
    trips = json.loads(_run("precedent", "TRIPS 73", "--db", registry, "--json"))
    assert [row["ds"] for row in trips["disputes"]] == ["DS567"] and trips["parallel"][0]["key"] == "GATT1994:XXI"


def test_a_note_survives_reloading_the_registry_twice_and_is_exported(few_disputes, tmp_path):
    table, db = few_disputes
    load_registry(table, db)
    with Store(db, create=False) as store:
        event = next(p for p in store.paragraphs("DS512 summary") if "panel report was circulated" in p["text"])
    _run("precedent-note", "DS512", "GATT XXI", "--source", event["citation"], "--note", "Panel first reviews XXI(b)(iii).",
         "--db", db, env={"USER": "delegate-a"})
    _run("precedent-note", "DS512", "GATT1994:XXI", "--source", "WT/DS512/R, para. 7.102", "--note", "Objective test.",
         "--author", "Legal adviser", "--db", db)
    for _ in range(2):
        _run("load-disputes", table, "--db", db)
    payload = json.loads(_run("precedent", "GATT1994:XXI(b)", "--db", db, "--json"))
    notes = {note["note"]: note for note in payload["notes"]}
    assert set(notes) == {"Panel first reviews XXI(b)(iii).", "Objective test."}
    assert notes["Panel first reviews XXI(b)(iii)."]["author"] == "delegate-a"
    assert notes["Panel first reviews XXI(b)(iii)."]["cited"] == event["citation"]  # the paragraph, found by its uid
    assert notes["Objective test."]["cited"] == "WT/DS512/R, para. 7.102"  # not in the corpus: kept as written
    ds512 = next(row for row in payload["disputes"] if row["ds"] == "DS512")
    assert len(ds512["notes"]) == 2 and "noted by the user" in [e["how"] for e in ds512["involvement"]]
    _run("precedent", "GATT1994:XXI", "--db", db, "--csv", tmp_path / "p.csv", "--docx", tmp_path / "p.docx")
    exported = {row["dispute"]: row for row in csv.DictReader(open(tmp_path / "p.csv", encoding="utf-8"))}
    assert "Objective test. (WT/DS512/R, para. 7.102; Legal adviser," in exported["DS512"]["notes"]
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "p.docx")).paragraphs)
    assert "Panel first reviews XXI(b)(iii)." in text and "delegate-a" in text
    assert "removed 1 note" in _run("precedent-note", "DS512", "GATT1994:XXI", "--source", "WT/DS512/R, para. 7.102", "--remove", "--db", db)
    missing = CliRunner().invoke(main, ["precedent-note", "DS512", "GATT1994:XXI", "--source", "WT/DS512/R, para. 7.102", "--remove", "--db", str(db)])
    assert missing.exit_code == 1 and "no note on DS512" in missing.output
    bad = CliRunner().invoke(main, ["precedent-note", "DS512", "GATT1994:XXI", "--source", "x", "--db", str(db)])
    assert bad.exit_code == 1 and "--note" in bad.output


def test_summary_paragraphs_are_dated_by_their_own_events(few_disputes, tmp_path):
    table, db = few_disputes
    load_registry(table, db)
    with Store(db, create=False) as store:
        composed = next(p for p in store.paragraphs("DS567 summary") if "Director-General composed the panel" in p["text"])
    assert composed["date"] == "2019-02-18"  # the document is dated 2022-04-21, its latest event
    build_index(db, tmp_path / "index", with_dense=False)
    searcher = Searcher(tmp_path / "index", db)
    try:
        question = "Director-General composed the panel"
        assert composed["uid"] in [hit["uid"] for hit in searcher.search(question, k=20, filters=Filters(date_from="2019"))]
        late = searcher.search(question, k=20, filters=Filters(date_from="2021"))
        assert all(hit["date"] >= "2021" for hit in late) and composed["uid"] not in [hit["uid"] for hit in late]
    finally:
        searcher.close()


@pytest.mark.parametrize("report, expected", [
    ("txt", {"paragraphs": ["7.81", "7.82", "7.83"], "pinpoint": "paras. 7.81–7.83", "findings": ["7.83"], "section": "7 FINDINGS"}),
    # A section whose heading cites the provision is one range, subsections included ("7.5" covers 7.5.3.2).
    ("docx", {"paragraphs": ["7.101", "7.102", "7.103"], "pinpoint": "paras. 7.101–7.103", "findings": ["7.103"],
              "section": "7 FINDINGS – 7.5 Article XX(b) of the GATT 1994"}),
])
def test_reports_in_the_corpus_become_pinpointed_precedent(tmp_path, report, expected):
    source = tmp_path / "files"
    source.mkdir()
    if report == "txt":
        shutil.copy(CORPUS / "disputes" / "WT_DS990_R.txt", source)
    else:
        build_report_docx(source / "WT_DS990_R.docx")  # the layout-faithful fixture of tests/report_fixtures.py
    db = tmp_path / "corpus.sqlite"
    outcome = ingest_paths([source], db)
    assert not outcome.failed, outcome.failed
    load_registry(CORPUS / "registry" / "disputes-sample.jsonl", db)
    payload = json.loads(_run("precedent", "Article XX(b) GATT", "--db", db, "--json"))
    [entry] = payload["reports"]
    assert {name: entry[name] for name in expected} == expected
    assert entry["symbol"] == "WT/DS990/R" and entry["finding"]
    assert entry["citation"] == f"Panel Report, Exampleland – Processed Fruit, {expected['pinpoint']}"
    ds990 = next(row for row in payload["disputes"] if row["ds"] == "DS990")
    assert any(e["how"] == "invoked or ruled on in a report" and e["citation"] == f"WT/DS990/R, para. {expected['paragraphs'][0]}"
               for e in ds990["involvement"])
    assert payload["missing_reports"] == []
    assert entry["citation"] in _run("precedent", "GATT1994:XX(b)", "--db", db)
