"""A Member turn's stance on what it discusses: supports, opposes, has reservations, asks questions, neutral.

Minutes report positions through a small set of reporting verbs and cues: "could not support",
"opposed", "objected to" (opposes); "had difficulties with", "was not in a position to", "had concerns
about", "was not convinced" (has reservations); "sought clarification", "asked whether", "wondered"
(asks questions); "supported", "welcomed", "was in favour of", "had no objection" (supports). A turn
with none of them is neutral (a report, thanks, information). Opposition and reservations outweigh the
courtesies that usually precede them ("While welcoming the proposal, his delegation had difficulties
with…"); between support and questions the first cue of the turn decides, as the minutes open a turn
with what the delegation mainly did. The evidence is the sentence that holds the deciding cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STANCES = ("supports", "opposes", "has reservations", "asks questions", "neutral")

_NOT = r"\b(?:(?:could|can|would|will|did|does|do|was|were|is|are)(?:\s+not|n[’']t)|cannot|unable\s+to|not\s+able\s+to)"
# Cues that turn a support cue around come first: "had no difficulty with" supports, "could not support" opposes.
_CUES = [
    ("supports", r"\b(?:had|has|have|saw|raised)\s+no\s+(?:objection|difficult(?:y|ies)|problem)s?|\bdid\s+not\s+oppose"
                 r"|\b(?:could|can|would)\s+(?:support|accept|agree|go\s+along|join)"),
    ("opposes", rf"{_NOT}\s+(?:\w+\s+){{0,2}}?(?:support|accept|agree|endorse|join\s+(?:the\s+)?consensus|go\s+along)"
                r"|\bopposed?\b|\bopposition\s+to\b|\bobject(?:ed|s)?\s+to\b|\brejected\b|\bwas\s+against\b"
                r"|\bnot\s+in\s+favour\b|\bdisagreed\b|\bblock(?:ed)?\s+(?:the\s+)?consensus\b"),
    ("has reservations", r"\bdifficult(?:y|ies)\s+with\b|\bhad\s+(?:some\s+|serious\s+|certain\s+|a\s+number\s+of\s+)?difficulties\b"
                         r"|\bnot\s+in\s+a\s+position\s+to\b|\b(?:had|has|have|expressed|raised)\s+(?:some\s+|serious\s+|certain\s+|systemic\s+|strong\s+)?"
                         r"(?:concerns?|reservations?|doubts?|misgivings)\b|\breservations?\s+(?:about|on|regarding|with)\b"
                         r"|\bwas\s+(?:not\s+convinced|concerned|sceptical|skeptical|hesitant|cautious|not\s+ready)\b"
                         r"|\bcautioned\b|\bpremature\b|\bquestioned\s+(?:whether|the\s+need|the\s+usefulness|the\s+value)\b"
                         r"|\bnot\s+(?:yet\s+)?(?:ready|convinced)\b|\bcould\s+not\s+see\s+(?:the\s+)?(?:need|value|merit)\b"
                         # an amendment asked for before the text is accepted
                         r"|\bsuggested\s+(?:that\s+)?(?:the\s+)?(?:word|words|text|title|language|reference|phrase)\b"
                         r"|\bshould\s+be\s+(?:deleted|amended|replaced|redrafted)\b|\b(?:proposed|requested)\s+(?:the\s+)?deletion\b"
                         r"|\bno\s+instructions\b|\bmore\s+time\s+to\s+(?:study|consider|reflect|examine)\b"),
    ("asks questions", r"\bsought\s+(?:some\s+)?clarifications?\b|\b(?:asked|requested|sought)\s+(?:\w+\s+){0,3}?(?:clarifications?|explanations?)\b"
                       r"|\b(?:asked\s+for|sought)\s+(?:more\s+|further\s+|additional\s+)?information\b"
                       r"|\basked\s+(?:whether|if|what|how|why|when|which|who|about|the\s+Secretariat|the\s+Chair\w*)\b"
                       r"|\bwondered\b|\b(?:enquired|inquired|queried)\b|\b(?:would|wished\s+to)\s+(?:like\s+to\s+)?know\b"
                       r"|\bhad\s+(?:a\s+|some\s+|two\s+|three\s+|a\s+few\s+)?(?:questions?|queries)\b|\bposed\s+(?:a\s+)?questions?\b"
                       r"|\bcurious\s+to\s+know\b|\basked\s+(?:the\s+)?\w+(?:\s+\w+)?\s+(?:delegation\s+)?(?:for|to\s+(?:explain|clarify))\b"),
    ("supports", r"\bsupport(?:ed|s)?\b|\bendorsed?\b|\bwelcomed?\b|\b(?:was|were|is|are|remained)\s+(?:\w+\s+)?in\s+favour\s+of\b|\bfavoured\b|\bassociated\s+(?:itself|himself|herself)\b"
                 r"|\bagreed\s+with\b|\bconcurred\b|\bjoined\s+(?:the\s+)?(?:consensus|previous)\b|\bwas\s+pleased\b|\bcommended\b|\bbacked\b"
                 r"|\bassociated\s+(?:\w+\s+){0,2}?with\b|\burged\b|\bcalled\s+(?:on|upon)\b|\bspoke\s+in\s+favour\b"
                 r"|\bshared\s+the\s+views?\b|\bagreed\s+that\b|\b(?:was|were)\s+(?:\w+\s+)?merit\b|\bmerit\s+in\b"
                 r"|\b(?:a\s+)?good\s+basis\b|\b(?:very|extremely|particularly|most)\s+(?:useful|helpful|valuable)\b"
                 r"|\b(?:good|excellent|comprehensive|useful|valuable)\s+(?:paper|document|note|report|proposal|work|basis)\b"
                 r"|\b(?:stressed|underlined|emphasi[sz]ed|highlighted|underscored|reiterated)\s+the\s+(?:importance|need|relevance|urgency)\b"),
]
# Matched on the lower-cased text: several times faster than IGNORECASE over the corpus (bench_relations.py).
_PATTERNS = [(stance, re.compile(pattern)) for stance, pattern in _CUES]
# Words one of which each list of cues needs: a substring test is far cheaper than the regex, and a turn
# without any of them cannot match (checked over the CTD corpus when the cues change).
_GATES = [
    ("no ", "not oppose", "could ", "can ", "would "),
    ("not", "n't", "n’t", "cannot", "unable", "oppos", "object", "reject", "against", "favour", "disagree", "block"),
    ("difficult", "position", "concern", "reservation", "doubt", "misgiving", "convinced", "concerned", "sceptic", "skeptic",
     "hesitant", "cautio", "premature", "questioned", "ready", "suggested", "should be", "deletion", "instructions", "more time"),
    ("clarif", "explan", "ask", "sought", "wonder", "enquir", "inquir", "queri", "know", "question", "curious", "information", "posed"),
    ("support", "endors", "welcom", "favour", "associat", "agree", "concur", "joined", "pleased", "commend", "backed", "urged",
     "called", "spoke", "shared", "merit", "good", "useful", "helpful", "valuable", "excellent", "comprehensive", " the importance",
     " the need", " the relevance", " the urgency"),
]
_OUTWEIGHS = ("opposes", "has reservations")
# "Support" that is someone else's, or a subject rather than a position: "technical support", "support measures".
_NOT_A_POSITION = re.compile(r"(?:technical|financial|trade|budgetary|domestic|income|price|export)\s+$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z\"“(])")


@dataclass(frozen=True)
class Stance:
    member: str
    on_behalf_of: str | None
    stance: str
    cue: str | None
    evidence: str


def turn_stances(paragraphs: list[tuple], texts: dict[int, str]) -> dict[int, list[Stance]]:
    """The stance of each turn, given to every paragraph of it: a turn is a Member's paragraph and the
    paragraphs that continue it ("He went on to say…"), and the minutes often state the position only
    there. `paragraphs`: relations.Turn records in document order; `texts`: paragraph id -> text."""
    found: dict[int, list[Stance]] = {}
    turn: list = []

    def close() -> None:
        if turn and turn[0].speaker_kind in ("member", "group") and turn[0].speaker:
            joined = " ".join(texts[t.paragraph_id] for t in turn)
            stance, span = classify(joined)
            first = turn[0]
            evidence = _evidence(joined, span) if span else _sentence_at(joined, 0)[1][:300]
            record = Stance(first.speaker, first.on_behalf_of, stance, joined[span[0] : span[1]] if span else None, evidence.strip())
            for t in turn:
                found[t.paragraph_id] = [record]
        for t in turn:
            found.setdefault(t.paragraph_id, [])

    for paragraph in paragraphs:
        if paragraph.paragraph_id not in texts:
            continue
        continues = (turn and paragraph.continues and paragraph.speaker == turn[-1].speaker
                     and paragraph.symbol == turn[-1].symbol)
        if not continues:
            close()
            turn = []
        turn.append(paragraph)
    close()
    return found


def classify(text: str) -> tuple[str, tuple[int, int] | None]:
    """(stance, the deciding cue's span in `text`) for one turn's text."""
    folded = text.lower()
    if len(folded) != len(text):  # a character whose lower case is longer would shift every offset
        folded = text
    first: dict[str, tuple[int, int]] = {}
    taken: list[tuple[int, int]] = []  # spans of earlier cues: "could not support" is not also "support"
    for (stance, pattern), gate in zip(_PATTERNS, _GATES):
        if not any(word in folded for word in gate):
            continue
        for match in pattern.finditer(folded):
            if any(start <= match.start() < end for start, end in taken):
                continue
            if stance == "supports" and _NOT_A_POSITION.search(folded[max(0, match.start() - 12) : match.start()]):
                continue
            taken.append(match.span())
            if stance not in first or match.start() < first[stance][0]:
                first[stance] = match.span()
    for stance in _OUTWEIGHS:
        if stance in first:
            return stance, first[stance]
    if first:
        stance, span = min(first.items(), key=lambda item: item[1][0])
        return stance, span
    return "neutral", None


def _evidence(text: str, span: tuple[int, int]) -> str:
    """The sentence holding the cue, cut to 300 characters around the cue when longer."""
    start_of_sentence, sentence = _sentence_at(text, span[0])
    if len(sentence) <= 300:
        return sentence
    start = max(0, span[0] - start_of_sentence - 120)
    return sentence[start : start + 300].strip()


def _sentence_at(text: str, offset: int) -> tuple[int, str]:
    """(start, sentence) of the sentence holding `offset`."""
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() >= offset:
            return start, text[start : boundary.start()]
        start = boundary.end()
    return start, text[start:]
