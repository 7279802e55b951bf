import docx
import pytest

from wto_assist.documents import parse_file
from wto_assist.documents.readers import ReadError, clean_converted_text, decode_bytes, read_text
from wto_assist.ingest import ingest_paths

from .conftest import minimal_pdf


def test_macroman_with_cr_line_ends_decodes_correctly():
    text = "NOTE ON THE MEETING\rThe Groupe de la Banque Africaine de Développement – ITC’s report\r"
    decoded, encoding = decode_bytes(text.encode("mac_roman"))
    assert encoding == "mac_roman"
    assert "Développement – ITC’s" in decoded


def test_cp1252_and_utf8_decode():
    assert decode_bytes("Côte d’Ivoire".encode("utf-8"))[1] == "utf-8"
    decoded, encoding = decode_bytes("Côte d’Ivoire said – indeed".encode("cp1252"))
    assert decoded == "Côte d’Ivoire said – indeed"


def test_binary_content_is_refused():
    with pytest.raises(ReadError, match="binary"):
        decode_bytes(b"\x00\x01\x02PK\x03\x04" * 100)


def test_field_codes_toc_and_running_heads_are_removed():
    raw = (
        'Chairman: X\n TOC \\o "1-5" \\h \\z \\u  HYPERLINK \\l "_Toc485300634" A.\tAdoption\t PAGEREF _Toc485300634 \\h 2\n'
        "A.\tadoption of the agenda\t2\n"
        "&& The Chairman said that page 22 of the Manual was clear.\n"
        "WT/COMTD/M/19 Page 19\n\tWT/COMTD/M/45 \tPage  PAGE 37\n-  PAGE 1 -\n"
        "&& The representative of India said so.\n"
    )
    cleaned = clean_converted_text(raw)
    assert "PAGEREF" not in cleaned and "HYPERLINK" not in cleaned and "TOC" not in cleaned
    assert "adoption of the agenda" not in cleaned
    assert "Page 19" not in cleaned and "PAGE 37" not in cleaned and "PAGE 1" not in cleaned
    assert "page 22 of the Manual" in cleaned  # prose mentioning a page stays


def test_pdf_docx_and_html_readers(tmp_path):
    pdf = tmp_path / "WT_DS990_R.pdf"
    pdf.write_bytes(minimal_pdf(["WT/DS990/R", "7.82. The Panel recalls the necessity test."]))
    text, _ = read_text(pdf)
    assert "The Panel recalls the necessity test." in text

    document = docx.Document()
    document.add_paragraph("WT/TPR/M/991")
    document.add_paragraph("First numbered paragraph.", style="List Number")
    document.add_paragraph("Second numbered paragraph.", style="List Number")
    path = tmp_path / "tpr.docx"
    document.save(path)
    parsed = parse_file(path)
    assert parsed.symbol == "WT/TPR/M/991"
    assert [(p.label, p.text) for p in parsed.paragraphs] == [
        ("1", "First numbered paragraph."),
        ("2", "Second numbered paragraph."),
    ]

    html = tmp_path / "page.html"
    html.write_text("<p>WT/DS990/1</p><script>alert(1)</script><p>The measure &amp; its effects.</p>")
    text, _ = read_text(html)
    assert "The measure & its effects." in text and "alert" not in text


def test_bad_files_are_reported_by_name_and_the_good_one_is_ingested(tmp_path):
    folder = tmp_path / "messy"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "WT_DS990_R.pdf").write_bytes(minimal_pdf(["WT/DS990/R", "7.1. Text."])[:150])
    (folder / "image.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "zero.docx").write_bytes(b"")
    (folder / "notes.docx").write_bytes(b"this is not a zip archive at all")
    (folder / "WTCOMTDM991.txt").write_text("WT/COMTD/M/991\n&& The Chairman said that the meeting was open.\n")
    report = ingest_paths([folder], tmp_path / "corpus.sqlite")
    assert [symbol for _, symbol, _ in report.ingested] == ["WT/COMTD/M/991"]
    reasons = {path.split("/")[-1]: reason for path, reason in report.failed}
    assert reasons == {
        "empty.txt": "empty file",
        "WT_DS990_R.pdf": reasons["WT_DS990_R.pdf"],
        "image.txt": "binary content, not text (wrong extension?)",
        "zero.docx": "empty file",
        "notes.docx": "not a valid .docx file (damaged, or not a Word document)",
    }
    assert reasons["WT_DS990_R.pdf"].startswith(("damaged or truncated PDF", "no text could be extracted"))
    assert all("\n" not in reason for reason in reasons.values())
    assert report.ok


def test_legacy_doc_without_converter_asks_for_docx(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    with pytest.raises(ReadError, match="convert it to .docx"):
        read_text(path)


def test_text_a_docx_embeds_as_an_alt_chunk_is_read_not_dropped(tmp_path):
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from wto_assist.documents.readers import read_text

    document = docx.Document()
    document.add_paragraph("WT/COMTD/M/995")
    chunk = Part(PackURI("/word/afchunk.htm"), "text/html",
                 b"<html><body><p>The representative of Chile said that embedded text counts.</p></body></html>", document.part.package)
    relationship_id = document.part.relate_to(chunk, RELATIONSHIP_TYPE.A_F_CHUNK)
    alt = OxmlElement("w:altChunk")
    alt.set(qn("r:id"), relationship_id)
    document.element.body.insert(1, alt)
    path = tmp_path / "chunk.docx"
    document.save(str(path))
    text, _ = read_text(path)
    assert "The representative of Chile said that embedded text counts." in text
