"""The Disputes pages: the registry by Member, role, provision and stage; one dispute."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ... import members
from ...registry.query import ROLES, find_disputes
from ..messages import shown
from . import Site


def routes(site: Site) -> list[Route]:
    state, page = site.state, site.page

    def disputes(request: Request) -> Response:
        from ...enrich.provisions import ProvisionError, normalise_key
        from ...precedent import involved_disputes
        from ...registry.query import member_suggestions, unknown_member

        params = request.query_params
        error, rows, involved, suggestions = None, [], None, []
        member = params.get("member", "").strip()
        provision = params.get("provision", "").strip()
        try:
            actor = members.lookup(member) if member else None
            if member and actor is None:
                suggestions = member_suggestions(member)
                raise ValueError(unknown_member(member))
            key = normalise_key(provision) if provision else None
            role = params.get("role", "any")
            with state.lock:
                store = state.corpus.store
                rows = find_disputes(store, actor.name if actor else None, role if actor and role in ROLES else None, None,
                                     params.get("status") or None)
                if key:  # the same disputes as the Precedent page, narrowed by the other filters
                    involved = involved_disputes(store, key)
                    wanted = {row["number"] for row in rows}
                    rows = [d for d in involved["disputes"] + involved["unreadable"] if d["number"] in wanted]
        except (ValueError, ProvisionError) as problem:
            error = shown(problem)
        return page(request, "disputes.html", params=params, rows=rows, error=error, involved=involved, suggestions=suggestions)

    def dispute(request: Request) -> Response:
        number = int(request.path_params["number"])
        if number > 9999:  # DS numbers have four digits at most; a longer one overflows SQLite
            return page(request, "error.html", 404, message=f"DS{str(number)[:12]}… is not a dispute number.")
        with state.lock:
            store = state.corpus.store
            rows = find_disputes(store, numbers=[number])
            mentions = store.paragraphs_mentioning("dispute", f"DS{number}")
            filings = store.documents(prefix=f"WT/DS{number}/")
            summary = store.paragraphs(f"DS{number} summary")  # the summary as its dated paragraphs (registry/summaries.py)
        if not rows:
            return page(request, "error.html", 404, message=f"DS{number} is not in the dispute registry.")
        return page(request, "dispute.html", dispute=rows[0], mentions=mentions, filings=filings, summary=summary, terms=[], query="")

    return [Route("/disputes", disputes), Route("/disputes/DS{number:int}", dispute)]
