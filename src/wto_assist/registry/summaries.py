"""The WTO's summary of each dispute as a document of the corpus ("DS512 summary"), so that search,
filters and precedent read the WTO's own dispute-settlement prose.

A summary has no paragraph numbers; it is cut into its events (a new paragraph where a sentence opens
with a date or a meeting, as the summaries tell a dispute) and numbered in brackets, "[3]", so that no
citation pretends to be an official paragraph number.
"""

from __future__ import annotations

import hashlib
import re

from ..documents.model import Document, Paragraph
from ..documents.symbols import summary_symbol

FAMILY = "dispute-summary"
_NEW_EVENT = re.compile(r"^(?:On \d|On or about|At (?:its|the|a) .{0,40}meeting|Further to|Following|Subsequently|See also|In (?:a|its) communication)")


def summary_document(number: int, summary: str, date: str | None, source: str) -> Document:
    sentences = [s.strip() for s in re.split(r"(?<=[.;:])\s+(?=[A-Z])", summary) if s.strip()]
    blocks: list[list[str]] = []
    for sentence in sentences:
        if not blocks or _NEW_EVENT.match(sentence):
            blocks.append([])
        blocks[-1].append(sentence)
    paragraphs = [
        Paragraph(seq=position, label=f"[{position}]", numbered=True, text=" ".join(block), numbering="ordinal", marked=False)
        for position, block in enumerate(blocks, 1)
    ]
    return Document(
        symbol=summary_symbol(number), family=FAMILY, body=f"Dispute settlement (DS{number})", date=date, restricted=False,
        title=f"Summary of the dispute to date (DS{number})", paragraphs=paragraphs, source_path=f"{source}#DS{number}",
        sha256=hashlib.sha256(summary.encode("utf-8")).hexdigest(), encoding="utf-8", symbol_source="registry",
        restriction_rule="published on the WTO website",
    )
