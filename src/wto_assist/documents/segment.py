"""Split clean document text into masthead, numbered paragraphs, agenda headings and footnotes.

Paragraph numbers are the ones the WTO printed, or, where the text lost them, the ones the WTO's
template gives: every body paragraph is numbered ("It was so agreed." and "He went on to say…"
included), headings, list items, statements read out in full, table rows and footnotes are not (see
"numbering" below and docs/numbering.md). Each paragraph records how its number was decided; a
document with no numbering at all gets bracketed ordinals ("[3]") so that no citation pretends to be
official.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import voice
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
    garbled: bool = False  # opened with a number out of sequence: a paragraph whose number was misread


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped text (old converted minutes, PDFs): long lines mostly stop mid-sentence."""
    long_lines = [_NOTE_CALL.sub("", line) for line in lines if len(line.strip()) >= 60]
    if len(long_lines) < 5:
        return False
    open_ended = sum(1 for line in long_lines if not _SENTENCE_END.search(line))
    return open_ended / len(long_lines) > 0.5


def _wrap_width(lines: list[str]) -> int:
    """The width hard-wrapped text was wrapped at: the usual length of its long lines."""
    lengths = sorted(len(line.rstrip()) for line in lines if len(line.strip()) >= 60)
    return lengths[len(lengths) // 2] if lengths else 0


def _ends_short(line: str, width: int) -> bool:
    """A line of wrapped text that ends a sentence well before the wrap width ends its paragraph (the
    blank line or the number that marked the break was lost in conversion)."""
    return bool(width) and len(line.rstrip()) < 0.75 * width and bool(_SENTENCE_END.search(line))


def _indented_start(previous: str, line: str, width: int) -> bool:
    """After a sentence ends, a wrapped line clearly shorter than the width, not ending a sentence itself,
    is a paragraph's first line: the lost number and its indent took that room."""
    return (bool(width) and bool(_SENTENCE_END.search(previous)) and len(line.rstrip()) <= width - 7
            and not _SENTENCE_END.search(line))


def _starts_paragraph(line: str) -> bool:
    return bool(_MARK_AFTER_NUMBER.match(line) or _MARK.match(line))


def _blocks(lines: list[str]) -> list[_Block]:
    wrapped = _is_wrapped(lines)
    width = _wrap_width(lines) if wrapped else 0
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
        if (not wrapped or _starts_paragraph(line) or _FOOTNOTE_RULE.match(line) or _NEW_BLOCK.match(line)
                or current and line.lstrip()[:1].isupper() and (_ends_short(current[-1], width) or _indented_start(current[-1], line, width))):
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
    contents, lines = _table_of_contents(lines)
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
        if is_heading(block.text[match.end() :].strip(), strict=True):
            # "1. INTRODUCTION" numbers a section: the paragraphs' own count is not moved by it.
            block.number, block.text = number, block.text[match.end() :].strip()
            continue
        # Beside auto-numbered paragraphs, a typed number only counts when it moves the sequence on,
        # so that enumerations inside a statement ("1. Report by the Chairman") are not paragraphs.
        if not number.isdigit() or counter < int(number) <= counter + _MAX_NUMBER_JUMP:
            block.number = number
            block.text = block.text[match.end() :].strip()
            counter = int(number) if number.isdigit() else counter
        elif not has_marks and int(number) <= counter + _MAX_NUMBER_JUMP * 10:
            # A paragraph number the conversion garbled ("28." between 77 and 79): a paragraph all the same.
            block.garbled = True
            block.text = block.text[match.end() :].strip()
    _drop_out_of_sequence(blocks)
    numbered = [i for i, block in enumerate(blocks) if block.marked or block.number]

    first_body = numbered[0] if numbered else len(blocks)
    masthead_end = 0
    for i, block in enumerate(blocks[:first_body]):
        if _MASTHEAD.search(block.text) or _looks_like_date_or_symbol(block.text):
            masthead_end = i + 1
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

    body = [b for b in body if b.text and not _FOOTNOTE_RULE.match(b.text) and not _is_own_symbol(b.text, own_symbol)]
    printed = sum(1 for block in body if block.number)
    if not numbered:
        paragraphs = _ordinal_paragraphs(body, contents)
    elif printed >= 0.6 * sum(1 for block in body if not _heading_block(block, contents)):
        paragraphs = _printed_paragraphs(body, contents)
    else:
        paragraphs = _counted_paragraphs(body, contents)
    if notes:
        footnotes = _attach(paragraphs, notes)
    return Segmented(header_lines, paragraphs, footnotes)


def _drop_out_of_sequence(blocks: list[_Block]) -> None:
    """Numbers that break the document's rising sequence ("25.", "32.", "26.": a misread "26.") are
    conversion errors: keep the longest rising run of whole numbers and count the rest as paragraphs
    whose number was lost."""
    # A typed number before a title ("1. INTRODUCTION") numbers a section, not a paragraph: left out.
    indexed = [(i, int(block.number)) for i, block in enumerate(blocks)
               if block.number and block.number.isdigit() and (block.marked or not is_heading(block.text, strict=True))]
    if len(indexed) < 3:
        return
    # Longest strictly rising subsequence (patience sorting, with links back to rebuild it).
    tails: list[int] = []  # position in `indexed` of the smallest tail of a run of each length
    back: list[int | None] = []
    for position, (_, number) in enumerate(indexed):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if indexed[tails[middle]][1] < number:
                low = middle + 1
            else:
                high = middle
        back.append(tails[low - 1] if low else None)
        if low == len(tails):
            tails.append(position)
        else:
            tails[low] = position
    keep = set()
    position = tails[-1] if tails else None
    while position is not None:
        keep.add(position)
        position = back[position]
    for position, (index, _) in enumerate(indexed):
        if position not in keep:
            blocks[index].number, blocks[index].garbled = None, True


# --- numbering ----------------------------------------------------------------------------------
# The WTO numbers every body paragraph of its minutes and reports ("It was so agreed." and "He went on
# to say…" included); agenda headings, list items inside a paragraph, table rows and footnotes carry no
# number. Three cases, each paragraph recording which one decided its number (Paragraph.numbering):
# - printed: the text prints its numbers ("54.", "3.12"); they are taken as they stand, and text without
#   a number between two printed ones is part of the paragraph above ("within").
# - counted: the text lost its numbers (converted minutes keep an "&&" mark on some paragraphs only);
#   every body paragraph is counted the way the WTO template numbers it, and a number that survived
#   in the text puts the count right ("printed").
# - ordinal: nothing in the document numbers it; bracketed ordinals ("[3]") so that no citation
#   pretends to be official.

_LIST_ITEM = re.compile(r"^\s*(?:[-–•·▪o]\s|\(?[a-z]\)\s|\(?[ivx]{1,5}\)\s|\d{1,2}\)\s)")
_LIST_INTRO_END = re.compile(r"[:;]\s*$|\b(?:and|or)\s*$")
_TOC_LINE = re.compile(r"^\s*(?:[A-Z]\.|[IVX]+\.|-|–|\([ivx]+\)|\([a-z]\)|\d{1,2}\.)?\s*\t?(?P<title>\S.*?)\s*\t\s*\d{1,3}\s*$")


def _table_of_contents(lines: list[str]) -> tuple[set[str], list[str]]:
    """Lines of a table of contents ("A.<tab>Observers<tab>2") are taken out; their titles are returned,
    folded, so that the same titles in the body are known to be headings."""
    titles: set[str] = set()
    kept = []
    for line in lines:
        match = _TOC_LINE.match(line)
        if match and "\t" in line and not _MARK.match(line):
            titles.add(_fold(_heading_text(match.group("title"))))
            continue
        kept.append(line)
    return titles, kept


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def _in_contents(text: str, contents: set[str]) -> bool:
    folded = _fold(_heading_text(re.sub(r"^\s*(?:[A-Z]\.|[IVX]+\.|\([ivx]+\)|\([a-z]\))\s+", "", text)))
    return len(folded) > 3 and (folded in contents or any(len(folded) > 30 and title.startswith(folded) for title in contents))


# Records of a decision are paragraphs however short ("It was so agreed", its full stop lost).
_DECISION_LINE = re.compile(r"^\W*(?:It\s+was\s+(?:so\s+)?(?:agreed|decided)|The\s+(?:Committee|agenda)\s+(?:was\s+)?(?:so\s+)?"
                            r"(?:agreed|adopted|took\s+note|decided))", re.IGNORECASE)


def _heading_block(block: _Block, contents: set[str]) -> bool:
    if block.table or _DECISION_LINE.match(block.text) or block.text.rstrip().endswith(","):
        return False  # a decision, however short; "Mr. Chairman, Distinguished Members," opens a statement
    if _capitals(block.text) and len(block.text.split()) <= 80:
        return True  # an agenda item in capitals, full stop or not
    if _SUB_ITEM_TITLE.match(block.text) and not _REPORTING_VERB.search(block.text) and len(block.text.split()) <= 60:
        return True  # "Statement by the Chairman of the Committee on Budget … ." names a sub-item
    if _in_contents(block.text, contents) and not _SENTENCE_END.search(block.text):
        return True
    if block.marked or block.number:
        return (block.number is None or not block.marked) and is_heading(block.text, strict=True)
    return is_heading(block.text) or _unfinished_title(block.text)


# Sub-items of an agenda are named, not reported: "Report by …", "Communication from …", "Review of …".
_SUB_ITEM_TITLE = re.compile(
    r"^\W*(?:\([ivx]+\)\s*|[ivx]+\.\s*|[a-z]\)\s*)?(?:Report|Statement|Communication|Notification|Presentation|Proposal|Review|"
    r"Request|Requests|Submission|Note|Briefing|Update|Consideration|Further consideration|Adoption|Election|Date)\s+"
    r"(?:by|from|of|on|for)\b"
)
_REPORTING_VERB = re.compile(
    r"\b(?:said|recalled|noted|stated|informed|added|explained|thanked|welcomed|proposed|suggested|indicated|was|were|had)\b"
)


def _capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 8 and sum(char.isupper() for char in letters) / len(letters) > 0.8


def _is_sentence(text: str) -> bool:
    return len(text.split()) >= 4 and bool(_SENTENCE_END.search(text) or text.rstrip().endswith(":")) and not _capitals(text)


def _unfinished_title(text: str) -> bool:
    """A line that is no sentence (a paragraph of minutes ends with a full stop, a colon or a quotation
    mark): a long agenda sub-item missing from the table of contents, in capitals or not."""
    stripped = re.sub(r"\s*\([^()]*\)\s*$", "", text.strip())
    if not stripped or len(stripped.split()) > 120 or not (stripped[0].isupper() or stripped[0] in "-–(\"“"):
        return False
    if stripped.endswith(",") or voice.ADDRESS.match(stripped):
        return False  # "Mr. Chairman, Distinguished Members," opens a statement read out
    return not re.search(r"[.:;!?…][\"'”’)\]\d]*$", stripped)


def _printed_paragraphs(body: list[_Block], contents: set[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    headings = _Headings()
    last: str | None = None
    ordinal = 0
    first = next((block.number for block in body if block.number), None)
    # Sentences before the first printed number are the paragraphs it follows ("2." after an unprinted "1.").
    leading = sum(1 for block in body[: next(i for i, b in enumerate(body) if b.number)]
                  if _is_sentence(block.text) and not _heading_block(block, contents)) if first else 0
    lost = _lost_numbers(body, contents)
    for block in body:
        if _heading_block(block, contents):
            headings.apply(block)
            continue
        if (not block.number and first and first.isdigit() and leading == int(first) - 1 and _is_sentence(block.text)
                and int(last or 0) < leading):
            last = str(int(last or 0) + 1)
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, True, block.text, headings.agenda(),
                                        numbering="counted", marked=False))
            continue
        if block.number:
            last = block.number
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, True, block.text, headings.agenda(), marked=True))
        elif id(block) in lost and last is not None and last.isdigit():
            last = str(int(last) + 1)
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, True, block.text, headings.agenda(), numbering="counted",
                                        marked=False, numbering_note=lost[id(block)]))
        elif (block.garbled or block.marked) and last is not None and last.isdigit():
            last = str(int(last) + 1)
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, True, block.text, headings.agenda(),
                                        numbering="counted", marked=False))
        elif last is None:
            ordinal += 1
            paragraphs.append(Paragraph(len(paragraphs) + 1, f"[{ordinal}]", True, block.text, headings.agenda(),
                                        numbering="ordinal", marked=False))
        else:
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, False, block.text, headings.agenda(),
                                        numbering="within", marked=block.marked))
    return paragraphs


