"""Split clean document text into masthead, numbered paragraphs, agenda headings and footnotes.

Paragraph numbers are the ones the WTO printed: an explicit number ("12.", "7.82") is taken as it
stands, and an auto-numbered paragraph (marked "&&") counts on from the last number, so a restart or
a gap in the source never shifts later numbers. Unnumbered text after a numbered paragraph ("It was
so agreed.") is kept as its own record but cites that paragraph's number; a document with no
numbering at all gets bracketed ordinals ("[3]") so that no citation pretends to be official.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Footnote, Paragraph
from .readers import PARAGRAPH_MARK, TABLE_ROW

_NOTE_LINE = re.compile(r"^\s*⟦note (\d+)⟧\s*(.*)$")
_NOTE_CALL = re.compile(r"\s?\[\^(\d+)\]")

# "12. &&", and the damaged forms of old conversions: "13;&&", "22:&&", "2s &&".
_MARK_AFTER_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)\s*[.,;:]?[a-z]?\s*&&\s*")
_MARK_BEFORE_NUMBER = re.compile(r"^\s*&&\s*(\d+(?:\.\d+)*)\.\s+")
_MARK = re.compile(r"^\s*&&\s*")
_EXPLICIT_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)\.\s+(?=\S)")
# A typed number that lost its "&&" mark, its full stop sometimes misread ("15, The representative").
_TYPED_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.,;:]\s+(?=[A-Z“\"(])")
# In hard-wrapped text a typed number or a lettered heading opens a new block even without a blank line.
_NEW_BLOCK = re.compile(r"^\s*(?:\d{1,3}\s*[.,;:]|[A-Z]\.)\s+[A-Z“\"(&]")
_MAX_NUMBER_JUMP = 10  # numbers skipped when marks were lost; larger jumps are not paragraph numbers
_FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")
_SENTENCE_END = re.compile(r"[.;!?][\"'”’)\]\d]*\s*$")
_SUB_HEADING = re.compile(r"^\s*(?:-|–|\([ivxIVX]+\)|\([a-z]\)|[ivx]+\.|\d+\.)\s")
_TOP_HEADING = re.compile(r"^\s*(?:[A-Z]\.|Item\s+[A-Z]\b|[IVX]+\.)\s")
_MASTHEAD = re.compile(
    r"^\s*(?:RESTRICTED|WORLD TRADE|ORGANIZATION|Original:|\(\d{2}-\d{3,5}\)|Chair(?:man|person|woman)?\s*:"
    r"|NOTE ON THE MEETING|(?:MINUTES|SUMMARY|RECORD) OF THE MEETING|Addendum|Corrigendum|Revision|Supplement)",
    re.IGNORECASE,
)


@dataclass
class Segmented:
    header_lines: list[str]
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]


@dataclass
class _Block:
    text: str
    marked: bool = False
    number: str | None = None
    table: bool = False  # a table row (cells apart by tabs): text, never a heading


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text (old converted minutes, PDFs): long lines mostly stop mid-sentence."""
    long_lines = [_NOTE_CALL.sub("", line) for line in lines if len(line.strip()) >= 60]
    if len(long_lines) < 5:
        return False
    open_ended = sum(1 for line in long_lines if not _SENTENCE_END.search(line))
    return open_ended / len(long_lines) > 0.5


def _starts_paragraph(line: str) -> bool:
    return bool(_MARK_AFTER_NUMBER.match(line) or _MARK.match(line))


