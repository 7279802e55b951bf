"""Ingest stage: a file on disk becomes a Document with numbered, attributed paragraphs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .header import family_for, parse_header
from .model import Citation, Document, Paragraph
from .readers import PARAGRAPH_MARK, SUPPORTED_SUFFIXES, ReadError, read_text
from .restriction import decide as decide_restriction
from .segment import segment
from .speakers import attribute
from .symbols import symbol_from_filename

__all__ = ["Citation", "Document", "Paragraph", "ReadError", "SUPPORTED_SUFFIXES", "parse_file"]

_MASTHEAD_LINES = 40
# The first line of every sample document in corpora/: written for wto-assist, not an official WTO document.
SAMPLE_MARK = "ILLUSTRATIVE SAMPLE"
MAX_PARAGRAPHS = 50_000  # the longest WTO reports have a few thousand
MAX_PARAGRAPH_CHARS = 100_000  # a long WTO paragraph is a few thousand characters


def _masthead(text: str) -> list[str]:
    """The lines before the first numbered paragraph, where the symbol and dates are printed."""
    lines: list[str] = []
    for line in text.split("\n"):
        if PARAGRAPH_MARK in line or len(lines) >= _MASTHEAD_LINES:
            break
        if line.strip():
            lines.append(line.strip())
    return lines


def parse_file(path: Path) -> Document:
    """Read, segment and attribute one file; raises ReadError with a one-line reason."""
    data = path.read_bytes()
    text, encoding = read_text(path)
    masthead = _masthead(text)
    header = parse_header(masthead)
    symbol, symbol_source = header.symbol, "header"
    if symbol is None:
        symbol, symbol_source = symbol_from_filename(path.stem), "filename"
    if symbol is None:
        raise ReadError("no WTO document symbol in the document header or the file name")
    segmented = segment(text, str(symbol))
    if not segmented.paragraphs:
        raise ReadError("no paragraphs found after the document header")
    if len(segmented.paragraphs) > MAX_PARAGRAPHS:
        raise ReadError(f"{len(segmented.paragraphs):,} paragraphs: more than any WTO document has ({MAX_PARAGRAPHS:,}); not read")
    longest = max(segmented.paragraphs, key=lambda paragraph: len(paragraph.text))
    if len(longest.text) > MAX_PARAGRAPH_CHARS:
        raise ReadError(f"paragraph {longest.label} is {len(longest.text):,} characters long: no WTO paragraph is;"
                        " a file without paragraph breaks?")
    attribute(segmented.paragraphs)
    family = family_for(symbol, header.family_hint)
    is_minutes = family in ("minutes", "tpr-minutes")
    date = (header.meeting_date or header.circulated) if is_minutes else (header.circulated or header.meeting_date)
    restriction = decide_restriction(str(symbol), family, header.restricted, header.circulated, header.meeting_date, header.derestricted_note)
    return Document(
        symbol=str(symbol),
        family=family,
        body=symbol.body,
        date=date,
        restricted=header.restricted,
        title=header.title,
        paragraphs=segmented.paragraphs,
        footnotes=segmented.footnotes,
        circulated=header.circulated,
        source_path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        symbol_source=symbol_source,
        derestricted_on=restriction.derestricted_on,
        restriction_rule=restriction.rule,
        sample=any(line.upper().startswith(SAMPLE_MARK) for line in masthead[:3]),
    )