def _lost_numbers(body: list[_Block], contents: set[str]) -> dict[int, str]:
    """Paragraphs whose printed numbers the conversion lost: between printed 15 and 19, exactly three
    unnumbered paragraphs that read as sentences are 16, 17 and 18. Only when the count fits exactly;
    otherwise the unnumbered text stays inside the paragraph above. Keys: id() of the block."""
    lost: dict[int, str] = {}
    # Paragraph numbers only: "2. TRADE AND DEVELOPMENT" numbers a section, "15.1" is no whole paragraph.
    printed = [(i, int(block.number)) for i, block in enumerate(body)
               if block.number and block.number.isdigit() and not _heading_block(block, contents)]
    for (start, number), (end, following) in zip(printed, printed[1:]):
        between = [block for block in body[start + 1 : end]
                   if not block.number and not _heading_block(block, contents) and not block.table
                   and _is_sentence(block.text) and block.text[:1].isupper() and not _LIST_ITEM.match(block.text)]
        if between and len(between) == following - number - 1:
            for block in between:
                lost[id(block)] = f"no number in the text between printed {number} and {following}: counted"
    return lost


def _counted_paragraphs(body: list[_Block], contents: set[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    headings = _Headings()
    counter = 0
    last: str | None = None
    in_list = False  # after "… as follows:" or an item ending with ";": list items of that paragraph
    semicolons: bool | None = None  # the list's items end with ";" (True) or are sentences (False)
    in_statement = False  # inside a statement reproduced in full: unmarked text until the minutes report again
    reported_above = False  # the paragraph above reports speech in the third person, as minutes do
    started = False
    ordinal = 0
    in_annex = False  # after an "ANNEX" heading
    # Inside a text "reproduced below:" or "made the following statement:": True before its first block, then
    # "quotation" (runs to the closing quotation mark) or "text" (until the minutes report again); False outside.
    reproduced: bool | str = False
    quoted_above = False  # the block above is a quotation from a document, introduced by "… that:"
    last_item = False  # the item above ended "…; and": the next item is the list's last
    bulleted: bool | None = None  # the open list's items carry bullets ("- …", "(a) …")
    nested = False  # an item of the open list introduced a list of its own
    announced = 0  # items still due of a list whose paragraph announced how many ("seven specific remarks:")
    for block in body:
        if block.number and block.number.isdigit() and counter and not (
                (int(block.number) == counter + 1 or counter < int(block.number) <= counter + _MAX_NUMBER_JUMP
                 and voice.minutes_speak(block.text)) if reproduced
                else counter - 1 <= int(block.number) <= counter + _MAX_NUMBER_JUMP):
            # "2. Approach" in a presentation reproduced where the count stands at 141: the slide's own
            # numbering, not the minutes'; the number stays in the text.
            block.text, block.number = f"{block.number}. {block.text}", None
        if reproduced and _reproduction_ends(reproduced, block, contents):
            reproduced = False
        if reproduced:  # slides, tables and their titles: all inside the paragraph that reproduces them
            note = None
            if reproduced is True:  # its first block decides: a quotation runs to its closing mark, whatever it says
                reproduced = "quotation" if block.text.lstrip()[:1] in "\"“" else "text"
                note = "a text reproduced in full from here on is taken as part of the paragraph above"
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, False, block.text, headings.agenda(), numbering="within",
                                        marked=block.marked, numbering_note=note))
            if reproduced == "quotation" and voice.closes_quotation(block.text):
                reproduced = False
            continue
        if in_list and bulleted and not _LIST_ITEM.match(block.text) and not block.text[:1].islower() and not announced:
            in_list = False  # a list written with bullets ends at the first line without one
        heading = _heading_block(block, contents)
        if heading and (in_list or in_statement) and not (
                _capitals(block.text) or _in_contents(block.text, contents) or _is_annex_heading(block.text)):
            heading = False  # a line without a full stop inside a list or a statement is part of it
        if heading:
            headings.apply(block)
            in_list = in_statement = reported_above = False
            in_annex = in_annex or _is_annex_heading(block.text)
            continue
        if not started and not (block.marked or block.number or _is_sentence(block.text)):
            # Before the first marked paragraph: what the table of contents left ("Subjects discussed:").
            ordinal += 1
            paragraphs.append(Paragraph(len(paragraphs) + 1, f"[{ordinal}]", True, block.text, headings.agenda(),
                                        numbering="ordinal", marked=False))
            continue
        started = True
        # First-person text continues a statement being read out, or one the paragraph above reported;
        # after a heading (an annexed statement, a report in the Chair's own words) it is numbered.
        # An annexed paper (a Member's presentation, a report) is numbered paragraph by paragraph as it stands.
        speech = not in_annex and voice.direct_speech(block.text) and (in_statement or reported_above) and (in_statement or not block.marked or voice.present_tense(block.text))
        reports = bool(voice.REPORTED.match(block.text) or _DECISION_LINE.match(block.text) or voice.REFERS_BACK.match(block.text))
        # List items are often marked too (Word's bullets). An announced count keeps items that open like
        # paragraphs ("He emphasized …"), never a decision or a marked paragraph giving the floor to someone.
        floor_passes = bool(_DECISION_LINE.match(block.text)) or block.marked and voice.minutes_speak(block.text)
        listed = in_list and (not reports or announced > 0 and not floor_passes)
        # After a text quoted from a document ("… stated that:" then the quotation), the paragraph goes on,
        # unless the floor passes or the Committee decides.
        after_quotation = quoted_above and not _DECISION_LINE.match(block.text) and not voice.NEW_SPEAKER.match(block.text)
        within = last is not None and not block.number and (
            block.table or listed or _LIST_ITEM.match(block.text) is not None or block.text[:1].islower()
            or (not block.marked and not reports and block.text.rstrip().endswith(";"))  # no paragraph ends with ";": an item
            or speech or (in_statement and not block.marked and not voice.MINUTES_RESUME.match(block.text))
            or after_quotation
        )
        quoted_above = False
        if within:
            note = None
            if block.marked:
                note = "marked as a paragraph in the source, taken as part of the paragraph above"
            elif speech or in_statement:
                note = "taken as part of a statement reproduced in the paragraph above"
            elif after_quotation and not listed:
                note = "taken as the paragraph going on after the quotation above"
            paragraphs.append(Paragraph(len(paragraphs) + 1, last, False, block.text, headings.agenda(),
                                        numbering="within", marked=block.marked, numbering_note=note))
            quoted_above = bool(block.text.lstrip()[:1] in "\"“" and voice.closes_quotation(block.text))
            # A list of clauses ("…;", "… and") ends with the item that ends with a full stop; a list of
            # sentences goes on until the minutes report again.
            ends_clause = bool(_LIST_INTRO_END.search(block.text)) or block.text.rstrip().endswith(",")
            listed = listed or block.text.rstrip().endswith(";")
            if listed and bulleted is None:
                bulleted = _LIST_ITEM.match(block.text) is not None
            if listed and semicolons is None:
                semicolons = ends_clause or block.text[:1].islower()  # "to identify …" continues the sentence above
            if listed and not ends_clause and not last_item and _INNER_SENTENCE.search(block.text):
                semicolons = False  # an item of several sentences: a list of sentences, whatever the first item ended with
            # Items run together on one line ("to identify …; to examine …; and to identify …") count each.
            announced = max(announced - 1 - block.text.rstrip().rstrip(";").count(";"), 0) if listed else 0
            in_list = ends_clause or (listed and not semicolons and not last_item) or announced > 0
            last_item = listed and bool(_LAST_ITEM_NEXT.search(block.text))
            nested = nested or (listed and block.text.rstrip().endswith(":"))
            if listed and not in_list and nested:
                in_list, semicolons = True, None  # an inner list ("… in 2002:" then its items) ended; the outer one goes on
            in_statement = (in_statement or speech or voice.opens_quote(block.text, False)) and not voice.closes_statement(block.text)
            continue
        note = None
        if block.number and re.fullmatch(r"\d+", block.number):
            if int(block.number) != counter + 1:
                note = f"printed number {block.number} where the count gave {counter + 1}"
            counter = int(block.number)
            numbering = "printed"
        elif block.number:  # a section-decimal number ("3.12") is taken as printed
            numbering = "printed"
        else:
            counter += 1
            numbering = "counted"
        last = block.number or str(counter)
        if numbering == "counted" and _ENUMERATED_POINT.match(block.text) and not voice.SPEECH_VERB.search(block.text):
            # Usually a paragraph of its own; sometimes the official document indents such points inside the
            # paragraph above, and the converted text no longer shows it (WT/COMTD/M/40, paras. 62-63).
            note = "an enumerated point (\"Second, …\") counted as a paragraph of its own; it may be printed inside the paragraph above"
        if paragraphs and paragraphs[-1].text == block.text:
            note = "repeats the text of the paragraph above (a conversion may have doubled it)"
        paragraphs.append(Paragraph(len(paragraphs) + 1, last, True, block.text, headings.agenda(),
                                    numbering=numbering, marked=block.marked or bool(block.number), numbering_note=note))
        in_list = block.text.rstrip().endswith(":")
        nested = False
        bulleted = None
        last_item = False
        reproduced = bool(voice.REPRODUCED_BELOW.search(block.text))
        announced = _announced_items(block.text) if in_list else 0
        semicolons = None
        in_statement = not in_annex and (voice.opens_quote(block.text, False) or bool(in_list and voice.introduces_statement(block.text)))
        reported_above = voice.reports_speech(block.text)
    return paragraphs


