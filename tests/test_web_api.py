"""The JSON twins of the pages (/api/): the same library calls, the schema of the CLI's `--json`, the same
Guard as the pages. (The twins of the Disputes, Precedent, Concerns, Coalitions, Verify and Cases pages are
tested beside those pages, on their fixtures.)"""

import json

from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.web.app import create_app
from wto_assist.web.security import Access, reader_may

from .test_json_schema import SCRIPT, problems


def _schema(command: str) -> dict:
    return json.loads((SCRIPT.TARGET / SCRIPT.file_name(command)).read_text(encoding="utf-8"))


def _app(sample_db, tmp_path, access=None):
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    return create_app(sample_db, index_dir, tmp_path / "data", with_dense=False, access=access), index_dir


def test_api_search_answers_what_the_cli_prints(sample_db, tmp_path):
    app, index_dir = _app(sample_db, tmp_path)
    client = TestClient(app, base_url="http://127.0.0.1")
    answer = client.get("/api/search", params={"q": "processed fruit", "k": 3, "type": "panel-report", "restricted": "no"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    schema = _schema("search")
    assert problems(body["hits"], schema, schema) == []
    cli = CliRunner().invoke(main, ["search", "processed fruit", "--k", "3", "--type", "panel-report", "--no-restricted", "--json",
                                    "--db", str(sample_db), "--index", str(index_dir)])
    assert body["hits"] == json.loads(cli.stdout) and body["total"] >= len(body["hits"]) > 0 and body["page"] == 1


def test_api_errors_are_json_naming_the_field(sample_db, tmp_path):
    client = TestClient(_app(sample_db, tmp_path)[0], base_url="http://127.0.0.1")
    for params, field in (({"q": "fruit", "member": "Atlantis"}, "member"), ({"q": "fruit", "k": "0"}, "k"), ({}, "q"),
                          ({"q": "fruit", "from": "2019-13"}, "from")):
        answer = client.get("/api/search", params=params)
        assert answer.status_code == 400 and answer.json()["field"] == field, params
        assert answer.json()["error"].startswith(f"{field}: ")
    missing = client.get("/api/documents/WT/COMTD/M/12345")
    assert missing.status_code == 404 and missing.json()["field"] == "symbol"


def test_api_documents_gives_the_document_and_its_paragraphs(sample_db, tmp_path):
    client = TestClient(_app(sample_db, tmp_path)[0], base_url="http://127.0.0.1")
    body = client.get("/api/documents/WT/COMTD/M/990").json()
    schema = _schema("list")
    assert problems([body["document"]], schema, schema) == [] and body["document"]["symbol"] == "WT/COMTD/M/990"
    paragraphs = _schema("show")
    assert problems(body["paragraphs"], paragraphs, paragraphs) == []
    assert [p["citation"] for p in body["paragraphs"][:2]] == ["WT/COMTD/M/990, para. 1", "WT/COMTD/M/990, para. 2"]


def test_api_documents_para_is_show_para(sample_db, tmp_path):
    client = TestClient(_app(sample_db, tmp_path)[0], base_url="http://127.0.0.1")
    whole = client.get("/api/documents/WT/COMTD/M/990").json()["paragraphs"]
    label = next(p["paragraph"] for p in whole if "duty-free" in p["text"])
    body = client.get("/api/documents/WT/COMTD/M/990", params={"para": label}).json()
    cli = CliRunner().invoke(main, ["show", "WT/COMTD/M/990", "--para", label, "--json", "--db", str(sample_db)])
    assert body["paragraphs"] == json.loads(cli.stdout) and body["paragraphs"][0]["paragraph"] == label
    missing = client.get("/api/documents/WT/COMTD/M/990", params={"para": "999"})
    assert missing.status_code == 404 and missing.json() == {"error": "para: WT/COMTD/M/990 has no paragraph 999", "field": "para"}
    odd = client.get("/api/documents/not a symbol")
    assert odd.status_code == 400 and "not a symbol" in odd.json()["error"]


def test_api_coverage_is_what_the_cli_prints(sample_db, tmp_path):
    client = TestClient(_app(sample_db, tmp_path)[0], base_url="http://127.0.0.1")
    body = client.get("/api/coverage").json()
    cli = CliRunner().invoke(main, ["coverage", "--json", "--db", str(sample_db)])
    assert body == json.loads(cli.stdout) and body["documents"] > 0
    assert any(series["series"] == "WT/COMTD/M" for series in body["series"])
    schema = _schema("coverage")
    assert problems(body, schema, schema) == []


def test_every_api_route_is_behind_the_guard(sample_db, tmp_path):
    from starlette.routing import Route

    access = Access.for_binding("192.0.2.10")
    app = _app(sample_db, tmp_path, access)[0]
    client = TestClient(app, base_url="http://127.0.0.1")
    remote = {"host": "192.0.2.10:8765"}
    routes = [(method, route.path.replace("{symbol:path}", "WT/COMTD/M/990").replace("{number:int}", "990").replace("{case_id}", "x"))
              for route in app.app.routes if isinstance(route, Route) and route.path.startswith("/api/")
              for method in sorted(route.methods - {"HEAD"})]
    assert len(routes) >= 11
    same_site = {**remote, "origin": "http://192.0.2.10:8765"}
    for method, path in routes:
        client.cookies.clear()  # the token a request before left in the cookie
        assert client.request(method, path, headers=same_site).status_code == 401, path  # no token
        reader = client.request(method, f"{path}?token={access.reader_token}", headers=same_site)
        if reader_may(method, path):  # a reader may read, and check a draft as on the Verify page: the twin answers
            assert reader.headers["content-type"].startswith("application/json") and "read-only" not in reader.text, path
        else:  # tagging a concern is an editor's, as on the Concerns page
            assert reader.status_code == 403 and "read-only" in reader.text, path
        if method == "POST":  # but not from another site
            assert client.request(method, path, headers={**remote, "origin": "http://evil.example"}).status_code == 403


def test_the_api_is_behind_the_same_guard(sample_db, tmp_path):
    access = Access.for_binding("192.0.2.10")
    client = TestClient(_app(sample_db, tmp_path, access)[0], base_url="http://127.0.0.1")
    remote = {"host": "192.0.2.10:8765"}
    assert client.get("/api/search?q=fruit", headers=remote).status_code == 401
    assert client.get(f"/api/search?q=fruit&token={access.reader_token}", headers=remote).status_code == 200
    assert client.get("/api/search?q=fruit", headers={"host": "evil.example"}).status_code == 400
