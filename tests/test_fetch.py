"""`fetch` against a stand-in Documents Online on 127.0.0.1: addresses built from symbols, error pages
reported by symbol, parts joined, slow answers retried, resumption, provenance through ingest."""

import io
import json

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.fetch import MANIFEST, dol_filename, expand_range, fetch_documents
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

from .conftest import soffice
from .dol_standin import documents_online, minutes_pdfs
from .report_fixtures import build_report_docx, build_report_pdf


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
def standin(tmp_path_factory):
    """M990 as one PDF, the DS990 panel report in two parts, WT/DS990/1 slow once, web pages otherwise."""
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path_factory.mktemp("dol")
    office = soffice()
    minutes = minutes_pdfs(["WT/COMTD/M/990"], folder, office)["WT/COMTD/M/990"]
    report = PdfReader(str(build_report_pdf(build_report_docx(folder / "report.docx"), office)))
    parts = []
    for pages in (report.pages[:2], report.pages[2:]):
        writer = PdfWriter()
        for page in pages:
            writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        parts.append(buffer.getvalue())
    files = {"q:/WT/COMTD/M990.pdf": minutes, "q:/WT/DS/990R-00.pdf": parts[0], "q:/WT/DS/990R-01.pdf": parts[1],
             "q:/WT/DS/990-1.pdf": minutes}
    with documents_online(files, slow_once={"q:/WT/DS/990-1.pdf"}) as served:
        yield served


def test_fetch_saves_under_the_symbol_names_the_missing_one_and_resumes(standin, tmp_path):
    base, state = standin
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


def test_fetch_joins_parts_and_retries_a_slow_answer(standin, tmp_path):
    base, state = standin
    report = fetch_documents(["WT/DS990/R", "WT/DS990/1"], tmp_path, base=base, delay=0, timeout=1.0, sleep=lambda _: None)
    assert [symbol for symbol, _ in report.fetched] == ["WT/DS990/R", "WT/DS990/1"] and not report.failed
    assert state["hits"].count("q:/WT/DS/990-1.pdf") == 2  # timed out once, answered on the retry
    db = tmp_path / "corpus.sqlite"
    ingest_paths([tmp_path], db)
    with Store(db, create=False) as store:
        labels = [p["paragraph"] for p in store.paragraphs("WT/DS990/R") if p["numbered"]]
    assert {"7.101", "7.102", "7.103"} <= set(labels)  # the two parts read as one report


def test_fetch_a_dispute_reports_what_is_not_available(standin, tmp_path):
    base, _ = standin
    result = CliRunner().invoke(main, ["fetch", "--dispute", "DS990", "--out", str(tmp_path), "--base-url", base, "--delay", "0"])
    assert result.exit_code == 0, result.output  # a dispute's usual documents: what exists is fetched
    assert "not available WT/DS990/AB/R" in result.output
    assert (tmp_path / "WT_DS990_R.pdf").exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:  # a port the system just handed out and nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_fetch_without_documents_online_says_how_to_go_on(tmp_path):
    import time

    from wto_assist.fetch import DEFAULT_BASE_URL

    base = f"http://127.0.0.1:{_closed_port()}/dol2fe/Pages/SS/directdoc.aspx"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["fetch", "--range", "WT/COMTD/M/100-102", "--out", str(tmp_path), "--base-url", base, "--delay", "0"])
    assert time.monotonic() - started < 5  # nothing listening is not retried, and the other two are not tried
    assert result.exit_code == 1
    assert "0 fetched, 0 already there, 0 not found, 3 failed" in result.output
    assert "fetched 1 of" not in result.output and "fetched 3 of" not in result.output
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: Documents Online cannot be reached (no answer from 127.0.0.1:")
    assert "wto-assist ingest FOLDER" in error and "--base-url" in error and DEFAULT_BASE_URL in error
    assert "FAILED WT/COMTD/M/101: not tried" in result.output
    assert not list(tmp_path.glob("*.pdf"))
    shown = CliRunner().invoke(main, ["fetch", "--help"]).output
    assert DEFAULT_BASE_URL in " ".join(shown.split())  # the full directdoc address, however the help wraps it
