"""The WTO document symbol grammar: parse, normalise, and read the body and family off a symbol.

A symbol is a series of "/"-separated parts: a top-level series (WT, G, JOB, WTO, S, IP, TN...),
a body or dispute code, usually a series letter (M minutes, W working paper, R report...),
a number, then optional revision suffixes (Add.N, Rev.N, Corr.N, Suppl.N) in any combination.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import WtoAssistError

SUFFIX_KINDS = {"ADD": "Add", "REV": "Rev", "CORR": "Corr", "SUPPL": "Suppl"}
TOP_LEVEL_SERIES = {"WT", "G", "JOB", "WTO", "S", "IP", "TN", "PC", "GPA", "SCM"}

_SUFFIX = re.compile(r"^(ADD|REV|CORR|SUPPL)\.?(\d+)$", re.IGNORECASE)
_PART = re.compile(r"^[A-Z0-9][A-Z0-9\-]*(\(\d+\))?$")
_DISPUTE = re.compile(r"^DS(\d+)$")

# Body codes as they appear after the top-level series; the longest matching prefix wins.
BODIES = {
    ("WT", "COMTD", "LDC"): "Sub-Committee on Least-Developed Countries",
    ("WT", "COMTD"): "Committee on Trade and Development",
    ("JOB", "DEV"): "Committee on Trade and Development",
    ("WT", "GC"): "General Council",
    ("JOB", "GC"): "General Council",
    ("WT", "DSB"): "Dispute Settlement Body",
    ("WT", "TPR"): "Trade Policy Review Body",
    ("WT", "CTE"): "Committee on Trade and Environment",
    ("WT", "REG"): "Committee on Regional Trade Agreements",
    ("WT", "BFA"): "Committee on Budget, Finance and Administration",
    ("WT", "ACC"): "Accessions",
    ("WT", "L"): "General Council",
    ("WT", "WGTI"): "Working Group on Trade and Investment",
    ("WT", "WGTDF"): "Working Group on Trade, Debt and Finance",
    ("WT", "WGTTT"): "Working Group on Trade and Transfer of Technology",
    ("WT", "IFW"): "Committee on Trade and Development",
    ("WTO", "AIR"): "Secretariat (airgram)",
    ("G", "C"): "Council for Trade in Goods",
    ("JOB", "CTG"): "Council for Trade in Goods",
    ("G", "SPS"): "Committee on Sanitary and Phytosanitary Measures",
    ("G", "TBT"): "Committee on Technical Barriers to Trade",
    ("G", "AG"): "Committee on Agriculture",
    ("G", "MA"): "Committee on Market Access",
    ("G", "SCM"): "Committee on Subsidies and Countervailing Measures",
    ("G", "ADP"): "Committee on Anti-Dumping Practices",
    ("G", "SG"): "Committee on Safeguards",
    ("G", "LIC"): "Committee on Import Licensing",
    ("G", "RO"): "Committee on Rules of Origin",
    ("G", "TRIMS"): "Committee on Trade-Related Investment Measures",
    ("G", "VAL"): "Committee on Customs Valuation",
    ("G", "TFA"): "Committee on Trade Facilitation",
    ("S", "C"): "Council for Trade in Services",
    ("JOB", "SERV"): "Council for Trade in Services",
    ("IP", "C"): "Council for TRIPS",
    ("JOB", "IP"): "Council for TRIPS",
    ("TN", "TF"): "Negotiating Group on Trade Facilitation",
    ("TN", "RL"): "Negotiating Group on Rules",
    ("TN", "MA"): "Negotiating Group on Market Access",
    ("TN", "AG"): "Committee on Agriculture, Special Session",
    ("TN", "CTD"): "Committee on Trade and Development, Special Session",
}

# Family values are the stable vocabulary used by the store, search filters and drafting.
FAMILIES = (
    "minutes",
    "dispute-summary",
    "tpr-secretariat-report",
    "tpr-government-report",
    "tpr-minutes",
    "panel-report",
    "appellate-body-report",
    "request-for-consultations",
    "panel-request",
    "communication",
    "third-party-submission",
    "other",
)


class SymbolError(WtoAssistError, ValueError):
    """A string that is not a well-formed WTO document symbol."""


@dataclass(frozen=True)
class Symbol:
    parts: tuple[str, ...]  # base parts, upper-case, without suffixes
    suffixes: tuple[tuple[str, int], ...] = ()  # e.g. (("Rev", 1), ("Add", 2))

    def __str__(self) -> str:
        return "/".join(self.parts + tuple(f"{kind}.{n}" for kind, n in self.suffixes))

    @property
    def dispute_number(self) -> int | None:
        if self.parts[0] == "WT" and len(self.parts) > 1:
            match = _DISPUTE.match(self.parts[1])
            if match:
                return int(match.group(1))
        return None

    @property
    def body(self) -> str | None:
        ds = self.dispute_number
        if ds is not None:
            if "AB" in self.parts[2:]:
                return f"Appellate Body (DS{ds})"
            if self.parts[-1] == "R" or "RW" in self.parts[2:]:
                return f"Panel (DS{ds})"
            return f"Dispute Settlement Body (DS{ds})"
        if self.parts[0] == "WT" and self.parts[1].startswith("MIN("):
            return "Ministerial Conference"
        for size in (3, 2):
            body = BODIES.get(self.parts[:size])
            if body:
                return body
        return None

    @property
    def family(self) -> str:
        """The family the symbol alone implies; document headers refine it (see header.py)."""
        parts = self.parts
        ds = self.dispute_number
        if ds is not None:
            rest = parts[2:]
            if rest[:1] == ("AB",) and rest[-1:] == ("R",):
                return "appellate-body-report"
            if rest[-1:] == ("R",) or rest[-2:-1] == ("R",):
                return "panel-report"
            if rest == ("1",):
                return "request-for-consultations"
            return "communication"
        if parts[:2] == ("WT", "TPR"):
            series = parts[2] if len(parts) > 2 else ""
            return {"M": "tpr-minutes", "S": "tpr-secretariat-report", "G": "tpr-government-report"}.get(
                series, "other"
            )
        if "M" in parts[1:] or parts[:3] == ("G", "SPS", "R"):
            # G/SPS/R/n are the SPS Committee's summaries of its meetings.
            return "minutes"
        if "W" in parts[1:] or parts[0] == "JOB":
            return "communication"
        return "other"


def parse_symbol(text: str) -> Symbol:
    """Parse a symbol as users type it ("wt/ds512/r", "JOB/CTG/2/REV.1", "WT/MIN(11)/11")."""
    if text is None or not str(text).strip():
        raise SymbolError("empty document symbol")
    raw = str(text).strip()
    compact = re.sub(r"\s*/\s*", "/", raw)
    if re.search(r"\s", compact):
        raise SymbolError(f"document symbol {raw!r} contains spaces")
    pieces = compact.split("/")
    if any(not piece for piece in pieces):
        raise SymbolError(f"document symbol {raw!r} has an empty part")
    base: list[str] = []
    suffixes: list[tuple[str, int]] = []
    for piece in pieces:
        suffix = _SUFFIX.match(piece)
        if suffix:
            if not base:
                raise SymbolError(f"document symbol {raw!r} starts with a suffix")
            suffixes.append((SUFFIX_KINDS[suffix.group(1).upper()], int(suffix.group(2))))
            continue
        if suffixes:
            raise SymbolError(f"document symbol {raw!r}: {piece!r} follows a revision suffix")
        upper = piece.upper()
        if upper.rstrip(".") in SUFFIX_KINDS:
            raise SymbolError(f"document symbol {raw!r}: {piece!r} needs a number (e.g. {SUFFIX_KINDS[upper.rstrip('.')]}.1)")
        if not _PART.match(upper):
            raise SymbolError(f"document symbol {raw!r}: malformed part {piece!r}")
        base.append(upper)
    if base[0] not in TOP_LEVEL_SERIES:
        raise SymbolError(
            f"document symbol {raw!r}: unknown series {base[0]!r} (expected one of {', '.join(sorted(TOP_LEVEL_SERIES))})"
        )
    if len(base) < 2:
        raise SymbolError(f"document symbol {raw!r} is incomplete")
    return Symbol(tuple(base), tuple(suffixes))


# The WTO's summary of a dispute has no symbol of its own; the corpus names it "DS512 summary".
_SUMMARY = re.compile(r"^\s*DS\s?(\d{1,4})\s+summary\s*$", re.IGNORECASE)


def summary_symbol(number: int) -> str:
    return f"DS{number} summary"


_OWN_DISPUTE = re.compile(r"^(?:WT/)?DS(\d+)\b")


def dispute_of(symbol: str) -> int | None:
    """The dispute a document belongs to: 512 for WT/DS512/R, WT/DS512/AB/R/Add.1 or "DS512 summary"."""
    match = _OWN_DISPUTE.match(symbol or "")
    return int(match.group(1)) if match else None


def normalise_symbol(text: str) -> str:
    summary = _SUMMARY.match(text or "")
    if summary:
        return summary_symbol(int(summary.group(1)))
    return str(parse_symbol(text))


def dispute_number(text: str) -> int:
    """"DS512", "ds 512" or "512" -> 512."""
    match = re.fullmatch(r"\s*(?:DS)?\s?(\d{1,4})\s*", text or "", re.IGNORECASE)
    if not match:
        raise SymbolError(f"{text!r} is not a dispute number such as DS512")
    return int(match.group(1))


# Compact file names as the WTO's own archives name them: WTCOMTDM101, wtcomtdM28A1, WTDS512R, GSPSR104.
_COMPACT_FILE = re.compile(
    r"^(?P<series>WT|G|JOB|S|IP)"
    r"(?P<body>DS\d+|COMTD|GC|DSB|TPR|CTE|REG|SPS|TBT|C|AG|MA|SCM)"
    r"(?P<letter>AB[R]|M|W|R|S|G|L)?"
    r"(?P<number>\d+)?"
    r"(?P<suffix>(?:(?:A|ADD|R|REV|C|CORR|S|SUPPL)\d+)*)$",
    re.IGNORECASE,
)
_COMPACT_SUFFIX = re.compile(r"(ADD|A|REV|R|CORR|C|SUPPL|S)(\d+)", re.IGNORECASE)
_COMPACT_SUFFIX_KIND = {"A": "ADD", "R": "REV", "C": "CORR", "S": "SUPPL"}


def symbol_from_filename(stem: str) -> Symbol | None:
    """Guess a symbol from a file name: "WT_DS512_R", "G-SPS-R-104", or compact "WTCOMTDM101"."""
    stem = stem.strip()
    if re.search(r"[_\-/ ]", stem):
        candidate = re.sub(r"[_\- ]+", "/", stem)
        candidate = re.sub(r"/(ADD|REV|CORR|SUPPL)/(\d+)", r"/\1.\2", candidate, flags=re.IGNORECASE)
        try:
            return parse_symbol(candidate)
        except SymbolError:
            pass
    match = _COMPACT_FILE.match(stem)
    if not match:
        return None
    parts = [match["series"].upper(), match["body"].upper()]
    letter = (match["letter"] or "").upper()
    if letter == "ABR":
        parts += ["AB", "R"]
    elif letter:
        parts.append(letter)
    if match["number"]:
        parts.append(match["number"])
    if len(parts) < 3:
        return None
    text = "/".join(parts)
    for kind, number in _COMPACT_SUFFIX.findall(match["suffix"] or ""):
        kind = _COMPACT_SUFFIX_KIND.get(kind.upper(), kind.upper())
        text += f"/{kind}.{number}"
    try:
        return parse_symbol(text)
    except SymbolError:
        return None


# A symbol as printed in a masthead line or running text.
SYMBOL_IN_TEXT = re.compile(
    r"\b(?:WT|G|JOB|WTO|IP|TN)/[A-Z0-9()\-]+(?:/[A-Za-z0-9()\-.]+)*",
)

