"""The web app's corpus jobs, run outside any request: an uploaded file ingested and indexed, or the index
brought up to date ("Index now"). Each job is a `Job` in `state.jobs`, a table every worker process shares
(jobstore.py); the Corpus page shows it and /corpus/jobs/ID answers its state as JSON, so the page can
follow it (app.js, or a refresh without JavaScript) while every other page stays live.

Progress is the line a log gets from progress.py ("embedded 1,200 of 29,273 windows, 3 min left"),
kept on the job instead of printed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..index.build import build_index
from ..progress import Steps
from ..store import Store
from ..wording import counted
from .jobstore import DONE, DUPLICATE, FAILED, KEPT_DAYS, RUNNING, Job  # noqa: F401 - read here by the views and tests
from .locking import held_across_processes

if TYPE_CHECKING:
    from .app import WebState

_ALREADY = re.compile(r"^(?P<symbol>\S+) is already ingested from ")  # ingest.py's refusal of a second file for one symbol
BUILD_LOCK = "index-build.lock"  # in the data folder: one job's index build at a time across the app's workers


def start(state: WebState, kind: str, message: str, work: Callable[..., None], *args) -> Job:
    """Record a running job and run `work(state, job, *args)` on a thread of its own. An index job while
    another is running (in this worker or another) is that job: a second build would only wait for the first."""
    job = Job(uuid.uuid4().hex[:12], kind, RUNNING, message)
    if kind == "index":
        started = state.jobs.add_unless_running(job)
        if started is not job:
            return started
    else:
        state.jobs[job.id] = job
    threading.Thread(target=_guarded, args=(work, state, job, *args), daemon=True).start()
    return job


def _guarded(work: Callable[..., None], state: WebState, job: Job, *args) -> None:
    """The job ends with a status whatever happens; the details of an unexpected error go to the server's log."""
    try:
        work(state, job, *args)
    except Exception:  # noqa: BLE001 - a job must never stay "running" forever
        logging.getLogger("wto_assist.web").exception("%s job %s", job.kind, job.id)
        job.update(FAILED, "The job stopped on an unexpected error; the server's log has the details.")


def ingest_upload(state: WebState, job: Job, saved: Path) -> None:
    """Ingest an uploaded file and update the index. A file the corpus already holds (the same bytes, or
    another file of the same symbol) is a duplicate, named as such, and nothing is added."""
    from ..ingest import ingest_paths

    held = _holder_of(state, hashlib.sha256(saved.read_bytes()).hexdigest())
    if held is not None:
        saved.unlink(missing_ok=True)
        job.update(DUPLICATE, f"Duplicate: the corpus already holds this file as {held}; nothing was added.")
        return
    report = ingest_paths([saved], state.db_path)
    if report.failed:
        saved.unlink(missing_ok=True)
        reason = report.failed[0][1]
        already = _ALREADY.match(reason)
        if already:
            job.update(DUPLICATE, f"Duplicate: the corpus already holds {already['symbol']} (from another file); "
                                  "this file was not added.")
        else:
            job.update(FAILED, f"{saved.name}: {reason}")
        return
    symbol = report.ingested[0][1] if report.ingested else "the file"
    job.message = f"Ingested {symbol}; updating the index…"
    _build(state, job)
    job.update(DONE, f"Ingested {symbol} and updated the index.")


def index_now(state: WebState, job: Job) -> None:
    """Bring the index up to date with the store (what `wto-assist index` does), then search the new version."""
    report = _build(state, job)
    job.update(DONE, f"The index is up to date: {counted(report.rows, 'paragraph')} searchable.")


def _build(state: WebState, job: Job):
    """build_index, its progress kept on the job; the app switches to the new version when it is live."""
    # No lines are written (an endless interval, a stream nobody reads): the job shows the line instead.
    steps = Steps({"embedded": ("Embedding new windows", "embedded", "windows")}, stream=io.StringIO(), terminal=False,
                  interval=math.inf)

    def embedded(done: int, total: int) -> None:
        steps("embedded", done, total)
        job.progress = steps.line()

    # Keep the live index's kind: a BM25-only corpus must not be embedded whole on the first upload.
    in_use = state.searcher  # read once: a switch may land between two reads
    with_dense = in_use.manifest.get("dense", False) if in_use else state.with_dense

    def waiting() -> None:
        job.progress = "waiting for another index build to end (an upload or Index now started elsewhere)"

    with held_across_processes(state.data_dir / BUILD_LOCK, waiting), steps:
        report = build_index(state.db_path, state.index_dir, model=state.model, with_dense=with_dense, on_progress=embedded)
    # The index built (or a newer one) is in use when the job says it is done. Switched after the build lock is let go:
    # the warm-up (up to 3 s at 100x) no longer holds another worker's build back; a build landing meanwhile may remove
    # this version before it is opened, and then the Searcher opens the newer one (Searcher.__init__ tries again).
    state.follow(wait=True)
    return report


def _holder_of(state: WebState, sha256: str) -> str | None:
    """The symbol of the document ingested from a file with these bytes, if any. Read on a connection of its
    own, closed here: the job's thread ends, and the corpus's per-thread connection would outlive it unused
    (ingest and the index build, which follow, open theirs too)."""
    with Store(state.db_path, create=False) as store:
        row = store.connection.execute(
            "SELECT symbol FROM sources WHERE sha256 = ? AND status = 'ingested' AND symbol IS NOT NULL", (sha256,)).fetchone()
    return row[0] if row else None
