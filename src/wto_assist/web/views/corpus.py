"""The Corpus page: the documents held, whether the index covers them ("Index now"), an upload ingested as
a job, and the jobs' state as JSON for the page to follow (web/jobs.py)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ...documents.readers import SUPPORTED_SUFFIXES
from ...index_health import index_health
from .. import jobs
from ..messages import shown
from ..uploads import UploadRejected, save_upload
from ...results import Coverage
from . import Site, api_answer

if TYPE_CHECKING:
    from ...search import Searcher


def _index_status(searcher: Searcher | None) -> dict | None:
    """The index in use, as the Corpus page shows it (called under the state's lock: no switch closes it meanwhile)."""
    if searcher is None:
        return None
    manifest = searcher.manifest
    created = manifest.get("created", "")
    age = time.time() - (searcher.version / "manifest.json").stat().st_mtime
    return {"version": searcher.version.name, "created": created, "rows": manifest.get("rows"),
            "dense": manifest.get("dense"), "model": manifest.get("model"), "age_minutes": round(age / 60, 1)}


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    def followed(job: jobs.Job) -> Response:
        return RedirectResponse(f"/corpus?job={job.id}", status_code=303)

    async def corpus(request: Request) -> Response:
        error = None
        if request.method == "POST":
            form = await checked_form(request)
            if form is None:
                return forged(request)
            try:
                saved = await save_upload(form.get("file"), state.data_dir / "uploads", set(SUPPORTED_SUFFIXES))
            except UploadRejected as problem:
                error = shown(problem)
            else:
                # Ingesting and re-indexing take seconds to minutes: a job of its own, so every other page stays live.
                return followed(jobs.start(state, "upload", f"Ingesting {saved.name}…", jobs.ingest_upload, saved))
        state.follow()
        from ...coverage import coverage

        with state.lock:  # the Searcher read inside: a switch (and a prune of the version it used) waits for the page
            searcher = state.searcher
            store = state.corpus.store
            documents, failures = store.documents(), store.failures()
            held = Coverage.from_record(coverage(state.corpus))
            health = index_health(store, searcher.manifest if searcher else None)
            index = _index_status(searcher)
            unreadable = None if searcher or state.corpus.index_problem is None else shown(state.missing_index())
        job = state.jobs.get(request.query_params.get("job", ""))
        return page(request, "corpus.html", 400 if error else 200, documents=documents, failures=failures,
                    index=index, unreadable=unreadable, health=health, error=error, job=job, coverage=held)

    async def index_now(request: Request) -> Response:
        """Start bringing the index up to date (one index job at a time: a second click follows the first)."""
        if await checked_form(request) is None:
            return forged(request)
        return followed(jobs.start(state, "index", "Updating the index…", jobs.index_now))

    def api_coverage(request: Request) -> Response:
        """GET /api/coverage: what `coverage --json` prints, the table the Corpus page shows."""
        from ...coverage import coverage

        with state.lock:
            return api_answer(Coverage.from_record(coverage(state.corpus)))

    def job_state(request: Request) -> Response:
        """A job's state as JSON, for the Corpus page's script to follow it without reloading."""
        job = state.jobs.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"error": f"job: no such job (an ended job is kept {jobs.KEPT_DAYS} days)", "field": "job"}, status_code=404)
        return JSONResponse(job.to_json())

    return [Route("/corpus", corpus, methods=["GET", "POST"]), Route("/corpus/index", index_now, methods=["POST"]),
            Route("/corpus/jobs/{job}", job_state), Route("/api/coverage", api_coverage)]
