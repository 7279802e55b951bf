"""The Concerns page: the inventory, and tagging a concern."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...search import SearchError
from ..messages import shown
from . import Site


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    async def concerns(request: Request) -> Response:
        from ...concerns import inventory, tag

        params = request.query_params
        error, message, rows = None, None, []
        if request.method == "POST":  # tag or untag one concern, then show the inventory again
            form = await checked_form(request)
            if form is None:
                return forged(request)
            try:
                with state.lock:
                    tag(state.corpus, form.get("concern_id", ""), form.get("tag", ""), remove=form.get("remove") == "1")
                message = f"{'Removed' if form.get('remove') == '1' else 'Added'} tag {form.get('tag', '').strip()!r}."
            except SearchError as problem:
                error = shown(problem)
        try:
            with state.lock:
                rows = inventory(state.corpus, params.get("member") or None, params.get("target") or None, params.get("tag") or None)
        except SearchError as problem:
            error = shown(problem)
        return page(request, "concerns.html", 400 if error else 200, params=params, rows=rows, error=error, message=message)

    return [Route("/concerns", concerns, methods=["GET", "POST"])]
