"""The Precedent, Disputes, dispute and Corpus pages on real registry rows (DS512 and DS567 of
disputes-ds1-624.jsonl): the same disputes as the CLI, spelling suggestions for Members, summaries as
dated paragraphs, third parties whose names hold commas kept whole, and what the corpus covers."""

import json
import re

import pytest
from starlette.testclient import TestClient

from wto_assist.index.build import build_index
from wto_assist.registry import load_registry
from wto_assist.web.app import create_app


@pytest.fixture(scope="module")
def client(shared, tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-precedent")
    rows = [line for line in (shared / "data" / "disputes-ds1-624.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["ds"] in ("DS512", "DS567")]
    (folder / "two.jsonl").write_text("\n".join(rows), encoding="utf-8")
    load_registry(folder / "two.jsonl", folder / "corpus.sqlite")
    build_index(folder / "corpus.sqlite", folder / "index", with_dense=False)
    app = create_app(folder / "corpus.sqlite", folder / "index", folder / "data", with_dense=False)
    return TestClient(app, base_url="http://127.0.0.1", headers={"origin": "http://127.0.0.1"})


@pytest.mark.parametrize("typed, meant", [("Bangaldesh", "Bangladesh"), ("Guatamala", "Guatemala")])
def test_disputes_page_suggests_the_member_meant(client, typed, meant):
    page = client.get("/disputes", params={"member": typed})
    assert page.status_code == 200 and "is not a WTO Member known to wto-assist" in page.text
    suggestion = re.search(r'<p class="message" id="suggestions">(.*?)</p>', page.text, re.S).group(1)
    assert f">{meant}</a>" in suggestion and f"member={meant}" in suggestion


def test_disputes_and_precedent_pages_list_the_same_disputes(client):
    listed = client.get("/disputes", params={"provision": "Art. XXI GATT"}).text
    found = client.get("/precedent", params={"provision": "GATT 1994 Art. XXI:b"}).text
    in_table = lambda html, table: re.findall(r'<a href="/disputes/(DS\d+)">', html.split(f'id="{table}"')[1].split("</table>")[0])
    assert in_table(listed, "disputes") == ["DS512"] == in_table(found, "precedent-disputes")
    assert "provisions cited in requests for consultations" in listed and "provisions cited in requests for consultations" in found
    missing = found.split('id="missing-reports"')[1].split("</ul>")[0]
    assert 'href="/disputes/DS512"' in missing and 'href="/corpus">Corpus page' in missing  # what to do, in the app
    assert "wto-assist fetch" not in found and "GATT1994:" not in found.split("</form>")[1]  # no CLI text, no registry keys
    related = client.get("/precedent", params={"provision": "GATT XXI", "related": "1"}).text
    assert in_table(related, "precedent-disputes") == ["DS512", "DS567"]


def test_dispute_page_shows_summary_paragraphs_and_whole_third_party_names(client):
    page = client.get("/disputes/DS512").text
    paragraphs = re.findall(r'<p id="summary-\d+"><span class="meta">\[\d+\] (\d{4}-\d{2}-\d{2})</span>', page)
    assert len(paragraphs) >= 10 and paragraphs == sorted(paragraphs)  # one per event, in order, each dated
    third = re.findall(r"<li>(.*?)</li>", page.split('id="third-parties"')[1].split("</ul>")[0])
    assert "Bolivia, Plurinational State of" in third and "Bolivia" not in third


def test_corpus_page_says_what_the_corpus_covers(client):
    page = client.get("/corpus").text
    table = page.split('id="coverage"')[1].split("</table>")[0]
    assert "dispute summaries (registry)" in table and "<td>2</td>" in table
    assert "Dispute registry: 2 disputes (to DS567)" in page


def test_disputes_and_precedent_twins_answer_json(client):
    from .test_web_api import _schema
    from .test_json_schema import problems

    listed = client.get("/api/disputes", params={"provision": "Art. XXI GATT"})
    schema = _schema("disputes --provision")
    assert listed.status_code == 200 and problems(listed.json(), schema, schema) == []
    assert [d["ds"] for d in listed.json()] == ["DS512"] and listed.json()[0]["involvement"][0]["how"]
    by_member = client.get("/api/disputes", params={"member": "Ukraine", "role": "complainant"}).json()
    assert [d["ds"] for d in by_member] == ["DS512"] and by_member[0]["roles"] == ["complainant"]
    wrong = client.get("/api/disputes", params={"member": "Bangaldesh"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "member" and "Bangladesh" in wrong.json()["error"]
    assert client.get("/api/disputes", params={"role": "respondent"}).json()["field"] == "role"

    one = client.get("/api/disputes/DS512").json()
    assert one["dispute"]["ds"] == "DS512" and "Bolivia, Plurinational State of" in one["dispute"]["third_parties"]
    assert len(one["summary"]) >= 10 and all(p["date"] for p in one["summary"])
    absent = client.get("/api/disputes/DS1")
    assert absent.status_code == 404 and absent.json()["field"] == "number"

    related = client.get("/api/precedent", params={"provision": "GATT XXI", "related": "1"})
    schema = _schema("precedent")
    assert related.status_code == 200 and problems(related.json(), schema, schema) == []
    assert [d["ds"] for d in related.json()["disputes"]] == ["DS512", "DS567"]
    for params, field in (({"provision": "Art. XCIX of Widgets"}, "provision"), ({}, "provision"),
                          ({"provision": "GATT XXI", "k": "0"}, "k")):
        answer = client.get("/api/precedent", params=params)
        assert answer.status_code == 400 and answer.json()["field"] == field, params
