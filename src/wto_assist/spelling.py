"""Spelling suggestions for query words the corpus never uses ("DFQD": did you mean DFQF?).

The vocabulary is the corpus's own words, counted, each shown in its most frequent spelling (so
acronyms come back in capitals). It is built on the first unknown word, not at start-up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from .index.analysis import STOPWORDS

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[&-])*[^\W\d_]")  # letters, accented ones too, with "&" or "-" inside
MIN_COUNT = 2  # a word seen once in the corpus is as likely a typo as the query's


def word_forms(texts: Iterable[str]) -> Counter:
    """Each written form of a word and how often the texts use it (what a Speller is made of; an index
    build stores them, so that a large corpus is not read again at start-up)."""
    return Counter(word for text in texts for word in _WORD.findall(text))


class Speller:
    def __init__(self, texts: Iterable[str] = (), forms: Counter | None = None):
        forms = word_forms(texts) if forms is None else forms
        self.count: Counter = Counter()
        self.display: dict[str, str] = {}
        for form, count in forms.most_common():  # most frequent spelling first: it becomes the display form
            lower = form.lower()
            self.count[lower] += count
            self.display.setdefault(lower, form)
        self._by_length: dict[int, list[str]] = {}
        for word, count in self.count.items():
            if count >= MIN_COUNT:
                self._by_length.setdefault(len(word), []).append(word)

    def suggest(self, word: str) -> str | None:
        """The most frequent corpus word within reach of `word` (one edit up to five letters, two beyond;
        a swap of neighbours is one edit), in its usual spelling."""
        wanted = word.lower()
        reach = 1 if len(wanted) <= 5 else 2
        candidates = [w for length in range(len(wanted) - reach, len(wanted) + reach + 1) for w in self._by_length.get(length, [])]
        # A typo rarely touches both ends of a word: comparing only words that share one keeps this fast.
        close = [w for w in candidates if (w[0] == wanted[0] or w[-1] == wanted[-1]) and w != wanted
                 and edit_distance(wanted, w, reach) <= reach]
        if not close:
            return None
        best = min(close, key=lambda w: (edit_distance(wanted, w, reach), -self.count[w]))
        return self.display[best]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours); limit + 1 once past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def unknown_words(query: str, known: Callable[[str], bool]) -> list[str]:
    """Words of the query (3+ letters, not stopwords) that no paragraph holds; `known` judges a word."""
    words = []
    for word in _WORD.findall(query):
        if len(word) >= 3 and word.lower() not in STOPWORDS and not known(word) and word not in words:
            words.append(word)
    return words


def corrected(query: str, fixes: dict[str, str]) -> str:
    """The query with each misspelt word replaced by its suggestion."""
    for word, suggestion in fixes.items():
        query = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", suggestion, query)
    return query
