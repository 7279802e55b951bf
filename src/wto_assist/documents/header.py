"""Read a document's masthead: symbol, circulation and meeting dates, RESTRICTED status, family."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .restriction import derestriction_note
from .symbols import SYMBOL_IN_TEXT, Symbol, SymbolError, parse_symbol

MONTHS = {
    month: number
    for number, month in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_MONTH = r"(?i:january|february|march|april|may|june|july|august|september|october|november|december)"
_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b")
_MEETING = re.compile(rf"(?i:meetings?\s+(?:of|held\s+on)|session\s+held\s+on)\s+(\d{{1,2}}[^\n]{{0,60}}?{_MONTH}[^\n]*)")

_MASTHEAD_SYMBOL = re.compile(rf"^\s*(?:WORLD\s+TRADE\s+)?({SYMBOL_IN_TEXT.pattern})\s*$")

# Header phrases that settle the family more precisely than the symbol can.
_FAMILY_PHRASES = [
    (re.compile(r"third[\s-]+party\s+(?:written\s+)?submission", re.I), "third-party-submission"),
    (re.compile(r"request\s+for\s+the\s+establishment\s+of\s+a\s+panel", re.I), "panel-request"),
    (re.compile(r"request\s+for\s+consultations", re.I), "request-for-consultations"),
    (re.compile(r"report\s+of\s+the\s+appellate\s+body", re.I), "appellate-body-report"),
    (re.compile(r"report\s+of\s+the\s+panel", re.I), "panel-report"),
    (re.compile(r"(?:note\s+on|minutes\s+of|record\s+of|summary\s+of)\s+the\s+meetings?", re.I), "minutes"),
]


@dataclass
class Header:
    symbol: Symbol | None
    restricted: bool
    circulated: str | None
    meeting_date: str | None
    family_hint: str | None
    title: str | None
    derestricted_note: bool = False  # the masthead says the document has been derestricted


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        import datetime

        return datetime.date(int(year), MONTHS[month.lower()], int(day)).isoformat()
    except (ValueError, KeyError):
        return None


def meeting_date(phrase: str) -> str | None:
    """First day of a meeting phrase: "27 JANUARY AND 14 MARCH 2017" -> 2017-01-27."""
    day = re.search(r"\d{1,2}", phrase)
    month = re.search(_MONTH, phrase)
    year = re.search(r"\b(19|20)\d{2}\b", phrase)
    if not (day and month and year) or day.start() > month.start():
        return None
    return _iso(day.group(0), month.group(0), year.group(0))


def parse_header(lines: list[str]) -> Header:
    """Parse the lines before the first paragraph of a document."""
    text = "\n".join(lines)
    symbol = None
    for line in lines:
        # The masthead prints the symbol on a line of its own ("WORLD TRADE WT/COMTD/M/2" in old files);
        # a symbol inside a sentence is a document cited, not this one.
        match = _MASTHEAD_SYMBOL.match(line)
        if match and not match.group(1).upper().startswith("WTO/AIR"):
            try:
                symbol = parse_symbol(match.group(1))
                break
            except SymbolError:
                continue
    restricted = bool(re.search(r"^\s*RESTRICTED\b", text, re.M))
    circulated = None
    for line in lines:
        if _MEETING.search(line):
            continue
        date = _DATE.search(line)
        if date and len(line.strip()) <= 60:
            circulated = _iso(*date.groups())
            break
    meeting = _MEETING.search(text)
    meeting_iso = meeting_date(meeting.group(1)) if meeting else None
    family_hint = next((family for pattern, family in _FAMILY_PHRASES if pattern.search(text)), None)
    title = None
    for line in lines:
        stripped = line.strip()
        if stripped and any(pattern.search(stripped) for pattern, _ in _FAMILY_PHRASES):
            title = re.sub(r"\s+", " ", stripped)
            break
    return Header(symbol, restricted, circulated, meeting_iso, family_hint, title, derestriction_note(text))


def family_for(symbol: Symbol, hint: str | None) -> str:
    """Combine the symbol's family with the header's wording."""
    family = symbol.family
    if hint is None:
        return family
    if hint == "minutes":
        return "tpr-minutes" if family == "tpr-minutes" or symbol.parts[:2] == ("WT", "TPR") else "minutes"
    if family in ("communication", "other", "request-for-consultations", "minutes"):
        return hint
    return family
