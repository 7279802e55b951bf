"""The Draft page (the form itself is web/drafting.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import Site


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    async def draft(request: Request) -> Response:
        from ..drafting import draft_form, preview_or_render

        if request.method == "GET":
            return page(request, "draft.html", form=draft_form({}), errors={}, preview=None)
        form = await checked_form(request)
        if form is None:
            return forged(request)
        return preview_or_render(request, state, dict(form), form.getlist("keep"), page)

    return [Route("/draft", draft, methods=["GET", "POST"])]
