"""The web app's pages, one module per page (or pair of pages), each with `routes(site)`; the JSON twins
of Search and Documents sit beside their pages (/api/search, /api/documents/SYMBOL), behind the same
Guard, calling the same library functions. web/app.py's create_app only wires them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from ..security import Access

if TYPE_CHECKING:
    from ..app import WebState


@dataclass
class Site:
    """What every page needs: the app's state (its Corpus and lock), the templates and the access rules."""

    state: WebState
    templates: Jinja2Templates
    access: Access

    def page(self, request: Request, name: str, status_code: int = 200, **context) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    async def checked_form(self, request: Request):
        """The posted form, or None when its form token is missing or wrong (a forged request)."""
        form = await request.form()
        return form if self.access.form_token_ok(form.get("csrf_token")) else None

    def forged(self, request: Request) -> Response:
        return self.page(request, "error.html", 403,
                         message="This form has expired or did not come from wto-assist: reload the page and submit it again.")


def highlight_terms(query: str):
    """What to mark in paragraphs: only words that matched the query itself (highlight.py)."""
    from ...highlight import QueryWords

    return QueryWords(query)
