"""The README's "your own documents" walkthrough, run line by line as it stands (fetch answered by the
stand-in Documents Online on 127.0.0.1), from the checkout with its .venv, as a user would after
`make demo`."""

import os
import re
import sqlite3
import subprocess

from .conftest import REPO, soffice
from .dol_standin import documents_online, minutes_pdfs


def _walkthrough() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough:[^>]*-->\s*```\n(.*?)```\s*<!-- end walkthrough -->", readme, re.S)
    assert block, "the README lost its walkthrough block"
    return block.group(1)


def test_every_command_of_the_readme_walkthrough_runs(tmp_path):
    script = _walkthrough()
    symbols = ["WT/COMTD/M/101", "WT/COMTD/M/102", "WT/COMTD/M/103"]
    assert all(symbol in script or "M/102-103" in script for symbol in symbols)
    pdfs = minutes_pdfs(symbols, tmp_path, soffice())
    files = {f"q:/WT/COMTD/M{symbol.rsplit('/', 1)[1]}.pdf": data for symbol, data in pdfs.items()}
    home = tmp_path / "home"
    home.mkdir()
    with documents_online(files) as (base, state):
        environment = dict(os.environ, HOME=str(home), WTO_ASSIST_FETCH_BASE_URL=base, HF_HUB_OFFLINE="1")
        for name in ("WTO_ASSIST_HOME", "WTO_ASSIST_DB", "WTO_ASSIST_INDEX", "WTO_ASSIST_TEMPLATES"):
            environment.pop(name, None)
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=environment,
                             capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert len(state["hits"]) == 3  # one polite request per document
    work = home / "wto-work"
    assert {p.name for p in (work / "documents").glob("*.pdf")} == {"WT_COMTD_M_101.pdf", "WT_COMTD_M_102.pdf", "WT_COMTD_M_103.pdf"}
    assert (work / "corpus.sqlite").exists() and (work / "default" / "CURRENT").exists()
    with sqlite3.connect(work / "corpus.sqlite") as connection:  # the illustrative sample never joins a user's corpus
        assert {row[0] for row in connection.execute("SELECT symbol FROM documents")} == set(symbols)
    assert "corpora" not in script
    assert "WT/COMTD/M/101, para. 1" in run.stdout and "fetched from" in run.stdout
    assert (work / "statement.docx").exists() and "0 failed" in run.stdout
