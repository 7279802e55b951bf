"""Is a quotation faithful to the paragraph it cites? Word for word, on word boundaries, with only the
editing a WTO drafter may make.

Allowed, as WTO reports and submissions write them: an elision ("…", "...", "[…]") that leaves out
words of the same paragraph without dropping a negation or joining text more than a sentence apart;
a bracketed change of case ("[E]xpressed", "[t]he"); "[sic]"; "(emphasis added)", "(emphasis
original)", "(footnote omitted)" at the end. Spacing and the typography of quotation marks, apostrophes
and dashes do not count. Anything else — a changed, added or dropped letter, a quotation that starts
or ends inside a word, any other bracketed insertion — is not the record's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ELIDED = 300  # characters an ellipsis may stand for: more joins distant text into a sentence never said
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": '"', "’": '"', "'": '"', "`": '"',
                       "–": "-", "—": "-", "‑": "-", "‐": "-", "\u00a0": " "})
_EDITING_NOTE = re.compile(r"\s*\((?:emphasis (?:added|original|in original)|original emphasis|footnotes? omitted)\)\s*$", re.I)
_SIC = re.compile(r"\s*\[sic\]", re.I)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.\s?\.\s?\.)\s*\]|…|\.\s?\.\s?\.)\s*")
_BRACKET = re.compile(r"\[([^\]]*)\]")
# Words an ellipsis must never take out: without them the sentence says the opposite.
NEGATION = re.compile(r"\b(?:not|no|never|without|nor|cannot|none|neither|unless|except|non)\b|n't\b|\b(?:un|in|non|dis)-", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?]\"?\s+(?=[A-Z\"])")


@dataclass
class Finding:
    ok: bool
    check: str = ""  # the failed check's name (see CHECKS in verify.py)
    detail: str = ""
    start: int = -1  # where the quotation starts in the paragraph text, when found


def fold(text: str) -> str:
    return text.translate(_FOLD)


def _part_pattern(part: str) -> re.Pattern | str:
    """A regex for one elided part, or the name of the failed check."""
    pieces, position = [], 0
    for bracket in _BRACKET.finditer(part):
        pieces.append(re.escape(part[position : bracket.start()]))
        inside = bracket.group(1)
        if not (len(inside) == 1 and inside.isalpha()):
            return "bracket"
        pieces.append(f"[{inside.upper()}{inside.lower()}]")  # a change of case, the letter itself unchanged
        position = bracket.end()
    pieces.append(re.escape(part[position:]))
    body = re.sub(r"(?:\\ )+|\s+", r"\\s+", "".join(pieces))
    head = r"(?<!\w)" if re.match(r"[\w\[]", part) else ""
    tail = r"(?!\w)" if re.search(r"[\w\]]$", part) else ""
    return re.compile(head + body + tail)


def parts(quote: str) -> list[str] | str:
    """The quoted words between elisions, editing conventions taken out; or the name of the failed check."""
    words = fold(_SIC.sub("", _EDITING_NOTE.sub("", quote))).strip()
    pieces = [piece for piece in _ELLIPSIS.split(words)]
    if not any(re.search(r"\w", piece) for piece in pieces):
        return "quote-text"  # nothing left to check once the elisions are taken out
    return pieces


def _gap_problem(elided: str) -> tuple[str, str] | None:
    if len(elided) > MAX_ELIDED or len(_SENTENCE_BREAK.findall(elided)) > 1:
        return "ellipsis-span", "the ellipsis joins words more than a sentence apart"
    negation = NEGATION.search(elided)
    if negation:
        return "ellipsis-negation", f"the ellipsis leaves out “{negation.group(0).strip()}”, which changes the meaning"
    return None


def check(paragraph_text: str, quote: str) -> Finding:
    """Whether `quote` is faithful to one paragraph."""
    pieces = parts(quote)
    if isinstance(pieces, str):
        return Finding(False, pieces, "nothing is quoted once the elisions are taken out")
    patterns = [_part_pattern(piece.strip()) if piece.strip() else None for piece in pieces]
    if "bracket" in patterns:
        return Finding(False, "bracket", "a bracketed insertion is not the record's words (only a change of case or [sic])")
    haystack = fold(paragraph_text)
    problems: list[tuple[str, str]] = []

    def place(index: int, position: int, previous_end: int | None) -> int | None:
        """Start of the first part when parts index.. fit from `position` on; None when they cannot."""
        if index == len(patterns):
            return position
        pattern = patterns[index]
        if pattern is None:  # an ellipsis at the start or end of the quotation
            return place(index + 1, position, previous_end) if index in (0, len(patterns) - 1) else None
        for found in pattern.finditer(haystack, position):
            if previous_end is not None:
                problem = _gap_problem(haystack[previous_end : found.start()])
                if problem:
                    problems.append(problem)
                    continue
            if place(index + 1, found.end(), found.end()) is not None:
                return found.start()
        return None

    start = place(0, 0, None)
    if start is not None:
        return Finding(True, start=start)
    if problems:
        return Finding(False, *problems[0])
    loose = [re.compile(p.pattern.replace(r"(?<!\w)", "").replace(r"(?!\w)", "")) for p in patterns if p is not None]
    if all(p.search(haystack) for p in loose):
        return Finding(False, "word-boundary", "the quotation starts or ends inside a word of the record")
    return Finding(False, "quote-text", "the quoted words are not in the cited paragraph")


def check_paragraphs(paragraph_texts: list[str], quote: str) -> tuple[Finding, int]:
    """The best finding over a numbered paragraph and its unnumbered continuation, and which one matched."""
    findings = [check(text, quote) for text in paragraph_texts]
    for position, finding in enumerate(findings):
        if finding.ok:
            return finding, position
    joined = check(" ".join(paragraph_texts), quote) if len(paragraph_texts) > 1 else None
    if joined is not None and (joined.ok or joined.check.startswith("ellipsis")):
        return Finding(False, "ellipsis-span", "the ellipsis joins text of different paragraphs"), 0
    ranked = sorted(findings, key=lambda f: f.check in ("quote-text",))  # the more specific reason first
    return ranked[0], 0
