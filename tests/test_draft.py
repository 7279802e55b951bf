"""Drafting: every template renders, opens, converts with LibreOffice; verify catches bad quotes."""

import json
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
from wto_assist.store import Store

from .conftest import CORPUS, REPO, soffice
from .test_json_schema import SCRIPT as SCHEMA, problems

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


def _texts(path):
    return [text for _, text in _styles(path)[0]]


def test_committee_statement_speaks_for_the_delegation_and_quotes_the_record_honestly(sample):
    out, composed = _draft(sample, EXAMPLES / "committee-statement.yaml", "committee")
    paragraphs, document = _styles(out)
    texts = [text for _, text in paragraphs]
    assert texts[texts.index("Statement by Viet Nam") + 1 :][:1] == ["Committee on Trade and Development, meeting of 10 December 2026"]
    body = texts[texts.index("Thank you, Chair.") :]
    assert body[1].startswith("Viet Nam thanks the Chairperson") and body[-1] == "Thank you."
    quote = next(t for t in body if t.startswith("As recorded"))
    # The record's words, introduced as the record: never "As Viet Nam stated, “The representative of Viet Nam …”".
    assert quote.startswith("As recorded in the minutes of the meeting of the Committee on Trade and Development held on "
                            "20 November 2026, Viet Nam expressed “concern about import restrictions imposed without notification")
    assert "The representative" not in quote
    assert any(t.startswith("[For paraphrase, not to be quoted as it stands: As recorded") and "Fiji and Samoa said that “small" in t for t in body)
    assert "We invite Korea to explain how the measure is consistent with Article XI of the GATT 1994." in body
    assert not any("Korea, Republic of" in t for t in texts)  # a delegate writes "Korea"
    assert list(read_footnotes(document).values()) == [
        "Minutes of the meeting of the Committee on Trade and Development held on 20 November 2026, WT/COMTD/M/990, para. 7.",
        "Minutes of the meeting of the Committee on Trade and Development held on 20 November 2026, WT/COMTD/M/990, para. 8.",
    ]
    assert [c.status for c in verify_docx(out, sample[0])] == ["verified", "verified"]
    # Sober house style: a serif body, black headings, no Word "Title" style.
    assert "Title" not in {style for style, _ in paragraphs}
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0, 0, 0)


def test_quotations_can_be_attached_to_the_point_they_support(sample):
    brief = dict(JOINT, support=[{"citation": "WT/COMTD/M/990, para. 8", "point": 1}])
    out, _ = _draft(sample, brief, "attached")
    texts = _texts(out)
    first = texts.index(JOINT["points"][0])
    assert texts[first + 1].startswith("As recorded in the minutes") and texts[first + 2] == JOINT["points"][1]


def test_third_party_submission_has_the_wto_cover_and_structure(sample):
    out, _ = _draft(sample, EXAMPLES / "third-party-submission.yaml", "tps")
    paragraphs, document = _styles(out)
    texts = [text for _, text in paragraphs]
    cover = texts[texts.index("BEFORE THE WORLD TRADE ORGANIZATION") :][:6]
    assert cover == ["BEFORE THE WORLD TRADE ORGANIZATION", "PANEL PROCEEDINGS",
                     "EXAMPLELAND – MEASURES CONCERNING THE IMPORTATION OF PROCESSED FRUIT", "(DS990)",
                     "THIRD PARTY WRITTEN SUBMISSION OF NORWAY", "Geneva, 12 March 2026"]
    assert [t for s, t in paragraphs if s.startswith("Heading")] == [
        "EXECUTIVE SUMMARY", "I. INTRODUCTION", "II. LEGAL ISSUES", "A. Article XX(b) of the GATT 1994", "B. Article XI:1 of the GATT 1994", "III. CONCLUSION"]
    cases, abbreviations = document.tables
    assert [cell.text for cell in cases.rows[1].cells] == [
        "Exampleland – Processed Fruit", "Panel Report, Exampleland – Measures Concerning the Importation of Processed Fruit, WT/DS990/R"]
    assert [(run.text, bool(run.italic)) for run in cases.rows[1].cells[1].paragraphs[0].runs if run.text] == [
        ("Panel Report, ", False), ("Exampleland – Measures Concerning the Importation of Processed Fruit", True), (", WT/DS990/R", False)]
    assert ["GATT 1994", "General Agreement on Tariffs and Trade 1994"] in [[c.text for c in row.cells] for row in abbreviations.rows]
    assert len([1 for style, _ in paragraphs if style == "List Number"]) == 6
    assert list(read_footnotes(document).values()) == ["Panel Report, Exampleland – Processed Fruit, para. 7.82.",
                                                       "Panel Report, Exampleland – Processed Fruit, para. 7.83."]
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml").decode()
        assert 'TOC \\o "1-2"' in body and "<w:updateFields" in archive.read("word/settings.xml").decode()
    assert not failed(verify_docx(out, sample[0]), final=True)


