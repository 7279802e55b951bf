"""The Precedent page: disputes and paragraphs involving a provision."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...search import SearchError
from ..messages import shown
from . import Site, highlight_terms


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def precedent(request: Request) -> Response:
        from ...enrich.provisions import ProvisionError, normalise_key
        from ...precedent import find_precedent

        provision = request.query_params.get("provision", "").strip()
        query = request.query_params.get("q", "").strip()
        related = request.query_params.get("related") == "1"
        result, error = None, None
        if provision:
            try:
                key = normalise_key(provision)
                with state.lock:
                    result = find_precedent(key, state.corpus, query=query or None, k=50, related=related)
            except (ProvisionError, SearchError) as problem:
                error = shown(problem)
        return page(request, "precedent.html", provision=provision, query=query, related=related, result=result, error=error,
                    terms=highlight_terms(query) if query else [])

    return [Route("/precedent", precedent)]
