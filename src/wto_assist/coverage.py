"""What the corpus holds, said out loud: bodies, document series, date ranges and counts, and the date
of the dispute registry; and, for a filter naming a body, series or period the corpus does not hold,
a plain statement of the gap with the `wto-assist fetch` command that would fill it.

    coverage(corpus) -> dict                       `wto-assist coverage`, the web Corpus page
    gaps_for(corpus, body=None, series=None, date_from=None, date_to=None) -> list[dict]
                                                   for search: {"message", "fetch"} per gap
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

from . import config
from .corpus import Corpus
from .documents.symbols import BODIES, dispute_of
from .store import Store

_STOP = {"the", "of", "on", "for", "and", "in", "committee", "council"}


def series_of(symbol: str, family: str) -> str:
    """"WT/COMTD/M/101" -> "WT/COMTD/M"; a dispute's documents -> "WT/DS…/R" and the like."""
    if family == "dispute-summary":
        return "dispute summaries (registry)"
    parts = re.sub(r"/(?:Rev|Add|Corr|Suppl)\.\d+", "", symbol).split("/")
    if dispute_of(symbol) is not None:
        return "/".join(["WT", "DS…", *parts[2:]])
    kept = []
    for part in parts:
        if part.isdigit():
            break
        kept.append(part)
    return "/".join(kept) or symbol


def _number(symbol: str) -> int | None:
    match = re.search(r"/(\d+)(?:/|$)", symbol)
    return int(match.group(1)) if match else None


@contextmanager
def _store_of(source: Corpus | Store | Path) -> Iterator[Store]:
    """The caller's open store (a Searcher's, a Corpus's), left open; a database path is opened for the block."""
    if isinstance(source, Store):
        yield source
        return
    with Corpus.borrowed(source) as corpus:
        yield corpus.store


def coverage(source: Corpus | Store | Path) -> dict:
    """{"documents", "paragraphs", "bodies": [...], "series": [...], "registry": {...}} of the corpus."""
    with _store_of(source) as store:
        rows = store.connection.execute(
            "SELECT d.symbol, d.family, d.body, d.date, (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS paragraphs"
            " FROM documents d ORDER BY d.date, d.symbol").fetchall()
        registry = store.connection.execute(
            "SELECT COUNT(*) AS disputes, MAX(number) AS last_number, group_concat(DISTINCT source) AS sources,"
            " MAX(MAX(COALESCE(stage_date, '')), MAX(COALESCE(consultations_requested, ''))) AS latest FROM disputes").fetchone()
        latest_event = store.connection.execute("SELECT MAX(date) FROM dispute_events").fetchone()[0]
    series: dict[str, dict] = {}
    bodies: dict[str, dict] = {}
    for row in rows:
        name = series_of(row["symbol"], row["family"])
        for table, key, extra in ((series, name, {"series": name, "family": row["family"], "body": row["body"]}),
                                  (bodies, row["body"] or "(no body)", {"body": row["body"] or "(no body)"})):
            entry = table.setdefault(key, dict(extra, documents=0, paragraphs=0, first=None, last=None,
                                               first_symbol=None, last_symbol=None))
            entry["documents"] += 1
            entry["paragraphs"] += row["paragraphs"]
            if row["date"] and (entry["first"] is None or row["date"] < entry["first"]):
                entry["first"], entry["first_symbol"] = row["date"], row["symbol"]
            if row["date"] and (entry["last"] is None or row["date"] >= entry["last"]):
                entry["last"], entry["last_symbol"] = row["date"], row["symbol"]
    if "dispute summaries (registry)" in series:
        series["dispute summaries (registry)"]["body"] = "Dispute settlement (one summary per dispute)"
    return {
        "documents": len(rows),
        "paragraphs": sum(row["paragraphs"] for row in rows),
        "bodies": sorted(bodies.values(), key=lambda entry: (-entry["documents"], entry["body"])),
        "series": sorted(series.values(), key=lambda entry: (-entry["documents"], entry["series"])),
        "registry": {"disputes": registry["disputes"], "last_dispute": f"DS{registry['last_number']}" if registry["last_number"] else None,
                     "latest_date": max(filter(None, [registry["latest"], latest_event]), default=None) or None,
                     "sources": sorted((registry["sources"] or "").split(",")) if registry["sources"] else []},
    }


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in _STOP}


