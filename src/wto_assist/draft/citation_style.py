"""WTO citation style: how a footnote, a table-of-cases entry and a short title are written.

Formatting only; finding what to cite is compose.py's job and reading citations back is verify.py's.
The forms follow the WTO's own reports and submissions:
    Panel Report, *Russia – Traffic in Transit*, para. 7.102.
    Appellate Body Report, *US – Gasoline*, p. 22.
    Panel Report, *US – Shrimp (Article 21.5 – Malaysia)*, para. 5.3.
    Minutes of the meeting of the Committee on Trade and Development held on 16 July 2013, WT/COMTD/M/89, para. 12.
    Trade Policy Review, Report by the Secretariat, WT/TPR/S/478, para. 2.14.
and, in a table of cases:
    Panel Report, *Russia – Measures Concerning Traffic in Transit*, WT/DS512/R, adopted 26 April 2019.
A run of text is (text, italic).
"""

from __future__ import annotations

import re
from datetime import date

from .. import members
from ..documents.symbols import SymbolError, parse_symbol

Runs = list[tuple[str, bool]]

# Report kinds by the symbol's series after WT/DSn/, and the words the WTO puts before a short title.
_REPORT_KINDS = (
    (("AB", "RW"), "Appellate Body Report"),
    (("AB", "R"), "Appellate Body Report"),
    (("RW",), "Panel Report"),
    (("R",), "Panel Report"),
    (("ARB",), "Award of the Arbitrator"),
)
REPORT_WORDS = ("Appellate Body Report", "Panel Report", "Award of the Arbitrator", "Decision by the Arbitrator")


def long_date(iso: str | None) -> str:
    """2013-07-16 -> 16 July 2013."""
    if not iso:
        return ""
    value = date.fromisoformat(iso)
    return f"{value.day} {value.strftime('%B')} {value.year}"


def joined(names: list[str]) -> str:
    """["Fiji", "Samoa", "Vanuatu"] -> "Fiji, Samoa and Vanuatu"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


_EC_UNTIL = "2009-12-01"  # the Treaty of Lisbon: the European Communities became the European Union


def member_as_of(name: str, when: str | None) -> str:
    """The Member as the record of that date names it: the European Communities before 1 December 2009."""
    if members.canonical(name or "") == "European Union" and when and when < _EC_UNTIL:
        return "European Communities"
    return members.display_name(name)


def member_in_prose(name: str, when: str | None = None) -> str:
    """"the European Communities" (2005), "the United States", "Korea"."""
    shown = member_as_of(name, when)
    return "the European Communities" if shown == "European Communities" else members.in_prose(shown)


# Exhibit numbers as the WTO's parties write them: "AUS-1", "EU-1", "USA-1"; Chinese Taipei is TPKM.
_EXHIBIT_PREFIXES = {"European Union": "EU", "Chinese Taipei": "TPKM"}


def exhibit_prefix(member: str) -> str:
    canonical = members.canonical(member) or member
    if canonical in _EXHIBIT_PREFIXES:
        return _EXHIBIT_PREFIXES[canonical]
    codes = members.codes_of(canonical)
    return codes[0] if codes else re.sub(r"[^A-Z]", "", canonical.upper())[:3]


def dash_title(text: str) -> str:
    """The WTO writes short titles with a spaced en dash: "US – Gasoline" (the registry has em dashes)."""
    return re.sub(r"\s*[—–-]{1,2}\s+|\s+[—–-]{1,2}\s*", " – ", text.strip())


def report_kind(symbol: str) -> str | None:
    """"Panel Report", "Appellate Body Report" or "Award of the Arbitrator" for a dispute report symbol."""
    try:
        parsed = parse_symbol(symbol)
    except SymbolError:
        return None
    if parsed.dispute_number is None:
        return None
    rest = tuple(part for part in parsed.parts[2:] if not part.isdigit())
    for series, words in _REPORT_KINDS:
        if rest == series:
            return words
    return None


def short_case(dispute: dict | None, symbol: str | None = None) -> str | None:
    """The short title a footnote uses, with "(Article 21.5 – Complainant)" for compliance reports."""
    if not dispute:
        return None
    title = dispute.get("short_title")
    if not title:
        respondent = dispute.get("respondent")
        shown = member_as_of(respondent, dispute.get("consultations_requested")) if respondent else None
        title = f"{shown} – {dispute['title'].split(' — ')[-1]}" if respondent else None
    if not title:
        return None
    title = dash_title(title)
    if symbol and "/RW" in symbol and dispute.get("complainant"):
        title += f" (Article 21.5 – {members.display_name(dispute['complainant'])})"
    return title


def full_case(dispute: dict) -> str:
    """"Russia – Measures Concerning Traffic in Transit": the short title's Member, then the full title."""
    title = dispute["title"].split(" — ")[-1].strip()
    short = dispute.get("short_title") or ""
    who = (dash_title(short).split(" – ")[0] if " – " in dash_title(short)
           else member_as_of(dispute.get("respondent") or "", dispute.get("consultations_requested")))
    return f"{who} – {title}" if who else title


def pinpoint(label: str) -> str:
    return f"para. {label}"