def test_joint_statement_speaks_for_all_co_sponsors(sample):
    brief = dict(JOINT, measure={"imposing_member": "Korea, Republic of", "provisions": ["GATT1994:XI", "TBT:2.2"]})
    texts = _texts(_draft(sample, brief, "joint")[0])
    assert texts[texts.index("Joint Statement by Fiji, Samoa and Vanuatu") - 1].startswith("Draft")
    assert sum(text.count("Vanuatu") for text in texts) == 1  # the co-sponsors are listed once
    assert "The co-sponsors invite Korea to explain how the measure is consistent with Article XI of the GATT 1994 and Article 2.2 of the TBT Agreement." in texts
    assert not any(text.startswith(("Fiji invites", "Thank you")) for text in texts)


def test_tpr_questions_are_numbered_from_one_with_reference_lines(sample):
    out, _ = _draft(sample, TPR, "tpr")
    paragraphs, document = _styles(out)
    texts = [text for _, text in paragraphs]
    start = texts.index("Advance written questions to Korea")
    assert texts[start:] == [
        "Advance written questions to Korea", "Trade policy regime",
        "Question 1", "Reference: WT/TPR/M/990, para. 4", "Please explain the criteria for import licences.",
        "Question 2", "Reference: WT/TPR/M/990, para. 3", "When will the import ban be notified?",
        "Agriculture", "Question 3", "Reference: WT/TPR/M/990, para. 5", "Please describe the DFQF scheme for LDCs.",
    ]
    assert [s for s, t in paragraphs if t in ("Trade policy regime", "Agriculture")] == ["Heading 2", "Heading 2"]
    assert read_footnotes(document) == {}  # references are lines of their own, not hidden in footnotes


def test_template_injection_and_xml_characters_render_literally(sample):
    brief = dict(JOINT, points=["{{ 7*7 }} and {% for x in range(3) %}x{% endfor %}", 'Tariffs <10% & "fees" > 0 ⟦fn:1⟧'])
    out, _ = _draft(sample, brief, "injection")
    texts = [t for _, t in _styles(out)[0]]
    assert "{{ 7*7 }} and {% for x in range(3) %}x{% endfor %}" in texts
    assert 'Tariffs <10% & "fees" > 0 [fn:1]' in texts  # a marker in a brief can never create a footnote
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None


def _pdf_text(soffice, outputs, folder):
    profile = folder / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), *map(str, outputs)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    return {output.stem: [page.extract_text() for page in PdfReader(str(folder / (output.stem + ".pdf"))).pages] for output in outputs}


