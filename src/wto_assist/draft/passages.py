"""Which words of the record to quote: whole sentences that stand on their own.

A quotation begins and ends at a clause boundary: a whole sentence, or the words a reporting verb
introduces ("stressed that …", "emphasised …") up to the end of the sentence, with the sentence's own
full stop. A sentence that only makes sense after the previous one ("These included: …", "However,
…", "It was …", "He went on to say …") is not picked by a query when another passage will do, and is
flagged for review when it is used. Procedural lines ("The Chairman invited …", "took note", "It was
so agreed") and the Chair's or the Secretariat's accounts rank below a Member's own point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..index.analysis import tokens
from .. import members
from .attribution import SPEECH_VERBS, Reported, frame_speakers, frame_verb, reported_words

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "i.e e.g mr ms mrs dr no nos para paras art arts p pp etc viz cf vs st u.s u.k rev add corr vol op cit approx incl "
    "jan feb mar apr jun jul aug sep sept oct nov dec h.e amb".split()
)
_BOUNDARY = re.compile(r"([.?!])([\"”’)]*)\s+(?=[“\"‘(]?[A-Z0-9])")
# Words that open a sentence (or the quoted words) and point back to what came before.
CONTEXT_OPENERS = re.compile(
    r"^[“\"‘(]?(?:However|These|This|Those|That|It|Its|They|Their|Them|Such|Thus|Hence|Moreover|Furthermore|"
    r"In addition|Additionally|Also|Similarly|Likewise|Nevertheless|Nonetheless|Yet|Lastly|Secondly|Thirdly|"
    r"Second|Third|As a result|As such|For this reason|For that reason|To that end|To this end|"
    r"In this (?:regard|respect|context|connection|case)|In that (?:regard|respect|context|connection|case)|"
    r"On the other hand|On this|Otherwise|Instead|Meanwhile|Accordingly|Consequently|Besides|Therefore|"
    r"The (?:former|latter|same|above|following|first|second|third|last|other|next|rest|remaining)|Both|Neither|Either|"
    r"He|She|His|Her|"
    r"(?:He|She|His delegation|Her delegation) (?:went on|continued|added|also|further))\b",
    re.I,
)
_PROCEDURAL = re.compile(
    r"\b(?:invited|took note|so agreed|so decided|the floor|adopt(?:ed)? the (?:agenda|report)|agenda (?:was|as) adopted|"
    r"proposed that the Committee|would revert|revert to|next meeting|(?:open|clos|adjourn)(?:ed)? the meeting|"
    r"meeting (?:was|is) (?:adjourned|closed)|thanked|drew (?:the )?attention|under this (?:agenda )?item)\b",
    re.I,
)
_MEMBER_KINDS = ("member", "group", "observer")
# A sentence whose subject is someone else speaking in the record ("The Secretariat was aware …").
_OTHER_SUBJECT = re.compile(r"^(?:The\s+)?(?:Secretariat|Chair\w*|Vice-Chair\w*|Director-General)\b")
MIN_WORDS, MAX_WORDS = 6, 90


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its own closing punctuation ("…, i.e. the Members" is one)."""
    result, start = [], 0
    for found in _BOUNDARY.finditer(text):
        before = re.search(r"(\S+)$", text[start:found.start(1)])
        word = (before.group(1) if before else "").lower().lstrip("(“\"")
        if found.group(1) == "." and (word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)):
            continue
        result.append(text[start:found.end(2)].strip())
        start = found.end()
    tail = text[start:].strip()
    if tail:
        result.append(tail)
    return result


def needs_context(words: str) -> str | None:
    """Why the words do not stand on their own ("starts with the word These …"), or None."""
    found = CONTEXT_OPENERS.match(words.strip())
    if found:
        opener = found.group(0).lstrip("“\"‘(")
        # No quotation marks in a note: verify reads quoted spans as quotations.
        return f"starts with the word {opener}, which refers to what the record said before"
    if re.search(r"\bthe (?:former|latter)\b", words, re.I):
        return "speaks of the former or the latter, which refers to what the record said before"
    if words.rstrip().endswith(":"):
        return "ends with a colon: the list it introduces is not quoted"
    return None


def is_procedural(sentence: str) -> bool:
    return bool(_PROCEDURAL.search(sentence))


@dataclass
class Passage:
    paragraph: dict
    sentence: str  # the whole sentence of the record
    reported: Reported  # the sentence split into the reporting frame and the words to quote
    paragraph_verb: str | None  # the paragraph's own reporting verb (for a sentence without a frame)
    review: str | None  # why a reader must check it against the record, or None
    issues: tuple[str, ...]  # what makes it a weaker choice (procedural, the Chair's account …)
    overlap: int  # query words it holds

    @property
    def words(self) -> str:
        return self.reported.words


def passage(paragraph: dict, sentence: str, query: str | None = None, all_sentences: list[str] | None = None) -> Passage:
    """One sentence of a paragraph, read as a quotation: what to quote, how to introduce it, what to flag."""
    found = all_sentences if all_sentences is not None else sentences(paragraph["text"])
    reported = reported_words(sentence)
    verb = frame_verb(paragraph["text"], found) if reported.verb is None else reported.verb
    review = needs_context(sentence) or needs_context(reported.words)
    position = found.index(sentence) if sentence in found else 0
    if review is None and position == 0 and CONTEXT_OPENERS.match(paragraph["text"]):
        review = needs_context(paragraph["text"])
    if review is None and not re.search(r"[.?!][\"”’)]*$", sentence.strip()):
        review = "not a complete sentence in the record"
    issues = []
    if is_procedural(sentence):
        issues.append("procedural")
    kind = paragraph.get("speaker_kind") or ""
    if not paragraph.get("speaker"):
        issues.append("no speaker")
    elif kind not in _MEMBER_KINDS:
        issues.append("not a Member's statement")
    if reported.verb is None and verb not in SPEECH_VERBS:  # "the statement of X included the following:"
        issues.append("no reporting verb")
    named = frame_speakers(sentence)
    speaker = members.canonical(paragraph.get("speaker") or "") or paragraph.get("speaker")
    if (named and speaker not in named and members.canonical(paragraph.get("on_behalf_of") or "") not in named) or (
            reported.verb is None and _OTHER_SUBJECT.match(sentence) and kind not in ("chair", "secretariat")):
        issues.append("someone else speaks")
    length = len(reported.words.split())
    if length < MIN_WORDS or length > MAX_WORDS:
        issues.append("too short" if length < MIN_WORDS else "too long")
    overlap = len(set(tokens(query)) & set(tokens(reported.words))) if query else 0
    return Passage(paragraph, sentence, reported, verb, review, tuple(issues), overlap)


def best_passage(paragraph: dict, query: str | None) -> Passage:
    """The sentence of a paragraph that best serves as a quotation for the query: sound ones first
    (standing alone, a Member's substantive point), then the most query words, then the earliest."""
    found = sentences(paragraph["text"]) or [paragraph["text"]]
    candidates = [passage(paragraph, sentence, query, found) for sentence in found]
    return min(candidates, key=lambda p: (p.review is not None, len(p.issues), -p.overlap, found.index(p.sentence)))


def rank(paragraphs: list[dict], query: str) -> list[Passage]:
    """The best passage of each search hit, sound passages of Members first (in search order), then the
    rest: a quotation needing context or a procedural line is used only when nothing better was found."""
    chosen = [best_passage(paragraph, query) for paragraph in paragraphs]
    order = {id(p): position for position, p in enumerate(chosen)}
    return sorted(chosen, key=lambda p: (p.review is not None, len(p.issues) > 0, p.overlap == 0, order[id(p)]))
