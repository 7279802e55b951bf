"""The case file end to end on the real CTD minutes (../shared): a case from YAML, evidence, two
paragraphs of the record linked (found by their words, not their numbers), a brief drafted and
verified with `draft --final`, a like-minded bundle without any internal field or file, imported into
a second, empty home with its provenance, twice without change, and a tampered copy refused."""

import json
import sqlite3
import zipfile

import yaml

from wto_assist.concerns import inventory

from .conftest import REPO
from .test_cases import attach, run

CASE = {
    "delegation": "Pakistan",
    "title": "Selection of beneficiaries of the special incentive arrangement",
    "imposing_member": "European Union",
    "affected_members": ["Pakistan"],
    "measure_type": "other",
    "measure": "a special incentive arrangement of a GSP scheme using non-objective criteria for selecting beneficiaries",
    "products": [{"name": "textiles and clothing", "hs": "61"}],
    "provisions": ["Article I of the GATT 1994"],
    "status": "raised",
    "notes": "CAPITAL-ONLY: instructions are to keep the item on the agenda",
    "sharing": {"default": "like-minded", "notes": "internal"},
}


def test_a_case_on_the_ctd_record_from_yaml_to_a_verified_draft_and_a_shared_bundle(ctd_db, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(ctd_db) as source, sqlite3.connect(home / "corpus.sqlite") as target:
        source.backup(target)  # the session's corpus stays as it was
    monkeypatch.setenv("WTO_ASSIST_HOME", str(home))
    monkeypatch.setenv("WTO_ASSIST_TEMPLATES", str(REPO / "templates"))
    for name in ("WTO_ASSIST_DB", "WTO_ASSIST_INDEX"):
        monkeypatch.delenv(name, raising=False)
    # The concern and the reply, found by their words in the minutes.
    concern = next(row for row in inventory(home / "corpus.sqlite", member="Pakistan", target="European Union")
                   if "special incentive arrangement" in row["measure"])
    assert concern["reply"] and concern["reply"] != concern["citation"]

    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(CASE))
    case_id = run("case", "new", "--from", case_file).output.split()[1]
    attach(case_id, tmp_path / "instructions.txt", "CAPITAL-ONLY instructions from the ministry", "--note", "CAPITAL-ONLY note")
    attach(case_id, tmp_path / "statement-summary.txt", "Summary of our statements on the GSP scheme", "--level", "like-minded")
    run("case", "link", case_id, concern["citation"], "--as", "raised")
    run("case", "link", case_id, concern["reply"], "--as", "reply")
    shown = run("case", "show", case_id).output
    assert f"raised in the Committee on Trade and Development by Pakistan – {concern['citation']}" in shown
    assert f"reply in the Committee on Trade and Development by European Union – {concern['reply']}" in shown

    brief_path = tmp_path / "brief.yaml"
    run("case", "brief", case_id, "--kind", "committee-statement", "--body", "Committee on Trade and Development",
        "--meeting-date", "2026-12-10", "-o", brief_path)
    brief = yaml.safe_load(brief_path.read_text())
    assert brief["release"] == "public"  # the minutes of 2008 are derestricted
    assert [item["citation"] for item in brief["support"]] == [concern["citation"], concern["reply"]]
    drafted = run("draft", brief_path, "-o", tmp_path / "statement.docx", "--final")
    assert drafted.output.count("VERIFIED") == 2 and (tmp_path / "statement.docx").exists()

    bundle = tmp_path / "bundle.zip"
    run("case", "export", case_id, "--level", "like-minded", "-o", bundle)
    with zipfile.ZipFile(bundle) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        names = archive.namelist()
    assert b"CAPITAL-ONLY" not in everything and not any("instructions" in name for name in names)
    assert any(name.endswith("statement-summary.txt") for name in names)

    second = tmp_path / "second"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(second))
    assert "1 new version" in run("case", "import", bundle).output
    received = json.loads(run("case", "show", case_id, "--json").output)
    expected = {key: value for key, value in CASE.items() if key not in ("notes", "sharing", "products", "provisions")}
    assert {key: received["case"][key] for key in expected} == expected
    assert received["case"]["provisions"] == ["GATT1994:I"] and received["case"]["notes"] is None
    assert received["versions"][0]["provenance"].startswith("shared by Pakistan's delegation")
    assert [link["citation"] for link in received["links"]] == [concern["citation"], concern["reply"]]
    assert [item["name"] for item in received["evidence"]] == ["statement-summary.txt"]
    assert "0 new versions, 1 already here, 0 evidence files, 0 links" in run("case", "import", bundle).output
    assert json.loads(run("case", "show", case_id, "--json").output) == received

    with zipfile.ZipFile(bundle) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["case-bundle.json"] = files["case-bundle.json"].replace(b"Pakistan", b"Paraguay")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    third = tmp_path / "third"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(third))
    refused = run("case", "import", tampered, ok=False)
    assert refused.exit_code == 1 and "fails its SHA-256" in refused.output
    assert json.loads(run("case", "list", "--json").output) == []


def test_disputes_from_the_registry_are_proposed_and_their_steps_dated_in_the_timeline(shared, tmp_path, monkeypatch):
    from wto_assist.ingest import ingest_paths
    from wto_assist.registry import load_registry

    monkeypatch.setenv("WTO_ASSIST_HOME", str(tmp_path))
    for name in ("WTO_ASSIST_DB", "WTO_ASSIST_INDEX"):
        monkeypatch.delenv(name, raising=False)
    ingest_paths([REPO / "tests" / "data" / "cases"], tmp_path / "corpus.sqlite")
    assert load_registry(shared / "data" / "disputes-ds1-624.jsonl", tmp_path / "corpus.sqlite").loaded > 600
    case_id = run("case", "new", "--from", REPO / "examples" / "case-dairy-timber.yaml").output.split()[1]
    proposed = json.loads(run("case", "suggest", case_id, "--k", "50", "--json").output)["disputes"]
    assert proposed and all(item["why"][0] == "China is respondent" and len(item["why"]) > 1 for item in proposed)
    assert all(any(reason.startswith(("European Union is", "Lithuania is", "cites GATT1994:")) for reason in item["why"])
               for item in proposed)
    # The registry's dispute on these measures: China as respondent, the European Union as complainant, in 2022.
    from wto_assist.store import Store

    with Store(tmp_path / "corpus.sqlite") as store:
        lithuania = [row for row in store.disputes(member="China", role="respondent")
                     if row["complainants"] == ["European Union"] and (row["consultations_requested"] or "").startswith("2022")
                     and "Goods" in row["title"]]
    assert len(lithuania) == 1
    ds = lithuania[0]["ds"]
    assert "European Union is complainant" in next(item["why"] for item in proposed if item["ds"] == ds)
    run("case", "link", case_id, ds, "--as", "dispute")
    timeline = json.loads(run("case", "show", case_id, "--json").output)["timeline"]
    steps = [event for event in timeline if event["citation"] == ds]
    assert steps and steps[0]["event"] == f"{ds}: Consultations requested" and steps[0]["date"] == lithuania[0]["consultations_requested"]
    brief = tmp_path / "brief.yaml"
    run("case", "brief", case_id, "--kind", "committee-statement", "--body", "Council for Trade in Goods", "--meeting-date", "2026-12-10",
        "-o", brief)
    import yaml

    points = yaml.safe_load(brief.read_text())["points"]
    assert any(point.startswith("Article XI of the GATT 1994 has been invoked in earlier disputes, among them DS") for point in points)
