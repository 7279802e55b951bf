"""Which words of a paragraph matched the query itself, for highlighting and match-to-match navigation.

A word is marked when its stem is one the user typed ("proposals" for "proposal"), or when it is a
group name the user typed in any of its forms (G-90, G90, Group of 90). An acronym the user typed
marks the acronym and its glossary expansions as whole phrases ("LDC" marks "LDCs" and
"least-developed countries", never "developed" or "least" alone), and a glossary phrase typed in full
marks itself and its acronym. Words that only the acronym's expansion brought into the search are not marked.
"""

from __future__ import annotations

import re

from .index.analysis import WRITTEN_WORD, glossary_forms, numbered_groups, word_stem
from .query_parse import parse

_WORD = WRITTEN_WORD  # letters and digits, accented ones too


def _word_character(character: str) -> bool:
    """Whether _WORD counts the character as part of a word."""
    return character.isalnum()


def _whole(words: list[str], word: str) -> str:
    """A pattern for the words (separated by spaces, commas or hyphens) not preceded by a `word` character.
    The check follows the first character: a pattern that opens with a character is looked for by it, one
    that opens with a look-behind is tried at every position of a paragraph."""
    first = re.escape(words[0][0])
    return f"{first}(?<!{word}{first})" + r"[\s,-]+".join([re.escape(words[0][1:])] + [re.escape(rest) for rest in words[1:]])


def _alternatives(patterns: list[str], flags: int = 0) -> re.Pattern | None:
    """One pattern for all, the longest first (where two match at one place, the longer form is marked)."""
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)), flags) if patterns else None


class QueryWords:
    def __init__(self, query: str):
        concepts = parse(query).concepts if query and query.strip() else []
        self.terms = {concept.term for concept in concepts}
        acronym_patterns, expansion_patterns, forms = [], [], []
        for term in sorted(self.terms):
            acronyms, expansions = glossary_forms(term)
            acronym_patterns += [_whole([acronym], r"[\w&]") + r"s?(?![\w&])" for acronym in acronyms]
            expansion_patterns += [_whole(expansion.split(), r"\w") + r"(?!\w)" for expansion in expansions]
            forms += acronyms + expansions
        # Acronyms as written, expansions in any case: two patterns, so that neither needs a case switch per
        # alternative (one pattern holding both took over four times as long on the CTD minutes: bench_page_steps.py).
        self._acronyms = _alternatives(acronym_patterns)
        self._expansions = _alternatives(expansion_patterns, re.IGNORECASE)
        # The first word of each form, lower-cased: a paragraph holding none of them cannot match a phrase, and
        # looking for a few words costs less than the phrases' alternation tried at every position.
        self._phrase_starts = {_WORD.search(form).group(0).lower() for form in forms if _WORD.search(form)}
        # Words as written met so far, and those of them marked: pages repeat their words (stemming each occurrence
        # was half of highlighting). The web app keeps one QueryWords per query for its requests, which may run at
        # once: both sets only grow, and whether a word is marked never depends on what was met before.
        self._seen: set[str] = set()
        self._marked: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matching word or phrase, in order, never overlapping."""
        if not self.terms:
            return []
        groups = numbered_groups(text)
        found = [(start, end) for start, end, term in groups if term in self.terms]
        if self._phrase_starts:
            lowered = text.lower()
            if any(start in lowered for start in self._phrase_starts):
                found += self._phrase_spans(text)
        found += [span for span in self._word_spans(text) if not any(start <= span[0] < end for start, end, _ in groups)]  # "90" of "G-90" is no word
        spans: list[tuple[int, int]] = []
        for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
        return spans

    def _phrase_spans(self, text: str) -> list[tuple[int, int]]:
        """Acronyms and expansions as one scan would find them: left to right, where two start at one place the
        longer, each next one looked for after the last one taken (an expansion that overlaps an acronym taken
        never hides the one after it)."""
        patterns = [pattern for pattern in (self._acronyms, self._expansions) if pattern is not None]
        upcoming = [pattern.search(text) for pattern in patterns]  # each pattern's next match from `position` on
        spans, position = [], 0
        while any(upcoming):
            taken = min((match for match in upcoming if match), key=lambda match: (match.start(), -match.end()))
            spans.append(taken.span())
            position = max(taken.end(), taken.start() + 1)
            upcoming = [match if match is None or match.start() >= position else pattern.search(text, position)
                        for pattern, match in zip(patterns, upcoming)]
        return spans

    def _word_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every word whose stem the user typed. Only words not met before for this query are
        stemmed; the paragraph's marked words are a set intersection, each found again by its text (a Python
        step per word of a page was most of a search page's highlighting: about 1,500 words a page)."""
        words = set(_WORD.findall(text))
        unknown = words - self._seen
        if unknown:  # marked first, then met: another request never takes a word as met before its mark is in
            self._marked.update(word for word in unknown if len(word) > 1 and word_stem(word) in self.terms)
            self._seen |= unknown
        spans = []
        for word in words & self._marked:  # each occurrence that is a whole word as _WORD splits the text
            at = text.find(word)
            while at >= 0:
                end = at + len(word)
                if not (at > 0 and _word_character(text[at - 1])) and not (end < len(text) and _word_character(text[end])):
                    spans.append((at, end))
                at = text.find(word, end)
        return spans
