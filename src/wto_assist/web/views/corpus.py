"""The Corpus page: the documents held, an upload ingested as a job (web/jobs.py), the index's state."""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...documents.readers import SUPPORTED_SUFFIXES
from ..jobs import ingest_upload
from ..messages import shown
from ..uploads import UploadRejected, save_upload
from . import Site

if TYPE_CHECKING:
    from ..app import WebState


def _index_status(state: WebState) -> dict | None:
    searcher = state.searcher  # read once: a new build may replace it meanwhile
    if searcher is None:
        return None
    manifest = searcher.manifest
    created = manifest.get("created", "")
    age = time.time() - (searcher.version / "manifest.json").stat().st_mtime
    return {"version": searcher.version.name, "created": created, "rows": manifest.get("rows"),
            "dense": manifest.get("dense"), "model": manifest.get("model"), "age_minutes": round(age / 60, 1)}


def routes(site: Site) -> list[Route]:
    state, page, checked_form, forged = site.state, site.page, site.checked_form, site.forged

    async def corpus(request: Request) -> Response:
        message, error = None, None
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
                job = uuid.uuid4().hex[:12]
                state.jobs[job] = {"file": saved.name, "status": "running", "message": f"Ingesting {saved.name}…"}
                threading.Thread(target=ingest_upload, args=(state, saved, job), daemon=True).start()
                return RedirectResponse(f"/corpus?job={job}", status_code=303)
        state.follow()
        from ...coverage import coverage

        with state.lock:
            documents, failures = state.corpus.store.documents(), state.corpus.store.failures()
        with state.lock:
            held = coverage(state.corpus)
        job = state.jobs.get(request.query_params.get("job", ""))
        return page(request, "corpus.html", 400 if error else 200, documents=documents, failures=failures,
                    index=_index_status(state), message=message, error=error, job=job, coverage=held)

    return [Route("/corpus", corpus, methods=["GET", "POST"])]
