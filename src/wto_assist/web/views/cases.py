"""The Cases pages: the list, one case (fields with their sharing levels, provenance, timeline,
evidence, links), export and import of bundles (editor role only when served beyond loopback: see
security.EDITOR_ONLY), and "draft the next statement", which takes the `case brief` + `draft --final`
path. Every page calls the case file's library functions, as the CLI does, and renders the typed results
(results.py) that the JSON twins /api/cases, /api/cases/ID and /api/watches answer."""

from __future__ import annotations

import uuid
from datetime import date

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ... import config
from ...cases.model import LEVELS, CaseError
from ...draft import DraftError, DraftRejected, draft_document
from ...draft.brief import BriefError, parse_brief
from ...errors import NotFoundError
from ...results import CaseEntry, CaseShown, Watch, WatchReport
from ...search import SearchError
from ...wording import counted
from .. import messages
from ..uploads import UploadRejected, save_upload
from . import Site, api_answer, forged_form

BRIEF_KINDS = ("committee-statement", "tpr-questions", "joint-statement")


def routes(site: Site) -> list[Route]:
    return case_routes(site.state, site.page, site.checked_form, site.forged, save_upload, UploadRejected)


def case_routes(state, page, checked_form, forged, save_upload, rejected) -> list[Route]:
    """The Cases pages' routes; `save_upload` and `rejected` are the upload saver and its error type."""
    from ...cases.casefile import list_cases, show_case

    def cases_and_watches() -> tuple[list[CaseEntry], list[Watch]]:
        """The list page's and the APIs' one call: `case list` and `watch list`."""
        from ...cases.watch import list_watches

        with state.lock:
            cases, watches = list_cases(state.corpus), list_watches(state.corpus)
        return [CaseEntry.from_record(case) for case in cases], [Watch.from_record(watch) for watch in watches]

    def listing(request: Request, status: int = 200, error: str | None = None, message: str | None = None,
                news: list[WatchReport] | None = None) -> Response:
        cases, watches = cases_and_watches()
        return page(request, "cases.html", status, cases=cases, levels=LEVELS[1:], error=error, message=message,
                    watches=watches, news=news)

    def one_case(case_id: str) -> CaseShown:
        """The case page's and /api/cases/ID's one call: `case show`; an unknown case is not found (404)."""
        try:
            with state.lock:
                return CaseShown.from_record(show_case(state.corpus, case_id))
        except CaseError as problem:
            raise NotFoundError(f"case_id: {problem}", field="case_id") from None

    def watch_news() -> list[WatchReport]:
        """The Cases page's and POST /api/watches' one call: `watch run`."""
        from ...cases.watch import run_watches as run

        with state.lock:
            return [WatchReport.from_record(report) for report in run(state.corpus)]

    async def run_watches(request: Request) -> Response:
        """New paragraphs for each watch since its last run (then remembered, as `watch run` does)."""
        if await checked_form(request) is None:
            return forged(request)
        return listing(request, news=watch_news())

    def case_page(request: Request, case_id: str | None = None, status: int = 200, error: str | None = None) -> Response:
        case_id = case_id or request.path_params["case_id"]
        try:
            shown = one_case(case_id)
        except NotFoundError as problem:
            return page(request, "error.html", 404, message=messages.shown(problem))
        return page(request, "case.html", status, shown=shown, levels=LEVELS[1:], brief_kinds=BRIEF_KINDS, error=error,
                    today=date.fromisoformat(config.today()).isoformat())

    async def export(request: Request) -> Response:
        from ...cases.bundle import export_bundle

        form = await checked_form(request)
        if form is None:
            return forged(request)
        case_ids = [case_id for case_id in form.getlist("case_id") if case_id]
        out = state.data_dir / "bundles" / f"cases-{uuid.uuid4().hex[:8]}.zip"
        try:
            with state.lock:
                export_bundle(state.corpus, config.home(), case_ids, form.get("level", ""), out,
                              form.get("delegation") or None, form.get("person") or "web user")
        except CaseError as problem:
            return case_page(request, case_ids[0], 400, messages.shown(problem)) if len(case_ids) == 1 else listing(request, 400, messages.shown(problem))
        return FileResponse(out, filename=f"cases-{form.get('level')}.zip", media_type="application/zip",
                            background=BackgroundTask(out.unlink, missing_ok=True))

    async def import_(request: Request) -> Response:
        from ...cases.bundle import import_bundle

        form = await checked_form(request)
        if form is None:
            return forged(request)
        try:
            saved = await save_upload(form.get("file"), state.data_dir / "bundles", {".zip"})
        except rejected as problem:
            return listing(request, 400, messages.shown(problem))
        try:
            with state.lock:
                report = import_bundle(state.corpus, config.home(), saved)
        except CaseError as problem:
            return listing(request, 400, messages.shown(problem).replace(str(saved), getattr(form.get("file"), "filename", "the bundle")))
        finally:
            saved.unlink(missing_ok=True)
        return listing(request, message=f"Shared by {report['shared_by']} on {report['shared_at'][:10]}: "
                                         f"{counted(report['versions_added'], 'new version')}, {report['unchanged']} already here, "
                                         f"{counted(report['evidence_added'], 'evidence file')}.")

    async def draft_next(request: Request) -> Response:
        from ...cases.brief import build_brief

        form = await checked_form(request)
        if form is None:
            return forged(request)
        case_id = form.get("case_id", "").strip()
        if not case_id:
            return page(request, "error.html", 400, message="No case was named: open a case and use its Draft form.")
        out = state.data_dir / "drafts" / f"case-{uuid.uuid4().hex[:8]}.docx"
        try:
            with state.lock:
                brief_data, _ = build_brief(state.corpus, case_id, form.get("kind", ""), form.get("body", "").strip(),
                                            form.get("date", "").strip())
                brief = parse_brief(brief_data, f"brief for case {case_id}")
                draft_document(brief, state.corpus, state.index_dir, out, final=True)
        except DraftRejected as problem:
            failing = "; ".join(f"{c.citation}: {c.status}" for c in problem.checks if c.status != "verified")
            return case_page(request, case_id, 500, f"The draft was not written: {failing}")
        except (CaseError, BriefError, DraftError, SearchError) as problem:
            return case_page(request, case_id, 400, messages.shown(problem))
        return FileResponse(out, filename=f"{brief.kind}.docx", background=BackgroundTask(out.unlink, missing_ok=True),
                            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    def api_cases(request: Request) -> Response:
        """/api/cases: what `case list --json` prints."""
        return api_answer(cases_and_watches()[0])

    def api_case(request: Request) -> Response:
        """/api/cases/ID: what `case show ID --json` prints."""
        return api_answer(one_case(request.path_params["case_id"]))

    async def api_watches(request: Request) -> Response:
        """GET /api/watches: what `watch list --json` prints; POST (csrf_token; editors only, as the Cases page's
        button): what `watch run --json` prints, each new paragraph reported once."""
        if request.method == "GET":
            return api_answer(cases_and_watches()[1])
        if await checked_form(request) is None:
            raise forged_form()
        return api_answer(watch_news())

    return [
        Route("/api/cases", api_cases),
        Route("/api/cases/{case_id}", api_case),
        Route("/api/watches", api_watches, methods=["GET", "POST"]),
        Route("/cases", listing),
        Route("/cases/export", export, methods=["POST"]),
        Route("/cases/import", import_, methods=["POST"]),
        Route("/cases/draft", draft_next, methods=["POST"]),
        Route("/cases/watches", run_watches, methods=["POST"]),
        Route("/cases/{case_id}", case_page),
    ]
