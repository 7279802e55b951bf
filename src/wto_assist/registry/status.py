"""A dispute's stage and its date, from the WTO's status code and the WTO's own summary of the dispute.

The status column of the older table (disputes.csv, early 2018) is stale; the newer table carries a
status code with a date ("ST5#2019_04_26") and a summary whose dated sentences are the dispute's
events ("At its meeting on 26 April 2019, the DSB adopted the panel report."). The code decides the
stage when data/dispute-status.tsv knows it; otherwise the summary's latest event does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from ..documents.header import MONTHS

_DATE = re.compile(r"\b(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+((?:19|20)\d{2})\b")

# What a dated sentence of a summary records, most specific first.
_EVENTS = [
    (re.compile(r"adopted the (?:Appellate Body|AB) reports?|adopted the panel reports?.{0,80}Appellate Body"
                r"|Appellate (?:Body )?Reports?.{0,120}(?:was|were) adopted", re.I), "Appellate Body and panel reports adopted"),
    (re.compile(r"adopted the (?:compliance )?panel reports?|panel reports? (?:was|were) adopted|adopted the reports?", re.I), "Panel report adopted"),
    (re.compile(r"Appellate Body (?:issued its report|report was circulated|reports? (?:was|were) circulated)", re.I), "Appellate Body report circulated"),
    (re.compile(r"(?:decision|intention) to appeal|notified .{0,40}appeal|appealed|cross-appeal", re.I), "Panel report appealed"),
    (re.compile(r"(?:compliance )?panel reports? (?:was|were) circulated|report of the (?:compliance )?panel was circulated", re.I), "Panel report circulated"),
    (re.compile(r"(?:arbitrat\w+).{0,80}circulated|award .{0,40}circulated", re.I), "Arbitration decision circulated"),
    (re.compile(r"authori[sz]ed the suspension|granted authori[sz]ation", re.I), "Authorization to retaliate granted"),
    (re.compile(r"requested authori[sz]ation to suspend", re.I), "Authorization to retaliate requested"),
    (re.compile(r"mutually (?:agreed|satisfactory|acceptable) solution|notified the DSB .{0,60}(?:settl|agreement)", re.I), "Mutually agreed solution notified"),
    (re.compile(r"withdr[ae]wn?", re.I), "Complaint withdrawn"),
    (re.compile(r"authority .{0,60}lapsed|panel.{0,30}lapsed", re.I), "Authority for panel lapsed"),
    (re.compile(r"suspend(?:ed)? its work", re.I), "Panel work suspended"),
    (re.compile(r"composed the (?:compliance )?panel|panel was composed", re.I), "Panel composed"),
    (re.compile(r"established a (?:compliance )?panel|DSB established|panel was established", re.I), "Panel established"),
    (re.compile(r"requested the establishment of a (?:compliance )?panel", re.I), "Panel requested"),
    (re.compile(r"requested consultations", re.I), "Consultations requested"),
]


@dataclass(frozen=True)
class Event:
    date: str
    event: str
    sentence: str


@dataclass(frozen=True)
class Stage:
    stage: str | None
    date: str | None
    source: str  # "WTO status code ST5" | "summary" | "none"


@lru_cache(maxsize=1)
def stages_by_code() -> dict[str, str]:
    source = resources.files("wto_assist").joinpath("data/dispute-status.tsv").read_text(encoding="utf-8")
    pairs = [line.split("\t") for line in source.splitlines() if line.strip() and not line.startswith("#")]
    return {code: stage for code, stage in pairs}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", text or "") if s.strip()]


def _iso(match: re.Match) -> str | None:
    try:
        return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1))).isoformat()
    except ValueError:
        return None


def events(summary: str | None) -> list[Event]:
    """The dated events of a summary, in the order told (a sentence without a full date is no event)."""
    found = []
    for sentence in _sentences(summary or ""):
        when = _DATE.search(sentence)
        if when is None or _iso(when) is None:
            continue
        label = next((label for pattern, label in _EVENTS if pattern.search(sentence)), None)
        if label:
            found.append(Event(_iso(when), label, sentence))
    return found


def _codes(status_code: str | None) -> list[tuple[str, str | None]]:
    """"ST12#2004_11_26|ST12#2004_12_17" -> [("ST12", "2004-11-26"), ("ST12", "2004-12-17")]."""
    result = []
    for part in (status_code or "").split("|"):
        code, _, when = part.strip().partition("#")
        if code:
            result.append((code, when.replace("_", "-") if re.fullmatch(r"\d{4}_\d{2}_\d{2}", when) else None))
    return result


def current_stage(status_code: str | None, summary: str | None) -> Stage:
    known = [(code, when) for code, when in _codes(status_code) if code in stages_by_code()]
    if known:
        code, when = max(known, key=lambda item: item[1] or "")
        return Stage(stages_by_code()[code], when, f"WTO status code {code}")
    found = events(summary)
    if found:
        latest = max(found, key=lambda event: event.date)
        return Stage(latest.event, latest.date, "summary")
    return Stage(None, None, "none")


def adoption_dates(found: list[Event]) -> dict[str, str]:
    """{"Panel Report": date, "Appellate Body Report": date} of the first adoption the summary records."""
    adopted: dict[str, str] = {}
    for event in found:
        if event.event == "Appellate Body and panel reports adopted":
            adopted.setdefault("Appellate Body Report", event.date)
            adopted.setdefault("Panel Report", event.date)
        elif event.event == "Panel report adopted":
            adopted.setdefault("Panel Report", event.date)
    return adopted


def related_disputes(summary: str | None, own: int) -> list[int]:
    """Disputes a summary refers the reader to ("See also DS547, DS548", "complaint by X (WT/DS123)")."""
    numbers = []
    for sentence in _sentences(summary or ""):
        if re.search(r"\bsee\s+also\b", sentence, re.I):
            numbers += [int(n) for n in re.findall(r"\b(?:WT/)?DS\s?(\d{1,4})\b", sentence)]
    return sorted(set(numbers) - {own})
