"""Drafting: every template renders, opens, converts with LibreOffice; verify catches bad quotes."""

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.draft.brief import BriefError, parse_brief
from wto_assist.draft.compose import DraftError, compose
from wto_assist.draft.render import default_template, read_footnotes, render
from wto_assist.draft.verify import failed, verify_docx
from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.registry import load_registry

from .conftest import CORPUS, REPO

EXAMPLES = REPO / "examples"
JOINT = {
    "kind": "joint-statement",
    "release": "restricted",
    "delegation": {"member": "Fiji", "co_sponsors": ["Samoa", "Vanuatu"]},
    "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10", "agenda_item": "Small economies"},
    "points": ["Small, vulnerable economies are exposed to unnotified measures.", "We call for prompt notification."],
    "support": [{"citation": "WT/COMTD/M/990, para. 8"}],
}
TPR = {
    "kind": "tpr-statement",
    "release": "restricted",
    "delegation": {"member": "Chinese Taipei"},
    "member_under_review": "Korea, Republic of",
    "meeting": {"body": "Trade Policy Review Body", "date": "2026-07-15"},
    "points": ["Chinese Taipei welcomes the delegation."],
    "questions": [
        {"section": "Trade policy regime", "question": "Please explain the criteria for import licences.", "citation": "WT/TPR/M/990, para. 4"},
        {"section": "Trade policy regime", "question": "When will the import ban be notified?", "citation": "WT/TPR/M/990, para. 3"},
        {"section": "Agriculture", "question": "Please describe the DFQF scheme for LDCs.", "citation": "WT/TPR/M/990, para. 5"},
    ],
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("draft")
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    ingest_paths([CORPUS], db)
    load_registry(CORPUS / "registry" / "disputes-sample.jsonl", db)
    build_index(db, index_dir, with_dense=False)
    return db, index_dir, folder


def _brief(source):
    if isinstance(source, dict):
        return parse_brief(source, "test brief")
    return parse_brief(yaml.safe_load(Path(source).read_text()), str(source))


def _draft(sample, source, name, **options):
    db, index_dir, folder = sample
    brief = _brief(source)
    composed = compose(brief, db, index_dir, **options)
    out = folder / f"{name}.docx"
    render(composed, default_template(brief.kind), out)
    return out, composed


def _styles(path):
    document = docx.Document(str(path))
    return [(p.style.name, p.text) for p in document.paragraphs], document


def test_committee_statement(sample):
    out, composed = _draft(sample, EXAMPLES / "committee-statement.yaml", "committee")
    paragraphs, document = _styles(out)
    numbered = [text for style, text in paragraphs if style == "List Number"]
    assert len(numbered) == 5 and numbered[0].startswith("Viet Nam thanks the Chairperson")
    assert ("Heading 1", "Language from the record") in paragraphs
    assert any("As Viet Nam stated in the Committee on Trade and Development at the meeting of 20 November 2026" in t for t in numbered)
    assert list(read_footnotes(document).values())[-2:] == ["WT/COMTD/M/990, para. 7.", "WT/COMTD/M/990, para. 8."]
    assert [c.status for c in verify_docx(out, sample[0])] == ["verified", "verified"]
    assert any("Paraphrase for review" in t for t in numbered)


def test_third_party_submission(sample):
    out, _ = _draft(sample, EXAMPLES / "third-party-submission.yaml", "tps")
    paragraphs, document = _styles(out)
    texts = [text for _, text in paragraphs]
    assert "Exampleland — Processed Fruit (DS990)" in texts and "Third Party Written Submission of Norway" in texts
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [
        "Table of Contents", "Table of Cases", "Table of Abbreviations", "1. Introduction",
        "2.1 Article XX(b) of the GATT 1994", "2.2 Article XI:1 of the GATT 1994", "3. Conclusion",
    ]
    cases, abbreviations = document.tables
    assert [cell.text for cell in cases.rows[1].cells] == [
        "Exampleland — Processed Fruit",
        "Exampleland — Measures Concerning the Importation of Processed Fruit (DS990), request for consultations by Examplelandia of 3 January 2026",
    ]
    assert ["GATT 1994", "General Agreement on Tariffs and Trade 1994"] in [[c.text for c in row.cells] for row in abbreviations.rows]
    assert len([1 for style, _ in paragraphs if style == "List Number"]) == 6
    assert set(read_footnotes(document).values()) >= {"WT/DS990/R, para. 7.82.", "WT/DS990/R, para. 7.83."}
    assert not failed(verify_docx(out, sample[0]))


def test_joint_and_tpr_statements(sample):
    out, _ = _draft(sample, JOINT, "joint")
    paragraphs, _ = _styles(out)
    assert ("Title", "Joint Statement") in paragraphs
    assert [t for s, t in paragraphs if s == "List Bullet"] == ["Fiji", "Samoa", "Vanuatu"]
    assert any(t == "Joint statement by Fiji, Samoa and Vanuatu" for _, t in paragraphs)
    out, composed = _draft(sample, TPR, "tpr")
    paragraphs, document = _styles(out)
    headings = [t for s, t in paragraphs if s == "Heading 1"]
    assert headings == ["Advance written questions – Trade policy regime", "Advance written questions – Agriculture"]
    assert list(read_footnotes(document).values())[-3:] == ["WT/TPR/M/990, para. 4.", "WT/TPR/M/990, para. 3.", "WT/TPR/M/990, para. 5."]
    assert [c.status for c in verify_docx(out, sample[0])] == ["cited (no quotation)"] * 3


def test_template_injection_and_xml_characters_render_literally(sample):
    brief = dict(JOINT, points=["{{ 7*7 }} and {% for x in range(3) %}x{% endfor %}", 'Tariffs <10% & "fees" > 0 ⟦fn:1⟧'])
    out, _ = _draft(sample, brief, "injection")
    texts = [t for _, t in _styles(out)[0]]
    assert "{{ 7*7 }} and {% for x in range(3) %}x{% endfor %}" in texts
    assert 'Tariffs <10% & "fees" > 0 [fn:1]' in texts  # a marker in a brief can never create a footnote
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None


def _soffice():
    found = shutil.which("soffice")
    if not found:
        if os.environ.get("WTO_ASSIST_REQUIRE_SHARED") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-writer")
        pytest.skip("LibreOffice (soffice) not installed")
    return found


def test_libreoffice_converts_every_template(sample, tmp_path):
    soffice = _soffice()
    outputs = [
        _draft(sample, EXAMPLES / "committee-statement.yaml", "lo-committee")[0],
        _draft(sample, EXAMPLES / "third-party-submission.yaml", "lo-tps")[0],
        _draft(sample, JOINT, "lo-joint")[0],
        _draft(sample, TPR, "lo-tpr")[0],
        _draft(sample, dict(JOINT, points=["{{ x }} <&>"]), "lo-injection")[0],
    ]
    profile = tmp_path / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, outputs)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for output in outputs:
        pdf = tmp_path / (output.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, output.name


def _rewrite(path, part, old, new):
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    assert old.encode() in contents[part]
    contents[part] = contents[part].replace(old.encode(), new.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_verify_catches_an_altered_quote_and_a_missing_paragraph(sample, tmp_path):
    out, _ = _draft(sample, EXAMPLES / "third-party-submission.yaml", "tamper")
    altered = tmp_path / "altered.docx"
    shutil.copy(out, altered)
    _rewrite(altered, "word/document.xml", "less trade-restrictive", "more trade-restrictive")
    _rewrite(altered, "word/footnotes.xml", "WT/DS990/R, para. 7.83.", "WT/DS990/R, para. 7.99.")
    checks = verify_docx(altered, sample[0])
    assert [(c.citation, c.status) for c in checks] == [
        ("WT/DS990/R, para. 7.82", "mismatch"),
        ("WT/DS990/R, para. 7.99", "source missing"),
    ]
    result = CliRunner().invoke(main, ["verify", str(altered), "--final", "--db", str(sample[0])])
    assert result.exit_code == 1
    assert "MISMATCH" in result.stdout and "SOURCE MISSING" in result.stdout
    assert CliRunner().invoke(main, ["verify", str(out), "--final", "--db", str(sample[0])]).exit_code == 0


def test_restricted_sources_need_explicit_permission_for_public_drafts(sample):
    public = dict(JOINT, release="public")
    with pytest.raises(DraftError, match=r"support\[0\]: WT/COMTD/M/990, para. 8 is RESTRICTED .* pass --allow-restricted"):
        _draft(sample, public, "public")
    _, composed = _draft(sample, public, "public-allowed", allow_restricted=True)
    assert any(w.startswith("WARNING: WT/COMTD/M/990, para. 8 is RESTRICTED") for w in composed.warnings)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "speech"}, "test brief: kind: 'speech' must be one of"),
        ({"delegation": {"member": "Narnia"}}, "delegation.member: 'Narnia' is not a WTO Member"),
        ({"delegation": {"member": "Fiji"}}, "delegation.co_sponsors: a joint statement needs at least one co-sponsor"),
        ({"meeting": {"body": "CTD", "date": "10/12/2026"}}, "meeting.date: '10/12/2026' is not a date YYYY-MM-DD"),
        ({"support": [{"citation": "M/990 para 8"}]}, "support[0].citation: 'M/990 para 8' is not a citation"),
        ({"support": [{"query": "x", "citation": "WT/COMTD/M/990, para. 8"}]}, "support[0].query: give either a query or a citation"),
        ({"support": [{"query": "x", "k": 50}]}, "support[0].k: must be a whole number from 1 to 10"),
        ({"measure": {"provisions": ["Article 99"]}}, "measure.provisions[0]: 'Article 99' is not a provision key"),
        ({"colour": "blue"}, "colour: unknown field"),
        ({"points": []}, "points: must not be empty"),
    ],
)
def test_brief_errors_name_the_field(change, message):
    with pytest.raises(BriefError) as raised:
        parse_brief({**JOINT, **change}, "test brief")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_draft_cli_reports_a_missing_paragraph(sample, tmp_path):
    brief = tmp_path / "brief.yaml"
    brief.write_text(yaml.safe_dump(dict(JOINT, support=[{"citation": "WT/COMTD/M/990, para. 99"}])))
    result = CliRunner().invoke(main, ["draft", str(brief), "-o", str(tmp_path / "x.docx"), "--db", str(sample[0]), "--index", str(sample[1])])
    assert result.exit_code == 1
    assert "support[0].citation: WT/COMTD/M/990, para. 99 is not in the corpus" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_real_corpus_example_brief(shared, ctd_db, tmp_path):
    index_dir = tmp_path / "index"
    build_index(ctd_db, index_dir, with_dense=False)
    brief = _brief(EXAMPLES / "ctd-dfqf-ldc-statement.yaml")
    composed = compose(brief, ctd_db, index_dir)
    out = tmp_path / "ctd.docx"
    render(composed, default_template(brief.kind), out)
    checks = verify_docx(out, ctd_db)
    assert len(checks) == 3 and {c.status for c in checks} == {"verified"}
    assert all(not q.restricted for q in composed.quotes)
    assert all(re.match(r"WT/COMTD/M/(8[7-9]|9\d|1\d\d), para\.", q.citation) for q in composed.quotes)
