"""The Verify page: an uploaded DOCX checked against the corpus, not kept."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..uploads import UploadRejected, save_upload
from . import Site


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    async def verify(request: Request) -> Response:
        from ...draft.verify import VerifyError, failed, verify_docx

        if request.method == "GET":
            return page(request, "verify.html", checks=None, error=None)
        form = await checked_form(request)
        if form is None:
            return forged(request)
        upload = form.get("file")
        try:
            saved = await save_upload(upload, state.data_dir / "verify", {".docx"})
            try:
                with state.lock:
                    checks = verify_docx(saved, state.corpus)
            finally:
                saved.unlink(missing_ok=True)  # a checked file is not kept
        except (UploadRejected, VerifyError) as problem:
            return page(request, "verify.html", 400, checks=None, error=str(problem).replace(str(state.data_dir), "(upload)"))
        return page(request, "verify.html", checks=[asdict(c) for c in checks], failed=len(failed(checks)), error=None,
                    filename=getattr(upload, "filename", ""))

    return [Route("/verify", verify, methods=["GET", "POST"])]
