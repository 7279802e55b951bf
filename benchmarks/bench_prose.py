"""Prose around quotations on the real CTD minutes: how many query-picked quotations have a lead-in
with a finite reporting verb of the minutes and a named speaker, and how many start with a word that
needs the previous sentence.

    PYTHONPATH=src python benchmarks/bench_prose.py --db CORPUS.sqlite --index INDEX_DIR

Run it with another source tree on PYTHONPATH (e.g. main's) to compare. Two query sets: the one the
selection rules were tried on while writing them, and a held-out one (the queries of
tests/test_draft_prose.py). Verbs: the words the minutes put right after "The representative(s) of
X", five times or more (no list of ours).
"""

from __future__ import annotations

import argparse
import re
import sqlite3
from collections import Counter
from pathlib import Path

TRIED_ON = [("Cuba", "importance of special and differential treatment"), ("Mexico", "rules of origin"),
            ("LDC Group", "duty-free quota-free market access"), ("India", "aid for trade"),
            ("European Union", "generalized system of preferences"), ("China", "technical assistance"),
            ("Egypt", "small economies"), ("Brazil", "regional trade agreements transparency"),
            ("Bangladesh", "preference erosion"), ("United States", "capacity building"),
            (None, "electronic commerce development"), (None, "commodities price volatility")]
HELD_OUT = [("Kenya", "commodities dependence"), ("Norway", "GSP scheme for least-developed countries"),
            ("Switzerland", "technical assistance"), ("Japan", "electronic commerce"),
            ("LDC Group", "preferential rules of origin"), ("African Group", "aid for trade"),
            ("Pakistan", "special and differential treatment"), ("Canada", "duty-free access"),
            (None, "small and vulnerable economies"), (None, "transparency mechanism for preferential trade arrangements")]
CONTEXT = {"these", "this", "it", "however", "those", "they", "he", "she", "such", "his", "her", "its", "their"}
FUNCTION_WORDS = {"and", "of", "on", "the", "in", "for", "to", "a", "an", "was", "were", "had", "is", "that", "who", "with"}


def minutes_verbs(db: Path) -> set[str]:
    counts = Counter()
    designation = re.compile(r"\bThe representatives? of (?:the )?[A-Z][^,.;:]*?(?:,\s+(?:speaking\s+)?on behalf of [^,]+,)?\s+"
                             r"(?:also\s+|further\s+|then\s+)?([a-z]+)\b")
    with sqlite3.connect(db) as connection:
        for (text,) in connection.execute("SELECT text FROM paragraphs"):
            counts.update(word for word in designation.findall(text) if word not in FUNCTION_WORDS)
    return {word for word, count in counts.items() if count >= 5}


def measure(queries, db: Path, index: Path, verbs: set[str]) -> dict:
    from wto_assist import members
    from wto_assist.draft.brief import parse_brief
    from wto_assist.draft.compose import compose

    support = [{"query": query, "k": 2, **({"filters": {"speaker": speaker}} if speaker else {})} for speaker, query in queries]
    brief = parse_brief({"kind": "committee-statement", "release": "public", "delegation": {"member": "Kenya"},
                         "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"},
                         "points": ["x"], "support": support}, "bench")
    quotes = [q for q in compose(brief, db, index).quotes if q.family == "minutes"]
    result = Counter(quotes=len(quotes))
    for quote in quotes:
        lead = "".join(text for text, _ in quote.lead)
        clause = re.split(r"held on \d{1,2} \w+ \d{4}, ", lead, maxsplit=1)[-1]
        words = re.findall(r"[A-Za-z]+", clause)
        named = bool(members.find_all(clause)) or "Chair" in clause or "Secretariat" in clause
        result["named speaker"] += named
        result["minutes verb in lead-in"] += any(word in verbs for word in words)
        result["verb and speaker"] += named and any(word in verbs for word in words)
        result["'statement of' lead-in"] += "statement of" in lead.lower()
        first = re.match(r"\W*(\w+)", quote.text)
        result["starts needing context"] += bool(first and first.group(1).lower() in CONTEXT)
        result["ends inside a sentence"] += not re.search(r"[.?!…][\"”’)]*$", quote.text.strip())
        result["flagged for review"] += bool(getattr(quote, "review", None))
    return dict(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    arguments = parser.parse_args()
    verbs = minutes_verbs(arguments.db)
    for name, queries in (("tried on", TRIED_ON), ("held out", HELD_OUT)):
        print(name, measure(queries, arguments.db, arguments.index, verbs))


if __name__ == "__main__":
    main()
