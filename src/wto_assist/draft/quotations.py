"""Find the quotations in a paragraph as a reader sees it, and the citation each one carries.

A quotation is any span between quotation marks — “…”, ‘…’, «…», straight "…" or '…' — in a
sentence that carries a citation: a footnote reference anywhere in the sentence (after the closing
mark, after punctuation or "(emphasis added)", at the end of the sentence) or an inline pinpoint
such as "(WT/COMTD/M/990, para. 7)". A quotation takes the first citation after its opening mark
in its sentence, or else the last one before it. Apostrophes (Member’s, Members’) never open or
close a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .docx_text import Block

_CLOSER = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "'": "'"}
_ALWAYS_OPEN = "“«„"  # never an apostrophe: a quotation even when it is not closed before the paragraph ends
# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {"para", "paras", "no", "nos", "mr", "ms", "mrs", "dr", "art", "arts", "e.g", "i.e", "cf", "p", "pp",
                  "rev", "corr", "add", "vol", "h.e", "st", "inc", "ltd", "co", "fn", "ch", "sec", "viz", "op", "cit"}
_SENTENCE_END = re.compile(r"[.!?][\"”’»)\]]*\s+(?=[\"“‘«]?[A-Z0-9])")  # "(…)" after a full stop: a citation of the sentence before


@dataclass
class Span:
    start: int  # the opening mark
    end: int  # just after the closing mark
    words: str  # between the marks


@dataclass
class Citation:
    offset: int
    footnote: str | None = None  # a footnote reference's id
    inline: str | None = None  # an inline pinpoint's text


@dataclass
class Quotation:
    span: Span
    sentence: tuple[int, int]
    citation: Citation | None
    lead: str  # the sentence before the opening mark, other quotations left out


def _opens(text: str, at: int) -> bool:
    mark = text[at]
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else ""
    if mark in _ALWAYS_OPEN:
        return True
    if before.isalnum():
        return False  # Member's, 1990's
    return bool(after) and not after.isspace() and (mark != "'" or after.isalnum())


def _closes(text: str, at: int, opener: str) -> bool:
    if opener in _ALWAYS_OPEN or opener == '"':
        return True
    after = text[at + 1] if at + 1 < len(text) else ""
    return not after.isalnum() and not text[at - 1].isspace()  # Members’ rights stays inside ‘…’ only if followed by a letter


def spans(text: str) -> list[Span]:
    """Outermost quoted spans, left to right; quotation marks inside a quotation belong to it."""
    found, position = [], 0
    while position < len(text):
        mark = text[position]
        if mark in _CLOSER and _opens(text, position):
            closer, end = _CLOSER[mark], position + 1
            while end < len(text) and not (text[end] == closer and _closes(text, end, mark)):
                end += 1
            if end < len(text):
                if text[position + 1 : end].strip():
                    found.append(Span(position, end + 1, text[position + 1 : end]))
                position = end + 1
                continue
            if mark in _ALWAYS_OPEN and text[position + 1 :].strip():  # never closed: the rest of the paragraph
                found.append(Span(position, len(text), text[position + 1 :]))
                break
        position += 1
    return found


def _inside(offset: int, quoted: list[Span]) -> bool:
    return any(span.start < offset < span.end for span in quoted)


def sentences(text: str, quoted: list[Span]) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a full stop inside a quotation or after an abbreviation ends none."""
    bounds, start = [], 0
    for found in _SENTENCE_END.finditer(text):
        if _inside(found.start(), quoted) and not any(span.end <= found.end() and span.end > found.start() for span in quoted):
            continue
        word = re.search(r"([\w.]+)$", text[start : found.start()])
        if word and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1).split(".")[-1])):
            continue
        bounds.append((start, found.end()))
        start = found.end()
    if start < len(text) or not bounds:
        bounds.append((start, len(text)))
    return bounds


def inline_citations(text: str, quoted: list[Span], patterns: tuple[re.Pattern, ...]) -> list[Citation]:
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not _inside(match.start(), quoted) and not any(c.offset <= match.start() < c.offset + len(c.inline) for c in found):
                found.append(Citation(match.start(), inline=match.group(0)))
    return found


def quotations(block: Block, patterns: tuple[re.Pattern, ...]) -> tuple[list[Quotation], list[Citation]]:
    """The quotations of a block with their citations, and the citations that carry no quotation."""
    quoted = spans(block.text)
    citations = sorted([Citation(offset, footnote=identifier) for offset, identifier in block.references]
                       + inline_citations(block.text, quoted, patterns), key=lambda c: c.offset)
    result, used = [], set()
    for start, end in sentences(block.text, quoted):
        here = [c for c in citations if start <= c.offset < end or (end == len(block.text) and c.offset == end)]
        for span in (s for s in quoted if start <= s.start < end):
            after = [c for c in here if c.offset > span.start]
            before = [c for c in here if c.offset <= span.start]
            citation = after[0] if after else (before[-1] if before else None)
            if citation is not None:
                used.add(id(citation))
            lead = block.text[start : span.start]
            for other in quoted:
                if start <= other.start < span.start:
                    lead = lead.replace(block.text[other.start : other.end], " ")
            result.append(Quotation(span, (start, end), citation, lead))
    return result, [c for c in citations if id(c) not in used]
