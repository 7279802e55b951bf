"""The Draft page's full preview: the assembled statement as its DOCX reads, before download (issue 23)."""

import html
import io
import re
from datetime import datetime, timezone

import docx

from wto_assist.draft.docx_text import read_visible

from .test_web import _client

FORM = {"kind": "committee-statement", "release": "restricted", "member": "Viet Nam", "body": "Committee on Trade and Development",
        "date": "2026-12-10", "agenda_item": "Unilateral trade measures", "points": "We share the concern about unnotified measures.",
        "queries": "import restrictions without notification processed fruit", "action": "preview"}


def _statement(page: str) -> tuple[list[str], list[str]]:
    """The preview's paragraphs (footnote numbers left out, as a reader of the body text sees it) and its footnotes."""
    article = page.split('<article class="statement"', 1)[1].split("</article>", 1)[0]
    body = article.split('<ol class="footnotes">', 1)[0]
    paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sup>.*?</sup>", "", p))) for p in re.findall(r"<p>(.*?)</p>", body, re.S)]
    notes = [html.unescape(re.sub(r"<[^>]+>", "", n)) for n in re.findall(r"<li [^>]*>(.*?)</li>", article, re.S)]
    return paragraphs, notes


def test_the_preview_is_the_text_the_docx_gets(sample_db, tmp_path, monkeypatch):
    client, _ = _client(sample_db, tmp_path)
    form = dict(FORM, csrf_token=client.form_token)
    preview = client.post("/draft", data=form)
    assert preview.status_code == 200, preview.text[-2000:]
    paragraphs, notes = _statement(preview.text)
    assert "We share the concern about unnotified measures." in " ".join(paragraphs)
    assert notes and all("WT/COMTD/M/990, para. " in note for note in notes)
    today = datetime.now(timezone.utc).date().isoformat()
    assert f"Author: Viet Nam; created {today}." in preview.text
    keep = re.findall(r'name="keep" value="(\d+:[0-9a-f]{16})" checked', preview.text)
    assert keep and 'name="previewed" value="1"' in preview.text

    download = client.post("/draft", data=dict(form, action="download", previewed="1", keep=keep))
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.content))
    visible = read_visible(document)
    assert paragraphs == [block.text for block in visible.body if block.text.strip()]  # word for word, paragraph by paragraph
    assert len(notes) == len(visible.footnotes)
    core = document.core_properties
    assert core.author == "Viet Nam" and core.created.date().isoformat() == today  # not "python-docx", 2013

    # Passages changed since the preview (the corpus or index was updated): the same numbers now name other
    # words, and the download refuses to put them into the DOCX unseen.
    stale = [f"{keep[0].split(':')[0]}:{'0' * 16}", *keep[1:]]
    refused = client.post("/draft", data=dict(form, action="download", previewed="1", keep=stale))
    assert refused.status_code == 409 and "changed since the preview" in refused.text
    assert refused.headers["content-type"].startswith("text/html")

    fewer = client.post("/draft", data=dict(form, previewed="1", keep=keep[1:]))  # the first passage unticked
    left, left_notes = _statement(fewer.text)
    assert len(left_notes) == len(notes) - 1 and left != paragraphs
    assert f'name="keep" value="{keep[0]}">' in fewer.text  # shown unticked, as the user left it


