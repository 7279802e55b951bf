"""Panel and Appellate Body reports in the corpus as precedent: the paragraphs of a report that invoke
or rule on a provision, grouped by section into pinpoint ranges as a lawyer cites them
("Panel Report, Russia – Traffic in Transit, paras. 7.4–7.149"), each group with its section heading
and whether it holds a finding.

A paragraph counts when it cites the provision (or one within it) or lies in a section whose heading
cites it ("7.5 Article XX(b) of the GATT 1994" covers 7.5.3.2 and its paragraphs too).
"""

from __future__ import annotations

import re

from .documents.symbols import dispute_of
from .draft.citation_style import report_kind, short_case
from .enrich.provisions import find_provisions, is_within
from .store import Store

REPORT_FAMILIES = ("panel-report", "appellate-body-report")
# Events of the registry after which a dispute has a report that could be fetched.
REPORT_EVENTS = ("Panel report circulated", "Appellate Body report circulated", "Panel report adopted",
                 "Appellate Body and panel reports adopted", "Panel report appealed")
_FINDING = re.compile(
    r"\b(?:the Panel|the Appellate Body|we)\s+(?:therefore\s+|thus\s+|accordingly\s+|also\s+)?"
    r"(?:finds?|found|concludes?|concluded|upholds?|upheld|reverses?|reversed|declines? to rule)\b", re.I)
_SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\s")


def _cites(text: str | None, key: str) -> bool:
    return any(is_within(mention.key, key) for mention in find_provisions(text or ""))


def _bare_mention(text: str, key: str) -> bool:
    """"Article XX(b)" without its agreement, as a report writes it after citing it in full once."""
    reference = key.split(":", 1)[1] if ":" in key else None
    return bool(reference) and re.search(rf"\bArt(?:icles?|s?\.)\s+{re.escape(reference)}(?![\w:.])", text or "") is not None


def _heading(agenda_item: str | None) -> str:
    """The innermost heading of "7 FINDINGS – 7.5.3.2 Whether …"."""
    return (agenda_item or "").split(" – ")[-1].strip()


def _relevant(paragraphs: list[dict], key: str, citing: set[int]) -> list[tuple[dict, str]]:
    """(paragraph, section) for the paragraphs about the provision: citing it, or inside a section whose
    heading cites it (the section is then that heading, so that its subsections make one range)."""
    relevant, open_section, open_heading, last_item = [], None, "", object()
    for paragraph in paragraphs:
        if paragraph["agenda_item"] != last_item:
            last_item = paragraph["agenda_item"]
            heading = _heading(last_item)
            number = _SECTION_NUMBER.match(heading)
            inside = open_section is not None and number is not None and number.group(1).startswith(open_section + ".")
            if _cites(heading, key) and not inside:
                open_section, open_heading = (number.group(1) if number else heading), last_item
            elif not inside:
                open_section = None
        if open_section is not None:
            relevant.append((paragraph, open_heading))
        elif paragraph["seq"] in citing:
            relevant.append((paragraph, paragraph["agenda_item"] or ""))
    return relevant


def _ranges(labels: list[str], order: list[str]) -> str:
    """["7.4", "7.5", "7.6", "7.9"] -> "paras. 7.4–7.6, 7.9" (consecutive in the report's own numbering)."""
    position = {label: index for index, label in enumerate(order)}
    runs: list[list[str]] = []
    for label in labels:
        if runs and position[label] == position[runs[-1][-1]] + 1:
            runs[-1].append(label)
        else:
            runs.append([label])
    text = ", ".join(run[0] if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)
    return ("paras. " if len(labels) > 1 else "para. ") + text


def report_entries(store: Store, key: str, disputes: dict[int, dict]) -> list[dict]:
    """Precedent entries from the reports in the corpus, one per report section that invokes or rules
    on the provision: {"ds", "symbol", "kind", "section", "citation", "paragraphs", "finding", "findings"}.
    `disputes` (registry rows by number) gives the short titles."""
    citing: dict[str, set[int]] = {}
    for paragraph in store.paragraphs_citing(key):
        if paragraph["family"] in REPORT_FAMILIES:
            citing.setdefault(paragraph["symbol"], set()).add(paragraph["seq"])
    reports = [d["symbol"] for d in store.documents("WT/DS") if d["family"] in REPORT_FAMILIES]
    entries = []
    for symbol in reports:
        paragraphs = store.paragraphs(symbol)
        if symbol in citing:  # the report names the agreement: its bare "Article XX(b)" is the same provision
            citing[symbol] |= {p["seq"] for p in paragraphs if _bare_mention(p["text"], key)}
        order = [p["paragraph"] for p in paragraphs if p["numbered"]]
        relevant = [(p, section) for p, section in _relevant(paragraphs, key, citing.get(symbol, set())) if p["numbered"]]
        number = dispute_of(symbol)
        kind = report_kind(symbol) or "Report"
        case = short_case(disputes.get(number), symbol) or symbol
        sections: dict[str, list[dict]] = {}
        for paragraph, section in relevant:
            sections.setdefault(section, []).append(paragraph)
        for section, members in sections.items():
            labels = list(dict.fromkeys(p["paragraph"] for p in members))
            findings = [p["paragraph"] for p in members if _FINDING.search(p["text"]) or "CONCLUSIONS" in section.upper()]
            pinpoint = _ranges(labels, order)
            entries.append({
                "ds": f"DS{number}", "number": number, "symbol": symbol, "kind": kind, "section": section or None,
                "citation": f"{kind}, {case}, {pinpoint}", "pinpoint": pinpoint, "paragraphs": labels,
                "first": f"{symbol}, para. {labels[0]}", "finding": bool(findings), "findings": findings,
            })
    return entries


def reports_missing(store: Store, rows: list[dict]) -> list[dict]:
    """The listed disputes whose report the registry records but the corpus lacks, with the command that fetches it."""
    missing = []
    for row in rows:
        events = [e for e in row.get("events") or [] if e["event"] in REPORT_EVENTS]
        if not events:
            continue
        held = [d for d in store.documents(f"WT/DS{row['number']}/") if d["family"] in REPORT_FAMILIES]
        if held:
            continue
        latest = events[-1]
        missing.append({"ds": row["ds"], "number": row["number"], "registry": f"{latest['event'].lower()} {latest['date']}",
                        "fetch": f"wto-assist fetch --dispute {row['ds']}"})
    return missing
