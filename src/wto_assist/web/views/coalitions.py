"""The Coalitions page (who raised a topic or stood with a Member) and its JSON twin /api/coalitions:
coalitions.coalition, as `coalition` calls it, on the app's warm Searcher."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...coalitions import coalition
from ...errors import WtoAssistError
from ...results import Coalition
from ..messages import shown
from . import Site, api_answer


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def coalition_for(params) -> Coalition:
        """The page's and the API's one call (q: a topic; member: a Member or group; either or both)."""
        query = params.get("q", "").strip()
        state.follow()
        if query and state.searcher is None:
            raise state.missing_index()
        with state.lock:
            found = coalition(state.corpus, query or None, params.get("member", "").strip() or None)
        return Coalition.from_record(found.as_json())

    def coalitions(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        member = request.query_params.get("member", "").strip()
        result, error = None, None
        if query or member:
            try:
                result = coalition_for(request.query_params)
            except WtoAssistError as problem:
                error = shown(problem)
        return page(request, "coalitions.html", query=query, member=member, result=result, error=error)

    def api_coalitions(request: Request) -> Response:
        """/api/coalitions?q=&member=: what `coalition [QUERY] [--member M] --json` prints."""
        return api_answer(coalition_for(request.query_params))

    return [Route("/coalitions", coalitions), Route("/api/coalitions", api_coalitions)]
