"""Precedent for a provision, in the form a lawyer uses: the disputes, each with its parties, stage and
how the provision is involved, then the corpus paragraphs that cite it.

How a dispute can be involved, strongest first:
    cited in the request        the registry's "agreements cited" names the provision or one within it
    whole Article cited         the request cites only the enclosing Article (SPS Art. 5 for SPS:5.1)
    mentioned in the summary    the WTO's summary of the dispute cites the provision (or its Article)
    subject raised in summary   the summary raises its subject in words ("national security" for XXI)
    cited in a corpus paragraph a paragraph of the dispute's own documents, or naming the dispute, cites it
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from .documents.symbols import dispute_of
from .enrich.provisions import ancestors
from .index.build import IndexMissing
from .registry.query import find_disputes
from .registry.summaries import FAMILY as SUMMARY_FAMILY
from .search import Filters, Searcher
from .store import Store

HOW_ORDER = ("cited in the request", "whole Article cited", "mentioned in the summary", "subject raised in the summary",
             "cited in a corpus paragraph")


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


def find_precedent(key: str, db_path: Path, index_dir: Path, query: str | None = None, k: int = 20, model: str | None = None) -> dict:
    """{"provision", "disputes", "paragraphs"}: every dispute with `involvement` (a list of
    {"how", "detail", "citation"}), ordered by how strongly it is involved; then corpus paragraphs
    citing the provision (sub-provisions included), ranked by `query` when given, else newest first."""
    articles = [candidate for candidate in ancestors(key) if ":" in candidate]
    with Store(db_path, create=False) as store:
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
    disputes = []
    for number, entries in involvement.items():
        if number not in rows:  # a paragraph names a dispute the registry does not hold
            continue
        entries.sort(key=lambda e: HOW_ORDER.index(e["how"]))
        disputes.append(dict(rows[number], involvement=entries))
    disputes.sort(key=lambda d: (HOW_ORDER.index(d["involvement"][0]["how"]), d["number"]))
    paragraphs = [dict(p, rank=rank, score=None) for rank, p in enumerate(corpus[:k], 1)]
    if query:
        try:
            searcher = Searcher(index_dir, db_path, model=model)
        except IndexMissing:
            searcher = None
        if searcher is not None:
            try:
                paragraphs = [p for p in searcher.search(query, k=k + 50, filters=Filters(provision=key)) if p["family"] != SUMMARY_FAMILY][:k]
            finally:
                searcher.close()
    return {"provision": key, "disputes": disputes, "paragraphs": paragraphs}
