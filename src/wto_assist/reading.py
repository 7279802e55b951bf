"""A document read with its citations: what `show`, the Documents page and /api/documents/SYMBOL read,
in one call."""

from __future__ import annotations

from pathlib import Path

from .corpus import Corpus
from .documents.symbols import normalise_symbol
from .errors import NotFoundError


def read_document(db: Corpus | Path, symbol: str, label: str | None = None) -> dict:
    """A document (results.DocumentView): its list entry with where it came from, its paragraphs (only
    para. `label` and its unnumbered tail when given), its footnotes (those the paragraphs call, with a
    label), the documents and disputes it cites. An unknown symbol or paragraph is a NotFoundError."""
    symbol = normalise_symbol(symbol)
    with Corpus.borrowed(db) as corpus:
        store = corpus.store
        document = store.document(symbol)
        if document is None:
            raise NotFoundError(f"symbol: {symbol} is not in the corpus", field="symbol")
        listed = next(entry for entry in store.documents(prefix=symbol) if entry["symbol"] == symbol)
        paragraphs = store.paragraphs(symbol, label)
        if label is not None and not paragraphs:
            raise NotFoundError(f"para: {symbol} has no paragraph {label}", field="para")
        cited = [{"symbol": cited, "in_corpus": store.document(cited) is not None} for cited in store.documents_cited(symbol)]
        disputes = store.disputes_cited(symbol)
    shown = {paragraph["seq"] for paragraph in paragraphs}
    return {"document": {**document, **listed}, "paragraphs": paragraphs,
            "footnotes": [note for note in document["footnotes"] if label is None or note["paragraph_seq"] in shown],
            "documents_cited": cited, "disputes_cited": disputes}
