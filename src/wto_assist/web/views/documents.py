"""A document read in context, and its JSON twin /api/documents/SYMBOL."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...documents.symbols import SymbolError, normalise_symbol
from ...errors import NotFoundError
from ...results import Document, Hit, to_json
from . import Site, highlight_terms


def _context_start(paragraphs: list[dict], target: str | None) -> int | None:
    """Where the page opens for a cited paragraph: its agenda heading when it is the first under it,
    else the paragraph before it, so the reader sees what it answers."""
    index = next((i for i, p in enumerate(paragraphs) if target and p["paragraph"] == target), None)
    if index is None:
        return None
    if index == 0 or paragraphs[index - 1]["agenda_item"] != paragraphs[index]["agenda_item"]:
        return -paragraphs[index]["seq"]  # negative: the anchor goes before the heading of this paragraph
    return paragraphs[index - 1]["seq"]


def _hits_in(paragraphs: list[dict], terms: list[str]) -> dict[int, tuple[int | None, int | None]]:
    """For each paragraph containing a query term: (previous, next) such paragraph, for in-document navigation."""
    if not terms:
        return {}
    seqs = [p["seq"] for p in paragraphs if terms.spans(p["text"])]
    return {seq: (seqs[i - 1] if i else None, seqs[i + 1] if i + 1 < len(seqs) else None) for i, seq in enumerate(seqs)}


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def document(request: Request) -> Response:
        try:
            symbol = normalise_symbol(request.path_params["symbol"])
        except SymbolError as problem:
            return page(request, "error.html", 400, message=str(problem))
        with state.lock:
            store = state.corpus.store
            meta = store.document(symbol)
            if meta is None:
                return page(request, "error.html", 404, message=f"{symbol} is not in the corpus.")
            paragraphs = store.paragraphs(symbol)
            cited = [(cited_symbol, store.document(cited_symbol) is not None) for cited_symbol in store.documents_cited(symbol)]
        target = request.query_params.get("para")
        terms = highlight_terms(request.query_params.get("q", ""))
        return page(request, "document.html", meta=meta, paragraphs=paragraphs, target=target, cited=cited, terms=terms,
                    context=_context_start(paragraphs, target), hits=_hits_in(paragraphs, terms))

    def api_document(request: Request) -> Response:
        """/api/documents/SYMBOL: the document (results.Document) and its paragraphs (results.Hit, unranked)."""
        symbol = normalise_symbol(request.path_params["symbol"])
        with state.lock:
            store = state.corpus.store
            listed = store.documents(prefix=symbol)
            paragraphs = store.paragraphs(symbol)
        meta = next((d for d in listed if d["symbol"] == symbol), None)
        if meta is None:
            raise NotFoundError(f"symbol: {symbol} is not in the corpus", field="symbol")
        rows = [dict(p, score=None, match=None, rank=rank) for rank, p in enumerate(paragraphs, 1)]
        return JSONResponse({"document": to_json(Document, meta), "paragraphs": to_json(Hit, rows)})

    return [Route("/document/{symbol:path}", document), Route("/api/documents/{symbol:path}", api_document)]
