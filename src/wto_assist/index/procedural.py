"""Procedural lines of the minutes: kept in the index, ranked below substantive paragraphs.

A paragraph is procedural when it is short and every sentence in it is one of the Committee's
procedural formulas: an invitation to speak, thanks, "took note", adoption of the agenda, "It was so
agreed", the meeting adjourned, or the Chair proposing that the Committee take note. A paragraph
that adds anything else (a decision on a document, a date, a view) is substantive.
"""

from __future__ import annotations

import re

MAX_WORDS = 60  # longer paragraphs carry substance even when they open with a formula
_CHAIR = r"the (?:chair|chairman|chairperson|chairwoman|vice-chair\w*)"
_BODY = r"(?:the )?(?:committee|ctd|sub-committee|members)"
_FORMULAS = [
    rf"{_BODY} (?:took|takes|had taken|would take) note\b",
    r"it was so (?:agreed|decided)\b",
    r"(?:the )?(?:provisional |revised |draft )?agenda (?:was|is|had been) adopted\b",
    rf"{_BODY} adopted the (?:provisional |revised |draft )?agenda\b",
    rf"{_CHAIR} said that the (?:provisional |revised |draft )?agenda for\b",
    r"the (?:meeting|session) (?:was|is) (?:adjourned|closed|suspended)\b",
    rf"{_CHAIR} (?:declared|closed|adjourned) the (?:meeting|session)\b",
    rf"{_CHAIR} (?:invited|called upon|called on|gave the floor|opened the floor)\b",
    rf"(?:{_CHAIR}|he|she) thanked\b",
    rf"(?:{_CHAIR}|he|she) (?:said|proposed|suggested|noted) that,? (?:in the absence of|if there (?:were|was) no|"
    rf"{_BODY} (?:take|took) note|he would take it|she would take it)",
    rf"(?:{_CHAIR}|he|she) (?:proposed|suggested) that {_BODY} (?:take|took) note\b",
    r"(?:in the absence of any (?:comments|objections?|further comments)|if there (?:were|was) no (?:comments|objections?))",
    r"(?:he|she) (?:would take|took) it that\b",
]
_FORMULA = re.compile(r"(?:" + "|".join(_FORMULAS) + ")", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
# Query words that ask for procedure itself: then procedural lines compete on equal terms.
PROCEDURE_WORDS = frozenset(
    "note agenda adopt adopted adoption agreed agree invite invited invitation adjourn adjourned floor thank thanked procedural procedure".split()
)


def is_procedural(text: str) -> bool:
    """True when every sentence of a short paragraph opens with a procedural formula."""
    words = text.split()
    if not words or len(words) > MAX_WORDS:
        return False
    sentences = [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence.strip()]
    return all(_FORMULA.match(sentence.strip()) for sentence in sentences)


def asks_for_procedure(query_words: list[str]) -> bool:
    """A query that names procedure ("took note", "adoption of the agenda", "invited") wants those lines."""
    return any(word.lower() in PROCEDURE_WORDS for word in query_words)
