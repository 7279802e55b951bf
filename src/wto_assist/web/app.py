"""The local web app: search, read in context, precedent, disputes, draft, verify and corpus pages.

Every page calls the same library functions as the CLI. All document text is untrusted: templates
autoescape everything. Uploads are size- and type-limited and saved under the data folder with
names the app makes itself, so no file name from a browser ever becomes a path.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import members
from ..documents.readers import SUPPORTED_SUFFIXES
from ..documents.symbols import FAMILIES, SymbolError, normalise_symbol
from ..corpus import Corpus
from ..errors import WtoAssistError
from ..index.build import IndexMissing, build_index, current_version
from ..registry.query import ROLES, find_disputes
from ..search import MODES, Filters, SearchError, Searcher
from ..store import Store
from .locking import SharedLock
from .messages import shown
from .security import Access, Guard

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 20
# The search form's advanced filters (folded away unless one is set).
FILTER_FIELDS = ("mode", "speaker", "member", "provision", "dispute", "body", "type", "symbol", "from", "to", "restricted")
MAX_UPLOAD_BYTES = 20 * 2**20
DRAFT_KINDS = ("committee-statement", "tpr-statement", "joint-statement", "third-party-submission")


class WebState:
    """The app's one Corpus (corpus.py: the store, one connection per request thread, and the warm Searcher)
    and paths. Requests share `lock` and run at once; replacing the Searcher holds it alone."""

    def __init__(self, db_path: Path, index_dir: Path, data_dir: Path, model: str | None, with_dense: bool):
        self.db_path, self.index_dir, self.data_dir, self.model = Path(db_path), Path(index_dir), Path(data_dir), model
        self.with_dense = with_dense
        self.lock = SharedLock()
        self.corpus = Corpus(self.db_path, self.index_dir, model)
        self.jobs: dict[str, dict] = {}  # upload id -> {"file", "status": running | done | failed, "message"}
        self.load()

    @property
    def searcher(self) -> Searcher | None:
        """The warm Searcher, or None before the first index is built."""
        return self.corpus.opened_searcher

    def load(self) -> None:
        with self.lock.exclusive():
            self.corpus.reopen_searcher(warm=True)  # the query encoder loads now, not on the first search

    def follow(self) -> None:
        """Switch to the live index when a build (here or `wto-assist index`) has replaced CURRENT."""
        try:
            live = current_version(self.index_dir)
        except IndexMissing:
            return
        if self.searcher is None or self.searcher.version != live:
            with self.lock.exclusive():
                if self.searcher is None or self.searcher.version != live:  # another request may have switched it
                    self.load()


def _highlight_terms(query: str):
    """What to mark in paragraphs: only words that matched the query itself (highlight.py)."""
    from ..highlight import QueryWords

    return QueryWords(query)


def _context_start(paragraphs: list[dict], target: str | None) -> int | None:
    """Where the page opens for a cited paragraph: its agenda heading when it is the first under it,
    else the paragraph before it, so the reader sees what it answers."""
    index = next((i for i, p in enumerate(paragraphs) if target and p["paragraph"] == target), None)
    if index is None:
        return None
    if index == 0 or paragraphs[index - 1]["agenda_item"] != paragraphs[index]["agenda_item"]:
        return -paragraphs[index]["seq"]  # negative: the anchor goes before the heading of this paragraph
    return paragraphs[index - 1]["seq"]


def _hits_in(paragraphs: list[dict], terms: list[str]) -> dict[int, tuple[int | None, int | None]]:
    """For each paragraph containing a query term: (previous, next) such paragraph, for in-document navigation."""
    if not terms:
        return {}
    seqs = [p["seq"] for p in paragraphs if terms.spans(p["text"])]
    return {seq: (seqs[i - 1] if i else None, seqs[i + 1] if i + 1 < len(seqs) else None) for i, seq in enumerate(seqs)}


def create_app(db_path: Path, index_dir: Path, data_dir: Path, model: str | None = None, with_dense: bool = True,
               access: Access | None = None):
    """The app behind its Guard (web/security.py); `access` defaults to loopback use."""
    Store(db_path).close()  # create an empty corpus on first start
    state = WebState(db_path, index_dir, data_dir, model, with_dense)
    access = access or Access()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["highlight"] = _highlight_filter
    templates.env.globals.update(families=FAMILIES, modes=MODES, kinds=DRAFT_KINDS, csrf_token=access.form_token)

    def page(request: Request, name: str, status_code: int = 200, **context) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    async def checked_form(request: Request):
        """The posted form, or None when its form token is missing or wrong (a forged request)."""
        form = await request.form()
        return form if access.form_token_ok(form.get("csrf_token")) else None

    def forged(request: Request) -> Response:
        return page(request, "error.html", 403, message="This form has expired or did not come from wto-assist: reload the page and submit it again.")

    def home(request: Request) -> Response:
        return RedirectResponse("/search")

    def search(request: Request) -> Response:
        params = request.query_params
        query = params.get("q", "").strip()
        requested = params.get("page", "1")
        # isdecimal and a length cap: "²" or a 5,000-digit number is page 1, not an error
        page_number = max(1, int(requested)) if requested.isdecimal() and len(requested) <= 6 else 1
        result, error = None, None
        state.follow()
        if query:
            if state.searcher is None:
                error = "There is no index yet: ingest documents on the Corpus page first."
            else:
                try:
                    with state.lock:
                        result = state.searcher.run(query, params.get("mode") or None, Filters.from_params(params), page_number, PAGE_SIZE)
                except SearchError as problem:
                    error = shown(problem)
        base = {key: value for key, value in params.items() if key != "page"}
        filtered = any(params.get(name) for name in FILTER_FIELDS)
        return page(
            request, "search.html", params=params, query=query, result=result, base=base, error=error, filtered=filtered,
            show_scores=params.get("scores") == "1", terms=_highlight_terms(query) if query else [],
        )

    def document(request: Request) -> Response:
        try:
            symbol = normalise_symbol(request.path_params["symbol"])
        except SymbolError as problem:
            return page(request, "error.html", 400, message=str(problem))
        with state.lock:
            store = state.corpus.store
            meta = store.document(symbol)
            if meta is None:
                return page(request, "error.html", 404, message=f"{symbol} is not in the corpus.")
            paragraphs = store.paragraphs(symbol)
            cited = [(cited_symbol, store.document(cited_symbol) is not None) for cited_symbol in store.documents_cited(symbol)]
        target = request.query_params.get("para")
        terms = _highlight_terms(request.query_params.get("q", ""))
        return page(request, "document.html", meta=meta, paragraphs=paragraphs, target=target, cited=cited, terms=terms,
                    context=_context_start(paragraphs, target), hits=_hits_in(paragraphs, terms))

    def precedent(request: Request) -> Response:
        from ..enrich.provisions import ProvisionError, normalise_key
        from ..precedent import find_precedent

        provision = request.query_params.get("provision", "").strip()
        query = request.query_params.get("q", "").strip()
        related = request.query_params.get("related") == "1"
        result, error = None, None
        if provision:
            try:
                key = normalise_key(provision)
                with state.lock:
                    result = find_precedent(key, state.corpus, query=query or None, k=50, related=related)
            except (ProvisionError, SearchError) as problem:
                error = shown(problem)
        return page(request, "precedent.html", provision=provision, query=query, related=related, result=result, error=error,
                    terms=_highlight_terms(query) if query else [])

    def coalitions(request: Request) -> Response:
        from ..coalitions import member_coalition, topic_coalition

        query = request.query_params.get("q", "").strip()
        member = request.query_params.get("member", "").strip()
        result, error = None, None
        state.follow()
        if query or member:
            try:
                with state.lock:
                    if not query:
                        result = member_coalition(state.db_path, member)
                    elif state.searcher is None:
                        error = "There is no index yet: ingest documents on the Corpus page first."
                    else:
                        result = topic_coalition(state.searcher, query, member=member or None)
            except SearchError as problem:
                error = shown(problem)
        return page(request, "coalitions.html", query=query, member=member, result=result, error=error)

    async def concerns(request: Request) -> Response:
        from ..concerns import inventory, tag

        params = request.query_params
        error, message, rows = None, None, []
        if request.method == "POST":  # tag or untag one concern, then show the inventory again
            form = await checked_form(request)
            if form is None:
                return forged(request)
            try:
                with state.lock:
                    tag(state.db_path, form.get("concern_id", ""), form.get("tag", ""), remove=form.get("remove") == "1")
                message = f"{'Removed' if form.get('remove') == '1' else 'Added'} tag {form.get('tag', '').strip()!r}."
            except SearchError as problem:
                error = shown(problem)
        try:
            with state.lock:
                rows = inventory(state.db_path, params.get("member") or None, params.get("target") or None, params.get("tag") or None)
        except SearchError as problem:
            error = shown(problem)
        return page(request, "concerns.html", 400 if error else 200, params=params, rows=rows, error=error, message=message)

    def disputes(request: Request) -> Response:
        from ..enrich.provisions import ProvisionError, normalise_key
        from ..precedent import involved_disputes
        from ..registry.query import member_suggestions, unknown_member

        params = request.query_params
        error, rows, involved, suggestions = None, [], None, []
        member = params.get("member", "").strip()
        provision = params.get("provision", "").strip()
        try:
            actor = members.lookup(member) if member else None
            if member and actor is None:
                suggestions = member_suggestions(member)
                raise ValueError(unknown_member(member))
            key = normalise_key(provision) if provision else None
            role = params.get("role", "any")
            with state.lock:
                store = state.corpus.store
                rows = find_disputes(store, actor.name if actor else None, role if actor and role in ROLES else None, None,
                                     params.get("status") or None)
                if key:  # the same disputes as the Precedent page, narrowed by the other filters
                    involved = involved_disputes(store, key)
                    wanted = {row["number"] for row in rows}
                    rows = [d for d in involved["disputes"] + involved["unreadable"] if d["number"] in wanted]
        except (ValueError, ProvisionError) as problem:
            error = shown(problem)
        return page(request, "disputes.html", params=params, rows=rows, error=error, involved=involved, suggestions=suggestions)

    def dispute(request: Request) -> Response:
        number = int(request.path_params["number"])
        if number > 9999:  # DS numbers have four digits at most; a longer one overflows SQLite
            return page(request, "error.html", 404, message=f"DS{str(number)[:12]}… is not a dispute number.")
        with state.lock:
            store = state.corpus.store
            rows = find_disputes(store, numbers=[number])
            mentions = store.paragraphs_mentioning("dispute", f"DS{number}")
            filings = store.documents(prefix=f"WT/DS{number}/")
            summary = store.paragraphs(f"DS{number} summary")  # the summary as its dated paragraphs (registry/summaries.py)
        if not rows:
            return page(request, "error.html", 404, message=f"DS{number} is not in the dispute registry.")
        return page(request, "dispute.html", dispute=rows[0], mentions=mentions, filings=filings, summary=summary, terms=[], query="")

    async def draft(request: Request) -> Response:
        from .drafting import draft_form, preview_or_render

        if request.method == "GET":
            return page(request, "draft.html", form=draft_form({}), errors={}, preview=None)
        form = await checked_form(request)
        if form is None:
            return forged(request)
        return preview_or_render(request, state, dict(form), form.getlist("keep"), page)

    async def verify(request: Request) -> Response:
        from ..draft.verify import VerifyError, failed, verify_docx

        if request.method == "GET":
            return page(request, "verify.html", checks=None, error=None)
        form = await checked_form(request)
        if form is None:
            return forged(request)
        upload = form.get("file")
        try:
            saved = await _save_upload(upload, state.data_dir / "verify", {".docx"})
            try:
                with state.lock:
                    checks = verify_docx(saved, state.corpus)
            finally:
                saved.unlink(missing_ok=True)  # a checked file is not kept
        except (UploadRejected, VerifyError) as problem:
            return page(request, "verify.html", 400, checks=None, error=str(problem).replace(str(state.data_dir), "(upload)"))
        return page(request, "verify.html", checks=[asdict(c) for c in checks], failed=len(failed(checks)), error=None,
                    filename=getattr(upload, "filename", ""))

    async def corpus(request: Request) -> Response:
        message, error = None, None
        if request.method == "POST":
            form = await checked_form(request)
            if form is None:
                return forged(request)
            try:
                saved = await _save_upload(form.get("file"), state.data_dir / "uploads", set(SUPPORTED_SUFFIXES))
            except UploadRejected as problem:
                error = shown(problem)
            else:
                # Ingesting and re-indexing take seconds to minutes: a job of its own, so every other page stays live.
                job = uuid.uuid4().hex[:12]
                state.jobs[job] = {"file": saved.name, "status": "running", "message": f"Ingesting {saved.name}…"}
                threading.Thread(target=_ingest_upload, args=(state, saved, job), daemon=True).start()
                return RedirectResponse(f"/corpus?job={job}", status_code=303)
        state.follow()
        from ..coverage import coverage

        with state.lock:
            documents, failures = state.corpus.store.documents(), state.corpus.store.failures()
        with state.lock:
            held = coverage(state.db_path)
        job = state.jobs.get(request.query_params.get("job", ""))
        return page(request, "corpus.html", 400 if error else 200, documents=documents, failures=failures,
                    index=_index_status(state), message=message, error=error, job=job, coverage=held)

    routes = [
        Route("/", home),
        Route("/search", search),
        Route("/document/{symbol:path}", document),
        Route("/precedent", precedent),
        Route("/disputes", disputes),
        Route("/coalitions", coalitions),
        Route("/concerns", concerns, methods=["GET", "POST"]),
        Route("/disputes/DS{number:int}", dispute),
        Route("/draft", draft, methods=["GET", "POST"]),
        Route("/verify", verify, methods=["GET", "POST"]),
        Route("/corpus", corpus, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    from .cases import case_routes  # the Cases pages (web/cases.py)

    routes[-1:-1] = case_routes(state, page, checked_form, forged, _save_upload, UploadRejected)
    def library_error(request: Request, error: WtoAssistError) -> Response:
        """A library error no page handled itself: its message on the error page, with its own status."""
        return page(request, "error.html", error.status, message=shown(error))

    def gone(request: Request, error: ClientDisconnect) -> Response:
        """The browser went away mid-upload: nobody to answer, nothing to log."""
        return Response(status_code=400)

    handlers = {WtoAssistError: library_error, ClientDisconnect: gone}
    starlette = Starlette(routes=routes, exception_handlers=handlers)
    starlette.state.web = state  # the shared Searcher and its lock (tests and benchmarks look at them)
    return Guard(starlette, access)


class UploadRejected(Exception):
    """An upload refused for its size, type or content; the message is shown to the user."""


async def _save_upload(upload, folder: Path, allowed: set[str]) -> Path:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadRejected("Choose a file to upload.")
    original = Path(upload.filename).name  # never a path from the browser
    suffix = Path(original).suffix.lower()
    if suffix not in allowed:
        raise UploadRejected(f"{original}: {suffix or 'no extension'} is not accepted here (allowed: {', '.join(sorted(allowed))}).")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{original}: larger than {MAX_UPLOAD_BYTES // 2**20} MiB.")
    if not data:
        raise UploadRejected(f"{original}: empty file.")
    folder.mkdir(parents=True, exist_ok=True)
    # The stored name is ours: a safe stem from the original (symbols stay readable) plus a unique tag.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(original).stem)[:80] or "upload"
    target = folder / f"{stem}{suffix}"
    if target.exists():
        target = folder / f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        handle.write(data)
    Path(handle.name).replace(target)
    return target


def _ingest_upload(state: WebState, saved: Path, job: str) -> None:
    """Ingest an uploaded file and update the index, outside any request; the job records the outcome."""
    from ..ingest import ingest_paths

    record = state.jobs[job]
    try:
        report = ingest_paths([saved], state.db_path)
        if report.failed:
            saved.unlink(missing_ok=True)
            record.update(status="failed", message=f"{saved.name}: {report.failed[0][1]}")
            return
        # Keep the live index's kind: a BM25-only corpus must not be embedded whole on the first upload.
        with_dense = state.searcher.manifest.get("dense", False) if state.searcher else state.with_dense
        build_index(state.db_path, state.index_dir, model=state.model, with_dense=with_dense)
        state.follow()
        symbol = report.ingested[0][1] if report.ingested else "the file"
        record.update(status="done", message=f"Ingested {symbol} and updated the index.")
    except Exception:  # noqa: BLE001 - the job must end with a status whatever happens
        logging.getLogger("wto_assist.web").exception("upload %s", saved.name)
        record.update(status="failed", message=f"{saved.name}: could not be ingested (an unexpected error; the server's log has the details)")


def _index_status(state: WebState) -> dict | None:
    searcher = state.searcher  # read once: a new build may replace it meanwhile
    if searcher is None:
        return None
    manifest = searcher.manifest
    created = manifest.get("created", "")
    age = time.time() - (searcher.version / "manifest.json").stat().st_mtime
    return {"version": searcher.version.name, "created": created, "rows": manifest.get("rows"),
            "dense": manifest.get("dense"), "model": manifest.get("model"), "age_minutes": round(age / 60, 1)}


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
