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
