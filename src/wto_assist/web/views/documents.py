"""A document read in context, and its JSON twin /api/documents/SYMBOL[?para=LABEL]: both read it with
reading.read_document, as `show` does."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...reading import read_document
from ...results import DocumentView, Paragraph
from . import Site, api_answer, highlight_terms


def _context_start(paragraphs: list[Paragraph], target: str | None) -> int | None:
    """Where the page opens for a cited paragraph: its agenda heading when it is the first under it,
    else the paragraph before it, so the reader sees what it answers."""
    index = next((i for i, p in enumerate(paragraphs) if target and p.paragraph == target), None)
    if index is None:
        return None
    if index == 0 or paragraphs[index - 1].agenda_item != paragraphs[index].agenda_item:
        return -paragraphs[index].seq  # negative: the anchor goes before the heading of this paragraph
    return paragraphs[index - 1].seq


def _hits_in(paragraphs: list[Paragraph], terms) -> dict[int, tuple[int | None, int | None]]:
    """For each paragraph containing a query term: (previous, next) such paragraph, for in-document navigation."""
    if not terms:
        return {}
    seqs = [p.seq for p in paragraphs if terms.spans(p.text)]
    return {seq: (seqs[i - 1] if i else None, seqs[i + 1] if i + 1 < len(seqs) else None) for i, seq in enumerate(seqs)}


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def view(symbol: str, label: str | None = None) -> DocumentView:
        """The page's and the API's one call (a SymbolError or NotFoundError goes to the app's error handler)."""
        with state.lock:
            return DocumentView.from_record(read_document(state.corpus, symbol, label))

    def document(request: Request) -> Response:
        shown = view(request.path_params["symbol"])
        target = request.query_params.get("para")
        terms = highlight_terms(request.query_params.get("q", ""))
        return page(request, "document.html", meta=shown.document, paragraphs=shown.paragraphs, footnotes=shown.footnotes,
                    cited=shown.documents_cited, target=target, terms=terms, context=_context_start(shown.paragraphs, target),
                    hits=_hits_in(shown.paragraphs, terms))

    def api_document(request: Request) -> Response:
        """/api/documents/SYMBOL: results.DocumentView (the paragraphs as `show --json` prints them); with
        ?para=LABEL, only that paragraph (and its unnumbered tail), as `show --para`."""
        return api_answer(view(request.path_params["symbol"], request.query_params.get("para") or None))

    return [Route("/document/{symbol:path}", document), Route("/api/documents/{symbol:path}", api_document)]
