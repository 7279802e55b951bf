"""Finding citations in running text: "WT/COMTD/M/101, para. 12", "DS512 summary, para. [3]", or a bare
symbol ("WT/COMTD/M/101"). Formatting citations is the drafting stage's job (draft/citation_style.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .symbols import SymbolError, normalise_symbol

SERIES = "WT|G|JOB|S|IP|TN|WTO|PC|GPA"
PINPOINT = re.compile(rf"(?P<symbol>\b(?:{SERIES})/[^\s,;]+),\s*paras?\.\s*(?P<paragraph>\[?[\w.]+\]?)", re.IGNORECASE)
SUMMARY_PINPOINT = re.compile(r"(?P<symbol>\bDS\s?\d{1,4}\s+summary)\)?,\s*paras?\.\s*(?P<paragraph>\[\d+\])", re.IGNORECASE)
_BARE = re.compile(rf"(?P<symbol>\b(?:{SERIES})/[^\s,;]+|\bDS\s?\d{{1,4}}\s+summary\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    symbol: str  # normalised: "WT/COMTD/M/101"
    paragraph: str | None  # the label as printed ("12", "7.102", "[3]"), None for a whole document
    start: int
    end: int


def find_citations(text: str) -> list[Found]:
    """Every well-formed citation or symbol in `text`, in order; malformed symbols are left as words."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern in (SUMMARY_PINPOINT, PINPOINT, _BARE):
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            try:
                symbol = normalise_symbol(match["symbol"].rstrip(".)"))
            except SymbolError:
                continue
            paragraph = match.groupdict().get("paragraph")
            found.append(Found(symbol, paragraph.rstrip(".") if paragraph else None, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda item: item.start)