_ANNEX_HEADING = re.compile(r"^\W*(?:ANNEX|ATTACHMENT|APPENDIX)\b", re.IGNORECASE)


def _is_annex_heading(text: str) -> bool:
    """ "ANNEX", "Annex I - Costa Rica's Experience …": a title, not a sentence that opens with the word."""
    return bool(_ANNEX_HEADING.match(text)) and not _SENTENCE_END.search(text) and len(text.split()) <= 15
_ENUMERATED_POINT = re.compile(r"^\W*(?:(?:The\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth)\s+(?:of\s+(?:those|these)|observation|point)\b"
                               r"|(?:Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth)(?:ly)?,)", re.IGNORECASE)


def _reproduction_ends(kind: bool | str, block: _Block, contents: set[str]) -> bool:
    """Whether `block` is the minutes again after a reproduced text of `kind` (True: before its first block)."""
    if block.number or _DECISION_LINE.match(block.text):  # "It was so agreed." is always the minutes' own voice
        return True
    if _is_annex_heading(block.text) or (
            _in_contents(block.text, contents) and not _SENTENCE_END.search(block.text)):
        return True  # an annex, or an agenda item of the table of contents: not a slide's own title ("B. SYNOPSIS")
    if kind == "quotation":  # a marked block in the speaker's own voice (first person, present tense) is still inside;
        # the minutes giving the floor again end it even where the closing mark was lost
        if block.marked and voice.MINUTES_RESUME.match(block.text):
            return True
        return bool(block.marked or voice.MINUTES_RESUME.match(block.text)) and not (
            voice.FIRST_PERSON.search(block.text) or len(voice.PRESENT.findall(block.text)) > len(voice.PAST.findall(block.text)))
    return block.marked or kind == "text" and bool(voice.REPORTED.match(block.text) or voice.MINUTES_RESUME.match(block.text))


