"""What the record already holds on a case: paragraphs (through the Searcher), concerns (the concerns
inventory) and disputes (the registry) that match the case's Members, products and measure, each with
the reasons it matched. Nothing is linked until the user says so (`case link`, `--attach-concerns`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..index.build import IndexMissing
from ..corpus import Corpus
from ..search import Filters
from ..store import Store
from . import store as rows
from .casefile import current, link
from .model import Case, measure_types

_STOP = frozenset("the a an of on in for to and by its their from with without all were was had been goods products".split())


def _phrase(text: str) -> re.Pattern:
    return re.compile(r"\b" + re.escape(text.lower()).replace(r"\ ", r"\s+") + r"\b")


def _product_terms(case: Case) -> list[tuple[str, re.Pattern]]:
    """Each product by its name, and by its first word when the name has several ("dairy products" -> dairy)."""
    terms = []
    for product in case.products:
        name = product.name.lower()
        terms.append((f"product: {product.name}", _phrase(name)))
        head = name.split()[0]
        if head != name and head not in _STOP:
            terms.append((f"product: {head}", _phrase(head)))
        if product.hs:
            terms.append((f"HS {product.hs}", re.compile(r"\b" + re.escape(product.hs[:4]))))
    return terms


def _measure_terms(case: Case) -> list[tuple[str, re.Pattern]]:
    kind = measure_types().get(case.measure_type)
    return [(f"measure: {word}", _phrase(word)) for word in (kind.words if kind else ())]


def why_matched(case: Case, text: str, named: set[str], speaker: str | None) -> list[str]:
    """The case's Members, products and measure words found in a paragraph (empty: no product or measure)."""
    lowered = text.lower()
    reasons = [label for label, pattern in _product_terms(case) + _measure_terms(case) if pattern.search(lowered)]
    if not reasons:
        return []
    reasons = list(dict.fromkeys(reasons))
    for member in case.members():
        if member == speaker:
            reasons.insert(0, f"{'imposing Member' if member == case.imposing_member else 'Member affected'} speaking: {member}")
        elif member in named:
            reasons.insert(0, f"names {member}")
    return reasons


def suggest(corpus: Corpus | Path, index_dir: Path | None, case_id: str, k: int = 10) -> dict:
    """`index_dir`: where the index is when `corpus` is a database path (a Corpus knows its own)."""
    with Corpus.borrowed(corpus, index_dir) as corpus:
        store = corpus.store
        case, _ = current(store, case_id)
        linked = {item["target"] for item in rows.links(store, case_id)}
        notices: list[str] = []
        return {
            "case": case_id,
            "paragraphs": _paragraphs(case, corpus, k, linked, notices),
            "concerns": _concerns(case, corpus, linked),
            "disputes": _disputes(case, store, linked, notices, k),
            "notices": notices,
        }


def _paragraphs(case: Case, corpus: Corpus, k: int, linked: set[str], notices: list[str]) -> list[dict]:
    query = " ".join([case.measure, *(product.name for product in case.products)])
    try:
        searcher = corpus.searcher  # the corpus's own, kept open for its other users
    except IndexMissing as error:
        notices.append(f"paragraphs not proposed: {error}")
        return []
    mode = None if searcher.manifest.get("dense") else "bm25"
    hits = searcher.search(query, mode=mode, k=k * 4, filters=Filters(member=case.imposing_member))
    found = []
    for hit in hits:
        if not hit["numbered"] and not hit["text"].rstrip().endswith((".", ":", ";")):
            continue  # an agenda heading the segmenter kept as text: the paragraphs under it are what to cite
        named = set(searcher.store.entity_keys(hit["symbol"], hit["seq"], ("member", "group")))
        reasons = why_matched(case, hit["text"], named, hit["speaker"])
        if reasons and hit["uid"] not in linked:
            found.append({**{key: hit[key] for key in ("citation", "uid", "date", "body", "speaker", "text")}, "why": reasons})
    return found[:k]


def _concerns(case: Case, corpus: Corpus, linked: set[str]) -> list[dict]:
    from ..concerns import inventory

    found = []
    uids = {row["concern_id"]: uid for row in corpus.store.connection.execute(
        "SELECT c.concern_id, p.uid FROM concerns c JOIN paragraphs p ON p.id = c.paragraph_id").fetchall()
        for uid in [row["uid"]]}
    for row in inventory(corpus):
        if row["target"] != case.imposing_member:
            continue
        text = " ".join(filter(None, [row["measure"], row["products"], row["hs_codes"], row["evidence"]]))
        reasons = why_matched(case, text, set(), None)
        if not reasons:
            continue
        raised = [member for member in case.affected_members if member in (row["raised_by"], row["raised_on_behalf_of"])]
        reasons = [f"about {row['target']}'s measure", *(f"raised by {member} (affected)" for member in raised), *reasons]
        if uids.get(row["concern_id"]) in linked:
            continue
        found.append({"citation": row["citation"], "concern_id": row["concern_id"], "date": row["date"], "body": row["body"],
                      "raised_by": row["raised_by"], "measure": row["measure"], "reply": row["reply"],
                      "came_back": row["came_back"], "text": row["evidence"], "why": reasons})
    return found


def _disputes(case: Case, store: Store, linked: set[str], notices: list[str], k: int) -> list[dict]:
    from ..enrich.provisions import is_within

    found = []
    if store.dispute_count() == 0:
        notices.append("disputes not proposed: the dispute registry is not loaded (load the WTO dispute table first)")
        return []
    for row in store.disputes(member=case.imposing_member, role="respondent"):
        reasons = [f"{case.imposing_member} is respondent"]
        reasons += [f"{member} is complainant" for member in case.affected_members if member in row["complainants"]]
        reasons += [f"{member} is third party" for member in case.affected_members if member in row["third_parties"]]
        cited = [key for key in row["provisions"] if any(is_within(key, wanted) for wanted in case.provisions)]
        if cited:
            reasons.append(f"cites {', '.join(cited[:4])}")
        if len(reasons) == 1 or row["ds"] in linked:
            continue  # the imposing Member as respondent alone is no reason, nor are words alone
        reasons += why_matched(case, f"{row['title']} {row['summary'] or ''}", set(), None)
        found.append({"citation": f"{row['ds']} ({row['short_title'] or row['title']})", "ds": row["ds"],
                      "date": row["consultations_requested"], "why": reasons})
    return sorted(found, key=lambda item: -len(item["why"]))[:k]


def attach_concerns(corpus: Corpus | Path, case_id: str, concerns: list[dict]) -> int:
    """Link proposed concerns to the case (as raised); returns how many were new."""
    with Corpus.borrowed(corpus) as corpus:
        return sum(link(corpus, case_id, item["concern_id"], "raised")["added"] for item in concerns)
