"""Fill a DOCX template (docxtpl) in a sandbox, then turn footnote markers into real Word footnotes.

Brief values and quoted passages are data: the Jinja environment is sandboxed and autoescaping, so
"{{ … }}" or "<&>" in a brief come out literally and never break the XML. docxtpl has no footnotes,
so quotes carry markers (⟦fn:N⟧) that are replaced after rendering by footnote references, with the
footnotes part written here.
"""

from __future__ import annotations

import copy
import io
import os
import re
import tempfile
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from .compose import TOC_MARK, Draft, DraftError, Segment

_MARK = re.compile(r"⟦fn:(\d+)⟧")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def default_template(kind: str) -> Path:
    from .. import config

    return config.templates_dir() / f"{kind}.docx"


def _rich(segments: list[Segment]):
    from docxtpl import RichText

    text = RichText()
    for segment in segments:
        if segment.highlight:
            text.add(segment.text, highlight="FFFF00", italic=segment.italic)  # docxtpl writes shading, which takes a hex colour
        else:
            text.add(segment.text, italic=segment.italic)
    return text


def _runs(runs: list[tuple[str, bool]]):
    return _rich([Segment(text, italic=italic) for text, italic in runs])


def render(draft: Draft, template: Path, out: Path) -> None:
    """Write the DOCX to `out` (atomically): template filled, footnotes, table of contents with page numbers."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    context = dict(draft.context)
    context["sections"] = [
        dict(section, paragraphs=[_rich(paragraph) for paragraph in section["paragraphs"]]) for section in draft.context["sections"]
    ]
    context["cases"] = [{"short_title": _runs(case["short_title"]), "citation": _runs(case["citation"])} for case in draft.context.get("cases", [])]
    document_template = DocxTemplate(str(template))
    document_template.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    buffer = io.BytesIO()
    document_template.save(buffer)
    buffer.seek(0)

    import docx

    from .pagination import heading_pages

    document = docx.Document(buffer)
    add_footnotes(document, draft.footnotes)
    page_numbers = insert_toc(document)
    _update_fields_on_open(document)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".", suffix=".docx.part")
    os.close(handle)
    try:
        document.save(temporary)
        if page_numbers:  # lay the document out once to learn where each heading falls
            pages = heading_pages(Path(temporary), [heading for heading, _ in page_numbers])
            for heading, number_text in page_numbers:
                number_text.text = str(pages.get(heading, "")) if pages else ""
            document.save(temporary)
        os.replace(temporary, out)  # a failed render never leaves half a file under the requested name
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _update_fields_on_open(document) -> None:
    """Ask Word to refresh fields (the table of contents, page numbers) when the draft is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        element = etree.SubElement(settings, qn("w:updateFields"))
        element.set(qn("w:val"), "true")


def _field_run(kind: str):
    run = etree.Element(qn("w:r"))
    etree.SubElement(run, qn("w:fldChar")).set(qn("w:fldCharType"), kind)
    return run


def _text_run(text: str):
    run = etree.Element(qn("w:r"))
    element = etree.SubElement(run, qn("w:t"))
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run, element


def insert_toc(document) -> list:
    """Replace the ⟦toc⟧ paragraph by a Word TOC field whose entries are the headings after it.

    The entries are the field's current result, so the table reads right before any update; Word
    rebuilds it on request (or on opening, see _update_fields_on_open). Returns (heading, page-number
    text element) pairs for the caller to fill once the layout is known.
    """
    body = document.element.body
    marker = next((p for p in body.iter(qn("w:p")) if "".join(t.text or "" for t in p.iter(qn("w:t"))).strip() == TOC_MARK), None)
    if marker is None:
        return []
    headings = []
    seen_marker = False
    for paragraph in document.paragraphs:
        if paragraph._p is marker:
            seen_marker = True
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        if seen_marker and style in ("Heading 1", "Heading 2") and paragraph.text.strip():
            headings.append((int(style[-1]), paragraph.text.strip()))
    pairs = []
    anchor = marker
    for position, (level, heading) in enumerate(headings):
        entry = etree.Element(qn("w:p"))
        properties = etree.SubElement(entry, qn("w:pPr"))
        tabs = etree.SubElement(properties, qn("w:tabs"))
        tab = etree.SubElement(tabs, qn("w:tab"))
        tab.set(qn("w:val"), "right"), tab.set(qn("w:leader"), "dot"), tab.set(qn("w:pos"), "9020")
        etree.SubElement(properties, qn("w:ind")).set(qn("w:left"), str(360 * (level - 1)))
        if position == 0:
            entry.append(_field_run("begin"))
            instruction = etree.SubElement(etree.SubElement(entry, qn("w:r")), qn("w:instrText"))
            instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
            instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            entry.append(_field_run("separate"))
        entry.append(_text_run(heading)[0])
        tab_run = etree.SubElement(entry, qn("w:r"))
        etree.SubElement(tab_run, qn("w:tab"))
        run, number = _text_run("0")
        entry.append(run)
        if position == len(headings) - 1:
            entry.append(_field_run("end"))
        anchor.addnext(entry)
        anchor = entry
        pairs.append((heading, number))
    marker.getparent().remove(marker)
    return pairs


