"""The local web app: search, read in context, precedent, disputes, draft, verify and corpus pages.

Every page calls the same library functions as the CLI; the pages live in web/views/ (one module each,
with the JSON twins /api/search and /api/documents/SYMBOL), the Cases pages in web/views/cases.py, uploads
in uploads.py and the corpus jobs in jobs.py. `create_app` wires them behind the Guard (security.py).
All document text is untrusted: templates autoescape everything.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..corpus import Corpus
from ..documents.symbols import FAMILIES
from ..errors import WtoAssistError, from_storage
from ..index.build import IndexMissing, IndexOutdated, current_version
from ..search import MODES, STALE_NOTICE, Searcher
from ..store import Store
from . import readiness, views
from .jobstore import JobStore
from .locking import SharedLock
from .messages import shown
from .security import Access, Guard
from .uploads import MAX_UPLOAD_BYTES  # noqa: F401 - the limit tests read here
from .views import cases, coalitions, concerns, corpus, disputes, documents, draft, precedent, search, verify
from .views.search import FILTER_FIELDS, PAGE_SIZE  # noqa: F401 - read here by tests and benchmarks/bench_scale.py

HERE = Path(__file__).resolve().parent
DRAFT_KINDS = ("committee-statement", "tpr-statement", "joint-statement", "third-party-submission")
JOBS_FILE = "jobs.sqlite"  # in the data folder
PAGES = (search, documents, precedent, disputes, coalitions, concerns, draft, verify, corpus, cases)
SWITCHES_AT_ONCE = 3  # follow(): builds landing while a switch warms, switched to in one call (bounded: no spin)


class WebState:
    """The app's one Corpus (corpus.py: the store, one connection per request thread, and the warm Searcher)
    and paths. Requests share `lock` and run at once; replacing the Searcher holds it alone."""

    def __init__(self, db_path: Path, index_dir: Path, data_dir: Path, model: str | None, with_dense: bool):
        self.db_path, self.index_dir, self.data_dir, self.model = Path(db_path), Path(index_dir), Path(data_dir), model
        self.with_dense = with_dense
        self.lock = SharedLock()
        # One search at a time in this process: a burst of searches is answered one after another (the first
        # soon) instead of all together and late, each slowed by the others (docs/scale.md, run 10).
        self.searching = threading.Lock()
        self.switching = threading.Lock()  # one index switch at a time (follow)
        self.corpus = Corpus(self.db_path, self.index_dir, model)
        self.jobs = JobStore(self.data_dir / JOBS_FILE)  # upload and index jobs, the same in every worker process
        self.readiness = readiness.Readiness()  # warmed up in the app's lifespan, before uvicorn accepts (readiness.py)
        self.load()

    @property
    def searcher(self) -> Searcher | None:
        """The warm Searcher, or None before the first index is built."""
        return self.corpus.opened_searcher

    def missing_index(self) -> IndexMissing:
        """Why there is no Searcher, as the pages say it: an index that cannot be read (built by another version of
        wto-assist, after an upgrade) must be built again; otherwise none has been built yet."""
        problem = self.corpus.index_problem
        if isinstance(problem, IndexOutdated):
            return IndexMissing(f"The index was built by another version of wto-assist (index format {problem.found}; this "
                                f"one reads format {problem.expected}): build it again with Index now on the Corpus page.")
        return IndexMissing("There is no index yet: ingest documents on the Corpus page first.")

    def load(self) -> None:
        """Open and warm a Searcher of the live index (its pages mapped, the query encoder loaded, the corpus's words
        stemmed for highlighting: up to 3 s at 100x), then put it in use alone: requests go on with the index they
        have while the new one warms, and only the swap waits for them to leave."""
        fresh = self.corpus.open_live_searcher(warm=True, for_pages=True)
        with self.lock.exclusive():
            self.corpus.replace_searcher(fresh)

    def follow(self, wait: bool = False) -> None:
        """Switch to the live index when a build (here or `wto-assist index`) has replaced CURRENT. One request
        switches; others arriving meanwhile answer from the index they have (a build keeps the version it replaced),
        unless they `wait` (an index job, so that the index it built is in use when it says it is done) or there is
        no index yet. A build that lands while a switch warms is switched to next, by the same call."""
        for _ in range(SWITCHES_AT_ONCE):
            try:
                live = current_version(self.index_dir)
            except IndexMissing:
                if self.searcher is None:
                    self.corpus.index_problem = None  # no index at all now: what could not be read is gone
                return
            if self._settled(live):
                return
            if not self.switching.acquire(blocking=wait or self.searcher is None):
                return
            try:
                if not self._settled(live):  # another request may have switched it
                    self.load()
            finally:
                self.switching.release()

    def _settled(self, live: Path) -> bool:
        """Whether the live version is in use, or is the one that could not be read (another format): opened again
        only once a build moves CURRENT, not on every request (each try takes the lock alone)."""
        searcher, problem = self.searcher, self.corpus.index_problem
        if searcher is not None:
            return searcher.version == live
        return isinstance(problem, IndexOutdated) and problem.version == live


def create_app(db_path: Path, index_dir: Path, data_dir: Path, model: str | None = None, with_dense: bool = True,
               access: Access | None = None):
    """The app behind its Guard (web/security.py); `access` defaults to loopback use."""
    Store(db_path).close()  # create an empty corpus on first start
    state = WebState(db_path, index_dir, data_dir, model, with_dense)
    access = access or Access()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["highlight"] = _highlight_filter
    _words_for_pages(templates.env)
    # Templates are read once: checking each file's time on every include was half of a search page's CPU under load.
    templates.env.auto_reload = False
    templates.env.globals.update(families=FAMILIES, modes=MODES, stale_notice=STALE_NOTICE, kinds=DRAFT_KINDS, csrf_token=access.form_token)
    site = views.Site(state, templates, access)
    page = site.page

    def home(request: Request) -> Response:
        return RedirectResponse("/search")

    routes = [Route("/", home)] + [route for module in PAGES for route in module.routes(site)] + readiness.routes(state)
    routes.append(Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"))

    def library_error(request: Request, error: WtoAssistError) -> Response:
        """A library error no page handled itself: its message on the error page, with its own status; as JSON
        under /api/ ({"error": "member: …", "field": "member"})."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(error), "field": error.field}, status_code=error.status)
        return page(request, "error.html", error.status, message=shown(error))

    def storage_error(request: Request, error: Exception) -> Response:
        """A read-only database or a full disk (errors.from_storage) is said as such, 503 or 507, not a 500."""
        said = from_storage(error)
        if said is None:
            raise error  # a bug: the server's own error page, and the traceback in its log
        return library_error(request, said)

    def gone(request: Request, error: ClientDisconnect) -> Response:
        """The browser went away mid-upload: nobody to answer, nothing to log."""
        return Response(status_code=400)

    handlers = {WtoAssistError: library_error, ClientDisconnect: gone, sqlite3.OperationalError: storage_error, OSError: storage_error}
    starlette = Starlette(routes=routes, exception_handlers=handlers, lifespan=readiness.lifespan(state))
    starlette.state.web = state  # the shared Searcher and its lock (tests and benchmarks look at them)
    return Guard(starlette, access)


def _words_for_pages(env) -> None:
    """The library's wording helpers as filters, so the pages read as the CLI does: `counted` ("1 dispute"),
    a provision key as a lawyer reads it, family and mode keys as labels, a restriction label."""
    from .. import labels, wording
    from ..documents.restriction import restriction_label

    env.filters.update(counted=wording.counted, provision=labels.provision_label, family=labels.family_label,
                       mode=labels.mode_label, kind=labels.kind_label, provisions_in_words=labels.provisions_in_words, stage_source=labels.stage_source_label, status=labels.status_label,
                       restriction=restriction_label)


def _highlight_filter(text: str, terms: list[str]):
    """Mark query terms; every piece of the paragraph is escaped on its own, so <mark> is the only HTML."""
    from markupsafe import Markup, escape

    if not terms:
        return escape(text)
    pieces, position = [], 0
    for start, end in terms.spans(text):
        pieces += [str(escape(text[position:start])), f"<mark>{escape(text[start:end])}</mark>"]
        position = end
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))