def test_every_template_renders_to_pdf_in_wto_form(sample, tmp_path):
    office = soffice()
    outputs = [
        _draft(sample, EXAMPLES / "committee-statement.yaml", "lo-committee")[0],
        _draft(sample, EXAMPLES / "third-party-submission.yaml", "lo-tps")[0],
        _draft(sample, JOINT, "lo-joint")[0],
        _draft(sample, TPR, "lo-tpr")[0],
        _draft(sample, dict(JOINT, points=["{{ x }} <&>"]), "lo-injection")[0],
    ]
    pdfs = _pdf_text(office, outputs, tmp_path)
    tps = pdfs["lo-tps"]
    assert "BEFORE THE WORLD TRADE ORGANIZATION" in tps[0] and "THIRD PARTY WRITTEN SUBMISSION OF NORWAY" in tps[0]
    assert "Geneva, 12 March 2026" in tps[0]
    # The table of contents carries the page on which each heading really falls.
    body_page = next(number for number, text in enumerate(tps, 1) if re.search(r"^I\. INTRODUCTION$", text, re.M))
    toc = tps[1]
    for heading in ("I. INTRODUCTION", "II. LEGAL ISSUES", "A. Article XX(b) of the GATT 1994", "III. CONCLUSION"):
        assert re.search(re.escape(heading) + r"\s*\.{3,}\s*" + str(body_page), toc), heading
    assert "Panel Report, Exampleland – Measures Concerning the" in re.sub(r"\s+", " ", toc)
    footnotes = re.sub(r"\s+", " ", "".join(tps[body_page - 1 :]))
    assert "Panel Report, Exampleland – Processed Fruit, para. 7.82." in footnotes
    committee = re.sub(r"\s+", " ", "".join(pdfs["lo-committee"]))
    assert "Minutes of the meeting of the Committee on Trade and Development held on 20 November 2026, WT/COMTD/M/990, para. 7." in committee
    assert "Question 1" in "".join(pdfs["lo-tpr"]) and "Reference: WT/TPR/M/990, para. 4" in "".join(pdfs["lo-tpr"])
    assert "{{ x }} <&>" in "".join(pdfs["lo-injection"])


