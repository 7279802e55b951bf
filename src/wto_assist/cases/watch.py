"""Watches: a saved query ("any new statement on this measure") whose new matching paragraphs are
reported once. A paragraph matches when it holds every word of the query (a "quoted phrase" as it
stands) and, with a Member, when that Member speaks or is named in it. Matching reads the store, not
the index, so a watch sees a document as soon as it is ingested. Paragraphs are remembered by their
stable uid: a re-numbered document is not reported again.

A new watch starts from what the corpus holds now (those paragraphs count as seen), unless asked to
report them too.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import members
from ..corpus import Corpus
from ..store import Store
from . import store as rows
from .casefile import _require
from .model import CaseError

_NAME = re.compile(r"^[\w][\w .-]{0,59}$")
_STOP = frozenset("the a an of on in for to and by or with any new".split())


def query_terms(query: str) -> list[str]:
    """'"import ban" dairy China' -> ["import ban", "dairy", "china"]."""
    phrases = [p.lower() for p in re.findall(r'"([^"]+)"', query)]
    words = [w.lower() for w in re.findall(r"[\w/'-]+", re.sub(r'"[^"]*"', " ", query)) if w.lower() not in _STOP]
    return [term for term in dict.fromkeys(phrases + words) if term.strip()]


def _matches(store: Store, query: str, member: str | None) -> list[dict]:
    terms = query_terms(query)
    if not terms:
        return []
    where = " AND ".join("lower(p.text) LIKE ? ESCAPE '\\'" for _ in terms)
    parameters: list = ["%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for t in terms]
    if member:
        where += (" AND (EXISTS (SELECT 1 FROM paragraph_actors a WHERE a.paragraph_id = p.id AND a.name = ?)"
                  " OR EXISTS (SELECT 1 FROM entities e WHERE e.paragraph_id = p.id AND e.key = ? AND e.kind IN ('member', 'group')))")
        parameters += [member, member]
    found = store.connection.execute(
        f"SELECT p.uid FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE {where} ORDER BY d.date, d.symbol, p.seq",
        parameters).fetchall()
    return [store.paragraph_by_uid(row["uid"]) for row in found]


def add_watch(corpus: Corpus | Path, name: str, query: str, member: str | None = None, case_id: str | None = None,
              report_existing: bool = False) -> dict:
    name = name.strip()
    if not _NAME.match(name):
        raise CaseError(f"NAME: {name!r} must be 1-60 letters, digits, spaces, dots or hyphens")
    if not query_terms(query):
        raise CaseError("query: give at least one word to watch for", field="query")
    if member:
        member = members.require(member, "member", error=CaseError).name
    with rows.opened(corpus) as store:
        if case_id:
            _require(store, case_id)
        if not rows.add_watch(store, name, query, member, case_id):
            raise CaseError(f"NAME: a watch {name!r} exists already")
        existing = [] if report_existing else [p["uid"] for p in _matches(store, query, member)]
        rows.mark_seen(store, name, existing)
    return {"name": name, "query": query, "member": member, "case_id": case_id, "already_in_corpus": len(existing)}


def list_watches(corpus: Corpus | Path) -> list[dict]:
    with rows.opened(corpus) as store:
        return rows.watches(store)


def waiting(corpus: Corpus | Path) -> dict[str, int]:
    """Watch name -> how many new paragraphs `watch run` would report now (nothing is marked as seen)."""
    with rows.opened(corpus) as store:
        return {watch["name"]: count for watch in rows.watches(store)
                if (count := len({p["uid"] for p in _matches(store, watch["query"], watch["member"])} - rows.seen_uids(store, watch["name"])))}


def run_watches(corpus: Corpus | Path) -> list[dict]:
    """Each watch with the paragraphs that matched since its last run (reported once, then remembered)."""
    result = []
    with rows.opened(corpus) as store:
        for watch in rows.watches(store):
            seen = rows.seen_uids(store, watch["name"])
            new = [p for p in _matches(store, watch["query"], watch["member"]) if p["uid"] not in seen]
            rows.mark_seen(store, watch["name"], [p["uid"] for p in new])
            result.append({"name": watch["name"], "query": watch["query"], "member": watch["member"], "case_id": watch["case_id"],
                           "new": [{key: p[key] for key in ("citation", "uid", "date", "body", "speaker", "text")} for p in new]})
    return result
