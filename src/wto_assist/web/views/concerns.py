"""The Concerns page (the inventory, and tagging a concern) and its JSON twin /api/concerns:
concerns.inventory, as `concerns` calls it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...concerns import inventory, tag
from ...errors import WtoAssistError
from ...results import Concern
from ..messages import shown
from . import Site, api_answer


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    def concerns_for(params) -> list[Concern]:
        """The page's and the API's one call (member: who raised them; target: whose measure; tag)."""
        with state.lock:
            rows = inventory(state.corpus, params.get("member") or None, params.get("target") or None, params.get("tag") or None)
        return [Concern.from_record(row) for row in rows]

    async def concerns(request: Request) -> Response:
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
            except WtoAssistError as problem:
                error = shown(problem)
        try:
            rows = concerns_for(params)
        except WtoAssistError as problem:
            error = shown(problem)
        return page(request, "concerns.html", 400 if error else 200, params=params, rows=rows, error=error, message=message)

    async def api_concerns(request: Request) -> Response:
        """GET /api/concerns?member=&target=&tag=: what `concerns --json` prints. POST (concern_id, tag, remove=1,
        csrf_token; editors only, as the page's tag buttons): `tag-concern`, answering the concern as it is now."""
        if request.method == "GET":
            return api_answer(concerns_for(request.query_params))
        form = await site.api_form(request)
        concern_id = form.get("concern_id", "").strip()
        with state.lock:
            tag(state.corpus, concern_id, form.get("tag", ""), remove=form.get("remove") == "1")
        return api_answer(next(row for row in concerns_for({}) if row.concern_id == concern_id))

    return [Route("/concerns", concerns, methods=["GET", "POST"]), Route("/api/concerns", api_concerns, methods=["GET", "POST"])]
