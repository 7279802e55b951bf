"""The Disputes pages (the registry by Member, role, provision and stage; one dispute) and their JSON twins
/api/disputes and /api/disputes/DS###: dispute_listing's calls, as `disputes` makes them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...dispute_listing import dispute_file, list_disputes
from ...errors import WtoAssistError
from ...registry.query import member_suggestions
from ...results import Dispute, DisputeFile, PrecedentEntry
from ..messages import shown
from . import Site, api_answer


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def listing(params) -> tuple[list[Dispute], dict | None]:
        """The page's and the API's one call: results.PrecedentEntry rows when a provision is given, else results.Dispute."""
        with state.lock:
            rows, involved = list_disputes(state.corpus, params.get("member", "").strip() or None, params.get("role"),
                                           params.get("provision", "").strip() or None, params.get("status") or None)
        kind = PrecedentEntry if involved else Dispute
        return [kind.from_record(row) for row in rows], involved

    def disputes(request: Request) -> Response:
        params = request.query_params
        error, rows, involved, suggestions = None, [], None, []
        try:
            rows, involved = listing(params)
        except WtoAssistError as problem:
            error = shown(problem)
            if problem.field == "member":
                suggestions = member_suggestions(params.get("member", ""))
        return page(request, "disputes.html", params=params, rows=rows, error=error, involved=involved, suggestions=suggestions)

    def api_disputes(request: Request) -> Response:
        """/api/disputes?member=&role=&provision=&status=: what `disputes --json` prints."""
        return api_answer(listing(request.query_params)[0])

    def one(request: Request) -> DisputeFile:
        with state.lock:
            return DisputeFile.from_record(dispute_file(state.corpus, request.path_params["number"]))

    def dispute(request: Request) -> Response:
        shown_file = one(request)
        return page(request, "dispute.html", dispute=shown_file.dispute, mentions=shown_file.mentions, filings=shown_file.filings,
                    summary=shown_file.summary, terms=[], query="")

    def api_dispute(request: Request) -> Response:
        """/api/disputes/DS###: results.DisputeFile."""
        return api_answer(one(request))

    return [Route("/disputes", disputes), Route("/disputes/DS{number:int}", dispute),
            Route("/api/disputes", api_disputes), Route("/api/disputes/DS{number:int}", api_dispute)]