def _recited(docx_bytes: bytes, old: str, new: str) -> bytes:
    """The DOCX with one footnote's citation changed (the quotation itself untouched)."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(docx_bytes)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/footnotes.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            target.writestr(item, data)
    return out.getvalue()


def test_verify_explains_a_quotation_cited_to_the_wrong_paragraph(sample_db, tmp_path):
    from wto_assist.draft.verify import verify_docx

    client, _ = _client(sample_db, tmp_path)
    form = dict(FORM, csrf_token=client.form_token, action="download", keep=["0", "1"])  # both passages found
    drafted = client.post("/draft", data=form)
    assert drafted.status_code == 200
    wrong = tmp_path / "wrong.docx"
    wrong.write_bytes(_recited(drafted.content, "WT/COMTD/M/990, para. 7.", "WT/COMTD/M/990, para. 8."))
    [mismatch] = [check for check in verify_docx(wrong, sample_db) if check.status != "verified"]
    assert mismatch.citation == "WT/COMTD/M/990, para. 8" and mismatch.found_in == ["WT/COMTD/M/990, para. 7"]
    assert mismatch.draft_words and mismatch.record_words and mismatch.draft_words != mismatch.record_words
    page = client.post("/verify", data={"csrf_token": client.form_token},
                       files={"file": ("wrong.docx", wrong.read_bytes(), "application/octet-stream")}).text
    assert html.escape(f"the draft has “{mismatch.draft_words}” where the record has “{mismatch.record_words}”", quote=False) in page
    assert "these words are in WT/COMTD/M/990, para. 7" in page


def _cli_preview(brief: dict, sample_db, tmp_path) -> tuple[int, dict]:
    """`wto-assist draft BRIEF --preview --json` on the brief the Draft form makes (written as a JSON brief)."""
    import json

    from click.testing import CliRunner

    from wto_assist.cli import main

    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief), encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", str(path), "--preview", "--json", "--db", str(sample_db), "--index", str(tmp_path / "index")])
    return result.exit_code, json.loads(result.stdout)


def test_api_draft_answers_what_draft_preview_prints(sample_db, tmp_path):
    from wto_assist.web.drafting import brief_from_form, draft_form

    from .test_json_schema import problems
    from .test_web_api import _schema

    client, data = _client(sample_db, tmp_path)
    answer = client.post("/api/draft", data=dict(FORM, csrf_token=client.form_token))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json"), answer.text[-500:]
    body = answer.json()
    schema = _schema("draft --preview")
    assert problems(body, schema, schema) == []
    exit_code, printed = _cli_preview(brief_from_form(draft_form(FORM)), sample_db, tmp_path)
    assert exit_code == 0
    created = body["statement"].pop("created"), printed["statement"].pop("created")
    assert body == printed and created[0][:10] == created[1][:10]  # drafted a moment apart, the same day
    assert not list((data / "drafts").glob("*.docx"))  # a preview writes nothing

    # The first passage found is quoted in the statement, its footnote citing the paragraph it came from.
    first = body["passages"][0]
    assert first["kept"] and first["citation"] == "WT/COMTD/M/990, para. 7"  # the sample minutes print their numbers
    statement = body["statement"]
    quoting = next(p for p in statement["paragraphs"] if first["text"] in p["text"])
    (call,) = quoting["notes"]
    assert quoting["text"][: call["offset"]].endswith(first["text"] + "”")
    note = next(n for n in statement["footnotes"] if n["number"] == call["number"])
    assert note["text"].endswith(f"{first['citation']}.")
    assert [(c["citation"], c["status"], c["failed"]) for c in statement["checks"]] == [
        (p["citation"], "verified", False) for p in body["passages"] if p["kept"]]
    assert statement["author"] == "Viet Nam"

    # Passages chosen as on the page: unticked, the first is left out of the statement.
    fewer = client.post("/api/draft", data=dict(FORM, csrf_token=client.form_token, previewed="1", keep=["1"])).json()
    assert [p["kept"] for p in fewer["passages"]] == [False, True]
    assert [c["citation"] for c in fewer["statement"]["checks"]] == [body["passages"][1]["citation"]]


def test_the_member_whose_measure_it_is_is_never_like_minded(sample_db, tmp_path):
    """The example statement about Korea's import ban: the sample minutes show Korea defending its measure,
    on the same topic; it is not offered as a like-minded delegation."""
    import json

    from click.testing import CliRunner

    from wto_assist.cli import main
    from wto_assist.index.build import build_index

    from .test_draft import EXAMPLES

    build_index(sample_db, tmp_path / "index", with_dense=False)
    brief = EXAMPLES / "committee-statement.yaml"
    assert "imposing_member: Korea, Republic of" in brief.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", str(brief), "--preview", "--json", "--db", str(sample_db), "--index", str(tmp_path / "index")])
    printed = json.loads(result.stdout)
    assert result.exit_code == 0 and printed["like_minded"]  # suggestions are made …
    assert "Korea, Republic of" not in {line["member"] for line in printed["like_minded"]}  # … without the Member under criticism


def test_api_draft_errors_name_the_form_field(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    for change, field in (({"member": "Atlantis"}, "member"), ({"date": "10/12/2026"}, "date"), ({"citations": "M/990 para 8"}, "citations")):
        answer = client.post("/api/draft", data=dict(FORM, csrf_token=client.form_token, **change))
        assert answer.status_code == 400 and answer.json()["field"] == field, (change, answer.text)
        assert answer.json()["error"].startswith(field)
    missing = client.post("/api/draft", data=dict(FORM, citations="WT/COMTD/M/990, para. 99", csrf_token=client.form_token))
    assert missing.status_code == 400 and missing.json() == {
        "error": "citations, line 1: WT/COMTD/M/990, para. 99 is not in the corpus (only documents in the corpus can be quoted here)",
        "field": "citations"}
    forged = client.post("/api/draft", data=FORM)
    assert forged.status_code == 403 and forged.json()["field"] == "csrf_token"


def test_draft_writes_with_out_or_previews_never_both(tmp_path):
    from click.testing import CliRunner

    from wto_assist.cli import main

    brief = str(tmp_path / "brief.yaml")
    for arguments in ([], ["--preview", "-o", str(tmp_path / "x.docx")], ["-o", str(tmp_path / "x.docx"), "--json"]):
        result = CliRunner().invoke(main, ["draft", brief, *arguments, "--db", str(tmp_path / "none.sqlite")])
        assert result.exit_code == 2 and ("-o/--out" in result.output or "add --preview" in result.output), arguments
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "none.sqlite").exists()
