"""`pip install .` gives a working tool: the wheel carries the templates and data, and drafting works
from any directory (no checkout around it)."""

import os
import subprocess
import sys
import zipfile

import yaml

from wto_assist.ingest import ingest_paths

from .conftest import CORPUS, REPO

BRIEF = {
    "kind": "committee-statement", "release": "restricted", "delegation": {"member": "Viet Nam"},
    "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"},
    "points": ["We share the concern about unnotified measures."],
    "support": [{"citation": "WT/COMTD/M/990, para. 7"}],
}


def test_wheel_carries_templates_and_drafts_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("wto_assist-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    for kind in ("committee-statement", "tpr-statement", "joint-statement", "third-party-submission"):
        assert f"wto_assist/templates/{kind}.docx" in names
    assert {"wto_assist/data/members.tsv", "wto_assist/data/derestriction.tsv", "wto_assist/web/static/app.css"} <= names
    shipped = {name.rsplit("/", 1)[1] for name in names if name.startswith("wto_assist/examples/") and name.endswith(".yaml")}
    assert shipped == {path.name for path in (REPO / "examples").glob("*.yaml")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = elsewhere / "corpus.sqlite"
    ingest_paths([CORPUS], db)
    (elsewhere / "brief.yaml").write_text(yaml.safe_dump(BRIEF))
    environment = dict(os.environ, PYTHONPATH=str(tmp_path / "installed"), HF_HUB_OFFLINE="1")
    environment.pop("WTO_ASSIST_TEMPLATES", None)
    run = subprocess.run(
        [sys.executable, "-c", "import wto_assist, sys; from wto_assist.cli import main; print(wto_assist.__file__, file=sys.stderr); main()",
         "draft", "brief.yaml", "-o", "statement.docx", "--db", "corpus.sqlite"],
        cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert str(tmp_path / "installed") in run.stderr  # the wheel's code, not the checkout's
    assert (elsewhere / "statement.docx").exists() and "VERIFIED" in run.stdout
    # `wto-assist examples --copy` finds the briefs inside the installed package, not in a checkout
    copy = subprocess.run(
        [sys.executable, "-c", "from wto_assist.cli import main; main()", "examples", "--copy", "briefs"],
        cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=300,
    )
    assert copy.returncode == 0, copy.stderr
    assert (elsewhere / "briefs" / "committee-statement.yaml").read_bytes() == (REPO / "examples" / "committee-statement.yaml").read_bytes()
