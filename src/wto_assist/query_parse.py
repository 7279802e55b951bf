"""What a plain-language query asks for, beyond its words.

- a year or period ("in 2005", "since 2010", "between 2003 and 2006", a bare "2004") becomes a date
  preference: paragraphs of those meetings rank higher, none are removed (a filter is --from/--to);
- "who raised / who supported / which delegations" asks for delegations' own statements, and
  "what did India say", "India's position on", or a query that opens with a Member ("India says…",
  "EC: …", "Kenya backs Côte d'Ivoire…") for that Member's: both weigh the speaker layer;
- words naming procedure ("took note", "agenda", "invited") let procedural lines compete;
- the query's concepts: each word, acronym or glossary phrase the user wrote, as one index term, so
  counts ("contain all your words") and highlighting follow what was typed, not the acronym's expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import members
from .index.analysis import STOPWORDS, acronym_spans, expansion_spans, lowered_and_folded, normalise_groups, stem
from .index.procedural import asks_for_procedure
from .quality import fold_text

_YEAR = r"((?:19[4-9]|20[0-3])\d)"
_RANGE_WORDS = r"(?:and|to|until|-|–)"
# (pattern, how the years become a period, whether a preposition makes it the question's period). The year stays in the words BM25 sees: a paragraph that
# names the year is often the one meant ("in force since 1971").
_PERIODS = [
    (re.compile(rf"\b(?:between|from)\s+{_YEAR}\s*{_RANGE_WORDS}\s*{_YEAR}\b", re.I), lambda a, b: (a, b), True),
    (re.compile(rf"\b(?:since|from)\s+{_YEAR}\b", re.I), lambda a: (a, None), True),
    (re.compile(rf"\bafter\s+{_YEAR}\b", re.I), lambda a: (a + 1, None), True),
    (re.compile(rf"\b(?:before)\s+{_YEAR}\b", re.I), lambda a: (None, a - 1), True),
    (re.compile(rf"\b(?:until|up to|by)\s+{_YEAR}\b", re.I), lambda a: (None, a), True),
    (re.compile(rf"\b(?:in|during|throughout|over)\s+{_YEAR}\b", re.I), lambda a: (a, a), True),
    # A bare year or range often names a plan or report ("the 2003 TA plan", discussed in 2002): the
    # preference widens by a year on each side.
    (re.compile(rf"\b{_YEAR}\s*[-–/]\s*{_YEAR}\b"), lambda a, b: (a - 1, b + 1), False),
    (re.compile(rf"\b{_YEAR}\b"), lambda a: (a - 1, a + 1), False),
]
_WHO = re.compile(r"^\s*(?:who|which\s+(?:members?|delegations?|countries|groups?|governments?))\b", re.I)
_WHAT_DID = re.compile(r"\bwhat\s+(?:did|does|has|have|had)\s+(?P<who>.+?)\s+(?P<verb>say|said|state|stated|propose|proposed|argue|argued|think)\b", re.I)
_POSITION = re.compile(r"(?P<who>[\w .,'()-]+?)(?:'s|’s|s')\s+(?:position|positions|view|views|statement|statements|intervention|interventions)\b", re.I)
_ACCORDING = re.compile(r"\baccording to (?P<who>[\w .'()-]+?)(?:[,;]|$)", re.I)


@dataclass(frozen=True)
class Concept:
    """One thing the user typed (a word, an acronym, a glossary phrase) and the index term that stands for it."""

    label: str
    term: str


@dataclass
class ParsedQuery:
    original: str
    text: str  # what BM25 ranks on: the query less the question frame ("what did X say")
    concepts: list[Concept] = field(default_factory=list)
    period: tuple[str, str] | None = None  # first and last day preferred
    period_phrase: str | None = None
    period_explicit: bool = False  # "in 2005", "since 2010": the question's period; a bare "2004" may name a plan
    speaker_question: bool = False  # who raised / who supported: delegations' own statements
    speakers: set[str] = field(default_factory=set)  # Members whose own words are asked for
    procedure: bool = False  # the query names procedure


def parse(query: str) -> ParsedQuery:
    """What the query asks for. A search page parses its query three times (ranking, counts, highlighting),
    and a web user pages through one query: parsed once (the names of Members and the glossary are fixed),
    each caller given its own copy of the lists and sets."""
    parsed = _parse(query)
    return replace(parsed, concepts=list(parsed.concepts), speakers=set(parsed.speakers))


@lru_cache(maxsize=1024)
def _parse(query: str) -> ParsedQuery:
    text = query
    period, phrase = None, None
    for pattern, to_years, explicit in _PERIODS:
        match = pattern.search(text)
        if match:
            first, last = to_years(*(int(group) for group in match.groups()))
            period = (f"{first:04d}-01-01" if first else "0000-01-01", f"{last:04d}-12-31" if last else "9999-12-31")
            phrase = match.group(0)
            break
    else:
        explicit = False
    speakers: set[str] = set()
    frame = _WHAT_DID.search(text)
    if frame:
        speakers |= _members_in(frame.group("who"))
        text = text[: frame.start("verb")] + " " + text[frame.end("verb"):]
    for pattern in (_POSITION, _ACCORDING):
        for match in pattern.finditer(text):
            speakers |= _members_in(match.group("who"))
    speakers |= _opening_member(text)
    parsed = ParsedQuery(query, " ".join(text.split()), period=period, period_phrase=phrase, period_explicit=explicit,
                         speaker_question=bool(_WHO.search(query)), speakers=speakers)
    parsed.concepts = concepts(parsed.text)
    parsed.procedure = asks_for_procedure(re.findall(r"[a-z]+", query.lower()))
    return parsed


def describe_period(period: tuple[str, str]) -> str:
    """("2005-01-01", "2005-12-31") -> "of 2005"; open ends read "from 2010 on", "up to 1999"."""
    first, last = period[0][:4], period[1][:4]
    if first == "0000":
        return f"up to {last}"
    if last == "9999":
        return f"from {first} on"
    return f"of {first}" if first == last else f"of {first}–{last}"


def _opening_member(text: str) -> set[str]:
    """The Member or group a query opens with ("EC says…", "Kenya backs Côte d'Ivoire…", "LDC Group:"):
    the query's subject, whose own statement is wanted, not the Members it names further on."""
    found = members.find_all(text.lstrip())
    return {found[0][0].name} if found and found[0][1] == 0 else set()


