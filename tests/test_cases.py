"""The coercion case file on the illustrative Goods Council, TBT and SPS minutes of tests/data/cases:
cases from YAML, evidence, links by paragraph uid, suggestions, briefs, bundles and watches."""

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from wto_assist.cases.bundle import MANIFEST
from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

from .conftest import REPO

FIXTURES = REPO / "tests" / "data" / "cases"
EXAMPLE = REPO / "examples" / "case-dairy-timber.yaml"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A fresh $WTO_ASSIST_HOME holding the three illustrative minutes, ingested."""
    folder = tmp_path / "home"
    minutes = folder / "minutes"
    shutil.copytree(FIXTURES, minutes)
    monkeypatch.setenv("WTO_ASSIST_HOME", str(folder))
    for name in ("WTO_ASSIST_DB", "WTO_ASSIST_INDEX"):
        monkeypatch.delenv(name, raising=False)
    report = ingest_paths([minutes], folder / "corpus.sqlite")
    assert not report.failed and len(report.ingested) == 3
    monkeypatch.setenv("USER", "a.delegate")
    return folder


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def attach(case_id: str, path: Path, text: str, *options) -> Path:
    """Write a file and attach it to the case as evidence (options as on the command line)."""
    path.write_text(text)
    run("case", "evidence", case_id, path, *options)
    return path


def new_case(path=EXAMPLE) -> str:
    return run("case", "new", "--from", path).output.split()[1]


def test_a_case_from_yaml_is_listed_shown_and_edited_in_versions(home, tmp_path):
    case_id = new_case()
    listed = json.loads(run("case", "list", "--json").output)
    assert [(c["id"], c["imposing_member"], c["affected_members"], c["status"]) for c in listed] == [
        (case_id, "China", ["Lithuania", "European Union"], "raised")]
    shown = json.loads(run("case", "show", case_id, "--json").output)
    case = shown["case"]
    assert case["products"] == [{"name": "dairy products", "hs": "0401"}, {"name": "timber", "hs": "4403"}]
    assert case["provisions"] == ["GATT1994:XI", "GATT1994:I", "GATT1994:X"]
    assert case["sharing"]["notes"] == "internal" and case["sharing"]["title"] == "public"
    assert case["sharing"]["products"] == "like-minded"  # the file's default
    edited = yaml.safe_load(EXAMPLE.read_text())
    edited["status"] = "in-dispute"
    changed = tmp_path / "edited.yaml"
    changed.write_text(yaml.safe_dump(edited))
    assert "new version saved" in run("case", "edit", case_id, "--from", changed).output
    assert "unchanged" in run("case", "edit", case_id, "--from", changed).output
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert shown["case"]["status"] == "in-dispute"
    assert [(v["version"], v["data"]["status"]) for v in shown["versions"]] == [(1, "raised"), (2, "in-dispute")]
    edited["id"] = "another-case"
    changed.write_text(yaml.safe_dump(edited))
    assert "id: the file is for case 'another-case'" in run("case", "edit", case_id, "--from", changed, ok=False).output


@pytest.mark.parametrize("change, message", [
    ({"imposing_member": "Examplelandia"}, "imposing_member: 'Examplelandia' is not a WTO Member"),
    ({"measure_type": "blockade"}, "measure_type: 'blockade' must be one of import-restriction"),
    ({"dates": {"in_force": "1 May 2025"}}, "dates.in_force: '1 May 2025' is not a date YYYY-MM-DD"),
    ({"sharing": {"notes": "secret"}}, "sharing.notes: 'secret' must be one of internal, like-minded, public"),
    ({"products": [{"name": "timber", "hs": "44x"}]}, "products[0].hs: '44x' is not an HS code"),
    ({"affected_members": ["Lithuania", "Atlantis"]}, "affected_members[1]: 'Atlantis' is not a WTO Member"),
    ({"colour": "red"}, "colour: unknown field"),
    ({"title": None}, "title: is required"),
    ({"id": "Bad Id"}, "id: 'Bad Id' must be 3-64 lower-case letters"),
])
def test_bad_case_input_is_one_line_naming_the_field(home, tmp_path, change, message):
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(change)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data))
    result = run("case", "new", "--from", path, ok=False)
    assert result.exit_code == 1
    assert f"Error: {path}: {message}" in result.output and len(result.output.strip().splitlines()) == 1
    assert json.loads(run("case", "list", "--json").output) == []


def test_evidence_is_copied_with_its_hash_and_a_notification_can_be_ingested_and_found(home, tmp_path):
    case_id = new_case()
    letter = tmp_path / "exporters-letter.txt"
    letter.write_text("Consignments held at the border since 2 December 2025.")
    output = run("case", "evidence", case_id, letter, "--note", "Exporters' association letter").output
    import hashlib

    digest = hashlib.sha256(letter.read_bytes()).hexdigest()
    assert digest in output
    notification = tmp_path / "G-SPS-N-CHN-9999.txt"
    notification.write_text("ILLUSTRATIVE FIXTURE - not a WTO document.\nG/SPS/N/CHN/9999\n3 January 2026\n"
                            "NOTIFICATION\n&& Suspension of imports of dairy products from certain establishments, for reasons of food safety.\n")
    output = run("case", "evidence", case_id, notification, "--ingest", "--level", "public", "--by", "j.smith").output
    assert "ingested as G/SPS/N/CHN/9999" in output
    evidence = json.loads(run("case", "show", case_id, "--json").output)["evidence"]
    assert [(e["name"], e["added_by"], e["level"]) for e in evidence] == [
        ("exporters-letter.txt", "a.delegate", "internal"), ("G-SPS-N-CHN-9999.txt", "j.smith", "public")]
    first = evidence[0]
    assert first["sha256"] == digest and first["size"] == letter.stat().st_size and first["media_type"] == "text/plain"
    assert (home / first["stored_path"]).read_bytes() == letter.read_bytes()  # a copy under $WTO_ASSIST_HOME
    letter.unlink()
    assert (home / first["stored_path"]).exists()
    with Store(home / "corpus.sqlite") as store:
        assert [p["citation"] for p in store.paragraphs_with_phrase("dairy products from certain establishments", "notification")] \
            or store.paragraphs("G/SPS/N/CHN/9999")
    assert "already attached" in run("case", "evidence", case_id, notification).output


def test_links_point_at_the_paragraph_text_and_follow_a_renumbering(home):
    case_id = new_case()
    run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised")
    run("case", "link", case_id, "G/C/M/991, para. 5", "--as", "reply")
    assert "already linked" in run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised").output
    assert "no para. 40 in G/C/M/991" in run("case", "link", case_id, "G/C/M/991, para. 40", "--as", "raised", ok=False).output
    assert "--as" in run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "gossip", ok=False).output
    # The Secretariat reissues the minutes with one more paragraph at the top: every number moves.
    minutes = home / "minutes" / "GCM991.txt"
    text = minutes.read_text()
    minutes.write_text(text.replace("A. TRADE CONCERNS\n", "A. TRADE CONCERNS\n&& The Chairperson recalled the procedures for trade concerns.\n", 1))
    ingest_paths([home / "minutes"], home / "corpus.sqlite")
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert [(link["role"], link["current_citation"], link["citation"]) for link in shown["links"]] == [
        ("raised", "G/C/M/991, para. 2", "G/C/M/991, para. 1"), ("reply", "G/C/M/991, para. 6", "G/C/M/991, para. 5")]
    assert shown["links"][0]["paragraph"]["text"].startswith("The representative of the European Union raised a concern")
    events = [(e["date"], e["event"], e["citation"]) for e in shown["timeline"]]
    assert events[:4] == [
        ("2025-12-01", "measure in force", None), ("2025-12-02", "first reported", None),
        ("2026-04-14", "raised in the Council for Trade in Goods by European Union", "G/C/M/991, para. 2"),
        ("2026-04-14", "reply in the Council for Trade in Goods by China", "G/C/M/991, para. 6")]


@pytest.fixture()
def indexed(home):
    build_index(home / "corpus.sqlite", home / "default", with_dense=False)
    return home


def test_suggest_proposes_paragraphs_concerns_and_why_and_attaches_concerns(indexed):
    case_id = new_case()
    run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised")
    result = json.loads(run("case", "suggest", case_id, "--json").output)
    paragraphs = {p["citation"]: p["why"] for p in result["paragraphs"]}
    assert "G/C/M/991, para. 1" not in paragraphs  # already linked
    sps = paragraphs["G/SPS/R/993, para. 1"]
    assert "Member affected speaking: Lithuania" in sps and "names China" in sps and "product: dairy products" in sps
    assert "G/C/M/991, para. 6" not in paragraphs  # India's licensing: not about China
    concerns = {c["citation"]: c for c in result["concerns"]}
    assert set(concerns) == {"G/TBT/M/992, para. 1", "G/SPS/R/993, para. 1"}  # Brazil's apples and India's laptops are not
    assert concerns["G/SPS/R/993, para. 1"]["why"][:2] == ["about China's measure", "raised by Lithuania (affected)"]
    assert concerns["G/SPS/R/993, para. 1"]["reply"] == "G/SPS/R/993, para. 3"
    assert any("dispute registry is not loaded" in notice for notice in result["notices"])
    output = run("case", "suggest", case_id, "--attach-concerns").output
    assert "2 concerns attached" in output
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert {(link["current_citation"], link["concern_id"] is not None) for link in shown["links"]} == {
        ("G/C/M/991, para. 1", False), ("G/TBT/M/992, para. 1", True), ("G/SPS/R/993, para. 1", True)}
    timeline = [e["event"] for e in shown["timeline"] if e["citation"]]
    assert timeline == ["raised in the Council for Trade in Goods by European Union",
                        "raised in the Committee on Technical Barriers to Trade by Lithuania",
                        "raised in the Committee on Sanitary and Phytosanitary Measures by Lithuania"]
    again = json.loads(run("case", "suggest", case_id, "--json").output)
    assert again["concerns"] == []


def test_case_commands_open_the_store_and_the_index_once(indexed, tmp_path, monkeypatch):
    """The case file takes the invocation's Corpus: `case suggest --attach-concerns` (search, concerns, links) and
    `case brief` open the store once each and the index once (they opened the store up to 5 times)."""
    from wto_assist import search, store

    from .test_corpus import _count_opened

    case_id = new_case()
    run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised")
    stores, searchers = _count_opened(monkeypatch, store.Store), _count_opened(monkeypatch, search.Searcher)
    assert "2 concerns attached" in run("case", "suggest", case_id, "--attach-concerns").output
    assert (len(stores), len(searchers)) == (1, 1)
    run("case", "brief", case_id, "--kind", "committee-statement", "--body", "Council for Trade in Goods",
        "--meeting-date", "2026-11-20", "-o", tmp_path / "brief.yaml")
    assert (len(stores), len(searchers)) == (2, 1)


def test_tpr_questions_go_to_the_imposing_member_by_tpr_section_and_draft_final(home, tmp_path, monkeypatch):
    monkeypatch.setenv("WTO_ASSIST_TEMPLATES", str(REPO / "templates"))
    case_id = new_case()
    run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised")
    run("case", "link", case_id, "G/C/M/991, para. 5", "--as", "reply")
    out = tmp_path / "tpr.yaml"
    run("case", "brief", case_id, "--kind", "tpr-questions", "--body", "Trade Policy Review Body", "--meeting-date", "2026-12-10", "-o", out)
    brief = yaml.safe_load(out.read_text())
    assert brief["kind"] == "tpr-statement" and brief["member_under_review"] == "China" and brief["delegation"]["member"] == "Lithuania"
    from wto_assist.cases.brief import TPR_SECTIONS

    sections = [q["section"] for q in brief["questions"]]
    assert sections == sorted(sections, key=TPR_SECTIONS.index) and len(set(sections)) == 3
    assert all("China" in q["question"] for q in brief["questions"])
    assert [q.get("citation") for q in brief["questions"] if q.get("citation")] == ["G/C/M/991, para. 5"]
    assert [s["citation"] for s in brief["support"]] == ["G/C/M/991, para. 1", "G/C/M/991, para. 5"]
    result = run("draft", out, "-o", tmp_path / "tpr.docx", "--final")
    assert result.output.count("VERIFIED") == 2 and (tmp_path / "tpr.docx").exists()
    joint = tmp_path / "joint.yaml"
    output = run("case", "brief", case_id, "--kind", "joint-statement", "--body", "Council for Trade in Goods",
                 "--meeting-date", "2026-12-10", "-o", joint).output
    assert "United States (G/C/M/991, para. 3)" in output  # backed the concern in the Council
    assert yaml.safe_load(joint.read_text())["delegation"]["co_sponsors"] == ["European Union"]
    assert "--kind" in run("case", "brief", case_id, "--kind", "letter", "--body", "x", "--meeting-date", "2026-12-10",
                           "-o", joint, ok=False).output


def _zip_text(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_export_leaves_out_what_is_above_the_level_and_import_keeps_versions_side_by_side(home, tmp_path, monkeypatch):
    case_id = new_case()
    run("case", "link", case_id, "G/C/M/991, para. 1", "--as", "raised")
    attach(case_id, tmp_path / "memo.txt", "INTERNAL MEMO: the names of the firms", "--note", "internal note on firms")
    attach(case_id, tmp_path / "photo.txt", "Photograph of consignments at the border", "--level", "like-minded", "--note", "photographs")
    bundle = tmp_path / "bundle.zip"
    run("case", "export", case_id, "--level", "like-minded", "-o", bundle)
    text = _zip_text(bundle)
    assert "names of the firms" not in text and "internal note on firms" not in text and "memo.txt" not in text
    assert "given in confidence" not in text  # the notes field is internal
    assert "Photograph of consignments" in text
    document = json.loads(zipfile.ZipFile(bundle).read("case-bundle.json"))
    assert document["shared_by"] == {"delegation": "Lithuania", "person": "a.delegate"} and document["schema_version"] == 1
    assert "notes" not in document["cases"][0]["fields"] and "notes" not in document["cases"][0]["fields"]["sharing"]
    public = tmp_path / "public.zip"
    run("case", "export", "--level", "public", "-o", public)
    public_fields = json.loads(zipfile.ZipFile(public).read("case-bundle.json"))["cases"][0]["fields"]
    assert set(public_fields) == {"id", "title", "imposing_member", "measure_type", "sharing"}
    assert "Photograph" not in _zip_text(public)

    # A second delegation's home, empty: the case arrives with who shared it.
    other = tmp_path / "other"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(other))
    output = run("case", "import", bundle).output
    assert "shared by Lithuania's delegation (a.delegate)" in output and "1 new version" in output
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert shown["case"]["imposing_member"] == "China" and shown["case"]["notes"] is None
    assert [v["provenance"][:39] for v in shown["versions"]] == ["shared by Lithuania's delegation (a.del"]
    assert [(e["name"], e["shared_by"]) for e in shown["evidence"]] == [("photo.txt", "Lithuania's delegation (a.delegate)")]
    assert [link["citation"] for link in shown["links"]] == ["G/C/M/991, para. 1"]
    assert "shared by Lithuania's delegation" in run("case", "show", case_id).output
    database = other / "corpus.sqlite"
    before = database.read_bytes() if False else _counts(database)
    assert "0 new versions, 1 already here, 0 evidence files, 0 links" in run("case", "import", bundle).output
    assert _counts(database) == before

    # Back home: the shared copy of one's own case sits beside the local versions, which stay current.
    monkeypatch.setenv("WTO_ASSIST_HOME", str(home))
    other_bundle = tmp_path / "from-eu.zip"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(other))
    run("case", "export", "--level", "like-minded", "--delegation", "European Union", "--by", "eu.officer", "-o", other_bundle)
    monkeypatch.setenv("WTO_ASSIST_HOME", str(home))
    run("case", "import", other_bundle)
    shown = json.loads(run("case", "show", case_id, "--json").output)
    assert [(v["origin"], v["shared_by"]) for v in shown["versions"]] == [
        ("local", None), ("shared", "the European Union's delegation (eu.officer)")]
    assert shown["case"]["notes"]  # the local version is still the one shown


def test_case_import_in_a_log_says_how_far_it_got(home, tmp_path, monkeypatch):
    case_id = new_case()
    attach(case_id, tmp_path / "photo.txt", "Photograph of consignments at the border", "--level", "like-minded")
    bundle = tmp_path / "bundle.zip"
    run("case", "export", case_id, "--level", "like-minded", "-o", bundle)
    monkeypatch.setenv("WTO_ASSIST_HOME", str(tmp_path / "other"))
    monkeypatch.setattr("wto_assist.progress.INTERVAL", 0.0)  # every step, so that the test needs no large bundle
    log = run("case", "import", bundle).stderr.splitlines()
    files = len(zipfile.ZipFile(bundle).namelist())  # the bundle's JSON, its manifest and the photograph
    assert [line for line in log if line.startswith("checked ")][-1].startswith(f"checked {files} of {files} files in ")
    assert [line for line in log if line.startswith("stored ")][-1].startswith("stored 1 of 1 cases in ")
    assert "\r" not in "\n".join(log)  # no bar redrawn in a log


def _counts(database: Path) -> dict:
    with Store(database) as store:
        return {table: store.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("cases", "case_versions", "case_evidence", "case_links")}


def _rewrite(bundle: Path, out: Path, change, fix_manifest: bool) -> None:
    import hashlib

    with zipfile.ZipFile(bundle) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["case-bundle.json"] = change(files["case-bundle.json"])
    if fix_manifest:
        files[MANIFEST] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
                                  if name != MANIFEST).encode()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_tampered_or_newer_bundles_are_refused_with_nothing_imported(home, tmp_path, monkeypatch):
    case_id = new_case()
    bundle = tmp_path / "bundle.zip"
    run("case", "export", case_id, "--level", "like-minded", "-o", bundle)
    tampered, newer, broken = tmp_path / "tampered.zip", tmp_path / "newer.zip", tmp_path / "broken.zip"
    _rewrite(bundle, tampered, lambda data: data.replace(b"China", b"Chile"), fix_manifest=False)
    _rewrite(bundle, newer, lambda data: data.replace(b'"schema_version": 1', b'"schema_version": 2'), fix_manifest=True)
    _rewrite(bundle, broken, lambda data: data.replace(b'"fields"', b'"feilds"'), fix_manifest=True)
    renamed, leveled = tmp_path / "renamed.zip", tmp_path / "leveled.zip"
    _rewrite(bundle, renamed, lambda data: data.replace(case_id.encode(), b"../../etc"), fix_manifest=True)
    _rewrite(bundle, leveled, lambda data: data.replace(b'"title": "public"', b'"title": "secret"'), fix_manifest=True)
    extra = tmp_path / "extra.zip"
    shutil.copy(bundle, extra)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("evidence/unlisted.txt", b"slipped in")
    other = tmp_path / "other"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(other))
    for path, message in ((tampered, "case-bundle.json fails its SHA-256 in the manifest"),
                          (newer, "bundle schema version 2 is newer than this wto-assist reads (1)"),
                          (broken, "cases[0].fields: is required"),
                          (renamed, "cases[0].id: '../../etc' is not a case id"),
                          (leveled, "cases[0].fields.sharing.title: 'secret' must be one of like-minded, public"),
                          (extra, "evidence/unlisted.txt is not in the manifest")):
        result = run("case", "import", path, ok=False)
        assert result.exit_code == 1 and message in result.output, result.output
    assert json.loads(run("case", "list", "--json").output) == []
    assert not (other / "cases").exists()


def test_inventory_csv_holds_cases_at_the_level_and_tagged_concerns(home, tmp_path):
    case_id = new_case()
    concern = json.loads(run("concerns", "--json").output)[0]["concern_id"]
    run("tag-concern", concern, "coercion")
    out = tmp_path / "inventory.csv"
    run("case", "list", "--csv", out, "--level", "public")
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    case_row = next(row for row in table if row["kind"] == "case")
    assert (case_row["id"], case_row["imposing_member"], case_row["products"]) == (case_id, "China", "")  # products are like-minded
    assert any(row["kind"] == "concern" and row["id"] == concern and row["tags"] == "coercion" for row in table)


def test_watch_reports_new_paragraphs_once(home):
    minutes = home / "minutes"
    moved = home / "later"
    moved.mkdir()
    shutil.move(minutes / "GSPSR993.txt", moved / "GSPSR993.txt")
    ingest_paths([minutes], home / "corpus.sqlite")
    added = run("watch", "add", "dairy", "--query", "dairy", "--member", "China").output
    # Paras. 1 and 2 of G/C/M/991 and para. 1 of G/TBT/M/992 (and the agenda heading, where it is kept as text).
    existing = int(re.search(r"(\d+) paragraphs? already in the corpus counts? as seen", added).group(1))
    assert existing in (3, 4)
    assert "no such" not in run("watch", "add", "apples", "--query", '"imports of apples"').output
    assert json.loads(run("watch", "run", "--json").output)[0]["new"] == []
    shutil.move(moved / "GSPSR993.txt", minutes / "GSPSR993.txt")
    ingested = run("ingest", minutes).output  # the ingest says which watches have news, and marks nothing
    assert "watch 'apples': 1 new paragraph" in ingested and "watch 'dairy': 1 new paragraph" in ingested
    results = {w["name"]: [p["citation"] for p in w["new"]] for w in json.loads(run("watch", "run", "--json").output)}
    assert results == {"apples": ["G/SPS/R/993, para. 4"], "dairy": ["G/SPS/R/993, para. 1"]}
    assert all(not w["new"] for w in json.loads(run("watch", "run", "--json").output))
    assert "already" in run("watch", "add", "dairy", "--query", "milk", ok=False).output
    assert "--member: 'Atlantis'" in run("watch", "add", "x", "--query", "milk", "--member", "Atlantis", ok=False).output
    listed = json.loads(run("watch", "list", "--json").output)
    assert [(w["name"], w["member"], w["seen"]) for w in listed] == [("apples", None, 1), ("dairy", "China", existing + 1)]