def _footnote_reference_run(identifier: str):
    run = etree.Element(qn("w:r"))
    properties = etree.SubElement(run, qn("w:rPr"))
    etree.SubElement(properties, qn("w:vertAlign")).set(qn("w:val"), "superscript")
    etree.SubElement(run, qn("w:footnoteReference")).set(qn("w:id"), identifier)
    return run


def add_footnotes(document, notes: list[list[tuple[str, bool]]]) -> None:
    """Replace ⟦fn:N⟧ markers in the body by footnote references and write footnote N = notes[N-1]."""
    if not notes:
        return
    for text_element in list(document.element.body.iter(qn("w:t"))):
        if "⟦fn:" not in (text_element.text or ""):
            continue
        run = text_element.getparent()
        pieces = _MARK.split(text_element.text)
        text_element.text = pieces[0]
        text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        anchor = run
        for position in range(1, len(pieces), 2):
            reference = _footnote_reference_run(pieces[position])
            anchor.addnext(reference)
            anchor = reference
            if pieces[position + 1]:
                follower = copy.deepcopy(run)
                for child in list(follower):
                    if child.tag != qn("w:rPr"):
                        follower.remove(child)
                tail = etree.SubElement(follower, qn("w:t"))
                tail.text = pieces[position + 1]
                tail.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                anchor.addnext(follower)
                anchor = follower
    _footnotes_part(document, notes)


def _footnotes_part(document, notes: list[str]) -> None:
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    root = etree.Element(qn("w:footnotes"), nsmap={"w": _W})
    for identifier, kind, mark in (("-1", "separator", "w:separator"), ("0", "continuationSeparator", "w:continuationSeparator")):
        note = etree.SubElement(root, qn("w:footnote"))
        note.set(qn("w:type"), kind)
        note.set(qn("w:id"), identifier)
        etree.SubElement(etree.SubElement(etree.SubElement(note, qn("w:p")), qn("w:r")), qn(mark))
    for number, runs in enumerate(notes, 1):
        note = etree.SubElement(root, qn("w:footnote"))
        note.set(qn("w:id"), str(number))
        paragraph = etree.SubElement(note, qn("w:p"))
        reference = etree.SubElement(paragraph, qn("w:r"))
        reference_properties = etree.SubElement(reference, qn("w:rPr"))
        etree.SubElement(reference_properties, qn("w:vertAlign")).set(qn("w:val"), "superscript")
        etree.SubElement(reference, qn("w:footnoteRef"))
        for position, (text, italic) in enumerate(runs):
            run = etree.SubElement(paragraph, qn("w:r"))
            run_properties = etree.SubElement(run, qn("w:rPr"))
            if italic:
                etree.SubElement(run_properties, qn("w:i"))
            etree.SubElement(run_properties, qn("w:sz")).set(qn("w:val"), "20")
            content = etree.SubElement(run, qn("w:t"))
            content.text = f" {text}" if position == 0 else text
            content.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            raise DraftError("the template already has footnotes of its own; remove them from the template")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def read_footnotes(document) -> dict[str, str]:
    """Footnote id -> text, from a DOCX opened with python-docx."""
    from ..documents.readers import docx_footnotes

    return docx_footnotes(document)