def _bodies_named(name: str) -> list[tuple[tuple[str, ...], str]]:
    """(symbol prefix, body) pairs a filter names: "Goods Council" -> (G, C) Council for Trade in Goods."""
    wanted, code = _words(name), re.sub(r"\W", "", name).upper()
    found = []
    for prefix, body in BODIES.items():
        if prefix[0] == "JOB":
            continue
        initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", body) if word.lower() not in ("on", "and", "the", "of", "for", "in")).upper()
        if (wanted and wanted <= _words(body)) or code in (prefix[-1], "".join(prefix), initials) or name.strip().lower() == body.lower():
            found.append((prefix, body))
    return found


def _minutes_series(prefix: tuple[str, ...]) -> str:
    return "/".join(prefix) + ("/R" if prefix == ("G", "SPS") else "/M")


def _year(value: str) -> int:
    return int(value[:4])


def gaps_for(source: Corpus | Store | Path, body: str | None = None, series: str | None = None, date_from: str | None = None,
             date_to: str | None = None, held: dict | None = None) -> list[dict]:
    """Each part of a filter that the corpus does not hold: {"message", "fetch"} (fetch may be None).

    body: a body name or code as the user wrote it ("Goods Council", "CTD"); series: a symbol prefix
    ("G/C/M"); date_from/date_to: YYYY, YYYY-MM or YYYY-MM-DD."""
    held = coverage(source) if held is None else held  # `held`: coverage() computed earlier (a searcher keeps it)
    gaps: list[dict] = []
    meetings = [s for s in held["series"] if s["family"] != "dispute-summary" and s["last_symbol"] and _number(s["last_symbol"])]
    chosen = meetings
    if body:
        named = _bodies_named(body)
        bodies_held = {b["body"] for b in held["bodies"]}
        if named and not any(name in bodies_held for _, name in named):
            for prefix, name in named[:1]:
                minutes = _minutes_series(prefix)
                gaps.append({"message": f"The corpus holds no documents of the {name}; it holds: {', '.join(sorted(bodies_held)) or 'nothing yet'}.",
                             "fetch": f"wto-assist fetch --range {minutes}/FIRST-LAST  (the meeting numbers wanted, from Documents Online)"})
            return gaps
        chosen = [s for s in meetings if any(s["body"] == name for _, name in named)] or meetings
    if series:
        prefix = series.rstrip("/")
        chosen = [s for s in meetings if s["series"].startswith(prefix) or prefix.startswith(s["series"])]
        if not chosen:
            gaps.append({"message": f"The corpus holds no {prefix} documents.",
                         "fetch": f"wto-assist fetch --range {prefix}/FIRST-LAST  (the numbers wanted, from Documents Online)"})
            return gaps
    for entry in chosen:
        first_year, last_year = _year(entry["first"]), _year(entry["last"])
        count, first_n, last_n = entry["documents"], _number(entry["first_symbol"]), _number(entry["last_symbol"])
        per_year = max(1.0, (last_n - first_n) / max(1, last_year - first_year)) if count > 1 else 1.0
        if date_from and date_from[:4] > entry["last"][:4] or (date_from and date_from > entry["last"] and len(date_from) == 10):
            until = _year(date_to) if date_to else date.fromisoformat(config.today()).year
            wanted = min(500, max(1, math.ceil(per_year * (until - last_year + 1))))
            gaps.append({"message": f"The corpus holds {entry['series']} ({entry['body']}) from {entry['first']} to {entry['last']} "
                                    f"({entry['last_symbol']}); nothing from {date_from}.",
                         "fetch": f"wto-assist fetch --range {entry['series']}/{last_n + 1}-{last_n + wanted}  (numbers estimated from the series' pace)"})
        if date_to and date_to[:4] < entry["first"][:4] and first_n > 1:
            wanted = min(first_n - 1, 500, max(1, math.ceil(per_year * (first_year - _year(date_to)))))
            gaps.append({"message": f"The corpus holds {entry['series']} ({entry['body']}) from {entry['first']} ({entry['first_symbol']}) "
                                    f"to {entry['last']}; nothing up to {date_to}.",
                         "fetch": f"wto-assist fetch --range {entry['series']}/{first_n - wanted}-{first_n - 1}  (numbers estimated from the series' pace)"})
    return gaps
