"""The Draft page (the form itself is web/drafting.py) and its JSON twin /api/draft: the page's preview,
draft.preview.preview_draft, as `wto-assist draft BRIEF --preview --json` prints it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import Site, api_answer


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

    async def api_draft(request: Request) -> Response:
        """POST /api/draft (the Draft page's form fields, csrf_token; keep=N repeatable with previewed=1 to choose
        passages): the preview, nothing written. A brief error names the form field that holds it."""
        from ...draft import DraftError
        from ...draft.brief import BriefError
        from ...search import SearchError
        from ..drafting import draft_form, draft_preview, form_error

        form = await site.api_form(request)
        values = dict(form)
        try:
            return api_answer(draft_preview(state, values, form.getlist("keep")))
        except (BriefError, DraftError, SearchError) as error:
            raise form_error(error, draft_form(values)) from None

    return [Route("/draft", draft, methods=["GET", "POST"]), Route("/api/draft", api_draft, methods=["POST"])]
