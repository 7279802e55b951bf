"""`fetch` against a stand-in Documents Online on 127.0.0.1: addresses built from symbols, error pages
reported by symbol, parts joined, slow answers retried, resumption, provenance through ingest."""

import json
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.fetch import MANIFEST, dol_filename, expand_range, fetch_documents
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

from .conftest import CORPUS, soffice
from .report_fixtures import build_report_docx, build_report_pdf

ERROR_PAGE = b"<html><body><h1>Documents Online</h1><p>The document you requested is not available.</p></body></html>"


@pytest.mark.parametrize("symbol, filename", [
    ("WT/COMTD/M/101", "q:/WT/COMTD/M101"), ("WT/MIN(22)/33", "q:/WT/MIN22/33"), ("WT/DS512/R", "q:/WT/DS/512R"),
    ("WT/DS512/1", "q:/WT/DS/512-1"), ("WT/DS512/AB/R", "q:/WT/DS/512ABR"), ("WT/L/452", "q:/WT/L/452"),
    ("G/SPS/R/104", "q:/G/SPS/R104"), ("WT/COMTD/M/28/Add.1", "q:/WT/COMTD/M28A1"),
])
def test_documents_online_file_names(symbol, filename):
    assert dol_filename(symbol) == filename
    assert dol_filename(symbol, "fr") == "r" + filename[1:] and dol_filename(symbol, "es") == "s" + filename[1:]


def test_ranges():
    assert expand_range("WT/COMTD/M/100-102") == ["WT/COMTD/M/100", "WT/COMTD/M/101", "WT/COMTD/M/102"]


@pytest.fixture(scope="module")
def documents_online(tmp_path_factory):
    """The stand-in server: M990 as one PDF, DS990 R in two parts, a slow answer once, error pages otherwise."""
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path_factory.mktemp("dol")
    office = soffice()
    subprocess.run([office, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(CORPUS / "minutes" / "WTCOMTDM990.txt")], check=True, capture_output=True, timeout=300)
    report = PdfReader(str(build_report_pdf(build_report_docx(folder / "report.docx"), office)))
    parts = []
    for pages in (report.pages[:2], report.pages[2:]):
        writer = PdfWriter()
        for page in pages:
            writer.add_page(page)
        path = folder / f"part{len(parts)}.pdf"
        writer.write(str(path))
        parts.append(path.read_bytes())
    files = {"q:/WT/COMTD/M990.pdf": (folder / "WTCOMTDM990.pdf").read_bytes(),
             "q:/WT/DS/990R-00.pdf": parts[0], "q:/WT/DS/990R-01.pdf": parts[1]}
    state = {"hits": [], "slow_once": {"q:/WT/DS/990-1.pdf"}, "agents": set()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            name = query.get("filename", [""])[0]
            state["hits"].append(name)
            state["agents"].add(self.headers.get("User-Agent", ""))
            if name in state["slow_once"]:
                state["slow_once"].discard(name)
                time.sleep(1.5)  # longer than the client's timeout: the client must retry
            body = files.get(name, ERROR_PAGE if name != "q:/WT/DS/990-1.pdf" else files["q:/WT/COMTD/M990.pdf"])
            self.send_response(200)  # Documents Online answers a missing document with a page, not a 404
            self.send_header("Content-Type", "application/pdf" if body.startswith(b"%PDF") else "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/dol2fe/Pages/SS/directdoc.aspx", state
    server.shutdown()


def test_fetch_saves_under_the_symbol_names_the_missing_one_and_resumes(documents_online, tmp_path):
    base, state = documents_online
    out = tmp_path / "documents"
    arguments = ["fetch", "WT/COMTD/M/990", "WT/COMTD/M/991", "--out", str(out), "--base-url", base, "--delay", "0"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1  # a named symbol was not found
    assert "NOT FOUND WT/COMTD/M/991: not on Documents Online in en" in result.output
    assert (out / "WT_COMTD_M_990.pdf").read_bytes().startswith(b"%PDF")
    assert not (out / "WT_COMTD_M_991.pdf").exists()
    manifest = json.loads((out / MANIFEST).read_text())
    entry = manifest["WT_COMTD_M_990.pdf"]
    assert entry["url"] == f"{base}?filename=q:/WT/COMTD/M990.pdf&Open=True" and len(entry["sha256"]) == 64
    assert any(agent.startswith("wto-assist/") for agent in state["agents"])
    hits = len(state["hits"])
    again = CliRunner().invoke(main, ["fetch", "WT/COMTD/M/990", "--out", str(out), "--base-url", base, "--delay", "0"])
    assert again.exit_code == 0 and "0 fetched, 1 already there" in again.output
    assert len(state["hits"]) == hits  # nothing downloaded again
    db = tmp_path / "corpus.sqlite"
    ingest_paths([out], db)
    with Store(db, create=False) as store:
        document = store.document("WT/COMTD/M/990")
    assert document["source_url"] == entry["url"] and document["retrieved_at"] == entry["retrieved_at"]
    shown = CliRunner().invoke(main, ["show", "WT/COMTD/M/990", "--db", str(db)]).output
    assert f"fetched from {entry['url']}" in shown


def test_fetch_joins_parts_and_retries_a_slow_answer(documents_online, tmp_path):
    base, state = documents_online
    report = fetch_documents(["WT/DS990/R", "WT/DS990/1"], tmp_path, base=base, delay=0, timeout=1.0, sleep=lambda _: None)
    assert [symbol for symbol, _ in report.fetched] == ["WT/DS990/R", "WT/DS990/1"] and not report.failed
    assert state["hits"].count("q:/WT/DS/990-1.pdf") == 2  # timed out once, answered on the retry
    db = tmp_path / "corpus.sqlite"
    ingest_paths([tmp_path], db)
    with Store(db, create=False) as store:
        labels = [p["paragraph"] for p in store.paragraphs("WT/DS990/R") if p["numbered"]]
    assert {"7.101", "7.102", "7.103"} <= set(labels)  # the two parts read as one report


def test_fetch_a_dispute_reports_what_is_not_available(documents_online, tmp_path):
    base, _ = documents_online
    result = CliRunner().invoke(main, ["fetch", "--dispute", "DS990", "--out", str(tmp_path), "--base-url", base, "--delay", "0"])
    assert result.exit_code == 0, result.output  # a dispute's usual documents: what exists is fetched
    assert "not available WT/DS990/AB/R" in result.output
    assert (tmp_path / "WT_DS990_R.pdf").exists()
