"""The Search page and its JSON twin, /api/search: the Searcher the app keeps warm, the filters of filters.py."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...filters import Filters, SearchError
from ...index.build import IndexMissing
from ...results import Hit, to_json
from ..messages import shown
from . import Site, highlight_terms, whole_number

PAGE_SIZE = 20
# The search form's advanced filters (folded away unless one is set).
FILTER_FIELDS = ("mode", "speaker", "member", "provision", "dispute", "body", "type", "symbol", "from", "to", "restricted")
API_MAX_K = 100  # hits per /api/search answer at most


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def searched(params, query: str, page_number: int, k: int):
        """The page's and the API's one call: the warm Searcher's run, as `search` makes it."""
        state.follow()
        with state.searching, state.lock:  # read once, in turn: a switch may have landed while this search waited
            searcher = state.searcher
            if searcher is None:
                raise state.missing_index()
            return searcher.run(query, params.get("mode") or None, Filters.from_params(params), page_number, k)

    def search(request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()
        requested = params.get("page", "1")
        # isdecimal and a length cap: "²" or a 5,000-digit number is page 1, not an error
        page_number = max(1, int(requested)) if requested.isdecimal() and len(requested) <= 6 else 1
        result, error = None, None
        if query:
            try:
                result = searched(params, query, page_number, PAGE_SIZE)
            except (IndexMissing, SearchError) as problem:
                error = shown(problem)
        else:
            state.follow()
        base = {key: value for key, value in params.items() if key != "page"}
        filtered = any(params.get(name) for name in FILTER_FIELDS)
        return page(
            request, "search.html", params=params, query=query, result=result, base=base, error=error, filtered=filtered,
            hits=[Hit.from_record(record) for record in result.records] if result else [],
            show_scores=params.get("scores") == "1", terms=highlight_terms(query) if query else [],
        )

    def api_search(request: Request) -> Response:
        """/api/search?q=…&mode=&k=&page=&<filters>: the search page's hits as JSON (results.Hit, the schema of
        `search --json`), with the total (`estimated`: true when it is counted on a sample, beyond a threshold at the
        scale of an archive), the page and the notices."""
        params = request.query_params
        query = params.get("q", "").strip()
        if not query:
            raise SearchError("q: give the words to search for", field="q")
        k, page_number = whole_number(params, "k", 10, API_MAX_K), whole_number(params, "page", 1, 10**6)
        result = searched(params, query, page_number, k)
        return JSONResponse({"total": result.total, "estimated": result.estimated, "page": result.page, "pages": result.pages, "notices": result.notices,
                             "hits": to_json(Hit, result.records)})

    return [Route("/search", search), Route("/api/search", api_search)]
