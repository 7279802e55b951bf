"""The Cases pages over the illustrative minutes of tests/data/cases: list, case page with timeline,
evidence and links, a verified draft of the next statement, export and import (editors only remotely)."""

import io
import json
import shutil
import zipfile

from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.web.app import create_app
from wto_assist.web.security import Access

from .conftest import REPO

ORIGIN = {"origin": "http://127.0.0.1"}


def _home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(REPO / "tests" / "data" / "cases", home / "minutes")
    monkeypatch.setenv("WTO_ASSIST_HOME", str(home))
    monkeypatch.setenv("WTO_ASSIST_TEMPLATES", str(REPO / "templates"))
    for name in ("WTO_ASSIST_DB", "WTO_ASSIST_INDEX"):
        monkeypatch.delenv(name, raising=False)
    ingest_paths([home / "minutes"], home / "corpus.sqlite")
    build_index(home / "corpus.sqlite", home / "default", with_dense=False)
    runner = CliRunner()
    case_id = runner.invoke(main, ["case", "new", "--from", str(REPO / "examples" / "case-dairy-timber.yaml")]).output.split()[1]
    for citation, role in (("G/C/M/991, para. 1", "raised"), ("G/C/M/991, para. 5", "reply")):
        assert runner.invoke(main, ["case", "link", case_id, citation, "--as", role]).exit_code == 0
    memo = tmp_path / "memo.txt"
    memo.write_text("<script>internal</script> memo")
    assert runner.invoke(main, ["case", "evidence", case_id, str(memo), "--note", "<b>firms</b>"]).exit_code == 0
    return home, case_id


def _client(home, access=None):
    app = create_app(home / "corpus.sqlite", home / "default", home / "web", with_dense=False, access=access)
    client = TestClient(app, base_url="http://127.0.0.1", headers=ORIGIN)
    return client, app.access.form_token


def test_cases_pages_show_the_case_and_draft_the_next_statement(tmp_path, monkeypatch):
    home, case_id = _home(tmp_path, monkeypatch)
    client, token = _client(home)
    listing = client.get("/cases")
    assert listing.status_code == 200 and f'href="/cases/{case_id}"' in listing.text
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "raised in the Council for Trade in Goods by European Union" in page.text and "G/C/M/991, para. 5" in page.text
    assert "&lt;b&gt;firms&lt;/b&gt;" in page.text and "<b>firms</b>" not in page.text  # evidence notes are escaped
    assert client.get("/cases/no-such-case").status_code == 404
    # The JSON twins answer what `case list`, `case show` and `watch list` print.
    runner = CliRunner()
    for path, arguments in (("/api/cases", ["case", "list"]), (f"/api/cases/{case_id}", ["case", "show", case_id]),
                            ("/api/watches", ["watch", "list"])):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.json() == json.loads(runner.invoke(main, [*arguments, "--json"]).stdout), path
    shown = client.get(f"/api/cases/{case_id}").json()
    assert {link["current_citation"] for link in shown["links"]} == {"G/C/M/991, para. 1", "G/C/M/991, para. 5"}
    assert shown["evidence"][0]["note"] == "<b>firms</b>"
    absent = client.get("/api/cases/no-such-case")
    assert absent.status_code == 404 and absent.json()["field"] == "case_id" and "no-such-case" in absent.json()["error"]
    drafted = client.post("/cases/draft", data={"csrf_token": token, "case_id": case_id, "kind": "committee-statement",
                                                "body": "Council for Trade in Goods", "date": "2026-12-10"})
    assert drafted.status_code == 200 and drafted.content[:2] == b"PK"
    bad = client.post("/cases/draft", data={"csrf_token": token, "case_id": case_id, "kind": "committee-statement",
                                             "body": "Council for Trade in Goods", "date": "10/12/2026"})
    assert bad.status_code == 400 and "Meeting date: &#39;10/12/2026&#39; is not a date" in bad.text
    assert client.post("/cases/draft", data={"case_id": case_id}).status_code == 403  # no form token
    nameless = client.post("/cases/draft", data={"csrf_token": token, "case_id": "", "kind": "committee-statement"})
    assert nameless.status_code == 400 and "No case was named" in nameless.text  # was a 500 (KeyError)


def test_watches_show_new_paragraphs_once(tmp_path, monkeypatch):
    home, _ = _home(tmp_path, monkeypatch)
    runner = CliRunner()
    assert runner.invoke(main, ["watch", "add", "apples", "--query", "apples", "--report-existing"]).exit_code == 0
    client, token = _client(home)
    assert "apples" in client.get("/cases").text
    first = client.post("/cases/watches", data={"csrf_token": token})
    assert first.status_code == 200 and "apples: 1 new" in first.text and "G/SPS/R/993, para. 4" in first.text
    again = client.post("/cases/watches", data={"csrf_token": token})
    assert "apples: 0 new" in again.text and "G/SPS/R/993, para. 4" not in again.text
    # POST /api/watches runs them as the page's button does, and answers what `watch run --json` prints.
    assert runner.invoke(main, ["watch", "add", "apples-too", "--query", "apples", "--report-existing"]).exit_code == 0
    ran = client.post("/api/watches", data={"csrf_token": token})
    assert ran.status_code == 200
    assert {watch["name"]: [p["citation"] for p in watch["new"]] for watch in ran.json()} == {"apples": [], "apples-too": ["G/SPS/R/993, para. 4"]}
    assert json.loads(runner.invoke(main, ["watch", "run", "--json"]).stdout)[1]["new"] == []  # reported once, whichever front end ran it
    forged = client.post("/api/watches", data={"csrf_token": "forged"})
    assert forged.status_code == 403 and forged.json()["field"] == "csrf_token"


def test_export_and_import_are_for_editors_and_the_bundle_holds_no_internal_file(tmp_path, monkeypatch):
    home, case_id = _home(tmp_path, monkeypatch)
    access = Access.for_binding("192.0.2.10")
    client, token = _client(home, access)
    remote = {"host": "192.0.2.10:8765", "origin": "http://192.0.2.10:8765"}
    assert client.get(f"/cases?token={access.reader_token}", headers=remote).status_code == 200
    form = {"csrf_token": token, "case_id": case_id, "level": "like-minded", "person": "a.delegate"}
    refused = client.post("/cases/export", data=form, headers=remote)
    assert refused.status_code == 403 and "read-only" in refused.text
    client.cookies.clear()
    assert client.get(f"/cases?token={access.editor_token}", headers=remote).status_code == 200
    exported = client.post("/cases/export", data=form, headers=remote)
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist())
    assert b"memo" not in text and b"given in confidence" not in text and case_id.encode() in text
    # Into a second home through the import form.
    other = tmp_path / "other"
    monkeypatch.setenv("WTO_ASSIST_HOME", str(other))
    second, second_token = _client(other)
    imported = second.post("/cases/import", data={"csrf_token": second_token},
                           files={"file": ("bundle.zip", exported.content, "application/zip")})
    assert imported.status_code == 200 and "Shared by Lithuania&#39;s delegation (a.delegate)" in imported.text
    assert "shared by Lithuania&#39;s delegation" in second.get(f"/cases/{case_id}").text
    broken = second.post("/cases/import", data={"csrf_token": second_token}, files={"file": ("bundle.zip", b"not a zip", "application/zip")})
    assert broken.status_code == 400 and "not a zip file" in broken.text