def footnote(source: dict, label: str, dispute: dict | None = None) -> Runs:
    """The footnote for a paragraph of a document: `source` has symbol, family, body and date."""
    symbol, family = source["symbol"], source.get("family")
    kind = report_kind(symbol)
    short = short_case(dispute, symbol) if kind else None
    if kind and short:
        return [(f"{kind}, ", False), (short, True), (f", {pinpoint(label)}.", False)]
    if kind:
        return [(f"{kind}, {symbol}, {pinpoint(label)}.", False)]
    if family == "dispute-summary":
        case = short_case(dispute)
        named = [(case, True), (f" ({symbol})", False)] if case else [(symbol, False)]
        return [("WTO, summary of the dispute to date, ", False), *named, (f", {pinpoint(label)}.", False)]
    if family == "tpr-secretariat-report":
        return [(f"Trade Policy Review, Report by the Secretariat, {symbol}, {pinpoint(label)}.", False)]
    if family == "tpr-government-report":
        return [(f"Trade Policy Review, Report by the Government, {symbol}, {pinpoint(label)}.", False)]
    if family in ("minutes", "tpr-minutes") and source.get("date"):
        body = source.get("body") or "the meeting"
        meeting = "Minutes of the DSB meeting" if symbol.startswith("WT/DSB/") else f"Minutes of the meeting of the {body}"
        return [(f"{meeting} held on {long_date(source['date'])}, {symbol}, {pinpoint(label)}.", False)]
    return [(f"{symbol}, {pinpoint(label)}.", False)]


def case_events(symbol: str, dispute: dict) -> dict[str, dict]:
    """The registry's events of one report: "circulated", "appealed", "adopted" (event dicts).
    A compliance report (/RW) takes the events after the original reports were adopted."""
    events = sorted(dispute.get("events") or [], key=lambda event: event["date"])
    adoptions = [e for e in events if e["event"] in ("Panel report adopted", "Appellate Body and panel reports adopted")]
    compliance = "/RW" in symbol
    if compliance:
        if not adoptions:
            return {}
        events = [e for e in events if e["date"] > adoptions[0]["date"]]
        adoptions = adoptions[1:]
    appellate = "/AB/" in symbol
    circulated = "Appellate Body report circulated" if appellate else "Panel report circulated"
    found = {}
    for name, kinds in (("circulated", (circulated,)), ("appealed", ("Panel report appealed",))):
        first = next((e for e in events if e["event"] in kinds), None)
        if first:
            found[name] = first
    adopted = next((e for e in adoptions if not appellate or e["event"].startswith("Appellate")), None)
    if adopted:
        found["adopted"] = adopted
    return found


def _appeal_note(symbol: str, dispute: dict, found: dict[str, dict]) -> str:
    """", as modified by Appellate Body Report WT/DS2/AB/R" or ", appealed on 21 February 1996"."""
    adopted, appealed = found.get("adopted"), found.get("appealed")
    if "/AB/" in symbol:
        return ""
    if adopted and adopted["event"].startswith("Appellate"):
        how = next((words for words in ("as modified", "as upheld", "as reversed") if words in adopted["sentence"]), "as modified")
        return f", {how} by Appellate Body Report {symbol.replace('/R', '/AB/R', 1)}"
    if appealed and not adopted:
        return f", appealed on {long_date(appealed['date'])}"
    return ""


def case_entry(symbol: str, dispute: dict | None, dates: bool = False) -> dict:
    """A table-of-cases row: short title (italic) and the full citation as runs; with `dates`, the
    dates of circulation and adoption and the note of an appeal, as the registry records them."""
    kind = report_kind(symbol) or "Report"
    if not dispute:
        return {"short_title": [(symbol, False)], "citation": [(f"{kind}, {symbol}", False)]}
    adopted = (dispute.get("adopted") or {}).get(kind)
    tail = f", {symbol}" + (f", adopted {long_date(adopted)}" if adopted else "")
    if dates:
        found = case_events(symbol, dispute)
        tail = f", {symbol}"
        tail += f", circulated {long_date(found['circulated']['date'])}" if "circulated" in found else ""
        tail += f", adopted {long_date(found['adopted']['date'])}" if "adopted" in found else ""
        tail += _appeal_note(symbol, dispute, found)
    short = short_case(dispute, symbol) or symbol
    compliance = short[short.index(" (Article 21.5"):] if " (Article 21.5" in short else ""
    return {"short_title": [(short, True)], "citation": [(f"{kind}, ", False), (full_case(dispute) + compliance, True), (tail, False)]}


def plain(runs: Runs) -> str:
    return "".join(text for text, _ in runs)


def request_entry(dispute: dict) -> dict:
    """A table-of-cases row for a dispute without a report: its request for consultations."""
    short = short_case(dispute) or f"DS{dispute['number']}"
    when = dispute.get("consultations_requested")
    complainants = joined([member_in_prose(name, when) for name in dispute.get("complainants") or [dispute.get("complainant") or ""]])
    dated = f", dated {long_date(dispute['consultations_requested'])}" if dispute.get("consultations_requested") else ""
    return {"short_title": [(short, True)],
            "citation": [(f"Request for Consultations by {complainants}, ", False), (full_case(dispute), True),
                         (f", WT/DS{dispute['number']}/1{dated}", False)]}


def dispute_entries(dispute: dict) -> list[dict]:
    """Table-of-cases rows for a dispute: its reports as the summary records them, else its request."""
    circulated = {event["event"] for event in dispute.get("events") or []}
    symbols = []
    if "Panel report circulated" in circulated or "Panel Report" in (dispute.get("adopted") or {}):
        symbols.append(f"WT/DS{dispute['number']}/R")
    if circulated & {"Appellate Body report circulated", "Appellate Body and panel reports adopted"}:
        symbols.append(f"WT/DS{dispute['number']}/AB/R")
    return [case_entry(symbol, dispute) for symbol in symbols] or [request_entry(dispute)]
