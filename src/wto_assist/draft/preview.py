"""The assembled statement before it is downloaded, as a reader of the DOCX will see it.

The preview is not a second rendering that could drift from the file: the draft is written through
`draft_document` (template, quotations, footnotes, properties, verification) into a temporary file,
read back with the reader verify uses (docx_text.py), and the file is removed. What the page shows is
the DOCX's own visible text, its footnotes numbered as Word numbers them, its author and creation date,
and each quotation's verification.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import Corpus
from .brief import Brief
from .docx_text import Block, joined, read_visible


@dataclass
class StatementPreview:
    """`paragraphs`: each a list of (kind, text) pieces, kind "text", "mark" (highlighted for review) or
    "note" (a footnote reference: its number); `footnotes`: (number, text) in order."""

    paragraphs: list[list[tuple[str, str]]]
    footnotes: list[tuple[str, str]]
    author: str
    created: str  # ISO 8601, UTC
    checks: list = field(default_factory=list)  # verify.Check of each quotation


def preview_statement(brief: Brief, corpus: Corpus, folder: Path, template: Path | None = None,
                      allow_restricted: bool = False) -> StatementPreview:
    """Draft `brief` into a temporary file under `folder`, read it back, remove it."""
    import docx

    from . import draft_document

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f".preview-{uuid.uuid4().hex[:12]}.docx"
    try:
        result = draft_document(brief, corpus, None, out, template, final=False, allow_restricted=allow_restricted)
        document = docx.Document(str(out))
    finally:
        out.unlink(missing_ok=True)
    visible = read_visible(document)
    numbers: dict[str, str] = {}  # footnote id -> the number Word shows, in order of first reference
    paragraphs = [_pieces(block, numbers) for block in visible.body if block.text.strip()]
    footnotes = [(number, joined(visible.footnotes.get(identifier, [])).text.strip()) for identifier, number in numbers.items()]
    core = document.core_properties
    created = core.created.isoformat() if core.created else ""
    return StatementPreview(paragraphs, footnotes, core.author or "", created, result.checks)


def _pieces(block: Block, numbers: dict[str, str]) -> list[tuple[str, str]]:
    """A paragraph cut where a highlighted span starts or ends and where a footnote reference falls."""
    cuts = sorted({0, len(block.text), *(a for a, _ in block.marked), *(b for _, b in block.marked),
                   *(offset for offset, _ in block.references)})
    notes: dict[int, list[str]] = {}
    for offset, identifier in block.references:
        notes.setdefault(offset, []).append(numbers.setdefault(identifier, str(len(numbers) + 1)))
    pieces: list[tuple[str, str]] = []
    for start, end in zip(cuts, cuts[1:] + [None]):
        pieces += [("note", number) for number in notes.get(start, [])]
        if end is None or start == end:
            continue
        marked = any(a <= start and end <= b for a, b in block.marked)
        pieces.append(("mark" if marked else "text", block.text[start:end]))
    return pieces
