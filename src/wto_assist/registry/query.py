"""Dispute look-ups as a lawyer asks them: by Member and role, by provision (with how the provision
is involved), by stage. The CLI, the web app, precedent and drafting all read disputes through here."""

from __future__ import annotations

from ..enrich.provisions import ancestors, is_within
from ..store import Store
from .status import Event, adoption_dates

ROLES = ("complainant", "respondent", "third party")


def find_disputes(store: Store, member: str | None = None, role: str | None = None, provision: str | None = None,
                  status: str | None = None, numbers: list[int] | None = None) -> list[dict]:
    """Registry rows with `adopted` (report kind -> date) and, for a provision, `involvement`:
    "cited" (the request cites it or a provision within it) or "whole Article" (it cites only the
    enclosing Article, e.g. SPS Art. 5 for SPS:5.1), with the `matched` keys."""
    # Enclosing Articles, not the whole agreement: a request citing "the GATT 1994" says nothing of XX(b).
    articles = tuple(key for key in ancestors(provision) if ":" in key) if provision else ()
    rows = store.disputes(member, provision, status, numbers, role, articles)
    for row in rows:
        row["adopted"] = adoption_dates([Event(**event) for event in row["events"]])
        if provision:
            cited = [key for key in row["provisions"] if is_within(key, provision)]
            row["involvement"] = "cited" if cited else "whole Article"
            row["matched"] = cited or [key for key in row["provisions"] if key in articles]
    return rows


def member_suggestions(name: str, limit: int = 3) -> list[str]:
    """Members whose name, or a variant of it, is spelled like `name` ("Bangaldesh" -> Bangladesh)."""
    import difflib

    from .. import members

    folded = {}
    for actor, variants in members.variants_by_actor().items():
        for variant in variants:
            folded.setdefault(variant.lower(), actor.name)
    close = difflib.get_close_matches((name or "").strip().lower(), list(folded), n=limit * 3, cutoff=0.75)
    return list(dict.fromkeys(folded[match] for match in close))[:limit]


def unknown_member(name: str) -> str:
    """The one-line error for a Member name not known, with what it may have meant."""
    suggestions = member_suggestions(name)
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    return f"{name!r} is not a WTO Member known to wto-assist{hint}"
