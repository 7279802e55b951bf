"""A web worker warms up before it accepts a connection, and says so at GET /api/ready.

uvicorn (0.54, server.py `Server.startup`) runs the app's lifespan startup first and only then calls
`loop.create_server`, which listens on the socket (one worker's; with `--workers N` each worker's own on Linux,
web/workers.py, or elsewhere the shared one uvicorn's parent bound but did not listen on) and starts accepting. So whatever the lifespan does here, no connection is
accepted by this worker until it is done: a connection that arrives meanwhile waits in the kernel's queue for a
worker that accepts (another one that is ready, or this one when it is). The warm-up is what the first user
would otherwise pay: two GET /search requests sent through this very app (routing, the search page's handler in
the thread pool, the Searcher, its masks and the page template with results), one plain and one with a speaker,
a date and a symbol filter (the columns the filters read are faulted in), the words and filter values taken
from a paragraph of the corpus, so that both find it.

"Ready" (what /api/ready answers, 200, or 503 when not): the warm-up ran to its end without a server error. With
no index yet the search page only says so; the worker is then ready with `"searcher": null`. A test client that
does not run the lifespan (TestClient without `with`) sees a worker that is not ready.
"""

from __future__ import annotations

import logging
import os
import re
import time
import urllib.parse
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

WARM_UP_PATH = "/search"


@dataclass
class Readiness:
    """What the worker's warm-up did: ready once it ran to its end; `problem` when a warm-up request failed."""

    ready: bool = False
    seconds: float | None = None
    queries: tuple[str, ...] = ()
    results: tuple[int, ...] = ()  # results on each warm-up page: the result template was rendered when > 0
    problem: str | None = None


def warm_up_queries(store) -> list[str]:
    """Two query strings for /search from the first paragraph a Member spoke (any paragraph when none): its first
    twelve words alone, then with its speaker, its year as the start date and its symbol's series."""
    first = ("SELECT p.text, p.speaker, d.symbol, d.date FROM paragraphs p JOIN documents d ON d.id = p.document_id {}"
             " ORDER BY p.id LIMIT 1")  # in the table's order: stops at the first such row, no sort of a million
    row = store.connection.execute(first.format("WHERE p.speaker_kind = 'member'")).fetchone() or store.connection.execute(first.format("")).fetchone()
    if row is None:
        return [urllib.parse.urlencode({"q": "trade", "mode": "bm25"})]  # an empty corpus: the page renders, with no results
    # A sentence, as delegates type them (the dev queries are 8 to 15 words): at the scale of an archive such a
    # query reads the index the way the heavy queries do (index/sublinear.py), not only a few rare terms' postings.
    words = re.findall(r"[^\W\d_]+", row["text"])[:12] or ["trade"]
    plain = {"q": " ".join(words), "mode": "bm25"}
    filtered = dict(plain, speaker=row["speaker"] or "", symbol=row["symbol"].rsplit("/", 1)[0] + "/", **{"from": (row["date"] or "")[:4]})
    return [urllib.parse.urlencode(plain), urllib.parse.urlencode(filtered)]


async def _get(app, path: str, query: str) -> tuple[int, bytes]:
    """GET path?query through the app in this process, as uvicorn would hand it a request; status and body."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query.encode("ascii"),
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80)}
    status, body = [0], []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status[0], b"".join(body)


async def warm_up(app, readiness: Readiness, store) -> None:
    """Send the warm-up requests through `app`; a failure is kept in `readiness.problem`, and the worker serves
    anyway (not ready), as it did before there was a warm-up."""
    clock = time.perf_counter()
    try:
        readiness.queries = tuple(warm_up_queries(store))
        for query in readiness.queries:
            status, page = await _get(app, WARM_UP_PATH, query)
            if status >= 500:
                readiness.problem = f"GET {WARM_UP_PATH}?{query} answered {status}"
                return
            readiness.results += (page.count(b'class="result"'),)
    except Exception as error:  # noqa: BLE001 - a bug in a page: the traceback goes to uvicorn's error log, /api/ready says it
        logging.getLogger("uvicorn.error").exception("wto-assist: the warm-up of worker %d failed", os.getpid())
        readiness.problem = f"the warm-up failed: {type(error).__name__}: {error}"
        return
    readiness.seconds = time.perf_counter() - clock
    readiness.ready = True


def lifespan(state):
    """The app's lifespan: warm up before uvicorn accepts connections (see the module's docstring)."""

    @asynccontextmanager
    async def warmed(app):
        await warm_up(app, state.readiness, state.corpus.store)
        yield

    return warmed


def routes(state) -> list[Route]:
    async def ready(request: Request) -> Response:
        """/api/ready: this worker's pid, whether its warm-up is done, its Searcher and index version. Answered on
        the event loop, not in a request thread: searches queued for their turn (one at a time) may hold them all."""
        readiness, searcher = state.readiness, state.searcher
        # no Searcher: an index that cannot be read (another format) is said, where none built yet is null
        unreadable = str(state.missing_index()) if searcher is None and state.corpus.index_problem is not None else None
        return JSONResponse({"pid": os.getpid(), "ready": readiness.ready, "searcher": searcher.version.name if searcher else None,
                             "index_problem": unreadable,
                             "warm_up_s": readiness.seconds, "warm_up_results": list(readiness.results), "problem": readiness.problem},
                            status_code=200 if readiness.ready else 503)

    return [Route("/api/ready", ready)]


def wait_for_workers(ready_url: str, workers: int, timeout_s: float = 120.0, running=lambda: True) -> dict[int, dict]:
    """Ask `ready_url` (a server's /api/ready) over fresh connections, 2 x `workers` at once so that every worker
    that accepts gets some, until `workers` distinct pids answered ready; their answers by pid. An error naming
    the address, what was seen and what is missing when `timeout_s` passes or `running()` turns false."""
    import json
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from ..errors import UnavailableError

    def ask(_) -> dict | str:
        try:
            with urllib.request.urlopen(ready_url, timeout=10) as response:  # urllib: one connection per request
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # 503: a worker that answers but is not ready
            try:
                return json.loads(error.read())
            except ValueError:
                return f"HTTP {error.code}"
        except OSError as error:  # refused before any worker listens
            return str(getattr(error, "reason", error))

    ready, waiting, last = {}, {}, "no answer yet"
    deadline = time.monotonic() + timeout_s
    with ThreadPoolExecutor(2 * workers) as pool:
        while True:
            for answer in pool.map(ask, range(2 * workers)):
                if isinstance(answer, dict) and answer.get("ready"):
                    ready[answer["pid"]] = answer
                    waiting.pop(answer["pid"], None)
                elif isinstance(answer, dict) and "pid" in answer:
                    waiting[answer["pid"]] = answer
                else:
                    last = str(answer)
            if len(ready) >= workers:
                return ready
            stopped = not running()
            if stopped or time.monotonic() > deadline:
                said = "the server stopped" if stopped else f"not within {timeout_s:.0f} s"
                unready = ", ".join(f"{pid} ({answer.get('problem') or 'warming up'})" for pid, answer in waiting.items()) or "none"
                raise UnavailableError(f"{ready_url}: {len(ready)} of {workers} worker(s) answered ready, {said} (ready: pids"
                                       f" {sorted(ready) or 'none'}; not ready: {unready}; last other answer: {last})")
            time.sleep(0.1)
