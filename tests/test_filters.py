"""One parser for the search filters (filters.py): the CLI, the web app and `serve` read the same
parameters, accept the same values and refuse bad ones with the same message, each naming the field its
own way (CLI: "--member", web: "Member", serve: {"field": "member"})."""

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.corpus import Corpus
from wto_assist.filters import Filters, SearchError
from wto_assist.index.build import build_index
from wto_assist.serve import make_server
from wto_assist.web.app import create_app


def test_from_params_reads_every_parameter_and_yes_no_in_any_spelling():
    filters = Filters.from_params({"body": " Trade ", "type": "minutes", "speaker": "Chair", "symbol": "WT/COMTD/M/",
                                   "from": "2020", "to": "2021-06", "member": "EC", "provision": "Art. XXI GATT",
                                   "dispute": "ds512", "restricted": "no", "q": "ignored", "page": "2"})
    assert filters == Filters(body="Trade", family="minutes", speaker="Chair", symbol="WT/COMTD/M/", date_from="2020",
                              date_to="2021-06", restricted=False, member="EC", provision="Art. XXI GATT", dispute="ds512")
    for given, expected in (("yes", True), ("TRUE", True), ("1", True), ("no", False), ("false", False), ("0", False),
                            ("", None), (None, None), (True, True)):
        assert Filters.from_params({"restricted": given}).restricted is expected, given
    assert Filters.from_params({"member": "", "from": "  "}) == Filters()


@pytest.mark.parametrize("params, field, message", [
    ({"member": "Atlantis"}, "member", "member: 'Atlantis' is not a WTO Member, observer or group known to wto-assist"),
    ({"from": "2019-13"}, "from", "from: '2019-13' has no month 13"),
    ({"from": "2021", "to": "2020"}, "from", "from: 2021 is after the end date (2020)"),
    ({"restricted": "maybe"}, "restricted", "restricted: 'maybe' is not yes or no"),
    ({"type": "minute"}, "type", "type: unknown document family 'minute'"),
    ({"provision": "Article XXXXX of nothing"}, "provision", "provision: "),
    ({"dispute": "DSX"}, "dispute", "dispute: "),
])
def test_a_bad_value_is_an_error_that_names_its_field(params, field, message):
    with pytest.raises(SearchError) as caught:
        Filters.from_params(params)
    assert caught.value.field == field and str(caught.value).startswith(message)


@pytest.fixture()
def front_ends(sample_db, tmp_path):
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    web = TestClient(create_app(sample_db, index_dir, tmp_path / "data", with_dense=False), base_url="http://127.0.0.1")
    corpus = Corpus(sample_db, index_dir)
    server = make_server(corpus, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def cli(params: dict):
        options = [f"--{name}" if value is True else f"--{name}={value}" for name, value in params.items()]
        return CliRunner().invoke(main, ["search", "fruit", "--db", str(sample_db), "--index", str(index_dir), "--json", *options])

    def serve(params: dict):
        query = urllib.parse.urlencode({"q": "fruit", **params})
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/search?{query}", timeout=10) as response:
                return 200, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    yield cli, web, serve
    server.shutdown()
    server.server_close()
    corpus.close()


def test_the_cli_the_web_app_and_serve_filter_alike(front_ends):
    cli, web, serve = front_ends
    for params in ({"member": "Viet Nam"}, {"provision": "GATT1994:XI"}, {"dispute": "DS990"}, {"type": "panel-report"}):
        from_cli = [hit["citation"] for hit in json.loads(cli(params).stdout)]
        status, from_serve = serve(params)
        assert status == 200 and [hit["citation"] for hit in from_serve] == from_cli, params
        page = web.get("/search", params={"q": "fruit", **params})
        assert from_cli and all(citation in page.text for citation in from_cli), params
    # serve and the web app take "true"/"1" as the CLI's --restricted does
    restricted = [hit["citation"] for hit in json.loads(cli({"restricted": True}).stdout)]
    assert restricted and [hit["citation"] for hit in serve({"restricted": "1"})[1]] == restricted
    assert all(citation in web.get("/search", params={"q": "fruit", "restricted": "true"}).text for citation in restricted)


def test_the_same_refusal_named_the_way_each_front_end_names_fields(front_ends):
    cli, web, serve = front_ends
    refused = cli({"member": "Atlantis"})
    assert refused.exit_code == 1 and "Error: --member: 'Atlantis' is not a WTO Member" in refused.output
    status, body = serve({"member": "Atlantis"})
    assert status == 400 and body["field"] == "member" and body["error"].startswith("member: 'Atlantis' is not a WTO Member")
    page = web.get("/search", params={"q": "fruit", "member": "Atlantis"})
    assert "Member: &#39;Atlantis&#39; is not a WTO Member" in page.text and "--member" not in page.text
