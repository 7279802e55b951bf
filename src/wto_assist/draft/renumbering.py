"""Correct the citations of a draft made before its sources were re-numbered as the WTO printed them.

`verify` reports a quotation whose paragraph now carries another number as RENUMBERED, with the
citation as it is now (Check.corrected); `fix_citations` writes a copy of the draft with each such
pinpoint replaced in the body and the footnotes, and changes nothing else. Only pinpoints whose old
number leads to one new number are replaced: where one old number became several (a paragraph and the
text the old rule folded into it) and the draft cites it for different words, the draft is left for
the user to correct, and the pinpoint is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from .docx_text import footnotes_element


@dataclass
class Correction:
    replaced: dict[str, str] = field(default_factory=dict)  # old citation -> citation now
    ambiguous: list[str] = field(default_factory=list)  # old citations that now lead to several paragraphs
    occurrences: int = 0


def corrections(checks) -> Correction:
    result = Correction()
    targets: dict[str, set[str]] = {}
    for check in checks:
        if check.status == "renumbered" and check.corrected:
            targets.setdefault(check.citation, set()).add(check.corrected)
    for old, new in targets.items():
        if len(new) == 1:
            result.replaced[old] = next(iter(new))
        else:
            result.ambiguous.append(old)
    return result


def _pattern(replaced: dict[str, str]) -> re.Pattern:
    # "para. 27" must not match inside "para. 270" or "para. 27.1".
    return re.compile("|".join(re.escape(old) + r"(?![\d]|\.\d)" for old in sorted(replaced, key=len, reverse=True)))


def _fix_paragraph(paragraph, pattern: re.Pattern, replaced: dict[str, str]) -> int:
    """Replace pinpoints in one w:p whose text may be split across runs: the new text goes into the run
    where the pinpoint starts, and the rest of the old pinpoint is taken out of the runs it spilled into."""
    texts = list(paragraph.iter(qn("w:t")))
    joined = "".join(t.text or "" for t in texts)
    matches = list(pattern.finditer(joined))
    for match in reversed(matches):
        start, end = match.span()
        position = 0
        for element in texts:
            text = element.text or ""
            piece_start, piece_end = position, position + len(text)
            position = piece_end
            if piece_end <= start or piece_start >= end:
                continue
            local_start, local_end = max(start, piece_start) - piece_start, min(end, piece_end) - piece_start
            insert = replaced[match.group(0)] if piece_start <= start < piece_end else ""
            element.text = text[:local_start] + insert + text[local_end:]
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return len(matches)


def fix_citations(path: Path, out: Path, checks) -> Correction:
    """Write `out`: the draft at `path` with every re-numbered pinpoint that `checks` found corrected."""
    result = corrections(checks)
    document = Document(str(path))
    if result.replaced:
        pattern = _pattern(result.replaced)
        for paragraph in document.element.body.iter(qn("w:p")):
            result.occurrences += _fix_paragraph(paragraph, pattern, result.replaced)
        notes = footnotes_element(document)
        if notes is not None:
            for paragraph in notes.iter(qn("w:p")):
                result.occurrences += _fix_paragraph(paragraph, pattern, result.replaced)
            _store_footnotes(document, notes)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    document.save(str(partial))
    partial.replace(out)
    return result


def _store_footnotes(document, element) -> None:
    """A footnotes part python-docx reads as plain bytes keeps its changes only when written back."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not relationship.is_external:
            part = relationship.target_part
            if getattr(part, "element", None) is None:
                part._blob = etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
