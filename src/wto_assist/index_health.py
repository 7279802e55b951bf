"""Whether the index covers the corpus: which documents are held but not searchable yet, said plainly.

After `load-disputes` the dispute summaries are in the store (offered as a filter) but not in the index
until `wto-assist index` runs; a search then finds nothing in them, which reads as "nothing was said".
`index_health` counts what the live index does not cover, by kind of document, so the Corpus page (and
search, through `built_at`) can say so and offer to index now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import wording
from .store import Store

# How a count of each family of documents reads in a sentence: (one, several).
_FAMILY_WORDS = {
    "minutes": ("set of minutes", "sets of minutes"),
    "dispute-summary": ("dispute summary", "dispute summaries"),
    "tpr-secretariat-report": ("TPR Secretariat report", "TPR Secretariat reports"),
    "tpr-government-report": ("TPR government report", "TPR government reports"),
    "tpr-minutes": ("set of TPR minutes", "sets of TPR minutes"),
    "panel-report": ("panel report", "panel reports"),
    "appellate-body-report": ("Appellate Body report", "Appellate Body reports"),
    "request-for-consultations": ("request for consultations", "requests for consultations"),
    "panel-request": ("panel request", "panel requests"),
    "communication": ("communication", "communications"),
    "third-party-submission": ("third-party submission", "third-party submissions"),
}


def counted(count: int, family: str) -> str:
    """"624 dispute summaries", "1 set of minutes"."""
    one, several = _FAMILY_WORDS.get(family, ("other document", "other documents"))
    return wording.counted(count, one, several)


def built_at(manifest: dict) -> str | None:
    """When the index read the store, in UTC as the store writes `ingested_at` (comparable as text); None if
    unknown. The moment it started reading (`read_at`), not the moment it was published (`created`): a
    document ingested while the index was being built is not in it, and must be reported as waiting."""
    if isinstance(manifest.get("read_at"), str):
        return manifest["read_at"]
    try:
        built = datetime.strptime(manifest["created"], "%Y-%m-%dT%H:%M:%S%z")
    except (KeyError, TypeError, ValueError):
        return None
    return built.astimezone(timezone.utc).isoformat(timespec="seconds")


@dataclass
class IndexHealth:
    """The live index against the store: `waiting` counts the documents not searchable yet, by family."""

    built: bool
    documents: int
    waiting: dict[str, int] = field(default_factory=dict)

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())

    def summary(self) -> str:
        """One sentence for the Corpus page: what is not searchable yet, and why."""
        if not self.documents:
            return "The corpus holds no documents yet."
        if not self.waiting_total:
            return "The 1 document is searchable." if self.documents == 1 else f"All {self.documents:,} documents are searchable."
        parts = [counted(count, family) for family, count in sorted(self.waiting.items(), key=lambda item: (-item[1], item[0]))]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        verb = "is" if self.waiting_total == 1 else "are"
        why = "there is no index yet" if not self.built else "added since the index was built"
        return f"{listed} {verb} in the corpus but not searchable yet ({why}): index now to search them."


def index_health(store: Store, manifest: dict | None) -> IndexHealth:
    """Compare the store with the live index's manifest (None: no index has been built)."""
    documents = store.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    if manifest is None:
        since = ""  # every document is waiting
    else:
        since = built_at(manifest)
        if since is None:  # an index that does not say when it was built: take it as covering the store
            return IndexHealth(True, documents)
    rows = store.connection.execute(
        "SELECT family, COUNT(*) FROM documents WHERE ingested_at > ? GROUP BY family", (since,)).fetchall()
    return IndexHealth(manifest is not None, documents, {family: count for family, count in rows})
