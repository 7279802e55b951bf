"""The Coalitions page: who raised a topic or stood with a Member."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...search import SearchError
from ..messages import shown
from . import Site


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def coalitions(request: Request) -> Response:
        from ...coalitions import member_coalition, topic_coalition

        query = request.query_params.get("q", "").strip()
        member = request.query_params.get("member", "").strip()
        result, error = None, None
        state.follow()
        if query or member:
            try:
                with state.lock:
                    if not query:
                        result = member_coalition(state.corpus, member)
                    elif state.searcher is None:
                        error = "There is no index yet: ingest documents on the Corpus page first."
                    else:
                        result = topic_coalition(state.searcher, query, member=member or None)
            except SearchError as problem:
                error = shown(problem)
        return page(request, "coalitions.html", query=query, member=member, result=result, error=error)

    return [Route("/coalitions", coalitions)]
