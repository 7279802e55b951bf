"""The WTO's summary of each dispute as a document of the corpus ("DS512 summary"), so that search,
filters and precedent read the WTO's own dispute-settlement prose.

A summary has no paragraph numbers; it is cut into its events (a new paragraph where a sentence opens
with a date or a meeting, as the summaries tell a dispute) and numbered in brackets, "[3]", so that no
citation pretends to be an official paragraph number.

Each paragraph is dated by its own event (the first full date it gives), so that a date filter finds
the 2017 panel request in its 2017 paragraph, not in a summary dated by its latest event; a paragraph
without a date takes the date of the event before it (the first, the date consultations were requested).
"""

from __future__ import annotations

import hashlib
import re

from ..documents.model import Document, Paragraph
from ..documents.symbols import summary_symbol
from .status import _DATE, _iso

FAMILY = "dispute-summary"
_NEW_EVENT = re.compile(r"^(?:On \d|On or about|At (?:its|the|a) .{0,40}meeting|Further to|Following|Subsequently|See also|In (?:a|its) communication)")


def _event_dates(blocks: list[str], requested: str | None) -> list[str | None]:
    dates, current = [], requested
    for block in blocks:
        found = next((when for when in map(_iso, _DATE.finditer(block)) if when), None)
        current = found or current
        dates.append(current)
    return dates


def summary_document(number: int, summary: str, date: str | None, source: str, requested: str | None = None) -> Document:
    sentences = [s.strip() for s in re.split(r"(?<=[.;:])\s+(?=[A-Z])", summary) if s.strip()]
    blocks: list[list[str]] = []
    for sentence in sentences:
        if not blocks or _NEW_EVENT.match(sentence):
            blocks.append([])
        blocks[-1].append(sentence)
    texts = [" ".join(block) for block in blocks]
    paragraphs = [
        Paragraph(seq=position, label=f"[{position}]", numbered=True, text=text, date=when, numbering="ordinal", marked=False)
        for position, (text, when) in enumerate(zip(texts, _event_dates(texts, requested)), 1)
    ]
    return Document(
        symbol=summary_symbol(number), family=FAMILY, body=f"Dispute settlement (DS{number})", date=date, restricted=False,
        title=f"Summary of the dispute to date (DS{number})", paragraphs=paragraphs, source_path=f"{source}#DS{number}",
        sha256=hashlib.sha256(summary.encode("utf-8")).hexdigest(), encoding="utf-8", symbol_source="registry",
        restriction_rule="published on the WTO website",
    )
