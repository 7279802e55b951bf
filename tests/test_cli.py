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
    assert "Next: `wto-assist index` makes the 6 new or changed documents searchable" in result.output
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


def test_help_lists_every_command_once_in_pipeline_order_one_line_each():
    from wto_assist.cli import COMMAND_STEPS

    help_text = run("--help").output
    listing = help_text.split("Options:", 1)[1].splitlines()
    rows = [line.split(None, 1) for line in listing if line.startswith("  ") and not line.startswith("   ")]
    listed = [row[0] for row in rows if not row[0].startswith("-")]
    assert sorted(listed) == sorted(main.commands)  # every command, once
    pipeline = [name for _, commands in COMMAND_STEPS for name, _ in commands]
    named = [name for name in listed if name in pipeline]
    assert named == [name for name in pipeline if name in main.commands]  # in the order of the pipeline
    assert listed[:len(named)] == named  # commands not placed yet come after the pipeline's
    assert named.index("ingest") < named.index("index") < named.index("search") < named.index("draft") < named.index("verify")
    assert all(len(line) <= 80 and not line.rstrip().endswith("...") for line in listing)
    assert "Search:" in help_text and "Draft:" in help_text


def test_examples_lists_the_shipped_briefs_and_copies_them_without_overwriting(tmp_path):
    from .conftest import REPO

    shipped = sorted(path.name for path in (REPO / "examples").glob("*.yaml"))
    listing = run("examples")
    assert listing.exit_code == 0 and all(f"{name}  (" in listing.output for name in shipped)
    assert "committee-statement.yaml  (committee-statement)" in listing.output
    folder = tmp_path / "briefs"
    first = run("examples", "--copy", folder)
    assert first.exit_code == 0 and f"{len(shipped)} examples copied" in first.output
    assert sorted(path.name for path in folder.iterdir()) == shipped
    (folder / "committee-statement.yaml").write_text("kind: committee-statement  # edited by the user\n")
    again = run("examples", "--copy", folder)
    assert again.exit_code == 0 and "0 examples copied" in again.output and "kept" in again.output
    assert "edited by the user" in (folder / "committee-statement.yaml").read_text()
