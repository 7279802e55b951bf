"""The Verify page (an uploaded DOCX checked against the corpus, not kept) and its JSON twin /api/verify:
draft.verify.verify_docx, as `verify` calls it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...draft.verify import VerifyError, failed, verify_docx
from ...errors import WtoAssistError
from ...results import QuotationCheck
from ..uploads import UploadRejected, save_upload
from . import Site, api_answer


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    async def checked(form) -> list[QuotationCheck]:
        """The page's and the API's one call: the posted DOCX checked (as `verify`, or `verify --final` when the
        form says final=1), then deleted. A rejected upload is a VerifyError naming the field "file"."""
        try:
            saved = await save_upload(form.get("file"), state.data_dir / "verify", {".docx"})
        except UploadRejected as problem:
            raise VerifyError(f"file: {problem}", field="file") from None
        try:
            with state.lock:
                checks = verify_docx(saved, state.corpus)
        except VerifyError as problem:
            raise VerifyError(str(problem).replace(str(state.data_dir), "(upload)"), field="file") from None
        finally:
            saved.unlink(missing_ok=True)  # a checked file is not kept
        return QuotationCheck.judged(checks, failed(checks, final=form.get("final") == "1"))

    async def verify(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "verify.html", checks=None, error=None)
        form = await checked_form(request)
        if form is None:
            return forged(request)
        try:
            checks = await checked(form)
        except WtoAssistError as problem:
            return page(request, "verify.html", 400, checks=None, error=str(problem).removeprefix("file: "))
        return page(request, "verify.html", checks=checks, failed=sum(check.failed for check in checks), error=None,
                    filename=getattr(form.get("file"), "filename", ""))

    async def api_verify(request: Request) -> Response:
        """POST /api/verify (multipart: file, csrf_token, final=1 optional): what `verify --json` prints."""
        return api_answer(await checked(await site.api_form(request)))

    return [Route("/verify", verify, methods=["GET", "POST"]), Route("/api/verify", api_verify, methods=["POST"])]
