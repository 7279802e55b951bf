"""Web app rules that need no browser: uploads, escaping, pagination, binding."""

from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.web.app import MAX_UPLOAD_BYTES, PAGE_SIZE, create_app


def _client(sample_db, tmp_path):
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    return TestClient(create_app(sample_db, index_dir, tmp_path / "data", with_dense=False)), tmp_path / "data"


def test_uploads_cannot_escape_the_data_folder_or_exceed_limits(sample_db, tmp_path):
    client, data = _client(sample_db, tmp_path)
    text = b"WT/COMTD/M/993\n&& The representative of Chile said that uploads stay inside the data folder.\n"
    response = client.post("/corpus", files={"file": ("../../../../tmp/evil/WTCOMTDM993.txt", text, "text/plain")})
    assert response.status_code == 200 and "Ingested WT/COMTD/M/993" in response.text
    saved = list((data / "uploads").iterdir())
    assert [p.name for p in saved] == ["WTCOMTDM993.txt"] and saved[0].resolve().is_relative_to(data.resolve())
    too_big = client.post("/corpus", files={"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
    assert too_big.status_code == 400 and "larger than 20 MiB" in too_big.text
    wrong_type = client.post("/verify", files={"file": ("notes.pdf", b"%PDF", "application/pdf")})
    assert wrong_type.status_code == 400 and ".pdf is not accepted here" in wrong_type.text
    assert "WT/COMTD/M/993, para. 1" in client.get("/search?q=uploads+data+folder").text  # re-indexed after upload


def test_pagination_keeps_the_query_in_the_url(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    first = client.get("/search?q=representative+panel+import+measure+members+trade+market&mode=bm25")
    assert first.text.count('class="result"') == PAGE_SIZE
    assert 'href="/search?q=representative+panel+import+measure+members+trade+market&amp;mode=bm25&page=2" rel="next"' in first.text
    second = client.get("/search?q=representative+panel+import+measure+members+trade+market&mode=bm25&page=2")
    assert 0 < second.text.count('class="result"') <= PAGE_SIZE and "Page 2 of" in second.text


def test_web_binds_localhost_unless_told_otherwise(tmp_path):
    refused = CliRunner().invoke(main, ["web", "--host", "0.0.0.0", "--db", str(tmp_path / "c.sqlite")])
    assert refused.exit_code == 1 and "pass --allow-remote" in refused.output


def test_draft_preview_lists_restricted_passages_unticked_with_the_reason(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    form = {"kind": "committee-statement", "release": "public", "member": "Viet Nam", "body": "Committee on Trade and Development",
            "date": "2026-12-10", "points": "We share the concern.", "queries": "import restrictions without notification processed fruit",
            "action": "preview"}
    preview = client.post("/draft", data=form)
    assert preview.status_code == 200  # one RESTRICTED hit no longer fails the whole preview
    assert "Not used: still RESTRICTED until 28 January 2027" in preview.text and "<input type=\"checkbox\" disabled>" in preview.text
    assert "--allow-restricted" not in preview.text and "support[" not in preview.text
    bad = client.post("/draft", data=dict(form, queries="", citations="WT/COMTD/M/990, para. 99"))
    assert bad.status_code == 400 and "Quoted paragraphs, line 1: WT/COMTD/M/990, para. 99 is not in the corpus" in bad.text