def _rewrite(path, part, old, new):
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    assert old.encode() in contents[part]
    contents[part] = contents[part].replace(old.encode(), new.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_verify_fails_on_an_altered_quote_or_a_missing_paragraph_without_final(sample, tmp_path):
    out, _ = _draft(sample, EXAMPLES / "third-party-submission.yaml", "tamper")
    altered = tmp_path / "altered.docx"
    shutil.copy(out, altered)
    _rewrite(altered, "word/document.xml", "less trade-restrictive", "more trade-restrictive")
    _rewrite(altered, "word/footnotes.xml", "para. 7.83.", "para. 7.99.")
    checks = verify_docx(altered, sample[0])
    assert [(c.citation, c.status) for c in checks] == [
        ("WT/DS990/R, para. 7.82", "mismatch"),
        ("WT/DS990/R, para. 7.99", "source missing"),
    ]
    result = CliRunner().invoke(main, ["verify", str(altered), "--db", str(sample[0])])
    assert result.exit_code == 1  # a failed check is a failure, --final or not
    assert "MISMATCH" in result.stdout and "SOURCE MISSING" in result.stdout
    as_json = CliRunner().invoke(main, ["verify", str(altered), "--db", str(sample[0]), "--json"])
    schema = json.loads((SCHEMA.TARGET / SCHEMA.file_name("verify")).read_text(encoding="utf-8"))
    rows = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and problems(rows, schema, schema) == []
    assert [(row["status"], row["failed"]) for row in rows] == [("mismatch", True), ("source missing", True)]
    # The Verify page's JSON twin checks the same upload with the same call and answers the same JSON.
    from starlette.testclient import TestClient

    from wto_assist.web.app import create_app

    app = create_app(sample[0], sample[1], tmp_path / "web", with_dense=False)
    client = TestClient(app, base_url="http://127.0.0.1", headers={"origin": "http://127.0.0.1"})
    upload = {"file": ("altered.docx", altered.read_bytes())}
    answer = client.post("/api/verify", data={"csrf_token": app.access.form_token}, files=upload)
    assert answer.status_code == 200 and answer.json() == rows
    assert not any((tmp_path / "web" / "verify").iterdir())  # a checked upload is not kept
    forged = client.post("/api/verify", data={"csrf_token": "forged"}, files=upload)
    assert forged.status_code == 403 and forged.json()["field"] == "csrf_token"
    wrong = client.post("/api/verify", data={"csrf_token": app.access.form_token}, files={"file": ("notes.pdf", b"%PDF")})
    assert wrong.status_code == 400 and wrong.json()["field"] == "file"
    assert CliRunner().invoke(main, ["verify", str(out), "--final", "--db", str(sample[0])]).exit_code == 0


def _tampered(sample, tmp_path, name, part, pattern, replacement):
    """A copy of the example submission with the first match of `pattern` in `part` replaced."""
    out, _ = _draft(sample, EXAMPLES / "third-party-submission.yaml", name)
    copy = tmp_path / f"{name}.docx"
    shutil.copy(out, copy)
    with zipfile.ZipFile(copy) as archive:
        found = re.search(pattern, archive.read(part).decode()).group(0)
    _rewrite(copy, part, found, replacement)
    return copy


def test_verify_fails_a_quotation_whose_citation_was_stripped(sample, tmp_path):
    stripped = _tampered(sample, tmp_path, "stripped", "word/footnotes.xml", r'<w:footnote w:id="1">.*?</w:footnote>',
                         '<w:footnote w:id="1"><w:p/></w:footnote>')
    statuses = [c.status for c in verify_docx(stripped, sample[0])]
    assert statuses == ["no citation", "verified"]
    assert CliRunner().invoke(main, ["verify", str(stripped), "--db", str(sample[0])]).exit_code == 1


def test_public_drafts_withhold_restricted_records_and_say_why(sample, monkeypatch):
    public = dict(JOINT, release="public")
    with pytest.raises(DraftError, match=r"support\[0\]: WT/COMTD/M/990, para. 8 is still RESTRICTED until 28 January 2027 .*accept: \[restricted\]"):
        _draft(sample, public, "public")
    _, composed = _draft(sample, dict(public, accept=["restricted"]), "public-accepted")
    assert [q.citation for q in composed.quotes] == ["WT/COMTD/M/990, para. 8"]
    # A passage found by a query is set aside with the reason, not quoted, and the draft goes on.
    _, composed = _draft(sample, dict(public, support=[{"query": "small vulnerable economies prompt notification"}]), "public-query")
    assert composed.quotes == [] and composed.withheld[0].citation == "WT/COMTD/M/990, para. 8"
    assert "still RESTRICTED until 28 January 2027" in composed.withheld[0].withheld
    # After the derestriction period (WT/L/452: 45 days after circulation on 14 December 2026) it may be quoted.
    monkeypatch.setenv("WTO_ASSIST_TODAY", "2027-01-28")
    _, composed = _draft(sample, public, "public-derestricted")
    assert [q.citation for q in composed.quotes] == ["WT/COMTD/M/990, para. 8"]


def test_verify_flags_restricted_quotations_in_a_public_draft(sample):
    out, composed = _draft(sample, dict(JOINT, release="public", accept=["restricted"]), "public-restricted")
    checks = verify_docx(out, sample[0])
    assert [c.status for c in checks] == ["restricted source"]
    assert failed(checks) and not failed(checks, accept=composed.accept)


def test_external_reports_render_and_are_reported_unverified(sample, tmp_path):
    brief = yaml.safe_load((EXAMPLES / "third-party-submission.yaml").read_text())
    brief["issues"][0]["support"].append({"citation": "WT/DS991/AB/R, para. 5.12", "external": True,
                                          "quote": "the words of a report held outside the corpus"})
    out, composed = _draft(sample, brief, "external")
    checks = verify_docx(out, sample[0])
    assert [c.status for c in checks] == ["verified", "unverified", "verified"]
    assert failed(checks) == [] and [c.citation for c in failed(checks, final=True)] == ["WT/DS991/AB/R, para. 5.12"]
    assert "Appellate Body Report, WT/DS991/AB/R, para. 5.12." in read_footnotes(docx.Document(str(out))).values()
    path = tmp_path / "external.yaml"
    path.write_text(yaml.safe_dump(brief))
    target = tmp_path / "external.docx"
    arguments = ["draft", str(path), "-o", str(target), "--final", "--db", str(sample[0]), "--index", str(sample[1])]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1 and "UNVERIFIED" in result.output and not target.exists()  # --final writes nothing
    path.write_text(yaml.safe_dump(dict(brief, accept=["unverified"])))
    assert CliRunner().invoke(main, arguments).exit_code == 0 and target.exists()


def test_continuation_paragraphs_share_a_citation_that_verifies(sample):
    # "The agenda was adopted as amended." is unnumbered text after para. 1: cited as para. 1, found there.
    brief = dict(JOINT, support=[{"citation": "WT/COMTD/M/990, para. 1", "quote": "The agenda was adopted as amended."}])
    out, composed = _draft(sample, brief, "continuation")
    assert composed.quotes[0].citation == "WT/COMTD/M/990, para. 1"
    assert [c.status for c in verify_docx(out, sample[0])] == ["verified"]


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
        ({"support": [{"citation": "WT/DS512/R, para. 7.102", "external": True}]}, "support[0].quote: quoting an external source needs"),
        ({"support": [{"citation": "WT/COMTD/M/990, para. 8", "point": 3}]}, "support[0].point: must be the number of one of the 2 points"),
        ({"support": [{"citation": "WT/COMTD/M/990, para. 8", "use": "reference"}]}, "support[0].use: a reference cites"),
        ({"accept": ["everything"]}, "accept[0]: 'everything' must be unverified, restricted or closed-proceedings"),
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


def test_real_public_statement_quotes_derestricted_ldc_group_language(shared, ctd_db, ctd_index, tmp_path):
    index_dir = ctd_index
    out = tmp_path / "ctd.docx"
    result = CliRunner().invoke(main, ["draft", str(EXAMPLES / "ctd-dfqf-ldc-statement.yaml"), "-o", str(out), "--final",
                                       "--db", str(ctd_db), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    checks = verify_docx(out, ctd_db)
    assert len(checks) == 3 and {c.status for c in checks} == {"verified"}
    with Store(ctd_db, create=False) as store:
        for check in checks:
            document = store.document(check.citation.split(",")[0])
            # RESTRICTED when circulated, public now under the derestriction procedures; met 2005-2012.
            assert document["restricted_on_circulation"] and not document["restricted"], check.citation
            assert "2005" <= document["date"] <= "2012-12-31"
    texts = _texts(out)
    assert sum(t.startswith("As recorded in the minutes of the meeting of the Committee on Trade and Development held on") for t in texts) == 3
    assert not any("“The representative" in t for t in texts)


def test_real_third_party_submission_cites_a_report_outside_the_corpus(shared, ctd_db, tmp_path):
    db = tmp_path / "corpus.sqlite"
    shutil.copy(ctd_db, db)
    load_registry(shared / "data" / "disputes-ds1-624.jsonl", db)
    out = tmp_path / "ds512.docx"
    brief = EXAMPLES / "ds512-third-party-submission.yaml"
    result = CliRunner().invoke(main, ["draft", str(brief), "-o", str(out), "--final", "--db", str(db), "--index", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    # The example is dated within the panel proceedings (a 2026 date, after the adoption, is refused:
    # tests/test_submission.py), so it refers to a report adopted before that date.
    assert [(c.citation, c.status) for c in verify_docx(out, db)] == [
        ("DS512 summary, para. [5]", "verified"), ("WT/DS58/AB/R, para. 158", "unverified")]
    paragraphs, document = _styles(out)
    texts = [text for _, text in paragraphs]
    assert texts[texts.index("BEFORE THE WORLD TRADE ORGANIZATION") :][:6] == [
        "BEFORE THE WORLD TRADE ORGANIZATION", "PANEL PROCEEDINGS", "RUSSIA – MEASURES CONCERNING TRAFFIC IN TRANSIT", "(DS512)",
        "THIRD PARTY WRITTEN SUBMISSION OF AUSTRALIA", "Geneva, 7 November 2017"]
    assert "See Appellate Body Report, US – Shrimp, para. 158." in read_footnotes(document).values()
    assert [cell.text for cell in document.tables[0].rows[1].cells] == [
        "US – Shrimp", "Appellate Body Report, US – Import Prohibition of Certain Shrimp and Shrimp Products, WT/DS58/AB/R,"
        " circulated 12 October 1998, adopted 6 November 1998"]
    # Without `accept: [unverified]`, --final writes nothing.
    strict = tmp_path / "strict.yaml"
    strict.write_text(brief.read_text().replace("accept: [unverified]", ""))
    refused = CliRunner().invoke(main, ["draft", str(strict), "-o", str(tmp_path / "strict.docx"), "--final", "--db", str(db), "--index", str(tmp_path / "none")])
    assert refused.exit_code == 1 and not (tmp_path / "strict.docx").exists()


def test_verify_fails_stitched_quotes_and_quotes_whose_reference_was_removed(sample, tmp_path):
    from wto_assist.draft.verify import _contains_in_order

    text = "Members that had not yet done so " + "x " * 400 + "should provide DFQF access for all products."
    assert not _contains_in_order(text, "Members that had not … should provide DFQF access")  # joins distant text
    assert _contains_in_order("Members that had not yet done so should provide DFQF access.", "Members that had not … should provide DFQF access")
    assert not _contains_in_order(text, "…")
    bare = _tampered(sample, tmp_path, "unreferenced", "word/document.xml",
                     r'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>', "")
    statuses = [c.status for c in verify_docx(bare, sample[0])]
    assert "no citation" in statuses and failed(verify_docx(bare, sample[0]))


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_drafts_and_exports_are_written_with_the_users_usual_permissions(sample, tmp_path, umask, mode):
    """0666 less the umask, as any other program's files, not mkstemp's 0600; still through a rename."""
    import os
    import stat

    from wto_assist.draft import draft_document
    from wto_assist.exports import atomic_write_bytes, write_csv

    db, index_dir, _ = sample
    previous = os.umask(umask)
    try:
        draft_document(_brief(JOINT), db, index_dir, tmp_path / "joint.docx")
        write_csv(tmp_path / "lines.csv", ["Member"], [["Fiji"]])
        atomic_write_bytes(tmp_path / "fetched.pdf", b"%PDF-1.4")
    finally:
        os.umask(previous)
    for name in ("joint.docx", "lines.csv", "fetched.pdf"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fetched.pdf", "joint.docx", "lines.csv"]  # no .part left
    assert verify_docx(tmp_path / "joint.docx", db)  # the draft went through verification before taking its name


def test_a_draft_quoting_the_illustrative_sample_says_so(sample):
    """The sample corpus reads like WTO minutes; a draft quoting it is warned, once per document."""
    out, composed = _draft(sample, EXAMPLES / "committee-statement.yaml", "sample-warned")
    warnings = [w for w in composed.warnings if "illustrative sample" in w]
    assert warnings == ["WT/COMTD/M/990 is an illustrative sample, not an official WTO document: "
                        f"replace {composed.quotes[0].citation} with the record before the draft is used"]


def test_a_file_rewritten_keeps_its_permissions(tmp_path):
    """A brief or case file the user made private (0600: it may quote RESTRICTED records) stays private
    when wto-assist writes it again."""
    import os
    import stat

    from wto_assist.exports import atomic_write_text

    private = tmp_path / "brief.yaml"
    atomic_write_text(private, "kind: committee-statement\n")
    os.chmod(private, 0o600)
    atomic_write_text(private, "kind: joint-statement\n")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_text() == "kind: joint-statement\n"
