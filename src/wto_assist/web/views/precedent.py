"""The Precedent page (disputes and paragraphs involving a provision) and its JSON twin /api/precedent:
precedent.find_precedent, as `precedent` calls it, on the app's warm Searcher."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...errors import WtoAssistError
from ...filters import field_error, provision_key
from ...precedent import find_precedent
from ...results import Precedent
from ..messages import shown
from . import Site, api_answer, highlight_terms, whole_number

PAGE_K = 50  # corpus paragraphs the page lists
API_MAX_K = 100


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def precedent_for(provision: str, query: str, related: bool, k: int) -> Precedent:
        """The page's and the API's one call."""
        key = provision_key(provision)
        with state.lock:
            return Precedent.from_record(find_precedent(key, state.corpus, query=query or None, k=k, related=related))

    def precedent(request: Request) -> Response:
        provision = request.query_params.get("provision", "").strip()
        query = request.query_params.get("q", "").strip()
        related = request.query_params.get("related") == "1"
        result, error = None, None
        if provision:
            try:
                result = precedent_for(provision, query, related, PAGE_K)
            except WtoAssistError as problem:
                error = shown(problem)
        return page(request, "precedent.html", provision=provision, query=query, related=related, result=result, error=error,
                    terms=highlight_terms(query) if query else [])

    def api_precedent(request: Request) -> Response:
        """/api/precedent?provision=…&q=&related=1&k=: what `precedent --json` prints."""
        params = request.query_params
        provision = params.get("provision", "").strip()
        if not provision:
            raise field_error("provision", "give a provision, e.g. GATT1994:XXI or 'Article XXI of the GATT 1994'")
        k = whole_number(params, "k", 20, API_MAX_K)
        return api_answer(precedent_for(provision, params.get("q", "").strip(), params.get("related") == "1", k))

    return [Route("/precedent", precedent), Route("/api/precedent", api_precedent)]