def _members_in(span: str) -> set[str]:
    return {actor.name for actor, _, _ in members.find_all(span)}


def concepts(text: str) -> list[Concept]:
    """The query's concepts in the order typed: an acronym or glossary phrase is one concept whose term
    is the acronym's (the index carries it for both forms); every other word is its stem."""
    raw = normalise_groups(text)
    found: list[tuple[int, Concept]] = []
    for start, end, token in acronym_spans(raw):
        found.append((start, Concept(raw[start:end], stem(token))))  # the index holds acronym tokens stemmed
        raw = raw[:start] + " " * (end - start) + raw[end:]  # same length: later offsets stay valid
    folded = fold_text(lowered_and_folded(raw))  # as the index's tokens are cut (analysis.tokens)
    for start, end, token in expansion_spans(folded):
        found.append((10_000 + start, Concept(folded[start:end], stem(token))))
        folded = folded[:start] + " " * (end - start) + folded[end:]
    for match in re.finditer(r"[a-z0-9]+", folded):
        word = match.group(0)
        if word not in STOPWORDS and len(word) > 1:  # "s" of "Egypt's", "e" of "e-commerce" say nothing alone
            found.append((10_000 + match.start(), Concept(word, stem(word))))
    unique: dict[str, Concept] = {}
    for _, concept in sorted(found, key=lambda item: item[0]):
        unique.setdefault(concept.term, concept)
    return list(unique.values())

