import json

from click.testing import CliRunner

from wto_assist.cli import main

from .conftest import CORPUS


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def test_ingest_list_show_on_the_sample_corpus(tmp_path):
    db = tmp_path / "corpus.sqlite"
    result = run("ingest", CORPUS, "--db", db)
    assert result.exit_code == 0, result.output
    assert "6 ingested" in result.output and "0 failed" in result.output

    documents = json.loads(run("list", "--db", db, "--json").stdout)
    by_symbol = {d["symbol"]: d for d in documents}
    assert set(by_symbol) == {"WT/COMTD/M/990", "G/SPS/R/990", "WT/TPR/M/990", "WT/DS990/1", "WT/DS990/R", "WT/DS990/TPS/NOR"}
    assert by_symbol["WT/DS990/TPS/NOR"]["family"] == "third-party-submission"
    assert by_symbol["WT/DS990/1"]["family"] == "request-for-consultations"
    assert by_symbol["WT/COMTD/M/990"]["restricted"] is True
    assert by_symbol["WT/COMTD/M/990"]["date"] == "2026-11-20"

    paragraph = json.loads(run("show", "wt/comtd/m/990", "--para", "3", "--db", db, "--json").stdout)
    assert len(paragraph) == 1
    assert paragraph[0]["citation"] == "WT/COMTD/M/990, para. 3"
    assert paragraph[0]["speaker"] == "Bangladesh"
    assert paragraph[0]["on_behalf_of"] == "LDC Group"
    assert paragraph[0]["agenda_item"] == "DUTY-FREE AND QUOTA-FREE MARKET ACCESS FOR LEAST-DEVELOPED COUNTRIES"
    assert set(paragraph[0]) >= {"symbol", "paragraph", "citation", "speaker", "on_behalf_of", "agenda_item", "text"}

    report = json.loads(run("show", "WT/DS990/R", "--para", "7.82", "--db", db, "--json").stdout)
    assert report[0]["text"].startswith("The Panel recalls")

    human = run("show", "WT/COMTD/M/990", "--db", db).output
    assert "[WT/COMTD/M/990, para. 6] Chad (on behalf of African Group)" in human

    again = run("ingest", CORPUS, "--db", db)
    assert "0 ingested" in again.output and "6 unchanged" in again.output and again.exit_code == 0


def test_errors_are_one_line_and_name_the_problem(tmp_path):
    db = tmp_path / "corpus.sqlite"
    assert "no corpus database" in run("list", "--db", db).output
    run("ingest", CORPUS, "--db", db)
    missing = run("show", "WT/COMTD/M/12345", "--db", db)
    assert missing.exit_code == 1 and "WT/COMTD/M/12345 is not in the corpus" in missing.output
    malformed = run("show", "XX/1", "--db", db)
    assert malformed.exit_code == 1 and "unknown series" in malformed.output
    assert "has no paragraph 99" in run("show", "WT/COMTD/M/990", "--para", "99", "--db", db).output


def test_ingest_exits_non_zero_only_when_nothing_could_be_ingested(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    result = run("ingest", bad, "--db", tmp_path / "c.sqlite")
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output
    assert "Traceback" not in result.output
    assert "empty.txt: empty file" in run("list", "--db", tmp_path / "c.sqlite").stdout
