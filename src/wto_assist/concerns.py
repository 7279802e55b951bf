"""The concerns inventory: who raised a concern about which Member's measure, where, the reply of the
Member concerned, and the later meetings where it came back, each row with its evidence citations.

Rows come from the enrich stage (enrich/concerns.py). The reply is the first paragraph under the same
agenda item of the same meeting in which the Member concerned speaks. A concern came back when a later
meeting records a concern about the same Member's measure citing the same notification, or naming
the same products, or sharing most of the measure's words. Tags are the user's and survive
re-ingestion (they are keyed by the concern's stable id).
"""

from __future__ import annotations

import re
from pathlib import Path

from .corpus import Corpus
from .exports import write_csv
from .filters import SearchError, field_error, member_name
from .store import symbol_order

CSV_COLUMNS = ("concern_id", "citation", "date", "body", "raised_by", "raised_on_behalf_of", "target", "measure", "products",
               "hs_codes", "notifications", "reply", "came_back", "tags", "evidence")
_STOP = frozenset("the a an of on in for to and by its their from with certain all".split())


def _resolve(name: str | None, field: str) -> str | None:
    return member_name(name, field) if name else None


def _words(measure: str) -> set[str]:
    return {word for word in re.findall(r"[a-z][a-z-]+", measure.lower()) if word not in _STOP}


def _same_item(earlier: dict, later: dict) -> bool:
    if earlier["target"] != later["target"] or earlier["symbol"] == later["symbol"]:
        return False
    if earlier["notifications"] and later["notifications"]:
        return bool(set(earlier["notifications"].split(", ")) & set(later["notifications"].split(", ")))
    if earlier["products"] and later["products"] and earlier["products"].lower() == later["products"].lower():
        return True
    first, second = _words(earlier["measure"]), _words(later["measure"])
    return bool(first and second) and len(first & second) / min(len(first), len(second)) >= 0.6


def inventory(db_path: Corpus | Path, member: str | None = None, target: str | None = None, tag: str | None = None) -> list[dict]:
    """Concerns raised by `member` (or by anyone) about `target`'s measures (or anyone's)."""
    raised_by, about = _resolve(member, "member"), _resolve(target, "target")
    with Corpus.borrowed(db_path) as corpus:  # the caller's open corpus, when it passes one
        store = corpus.store
        rows = store.concerns()
        paragraphs = {symbol: store.paragraphs(symbol) for symbol in {row["symbol"] for row in rows}}
    result = []
    for row in rows:
        if (raised_by and raised_by not in (row["raised_by"], row["raised_on_behalf_of"])) or (about and row["target"] != about):
            continue
        if tag and tag not in row["tags"]:
            continue
        reply = next((p for p in paragraphs[row["symbol"]] if p["seq"] > row["seq"] and p["agenda_item"] == row["agenda_item"]
                      and p["speaker"] == row["target"]), None)
        later = [other for other in rows if (other["date"] or "") > (row["date"] or "") and _same_item(row, other)]
        result.append({
            **{key: row[key] for key in ("concern_id", "citation", "symbol", "paragraph", "date", "body", "raised_by",
                                         "raised_on_behalf_of", "target", "measure", "products", "hs_codes", "notifications",
                                         "tags", "evidence")},
            "reply": reply["citation"] if reply else None,
            "reply_text": reply["text"] if reply else None,
            # as people read citations: M/3 before M/29, para. 2 before para. 10
            "came_back": sorted({other["citation"] for other in later}, key=symbol_order),
        })
    return result


def tag(db_path: Corpus | Path, concern_id: str, label: str, remove: bool = False) -> None:
    label = label.strip()
    if not label or len(label) > 60 or not re.fullmatch(r"[\w -]+", label):
        raise field_error("tag", f"{label!r} must be 1-60 letters, digits, spaces or hyphens")
    with Corpus.borrowed(db_path) as corpus:  # the caller's open corpus, when it passes one
        store = corpus.store
        if not store.tag_concern(concern_id.strip(), label, remove):
            raise SearchError(f"concern_id: no concern has the id {concern_id!r} (the list of concerns gives each one's id)", field="concern_id",
                              status=404)


def write_inventory_csv(rows: list[dict], path: Path) -> None:
    write_csv(path, list(CSV_COLUMNS), [["; ".join(row[c]) if isinstance(row[c], list) else row[c] for c in CSV_COLUMNS] for row in rows])
