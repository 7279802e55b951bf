"""The concerns inventory on illustrative Goods Council and TBT minutes (tests/data/concerns), and on
the real CTD minutes, which record almost no concerns about a named Member's measure."""

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.concerns import inventory, tag
from wto_assist.ingest import ingest_paths
from wto_assist.search import SearchError

from .conftest import REPO

FIXTURES = REPO / "tests" / "data" / "concerns"


@pytest.fixture()
def goods_db(tmp_path):
    folder = tmp_path / "minutes"
    shutil.copytree(FIXTURES, folder)
    db = tmp_path / "corpus.sqlite"
    report = ingest_paths([folder], db)
    assert not report.failed
    return db, folder


def test_inventory_rows_with_measure_products_reply_and_return(goods_db):
    db, _ = goods_db
    rows = {row["citation"]: row for row in inventory(db)}
    barley = rows["G/C/M/990, para. 1"]
    assert (barley["raised_by"], barley["target"], barley["products"], barley["hs_codes"]) == ("Australia", "China", "barley", "1003")
    assert barley["measure"].startswith("China's anti-dumping duties on imports of barley")
    assert barley["body"] == "Council for Trade in Goods" and barley["date"] == "2026-03-10"
    assert barley["reply"] == "G/C/M/990, para. 5" and "consistent with the Anti-Dumping Agreement" in barley["reply_text"]
    assert barley["came_back"] == ["G/TBT/M/991, para. 1"]
    beef = rows["G/C/M/990, para. 2"]
    assert (beef["target"], beef["products"]) == ("China", "beef")
    laptops = rows["G/C/M/990, para. 6"]
    assert (laptops["raised_by"], laptops["target"], laptops["notifications"]) == ("European Union", "India", "G/LIC/N/2/IND/99")
    assert rows["G/TBT/M/991, para. 3"]["reply"] is None  # Indonesia did not answer
    # Backing a concern is a relation, not a new concern: Canada, New Zealand and Japan raise none.
    assert {row["raised_by"] for row in rows.values()} == {"Australia", "European Union", "Switzerland"}
    assert [row["citation"] for row in inventory(db, member="Australia", target="China")] == [
        "G/C/M/990, para. 1", "G/C/M/990, para. 2", "G/TBT/M/991, para. 1"]
    with pytest.raises(SearchError, match="^target: 'Examplelandia' is not a WTO Member"):
        inventory(db, target="Examplelandia")


