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

from .compose import Draft, DraftError, Segment

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
            text.add(segment.text, highlight="FFFF00")  # docxtpl writes shading, which takes a hex colour
        else:
            text.add(segment.text)
    return text


def render(draft: Draft, template: Path, out: Path) -> None:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    context = dict(draft.context)
    context["sections"] = [
        {"heading": section["heading"], "paragraphs": [_rich(paragraph) for paragraph in section["paragraphs"]]}
        for section in draft.context["sections"]
    ]
    document_template = DocxTemplate(str(template))
    document_template.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    buffer = io.BytesIO()
    document_template.save(buffer)
    buffer.seek(0)

    import docx

    document = docx.Document(buffer)
    add_footnotes(document, draft.footnotes)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".docx.part")
    os.close(handle)
    try:
        document.save(temporary)
        os.replace(temporary, out)  # a failed render never leaves half a file under the requested name
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _footnote_reference_run(identifier: str):
    run = etree.Element(qn("w:r"))
    properties = etree.SubElement(run, qn("w:rPr"))
    etree.SubElement(properties, qn("w:vertAlign")).set(qn("w:val"), "superscript")
    etree.SubElement(run, qn("w:footnoteReference")).set(qn("w:id"), identifier)
    return run


def add_footnotes(document, notes: list[str]) -> None:
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
    for number, text in enumerate(notes, 1):
        note = etree.SubElement(root, qn("w:footnote"))
        note.set(qn("w:id"), str(number))
        paragraph = etree.SubElement(note, qn("w:p"))
        reference = etree.SubElement(paragraph, qn("w:r"))
        reference_properties = etree.SubElement(reference, qn("w:rPr"))
        etree.SubElement(reference_properties, qn("w:vertAlign")).set(qn("w:val"), "superscript")
        etree.SubElement(reference, qn("w:footnoteRef"))
        run = etree.SubElement(paragraph, qn("w:r"))
        run_properties = etree.SubElement(run, qn("w:rPr"))
        etree.SubElement(run_properties, qn("w:sz")).set(qn("w:val"), "18")
        content = etree.SubElement(run, qn("w:t"))
        content.text = f" {text}"
        content.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            raise DraftError("the template already has footnotes of its own; remove them from the template")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def read_footnotes(document) -> dict[str, str]:
    """Footnote id -> text, from a DOCX opened with python-docx."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            part = relationship.target_part
            root = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
            notes = {}
            for note in root.iter(qn("w:footnote")):
                notes[note.get(qn("w:id"))] = "".join(t.text or "" for t in note.iter(qn("w:t"))).strip()
            return notes
    return {}
