"""The dispute registry as `disputes`, the Disputes pages and /api/disputes show it: one call each, so
that the three front ends filter by Member, role, provision and stage the same way."""

from __future__ import annotations

from pathlib import Path

from . import members
from .corpus import Corpus
from .errors import NotFoundError
from .filters import SearchError, field_error, provision_key
from .precedent import involved_disputes
from .registry.query import ROLES, find_disputes

NO_ROLE = ("", "any")  # what the Disputes page's "As" menu sends when no role is chosen


def list_disputes(db: Corpus | Path, member: str | None = None, role: str | None = None, provision: str | None = None,
                  status: str | None = None) -> tuple[list[dict], dict | None]:
    """Registry rows (results.Dispute) where `member` is a party (in `role`: complainant, respondent, third
    party), at a stage containing `status`. With `provision`: the disputes `precedent` lists for it
    (results.PrecedentEntry, most strongly involved first) narrowed by the other filters, and, second, what
    involved_disputes() says of the provision as a whole (its scope, the disputes partly unreadable)."""
    actor = members.require(member, "member", groups=False, error=SearchError) if member else None  # parties are Members
    role = (role or "").replace("-", " ").strip()
    if role not in NO_ROLE and role not in ROLES:
        raise field_error("role", f"{role!r} is not one of {', '.join(ROLES)}")
    if role not in NO_ROLE and actor is None:
        raise field_error("role", "name the Member whose role it is")
    key = provision_key(provision) if provision else None
    with Corpus.borrowed(db) as corpus:
        store = corpus.store
        rows = find_disputes(store, actor.name if actor else None, role if role not in NO_ROLE else None, None, status or None)
        if key is None:
            return rows, None
        involved = involved_disputes(store, key)
    wanted = {row["number"]: row for row in rows}
    for part in ("disputes", "unreadable"):
        involved[part] = [dict(d, roles=wanted[d["number"]]["roles"]) for d in involved[part] if d["number"] in wanted]
    return involved["disputes"] + involved["unreadable"], involved


def dispute_file(db: Corpus | Path, number: int) -> dict:
    """One dispute (results.DisputeFile): its registry entry, the corpus paragraphs that mention it, the
    documents filed under WT/DS###/ and the registry's summary as dated paragraphs."""
    if not 1 <= number <= 9999:  # DS numbers have four digits at most; a longer one overflows SQLite
        raise NotFoundError(f"number: DS{str(number)[:12]} is not a dispute number", field="number")
    with Corpus.borrowed(db) as corpus:
        store = corpus.store
        rows = find_disputes(store, numbers=[number])
        if not rows:
            raise NotFoundError(f"number: DS{number} is not in the dispute registry", field="number")
        return {"dispute": rows[0], "mentions": store.paragraphs_mentioning("dispute", f"DS{number}"),
                "filings": store.documents(prefix=f"WT/DS{number}/"),
                "summary": store.paragraphs(f"DS{number} summary")}  # the summary as its dated paragraphs (registry/summaries.py)
