"""What a delegate reads, the same in the CLI and on the pages: counts with their plural ("1 dispute"),
one restriction label per document, the illustrative-sample label, provisions and families in words."""

import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.registry import load_registry
from wto_assist.web.app import create_app
from wto_assist.wording import counted, plural

from .conftest import CORPUS

ORIGIN = {"origin": "http://127.0.0.1"}


@pytest.mark.parametrize("count, noun, expected", [
    (1, "dispute", "1 dispute"), (2, "dispute", "2 disputes"), (0, "dispute", "0 disputes"),
    (1, "summary", "1 summary"), (624, "summary", "624 summaries"), (1, "para.", "1 para."), (3, "para.", "3 paras."),
    (1, "set of minutes", "1 set of minutes"), (2, "set of minutes", "2 sets of minutes"), (12000, "match", "12,000 matches"),
    (1, "new or changed document", "1 new or changed document"), (2, "day", "2 days"),
])
def test_counted_says_one_or_several(count, noun, expected):
    assert counted(count, noun) == expected


def test_plural_rules():
    assert [plural(n) for n in ("entity", "delegation", "box", "request for consultations")] == [
        "entities", "delegations", "boxes", "requests for consultations"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_derestricted_document_reads_the_same_in_list_and_on_the_corpus_page(ctd_db, tmp_path):
    listed = CliRunner().invoke(main, ["list", "--db", str(ctd_db)]).output
    line = next(line for line in listed.splitlines() if line.startswith("WT/COMTD/M/3 "))
    label = re.search(r"derestricted \d{4}-\d{2}-\d{2}", line).group(0)
    client = TestClient(create_app(ctd_db, tmp_path / "index", tmp_path / "data", with_dense=False), base_url="http://127.0.0.1",
                        headers=ORIGIN)
    row = next(row for row in client.get("/corpus").text.split("<tr>") if ">WT/COMTD/M/3<" in row)
    assert label in _text(row) and "unrestricted" not in row
    assert label in _text(client.get("/document/WT/COMTD/M/3").text)
    assert "illustrative" not in listed  # the WTO's own minutes are not samples
    assert listed.rstrip().splitlines()[-1] == counted(len([l for l in listed.splitlines() if l.startswith("WT/")]), "document")


@pytest.fixture()
def sample_site(sample_db, tmp_path):
    load_registry(CORPUS / "registry" / "disputes-sample.jsonl", sample_db)
    build_index(sample_db, tmp_path / "index", with_dense=False)
    client = TestClient(create_app(sample_db, tmp_path / "index", tmp_path / "data", with_dense=False), base_url="http://127.0.0.1",
                        headers=ORIGIN)
    return sample_db, tmp_path / "index", client


def test_sample_documents_keep_their_label_wherever_they_are_shown(sample_site):
    db, index_dir, client = sample_site
    run = lambda *arguments: CliRunner().invoke(main, [*arguments, "--db", str(db)]).output  # noqa: E731
    assert "illustrative sample, not an official WTO document" in run("show", "WT/COMTD/M/990")
    listed = run("list").splitlines()
    assert all(line.endswith("[illustrative sample]") for line in listed if line.startswith(("WT/", "G/")))
    assert not any("[illustrative sample]" in line for line in listed if line.startswith("DS990"))  # the registry's summary
    hits = run("search", "duty-free quota-free", "--index", str(index_dir), "--mode", "bm25")
    assert "WT/COMTD/M/990, para." in hits and "| illustrative sample" in hits
    assert 'id="sample-notice"' in client.get("/document/WT/COMTD/M/990").text
    page = client.get("/search", params={"q": "duty-free quota-free"}).text
    assert page.count('class="sample"') == page.count('class="result"') > 0
    corpus_page = client.get("/corpus").text
    assert corpus_page.count('<span class="sample">illustrative sample</span>') == 6


def test_pages_show_words_not_internals(sample_site):
    _, _, client = sample_site
    dispute = _text(client.get("/disputes/DS990").text)
    assert "Article XX(b) of the GATT 1994" in dispute and "GATT1994:" not in dispute
    search = client.get("/search", params={"q": "import ban", "type": "panel-report"}).text
    assert '<option value="panel-report" selected>Panel report</option>' in search  # the value stays, the label reads
    assert '<option value="bm25">Exact words</option>' in search and "GATT1994:" not in search
    corpus = _text(client.get("/corpus").text)
    assert "Dispute registry: 1 dispute (to DS990)" in corpus and ".jsonl" not in corpus
    cases = _text(client.get("/cases").text)
    assert "0 cases" in cases and "wto-assist case" not in cases and "watch add" not in cases


def test_provision_keys_inside_a_sentence_read_as_articles():
    from wto_assist.labels import provisions_in_words

    assert provisions_in_words("GATT1994:XXI(b)(iii) invoked by Russian Federation; TRIPS:73 (security exceptions)") == (
        "Article XXI(b)(iii) of the GATT 1994 invoked by Russian Federation; Article 73 of the TRIPS Agreement (security exceptions)")
    assert provisions_in_words("at 12:30, WT/DS512/R, para. 7.8") == "at 12:30, WT/DS512/R, para. 7.8"  # no agreement "12"