_LAST_ITEM_NEXT = re.compile(r"\b(?:and|or),?\s*$")
_INNER_SENTENCE = re.compile(r"[a-z]{2}\.\s+[A-Z]")
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ANNOUNCED = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(?:[a-z-]+\s+){0,3}?(?:remarks|points|questions|elements|issues|comments"
                        r"|observations|proposals|suggestions|areas|objectives|priorities|things|reasons|concerns|aspects"
                        r"|recommendations|principles|components|pillars|steps|options|conclusions|themes)\b[^.:]*:\s*$", re.IGNORECASE)


def _announced_items(text: str) -> int:
    """How many list items a paragraph ending "… he had seven specific remarks:" announces (0: not said).
    The items' own letters are often lost in conversion, and an item may open like a new paragraph
    ("He emphasized …"); the count says where the list ends."""
    found = _ANNOUNCED.search(text)
    return _NUMBER_WORDS[found.group(1).lower()] if found else 0


def _ordinal_paragraphs(body: list[_Block], contents: set[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    headings = _Headings()
    for block in body:
        if _heading_block(block, contents):
            headings.apply(block)
            continue
        paragraphs.append(Paragraph(len(paragraphs) + 1, f"[{len(paragraphs) + 1}]", True, block.text,
                                    headings.agenda(), numbering="ordinal", marked=False))
    return paragraphs


def _attach(paragraphs: list[Paragraph], notes: dict[int, str]) -> list[Footnote]:
    """Take the "[^N]" calls out of the paragraphs and tie footnote N to the paragraph that calls it."""
    called: dict[int, int] = {}
    for paragraph in paragraphs:
        for number in _NOTE_CALL.findall(paragraph.text):
            called.setdefault(int(number), paragraph.seq)
        paragraph.text = _NOTE_CALL.sub("", paragraph.text).strip()
    return [Footnote(number, text, called.get(number)) for number, text in sorted(notes.items())]


SUB_HEADINGS = " | "  # between sub-headings printed together, in an agenda item


class _Headings:
    """The agenda item a paragraph falls under: the last top heading and the sub-heading(s) under it.
    Sub-headings printed one after another with no paragraph between them ("- Communication from China
    and Pakistan (JOB/DEV/39/Rev.1)", "- Communication from Argentina, Brazil and Paraguay (JOB/DEV/41)")
    are one item discussing every paper they name, so they are kept together, joined by SUB_HEADINGS (a
    separator no heading holds: names in a heading are themselves listed with "; ")."""

    def __init__(self) -> None:
        self.top: str | None = None
        self.sub: str | None = None
        self.used = True  # a paragraph has been placed under the current sub-heading

    def apply(self, block: _Block) -> None:
        text = f"{block.number}. {block.text}" if block.number and not block.marked else block.text
        heading = _heading_text(text)
        if _is_top_heading(text) and not _SUB_HEADING.match(text):
            self.top, self.sub = heading, None
        elif self.sub and not self.used:
            self.sub = f"{self.sub}{SUB_HEADINGS}{heading}"
        else:
            self.sub = heading
        self.used = False

    def agenda(self) -> str | None:
        self.used = True
        if self.top and self.sub:
            return f"{self.top} – {self.sub}"
        return self.top or self.sub


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