def test_tags_survive_reingestion_and_exports(goods_db, tmp_path):
    db, folder = goods_db
    barley = next(row for row in inventory(db) if row["citation"] == "G/C/M/990, para. 1")
    tag(db, barley["concern_id"], "coercion")
    with pytest.raises(SearchError, match="no concern has the id"):
        tag(db, "000000000000", "coercion")
    with pytest.raises(SearchError, match="must be 1-60 letters"):
        tag(db, barley["concern_id"], "<script>")
    minutes = folder / "GCM990.txt"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace("created uncertainty", "created great uncertainty"), encoding="utf-8")
    assert ingest_paths([folder], db).ingested  # the changed file replaces its paragraphs
    again = next(row for row in inventory(db) if row["citation"] == "G/C/M/990, para. 1")
    assert again["concern_id"] == barley["concern_id"] and again["tags"] == ["coercion"]
    assert [row["citation"] for row in inventory(db, tag="coercion")] == ["G/C/M/990, para. 1"]
    runner = CliRunner()
    exported = tmp_path / "concerns.csv"
    result = runner.invoke(main, ["concerns", "--target", "China", "--json", "--csv", str(exported), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert {row["target"] for row in json.loads(result.stdout)} == {"China"}
    table = list(csv.DictReader(open(exported, encoding="utf-8")))
    assert len(table) == 3 and table[0]["tags"] == "coercion" and table[0]["came_back"] == "G/TBT/M/991, para. 1"
    removed = runner.invoke(main, ["tag-concern", barley["concern_id"], "coercion", "--remove", "--db", str(db)])
    assert removed.exit_code == 0 and inventory(db, tag="coercion") == []


def test_the_real_ctd_minutes_yield_one_concern_about_a_named_members_measure(ctd_db):
    rows = inventory(ctd_db)
    assert [(row["citation"].split(", para.")[0], row["raised_by"], row["target"]) for row in rows] == [
        ("WT/COMTD/M/68", "Pakistan", "European Union")]
    from wto_assist.store import Store

    with Store(ctd_db, create=False) as store:  # the citation is the paragraph that says it, whatever its number
        (cited,) = store.paragraphs("WT/COMTD/M/68", rows[0]["citation"].split("para. ")[1])
    assert "Pakistan" in cited["text"] and "special incentive arrangement" in cited["text"]
    assert "special incentive arrangement" in rows[0]["measure"]


def test_web_concerns_and_coalitions_pages(goods_db, tmp_path):
    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app

    db, _ = goods_db
    build_index(db, tmp_path / "index", with_dense=False)
    app = create_app(db, tmp_path / "index", tmp_path / "data", with_dense=False)
    client = TestClient(app, base_url="http://127.0.0.1", headers={"origin": "http://127.0.0.1"})
    page = client.get("/concerns?target=China")
    assert page.status_code == 200 and page.text.count('href="/document/G/C/M/990?para=') >= 2 and "G/TBT/M/991, para. 1" in page.text
    barley = next(row for row in inventory(db) if row["citation"] == "G/C/M/990, para. 1")
    form = {"csrf_token": app.access.form_token, "concern_id": barley["concern_id"], "tag": "coercion"}
    assert "Added tag &#39;coercion&#39;" in client.post("/concerns", data=form).text
    assert inventory(db, tag="coercion")[0]["citation"] == "G/C/M/990, para. 1"
    assert client.post("/concerns", data={**form, "csrf_token": "forged"}).status_code == 403
    assert "is not a WTO Member" in client.get("/concerns?target=Examplelandia").text
    coalition = client.get("/coalitions?q=barley+duties")
    assert coalition.status_code == 200 and "Australia" in coalition.text
    backing = client.get("/coalitions?member=Australia").text
    assert "Canada" in backing and "New Zealand" in backing and "backed it" in backing


def test_concerns_and_coalitions_twins_answer_what_the_cli_prints(goods_db, tmp_path):
    """/api/concerns and /api/coalitions: the same call and JSON as `concerns --json` and `coalition --json`."""
    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app

    db, _ = goods_db
    build_index(db, tmp_path / "index", with_dense=False)
    client = TestClient(create_app(db, tmp_path / "index", tmp_path / "data", with_dense=False), base_url="http://127.0.0.1")
    runner = CliRunner()
    concerns = client.get("/api/concerns", params={"target": "China"})
    cli = runner.invoke(main, ["concerns", "--target", "China", "--json", "--db", str(db)])
    assert concerns.status_code == 200 and concerns.json() == json.loads(cli.stdout)
    assert {row["target"] for row in concerns.json()} == {"China"} and any(row["reply"] for row in concerns.json())
    unknown = client.get("/api/concerns", params={"target": "Examplelandia"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "target"
    topic = client.get("/api/coalitions", params={"q": "barley duties"})
    cli = runner.invoke(main, ["coalition", "barley duties", "--json", "--db", str(db), "--index", str(tmp_path / "index")])
    assert topic.status_code == 200 and topic.json() == json.loads(cli.stdout)
    assert "Australia" in {line["member"] for line in topic.json()["lines"]}
    part = client.get("/api/coalitions", params={"q": "barley duties", "member": "Australia"}).json()
    assert part["answers"] and {line["member"] for line in part["lines"]} == {"Australia"}
    backing = client.get("/api/coalitions", params={"member": "Australia"}).json()
    assert {"Canada", "New Zealand"} <= {line["member"] for line in backing["lines"] if line["role"] == "backed it"}
    for params, field in (({}, "q"), ({"member": "Examplelandia"}, "member")):
        answer = client.get("/api/coalitions", params=params)
        assert answer.status_code == 400 and answer.json()["field"] == field, params
    # Tagging, as the page's tag buttons do: the concern as it is now, or an error naming the field.
    post = lambda form: client.post("/api/concerns", data={"csrf_token": client.app.access.form_token, **form},
                                    headers={"origin": "http://127.0.0.1"})
    first = concerns.json()[0]
    tagged = post({"concern_id": first["concern_id"], "tag": "coercion"})
    assert tagged.status_code == 200 and tagged.json() == {**first, "tags": ["coercion"]}
    assert inventory(db, tag="coercion")[0]["concern_id"] == first["concern_id"]
    assert post({"concern_id": first["concern_id"], "tag": "coercion", "remove": "1"}).json()["tags"] == []
    for form, status, field in (({"concern_id": "000000000000", "tag": "coercion"}, 404, "concern_id"),
                                ({"concern_id": first["concern_id"], "tag": "<b>"}, 400, "tag"),
                                ({"concern_id": first["concern_id"], "tag": "coercion", "csrf_token": "forged"}, 403, "csrf_token")):
        answer = post(form)
        assert answer.status_code == status and answer.json()["field"] == field, form


def test_came_back_lists_later_meetings_in_the_order_people_read_symbols(tmp_path):
    """M/992 before M/1000 (as text "1000" < "992"): the later meetings read in their natural order."""
    folder = tmp_path / "minutes"
    shutil.copytree(FIXTURES, folder)
    later = (FIXTURES / "GTBTM991.txt").read_text(encoding="utf-8")
    for number, held in ((992, "HELD ON 12-13 SEPTEMBER 2026"), (1000, "HELD ON 12-13 NOVEMBER 2026")):
        (folder / f"GTBTM{number}.txt").write_text(
            later.replace("G/TBT/M/991", f"G/TBT/M/{number}").replace("HELD ON 12-13 JUNE 2026", held), encoding="utf-8")
    db = tmp_path / "corpus.sqlite"
    assert not ingest_paths([folder], db).failed
    barley = next(row for row in inventory(db) if row["citation"] == "G/C/M/990, para. 1")
    assert barley["came_back"] == ["G/TBT/M/991, para. 1", "G/TBT/M/992, para. 1", "G/TBT/M/1000, para. 1"]
