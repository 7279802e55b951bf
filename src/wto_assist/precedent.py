"""Precedent for a provision, in the form a lawyer uses: the disputes, each with its parties, stage and
how the provision is involved; the reports in the corpus that invoke or rule on it; the user's notes;
then the corpus paragraphs that cite it. `disputes --provision` reads its disputes here too, so both
commands list the same disputes.

The dispute table records the provisions cited in requests for consultations, not the defences a
respondent invokes: reports are the source of those, and the output says so.

How a dispute can be involved, strongest first:
    cited in the request          the registry's "agreements cited" names the provision or one within it
    whole Article cited           the request cites only the enclosing Article (SPS Art. 5 for SPS:5.1)
    invoked or ruled on in a report   a report in the corpus invokes or rules on it (precedent_reports.py)
    invoked as a defence          the project's table of defences recorded in reports (provision_links.py)
    mentioned in the summary      the WTO's summary of the dispute cites the provision (or its Article)
    subject raised in the summary the summary raises its subject in words ("national security" for XXI)
    cited in a corpus paragraph   a paragraph of the dispute's own documents, or naming the dispute, cites it
    noted by the user             a precedent note (precedent_notes.py)
    parallel provision            with --related: any of the above for a parallel provision (GATS XIV bis for XXI)
Disputes whose "agreements cited" could not be read in part (DS512: "GATT 1994 Art.") are listed apart
whenever the provision is of the same agreement: never dropped.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from .corpus import Corpus
from .documents.symbols import dispute_of
from .enrich.provisions import ancestors
from .precedent_notes import notes_for
from .precedent_reports import report_entries, reports_missing
from .provision_links import defences, parallel_provisions
from .registry.query import find_disputes
from .registry.summaries import FAMILY as SUMMARY_FAMILY
from .search import Filters
from .store import Store

HOW_ORDER = ("cited in the request", "whole Article cited", "invoked or ruled on in a report", "invoked as a defence",
             "mentioned in the summary", "subject raised in the summary", "cited in a corpus paragraph", "noted by the user",
             "parallel provision", "provisions partly unreadable in the registry: check the request and the reports")
SCOPE = ("The dispute table records the provisions cited in requests for consultations, not the defences "
         "a respondent invokes: reports are the source of those.")
UNREADABLE = HOW_ORDER[-1]


@lru_cache(maxsize=1)
def _subjects() -> dict[str, list[str]]:
    source = resources.files("wto_assist").joinpath("data/provision-subjects.tsv").read_text(encoding="utf-8")
    pairs = [line.split("\t") for line in source.splitlines() if line.strip() and not line.startswith("#")]
    return {key: phrases.split("|") for key, phrases in pairs}


def subject_phrases(key: str) -> list[str]:
    """The words that raise the subject of a provision: its own and those of the provisions within which it lies."""
    found = []
    for candidate in [key, *ancestors(key)]:
        found += [phrase for phrase in _subjects().get(candidate, []) if phrase not in found]
    for candidate, phrases in _subjects().items():  # XXI asks for XXI(b)'s words too
        if candidate.startswith(key + "(") or candidate.startswith(key + ":"):
            found += [phrase for phrase in phrases if phrase not in found]
    return found


def _involvement(store: Store, key: str) -> tuple[dict[int, list[dict]], list[dict], list[dict]]:
    """(entries by dispute number, corpus paragraphs citing the provision, report entries) for one provision."""
    articles = [candidate for candidate in ancestors(key) if ":" in candidate]
    involvement: dict[int, list[dict]] = {}

    def add(number: int | None, how: str, detail: str, citation: str | None = None) -> None:
        if number is None:
            return
        entries = involvement.setdefault(number, [])
        if not any(e["how"] == how and e["citation"] == citation and e["detail"] == detail for e in entries):
            entries.append({"how": how, "detail": detail, "citation": citation})

    for row in find_disputes(store, provision=key):
        how = "cited in the request" if row["involvement"] == "cited" else "whole Article cited"
        add(row["number"], how, ", ".join(row["matched"]))
    for defence in defences(key):
        add(defence.number, "invoked as a defence", f"{defence.key} invoked by {defence.invoked_by} ({defence.source})")
    citing = store.paragraphs_citing(key)
    for article in articles:
        citing += [dict(p, article=article) for p in store.paragraphs_citing(article) if p["family"] == SUMMARY_FAMILY]
    corpus = []
    for paragraph in citing:
        number = dispute_of(paragraph["symbol"])
        if paragraph["family"] == SUMMARY_FAMILY:
            detail = f"the summary cites {paragraph['article']} (the enclosing Article)" if "article" in paragraph else "the summary cites it"
            add(number, "mentioned in the summary", detail, paragraph["citation"])
            continue
        corpus.append(paragraph)
        named = [number] if number else []
        named += [int(d[2:]) for d in store.entity_keys(paragraph["symbol"], paragraph["seq"], ("dispute",))]
        for dispute in dict.fromkeys(named):
            add(dispute, "cited in a corpus paragraph", paragraph["symbol"], paragraph["citation"])
    for phrase in subject_phrases(key):
        for paragraph in store.paragraphs_with_phrase(phrase, SUMMARY_FAMILY):
            add(dispute_of(paragraph["symbol"]), "subject raised in the summary", phrase, paragraph["citation"])
    rows = {row["number"]: row for row in find_disputes(store, numbers=sorted(involvement))} if involvement else {}
    reports = report_entries(store, key, rows)
    for entry in reports:
        add(entry["number"], "invoked or ruled on in a report",
            f"{entry['citation']}{' (finding)' if entry['finding'] else ''}", entry["first"])
    for note in notes_for(store, key):
        add(note["number"], "noted by the user", f"{note['note']} ({note['author']}, {note['date']})", None)
    return involvement, corpus, reports


def _unreadable(store: Store, keys: list[str], listed: dict[int, dict]) -> list[dict]:
    """Disputes with an unreadable fragment of the same agreement (or of none it could name): flagged where
    listed, returned as rows of their own where not."""
    agreements = {key.split(":", 1)[0] for key in keys}
    marks = ", ".join("?" * len(agreements))
    rows = store.connection.execute(
        f"SELECT number, group_concat(fragment, '; ') AS fragments FROM dispute_unreadable"
        f" WHERE agreement IN ({marks}) OR agreement IS NULL GROUP BY number ORDER BY number", sorted(agreements)).fetchall()
    fragments = {row["number"]: row["fragments"] for row in rows}
    for number in [n for n in fragments if n in listed]:
        listed[number]["involvement"].append({"how": UNREADABLE, "detail": fragments.pop(number), "citation": None})
    if not fragments:
        return []
    return [dict(row, involvement=[{"how": UNREADABLE, "detail": fragments[row["number"]], "citation": None}], notes=[])
            for row in find_disputes(store, numbers=sorted(fragments))]


def involved_disputes(store: Store, key: str, related: bool = False) -> dict:
    """{"provision", "scope", "parallel", "disputes", "unreadable", "reports", "missing_reports", "notes", "corpus"}.

    `disputes`: registry rows with `involvement` (a list of {"how", "detail", "citation"}) and `notes`,
    ordered by how strongly each is involved; with `related`, the parallel provisions' disputes too.
    `unreadable`: disputes of the same agreement whose cited provisions could not all be read."""
    involvement, corpus, reports = _involvement(store, key)
    parallels = parallel_provisions(key)
    if related:
        for parallel in parallels:
            found, _, more_reports = _involvement(store, parallel.key)
            reports += more_reports
            for number, entries in found.items():
                involvement.setdefault(number, []).extend(
                    {"how": "parallel provision", "detail": f"{parallel.key} ({parallel.shared}): {e['how']}: {e['detail']}",
                     "citation": e["citation"]} for e in entries)
    notes = notes_for(store, key)
    rows = {row["number"]: row for row in find_disputes(store, numbers=sorted(involvement))} if involvement else {}
    disputes = []
    for number, entries in involvement.items():
        if number not in rows:  # a paragraph names a dispute the registry does not hold
            continue
        entries.sort(key=lambda e: HOW_ORDER.index(e["how"]))
        disputes.append(dict(rows[number], involvement=entries, notes=[n for n in notes if n["number"] == number]))
    disputes.sort(key=lambda d: (HOW_ORDER.index(d["involvement"][0]["how"]), d["number"]))
    keys = [key] + ([p.key for p in parallels] if related else [])
    unreadable = _unreadable(store, keys, {d["number"]: d for d in disputes})
    return {
        "provision": key, "scope": SCOPE, "related": related,
        "parallel": [{"key": p.key, "shared": p.shared, "source": p.source} for p in parallels],
        "disputes": disputes, "unreadable": unreadable, "reports": reports,
        "missing_reports": reports_missing(store, disputes + unreadable), "notes": notes, "corpus": corpus,
    }


def find_precedent(key: str, db: Corpus | Path, index_dir: Path | None = None, query: str | None = None, k: int = 20,
                   model: str | None = None, related: bool = False) -> dict:
    """involved_disputes() and the corpus paragraphs citing the provision (sub-provisions included),
    ranked by `query` when given (with the Searcher, when an index is built), else newest first. `db` is
    an open Corpus (the CLI's, the web app's warm one) or a database path with `index_dir` and `model`."""
    with Corpus.borrowed(db, index_dir, model) as corpus:
        result = involved_disputes(corpus.store, key, related)
        corpus_paragraphs = result.pop("corpus")
        paragraphs = [dict(p, rank=rank, score=None, match=None) for rank, p in enumerate(corpus_paragraphs[:k], 1)]
        searcher = corpus.searcher_if_built() if query else None
        if searcher is not None:
            paragraphs = [p for p in searcher.search(query, k=k + 50, filters=Filters(provision=key))
                          if p["family"] != SUMMARY_FAMILY][:k]
    return dict(result, paragraphs=paragraphs)
