"""House habits shared by the front ends: one Member check with one wording, library errors the web app
and the CLI both show (no CLI flags in them), and a read-only or full disk answered as such."""

import pytest

from wto_assist import members
from wto_assist.cases.watch import add_watch
from wto_assist.dispute_listing import list_disputes
from wto_assist.draft.brief import BriefError, parse_brief
from wto_assist.errors import WtoAssistError
from wto_assist.filters import member_name


def _message(call) -> str:
    with pytest.raises(WtoAssistError) as raised:
        call()
    return str(raised.value)


def test_one_member_check_one_wording_naming_the_field(tmp_path):
    wording = "'Bangaldesh' is not a WTO Member, observer or group known to wto-assist; did you mean Bangladesh?"
    assert _message(lambda: member_name("Bangaldesh")) == f"member: {wording}"
    assert _message(lambda: member_name("Bangaldesh", "target")) == f"target: {wording}"
    assert _message(lambda: add_watch(tmp_path / "corpus.sqlite", "rice", "rice", member="Bangaldesh")) == f"member: {wording}"
    only_members = "'Bangaldesh' is not a WTO Member known to wto-assist; did you mean Bangladesh?"
    refused = _message(lambda: list_disputes(tmp_path / "corpus.sqlite", member="Bangaldesh"))
    assert refused == f"member: {only_members}"
    brief = {"kind": "joint-statement", "release": "public", "delegation": {"member": "Fiji", "co_sponsors": ["Bangaldesh"]},
             "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"}, "points": ["A point."]}
    with pytest.raises(BriefError, match=r"delegation\.co_sponsors\[0\]: " + only_members.replace("?", r"\?")):
        parse_brief(brief, "brief.yaml")
    group = members.known("LDC Group") or next(a for a in members.variants_by_actor() if a.kind == "group")
    assert members.known(group.name, groups=False) is None and members.known(group.name) == group
    assert not (tmp_path / "corpus.sqlite").exists()  # refused before any database was opened or made


def test_the_web_app_says_read_only_and_full_disk_instead_of_a_server_error(sample_db, tmp_path, monkeypatch):
    import errno
    import sqlite3

    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app
    from wto_assist.web.views import disputes as disputes_page

    build_index(sample_db, tmp_path / "index", with_dense=False)
    app = create_app(sample_db, tmp_path / "index", tmp_path / "data", with_dense=False)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    for raised, status, said in ((sqlite3.OperationalError("attempt to write a readonly database"), 503, "the corpus database is read-only"),
                                 (sqlite3.OperationalError("database or disk is full"), 507, "the disk is full"),
                                 (OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.part")), 507, "the disk is full"),
                                 (OSError(errno.EIO, "Input/output error"), 500, None)):
        def fail(*args, raised=raised, **kwargs):
            raise raised

        monkeypatch.setattr(disputes_page, "dispute_file", fail)
        page, twin = client.get("/disputes/DS990"), client.get("/api/disputes/DS990")
        assert page.status_code == twin.status_code == status, raised
        if said:  # the same words as the CLI (errors.from_storage), on the page and in the JSON twin
            assert said in page.text and twin.json()["error"].startswith(said) and "Traceback" not in page.text


def test_make_clean_keeps_the_folder_the_readme_invites_users_to_work_in(tmp_path):
    import shutil
    import subprocess

    from .conftest import REPO

    if shutil.which("make") is None:
        pytest.skip("no make here")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    for folder in ("out/example-real/cases", "out/scratch", "indexes/demo"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "out/example-real/corpus.sqlite").write_text("a user's corpus")
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True, timeout=30)
    assert (tmp_path / "out/example-real/corpus.sqlite").read_text() == "a user's corpus"
    assert not (tmp_path / "out/scratch").exists() and not (tmp_path / "indexes/demo").exists()
    assert "out/example-real" in (REPO / "README.md").read_text()  # still the folder the README names


def test_example_briefs_point_only_at_what_a_user_has():
    from .conftest import REPO

    shipped = sorted((REPO / "examples").glob("*.yaml"))  # what ships as wto_assist.examples (pyproject.toml)
    assert any(path.name == "case-dairy-timber.yaml" for path in shipped)
    for path in shipped:
        assert "tests/" not in path.read_text(encoding="utf-8"), path.name  # the test fixtures do not ship


