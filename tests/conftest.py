import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Restriction status depends on the date (documents are derestricted after a period): fix "today" so
# that the sample minutes of 20 November 2026 stay RESTRICTED in every run, whenever it happens.
os.environ["WTO_ASSIST_TODAY"] = "2026-11-24"
# The ONNX export of the embedding model is cached per run, never in the user's ~/.cache.
os.environ.setdefault("WTO_ASSIST_CACHE", tempfile.mkdtemp(prefix="wto-assist-cache-"))

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WTO_ASSIST_SHARED", REPO.parent / "shared"))
CORPUS = REPO / "corpora"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real data beside the checkout; a skip here is a failure when CI requires it."""
    if not (SHARED / "corpus" / "ctd-minutes").is_dir():
        message = f"real data not found at {SHARED}"
        if os.environ.get("WTO_ASSIST_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (WTO_ASSIST_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return SHARED


@pytest.fixture(scope="session")
def ctd_db(shared, tmp_path_factory) -> Path:
    """The full CTD minutes corpus ingested once per test session (about 3 s)."""
    from wto_assist.ingest import ingest_paths

    db = tmp_path_factory.mktemp("ctd") / "corpus.sqlite"
    report = ingest_paths([shared / "corpus" / "ctd-minutes"], db)
    assert not report.failed, report.failed
    return db


@pytest.fixture(scope="session")
def ctd_index(ctd_db, tmp_path_factory) -> Path:
    """The BM25 index (no vectors) of `ctd_db`, built once per test session: tests only read it."""
    from wto_assist.index.build import build_index

    index_dir = tmp_path_factory.mktemp("ctd-index")
    build_index(ctd_db, index_dir, with_dense=False)
    return index_dir


@pytest.fixture(scope="module")
def ctd_searcher(ctd_db, ctd_index):
    """A Searcher over `ctd_index`, one per test module (a module may change its weights)."""
    from wto_assist.search import Searcher

    searcher = Searcher(ctd_index, ctd_db)
    yield searcher
    searcher.close()


@pytest.fixture()
def sample_db(tmp_path) -> Path:
    from wto_assist.ingest import ingest_paths

    db = tmp_path / "sample.sqlite"
    report = ingest_paths([CORPUS], db)
    assert not report.failed, report.failed
    return db


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing `lines` in Helvetica (hand-built so tests need no PDF writer)."""
    stream = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    ) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def soffice() -> str:
    """LibreOffice for DOCX -> PDF; a skip here is a failure when CI requires it (.ci/run installs it)."""
    found = shutil.which("soffice")
    if not found:
        if os.environ.get("WTO_ASSIST_REQUIRE_SHARED") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-writer")
        pytest.skip("LibreOffice (soffice) not installed")
    return found
