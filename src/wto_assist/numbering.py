"""How sure each paragraph number is, per document: the report behind `wto-assist check-numbering`.

Segmentation (documents/segment.py) records for every paragraph whether its number was printed in the
text, counted by the WTO template's rule, taken as part of the paragraph above ("within"), or a
bracketed ordinal; where it made a judgement call it leaves a note. This module reads them back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .errors import NotFoundError
from .store import Store


@dataclass
class NumberingReport:
    symbol: str
    kinds: dict[str, int]  # printed | counted | within | ordinal -> paragraphs
    notes: list[dict] = field(default_factory=list)  # citation, note, opening
    outdated: bool = False  # stored before numbers were decided this way: ingest the file again

    @property
    def certain(self) -> bool:
        return not self.notes and not self.outdated

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "kinds": self.kinds, "notes": self.notes, "outdated": self.outdated}


def check_numbering(store: Store, symbol: str | None = None) -> list[NumberingReport]:
    """One report per document (or for `symbol` alone); raises NotFoundError for an unknown symbol."""
    symbols = [symbol] if symbol else [row["symbol"] for row in store.documents()]
    reports = []
    for name in symbols:
        paragraphs = store.paragraphs(name)
        if not paragraphs:
            raise NotFoundError(f"no document {name} in the corpus", field="symbol")
        kinds = Counter(paragraph["numbering"] or "unknown" for paragraph in paragraphs)
        notes = [
            {"citation": paragraph["citation"], "note": paragraph["numbering_note"], "opening": paragraph["text"][:80]}
            for paragraph in paragraphs if paragraph["numbering_note"]
        ]
        reports.append(NumberingReport(name, dict(kinds), notes, outdated="unknown" in kinds))
    return reports