def test_checks_the_cli_made_itself_are_library_errors_naming_their_field(sample_db, tmp_path):
    from click.testing import CliRunner

    from wto_assist.cli import main
    from wto_assist.draft.verify import verify_docx
    from wto_assist.errors import NotFoundError
    from wto_assist.registry import RegistryError, load_legal_text, provision_text
    from wto_assist.restriction_decisions import record_decision
    from wto_assist.store import Store

    with pytest.raises(RegistryError) as raised:
        load_legal_text(tmp_path / "gatt.yaml", "GAT1994", sample_db)
    assert raised.value.field == "agreement" and str(raised.value).startswith("agreement: unknown agreement key 'GAT1994'")
    with Store(sample_db) as store:
        with pytest.raises(NotFoundError) as missing:
            provision_text(store, "GATT1994:XXIV")
        assert missing.value.field == "provision" and "load the text of GATT1994 first" in str(missing.value)
        with pytest.raises(WtoAssistError) as unexplained:
            record_decision(store, "WT/COMTD/M/990", "public", "  ")
        assert unexplained.value.field == "reason"
        with pytest.raises(NotFoundError) as absent:
            record_decision(store, "WT/COMTD/M/9999", "clear", None)
        assert absent.value.field == "symbol"
        assert record_decision(store, "wt/comtd/m/990", "public", "derestricted by WT/L/1") == "WT/COMTD/M/990"
        assert "derestricted by WT/L/1" in store.document("WT/COMTD/M/990")["restriction"]  # the decision, with its reason
    with pytest.raises(WtoAssistError, match="no such file"):
        verify_docx(tmp_path / "absent.docx", sample_db)
    # The CLI shows the same errors, the field as the option a user types; no traceback, exit 1.
    runner = CliRunner()
    for arguments, said in ((["load-legal-text", str(tmp_path / "gatt.yaml"), "--agreement", "GAT1994"], "Error: --agreement: unknown agreement key"),
                            (["restriction", "WT/COMTD/M/990", "--restricted"], "Error: --reason: say why the document is restricted"),
                            (["provision", "GATT1994:XXIV"], "Error: no treaty text loaded for GATT1994:XXIV"),
                            (["verify", str(tmp_path / "absent.docx")], "absent.docx: no such file")):
        result = runner.invoke(main, [*arguments, "--db", str(sample_db)])
        assert result.exit_code == 1 and said in result.output and "Traceback" not in result.output, result.output


def test_library_errors_the_web_shows_name_no_cli_command_syntax():
    """What to do, in words both front ends can show ("build the index first"), not "run `wto-assist index`"
    or "--from/--to": the CLI-only modules (cli.py, the case commands, fetch) may name commands."""
    import re

    from .conftest import REPO

    cli_only = {"cli.py", "commands.py", "fetch.py", "results.py"}
    said = re.compile(r"(?:raise \w+\(|notices?\.append\(|Error\()\s*f?\"[^\n]*(?:`wto-assist |\s--[a-z]{2,})")
    found = [f"{path.relative_to(REPO)}: {match.group(0)[:80]}" for path in sorted((REPO / "src" / "wto_assist").rglob("*.py"))
             if path.name not in cli_only for match in said.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_ingest_and_index_open_the_store_once_per_run(tmp_path, monkeypatch):
    """`ingest` (reading, enriching, the watches' news) and `index` (an incremental update that falls back to
    a full build) each go through the invocation's one store; a first ingest makes the database first."""
    from click.testing import CliRunner

    from wto_assist import store
    from wto_assist.cli import main

    from .conftest import CORPUS
    from .test_corpus import _count_opened

    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    opened = _count_opened(monkeypatch, store.Store)
    runner = CliRunner()
    ingested = runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    assert ingested.exit_code == 0, ingested.output
    assert len(opened) == 2  # the new database made, then the run's one store
    indexed = runner.invoke(main, ["index", "--no-dense", "--db", str(db), "--index", str(index_dir)])
    assert indexed.exit_code == 0, indexed.output
    assert len(opened) == 3
    again = runner.invoke(main, ["ingest", str(CORPUS), "--db", str(db)])
    assert again.exit_code == 0 and "0 ingested" in again.output and len(opened) == 4
    updated = runner.invoke(main, ["index", "--no-dense", "--db", str(db), "--index", str(index_dir)])
    assert updated.exit_code == 0 and len(opened) == 5, updated.output
