"""The web app's pages, one module per page (or pair of pages), each with `routes(site)`; each page's JSON
twin sits beside it under /api/ (docs/web-and-security.md lists them), behind the same Guard, calling the
same library function and answering the same typed results (results.py) the page renders. A library
error becomes {"error", "field"} with its HTTP status (web/app.py). web/app.py's create_app only wires them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from ...errors import WtoAssistError
from ...results import Result
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

    async def api_form(self, request: Request):
        """A twin's posted form; a missing or wrong form token is an error naming it (403), as the page refuses it."""
        form = await self.checked_form(request)
        if form is None:
            raise forged_form()
        return form

    def forged(self, request: Request) -> Response:
        return self.page(request, "error.html", 403,
                         message="This form has expired or did not come from wto-assist: reload the page and submit it again.")


@lru_cache(maxsize=64)
def highlight_terms(query: str):
    """What to mark in paragraphs: only words that matched the query itself (highlight.py). One per query, kept
    for the next page or filter on it: the words it has already stemmed are not stemmed again. 64 queries: each
    keeps the distinct words of the pages it highlighted (a few thousand for a few pages)."""
    from ...highlight import QueryWords

    return QueryWords(query)


def api_answer(result: Result | list[Result]) -> JSONResponse:
    """A twin's answer: the typed result(s) the page renders, as the CLI's `--json` prints them."""
    return JSONResponse(result.to_json() if isinstance(result, Result) else [item.to_json() for item in result])


def whole_number(params, name: str, default: int, largest: int) -> int:
    """A whole number parameter from 1 to `largest`; an error naming it otherwise."""
    from ...filters import field_error

    given = params.get(name, "").strip() or str(default)
    if not given.isdecimal() or len(given) > 7 or not 1 <= int(given) <= largest:
        raise field_error(name, f"{given!r} is not a whole number from 1 to {largest}")
    return int(given)


def forged_form() -> WtoAssistError:
    """What a twin answers a POST without the pages' form token."""
    return WtoAssistError("csrf_token: the form token is missing or wrong; read it from a wto-assist page", field="csrf_token",
                          status=403)
