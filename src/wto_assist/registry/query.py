"""Dispute look-ups as a lawyer asks them: by Member and role, by provision (with how the provision
is involved), by stage. The CLI, the web app, precedent and drafting all read disputes through here."""

from __future__ import annotations

from ..enrich.provisions import ancestors, is_within
from ..members import suggestions as member_suggestions  # noqa: F401 - the Disputes page's hint
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