def _blocks(lines: list[str]) -> list[_Block]:
    wrapped = _is_wrapped(lines)
    blocks: list[_Block] = []
    current: list[str] = []
    pending_mark = False

    def flush() -> None:
        nonlocal pending_mark
        if not current:
            return
        text = current[0]
        for line in current[1:]:
            text = text + line.strip() if text.endswith("-") and not text.endswith(" -") else f"{text} {line.strip()}"
        current.clear()
        block = _classify(text)
        block.table = TABLE_ROW in text  # the readers mark the rows of Word and PDF tables
        if pending_mark and not block.marked:
            block.marked = True
        pending_mark = False
        blocks.append(block)

    for line in lines:
        if not line.strip():
            if wrapped:
                flush()
            continue
        if line.strip() == PARAGRAPH_MARK:
            flush()
            pending_mark = True  # "&&" alone on a line marks the next line
            continue
        if not wrapped or _starts_paragraph(line) or _FOOTNOTE_RULE.match(line) or _NEW_BLOCK.match(line):
            flush()
        current.append(line)
        if not wrapped or _FOOTNOTE_RULE.match(line):
            flush()
    flush()
    return blocks


def _classify(text: str) -> _Block:
    for pattern in (_MARK_AFTER_NUMBER, _MARK_BEFORE_NUMBER):
        match = pattern.match(text)
        if match:
            return _Block(_clean(text[match.end() :]), marked=True, number=match.group(1))
    match = _MARK.match(text)
    if match:
        return _Block(_clean(text[match.end() :]), marked=True)
    return _Block(_clean(text))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(PARAGRAPH_MARK, " ").replace(TABLE_ROW, " ")).strip()


def is_heading(text: str, strict: bool = False) -> bool:
    """Agenda items and section titles: short, no closing full stop; `strict` for auto-numbered lines."""
    words = text.split()
    if not words or len(words) > 60:
        return False
    letters = [char for char in text if char.isalpha()]
    upper = bool(letters) and sum(char.isupper() for char in letters) / len(letters) > 0.8
    if text.rstrip().endswith(":"):
        return upper
    # A heading may end with the symbol it is about: "… APPROPRIATELY REFLECTED (WT/COMTD/W/143/REV.1)".
    if _SENTENCE_END.search(re.sub(r"\s*\([^()]*\)\s*$", "", text)):
        return False
    if strict:
        return upper or len(words) <= 12
    return upper or bool(_SUB_HEADING.match(text) or _TOP_HEADING.match(text)) or len(words) <= 20


