"""Restriction status as the WTO applies it: RESTRICTED on the masthead, then derestricted under the
General Council's procedures (data/derestriction.tsv), unless the document says otherwise.

Only the date of derestriction is decided here, from facts printed on the document; whether that date
has passed is decided when the corpus is read (store.py), so a document circulated last week becomes
public on its own once its period runs out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Restriction:
    restricted_on_circulation: bool
    derestricted_on: str | None  # ISO date; None while no rule or note makes the document public
    rule: str  # which rule or fact decided, in words a user can check


@dataclass(frozen=True)
class _Rule:
    name: str
    start: str
    end: str | None
    families: tuple[str, ...]
    days: int
    description: str


@lru_cache(maxsize=1)
def rules() -> tuple[_Rule, ...]:
    source = resources.files("wto_assist").joinpath("data/derestriction.tsv").read_text(encoding="utf-8")
    loaded = []
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, start, end, families, days, description = line.split("\t")
        loaded.append(_Rule(name, start, end or None, tuple(families.split("|")), int(days), description))
    return tuple(loaded)


# A masthead line saying the document is now public: "Derestricted", "UNRESTRICTED", "Derestricted 12 May 2003".
_DERESTRICTED_NOTE = re.compile(r"^\s*(?:this\s+document\s+(?:has\s+been|was)\s+)?(?:de-?restricted|unrestricted)\b", re.I | re.M)


def derestriction_note(masthead: str) -> bool:
    return bool(_DERESTRICTED_NOTE.search(masthead))


def decide(symbol: str, family: str, restricted: bool, circulated: str | None, meeting_date: str | None, noted_public: bool) -> Restriction:
    """The derestriction date and the rule behind it, for a document as ingested."""
    if not restricted:
        return Restriction(False, None, "not marked RESTRICTED")
    if noted_public:
        return Restriction(True, circulated or meeting_date or "1995-01-01", "marked derestricted on the document")
    if symbol.startswith("JOB/"):
        return Restriction(True, None, "JOB documents are informal and stay restricted unless the Member or body releases them")
    start = circulated or meeting_date
    if start is None:
        return Restriction(True, None, "RESTRICTED, and no circulation date to apply the derestriction procedures to")
    for rule in rules():
        if rule.start <= start and (rule.end is None or start < rule.end) and ("*" in rule.families or family in rule.families):
            public_on = (date.fromisoformat(start) + timedelta(days=rule.days)).isoformat()
            basis = "circulated" if circulated else "meeting held (no circulation date printed)"
            return Restriction(True, public_on, f"{rule.description}; {basis} {start}")
    return Restriction(True, None, f"RESTRICTED; no derestriction rule covers a {family} of {start}")


def restriction_label(document) -> str:
    """What a delegate reads about a document's status, the same in `list`, `show` and on every page:
    "RESTRICTED", "RESTRICTED until 2027-01-05", "derestricted 1996-04-23" or "unrestricted". `document` is a
    row as the store gives it or a typed result (results.Document, results.Hit)."""
    from ..config import today

    def field(name):
        return document.get(name) if isinstance(document, dict) else getattr(document, name, None)

    until = field("derestricted_on")
    if field("restricted"):
        return "RESTRICTED" + (f" until {until}" if until and until > today() else "")
    if field("restricted_on_circulation"):
        return f"derestricted {until}" if until else "derestricted"
    return "unrestricted"
