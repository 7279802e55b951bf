"""Which words of a paragraph matched the query itself, for highlighting and match-to-match navigation.

A word is marked when its stem is one the user typed ("proposals" for "proposal"), or when it is a
group name the user typed in any of its forms (G-90, G90, Group of 90). An acronym the user typed
marks the acronym and its glossary expansions as whole phrases ("LDC" marks "LDCs" and
"least-developed countries", never "developed" or "least" alone), and a glossary phrase typed in full
marks itself and its acronym. Words that only the acronym's expansion brought into the search are not marked.
"""

from __future__ import annotations

import re

from .index.analysis import glossary_forms, numbered_groups, stem
from .query_parse import parse

_WORD = re.compile(r"[A-Za-z0-9]+")


class QueryWords:
    def __init__(self, query: str):
        concepts = parse(query).concepts if query and query.strip() else []
        self.terms = {concept.term for concept in concepts}
        phrases, forms = [], []
        for term in sorted(self.terms):
            acronyms, expansions = glossary_forms(term)
            phrases += [rf"(?<![\w&]){re.escape(acronym)}s?(?![\w&])" for acronym in acronyms]
            phrases += [r"(?i:(?<!\w)" + r"[\s,-]+".join(map(re.escape, expansion.split())) + r"(?!\w))" for expansion in expansions]
            forms += acronyms + expansions
        self._phrases = re.compile("|".join(sorted(phrases, key=len, reverse=True))) if phrases else None
        # The first word of each form, lower-cased: a paragraph holding none of them cannot match a phrase, and
        # looking for a few words costs less than the phrases' alternation tried at every position.
        self._phrase_starts = {_WORD.search(form).group(0).lower() for form in forms if _WORD.search(form)}
        self._marks: dict[str, bool] = {}  # word as written -> marked: a page repeats its words (half of highlighting was stemming)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matching word or phrase, in order, never overlapping."""
        if not self.terms:
            return []
        groups = numbered_groups(text)
        found = [(start, end) for start, end, term in groups if term in self.terms]
        if self._phrases is not None:
            lowered = text.lower()
            if any(start in lowered for start in self._phrase_starts):
                found += [match.span() for match in self._phrases.finditer(text)]
        inside_group = {position for start, end, _ in groups for position in range(start, end)}  # "90" of "G-90" is no word
        marks = self._marks
        for match in _WORD.finditer(text):
            word = match.group(0)
            marked = marks.get(word)
            if marked is None:
                marked = marks[word] = len(word) > 1 and stem(word.lower()) in self.terms
            if marked and match.start() not in inside_group:
                found.append(match.span())
        spans: list[tuple[int, int]] = []
        for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
        return spans