def _is_top_heading(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    upper = bool(letters) and sum(char.isupper() for char in letters) / len(letters) > 0.8
    return upper or bool(_TOP_HEADING.match(text))


def _heading_text(text: str) -> str:
    return _NOTE_CALL.sub("", re.sub(r"^\s*(?:-|–)\s*", "", text)).strip()


def segment(text: str, own_symbol: str | None = None) -> Segmented:
    """Split a document's clean text; `own_symbol` lets bare running-head lines be dropped."""
    lines = []
    notes: dict[int, str] = {}  # footnotes the reader found (Word's footnote part, a PDF page's foot)
    for line in text.split("\n"):
        note = _NOTE_LINE.match(line)
        if note:
            notes[int(note.group(1))] = note.group(2).strip()
        else:
            lines.append(line)
    blocks = _blocks(lines)
    for block in blocks:
        if block.marked and _MASTHEAD.search(block.text):
            block.marked = False  # "&& Chairman: ..." is masthead, not paragraph 1
    has_marks = any(block.marked for block in blocks)
    counter = 0
    for block in blocks:
        if block.marked:
            counter = int(block.number) if block.number and block.number.isdigit() else counter + 1
            continue
        match = (_TYPED_NUMBER if has_marks else _EXPLICIT_NUMBER).match(block.text)
        if not match:
            continue
        number = match.group(1)
        # Beside auto-numbered paragraphs, a typed number only counts when it moves the sequence on,
        # so that enumerations inside a statement ("1. Report by the Chairman") are not paragraphs.
        if not has_marks or counter < int(number) <= counter + _MAX_NUMBER_JUMP:
            block.number = number
            block.text = block.text[match.end() :].strip()
            counter = int(number) if number.isdigit() else counter
    numbered = [i for i, block in enumerate(blocks) if block.marked or block.number]

    first_body = numbered[0] if numbered else len(blocks)
    masthead_end = 0
    for i, block in enumerate(blocks[:first_body]):
        if _MASTHEAD.search(block.text) or _looks_like_date_or_symbol(block.text):
            masthead_end = i + 1
    if not numbered:
        # Unnumbered documents: the masthead ends at its last recognisable line.
        first_body = masthead_end
    header_lines = [block.text for block in blocks[:masthead_end]]
    body = blocks[masthead_end:]

    footnotes: list[Footnote] = []
    rules = [i for i, block in enumerate(body) if _FOOTNOTE_RULE.match(block.text)]
    if rules and numbered and not notes:
        last_rule = rules[-1]
        tail = body[last_rule + 1 :]
        if not any(block.marked or block.number for block in tail):
            texts = [re.sub(r"^\d+\s+", "", block.text) for block in tail if not _is_own_symbol(block.text, own_symbol)]
            footnotes = [Footnote(number, text) for number, text in enumerate(texts, 1)]
            body = body[:last_rule]

    paragraphs: list[Paragraph] = []
    top: str | None = None
    sub: str | None = None
    last_label: str | None = None
    counter = 0
    ordinal = 0
    for block in body:
        if not block.text or _FOOTNOTE_RULE.match(block.text) or _is_own_symbol(block.text, own_symbol):
            continue
        if block.marked or block.number:
            if (block.number is None or not block.marked) and is_heading(block.text, strict=True):
                # A typed number before a title ("1. INTRODUCTION") numbers a section, not a paragraph.
                title = f"{block.number}. {block.text}" if block.number else block.text
                top, sub = _apply_heading(title, top, sub)
                continue
            if block.number is not None:
                label = block.number
                if re.fullmatch(r"\d+", block.number):
                    counter = int(block.number)
            else:
                counter += 1
                label = str(counter)
            last_label = label
            paragraphs.append(Paragraph(len(paragraphs) + 1, label, True, block.text, _agenda(top, sub)))
            continue
        if is_heading(block.text) and not block.table:
            top, sub = _apply_heading(block.text, top, sub)
            continue
        if last_label is None:
            ordinal += 1
            label = f"[{ordinal}]"
        else:
            label = last_label
        paragraphs.append(Paragraph(len(paragraphs) + 1, label, False, block.text, _agenda(top, sub)))
    if notes:
        footnotes = _attach(paragraphs, notes)
    return Segmented(header_lines, paragraphs, footnotes)


def _attach(paragraphs: list[Paragraph], notes: dict[int, str]) -> list[Footnote]:
    """Take the "[^N]" calls out of the paragraphs and tie footnote N to the paragraph that calls it."""
    called: dict[int, int] = {}
    for paragraph in paragraphs:
        for number in _NOTE_CALL.findall(paragraph.text):
            called.setdefault(int(number), paragraph.seq)
        paragraph.text = _NOTE_CALL.sub("", paragraph.text).strip()
    return [Footnote(number, text, called.get(number)) for number, text in sorted(notes.items())]


def _apply_heading(text: str, top: str | None, sub: str | None) -> tuple[str | None, str | None]:
    heading = _heading_text(text)
    if _is_top_heading(text) and not _SUB_HEADING.match(text):
        return heading, None
    return top, heading


def _agenda(top: str | None, sub: str | None) -> str | None:
    if top and sub:
        return f"{top} – {sub}"
    return top or sub


def _looks_like_date_or_symbol(text: str) -> bool:
    stripped = text.strip()
    if len(stripped) > 60:
        return False
    return bool(
        re.search(r"\b\d{1,2}\s+[A-Za-z]+\s+\d{4}\b", stripped)
        or re.match(r"^(?:WORLD TRADE\s+)?(?:WT|G|JOB|S|IP)/\S+$", stripped)
    )


def _is_own_symbol(text: str, own_symbol: str | None) -> bool:
    return bool(own_symbol) and text.strip().replace(" ", "").upper() == own_symbol.replace(" ", "").upper()
