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
    keep = re.findall(r'name="keep" value="(\d+)" checked', preview.text)
    assert keep and 'name="previewed" value="1"' in preview.text

    download = client.post("/draft", data=dict(form, action="download", previewed="1", keep=keep))
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.content))
    visible = read_visible(document)
    assert paragraphs == [block.text for block in visible.body if block.text.strip()]  # word for word, paragraph by paragraph
    assert len(notes) == len(visible.footnotes)
    core = document.core_properties
    assert core.author == "Viet Nam" and core.created.date().isoformat() == today  # not "python-docx", 2013

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
