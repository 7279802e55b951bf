"""A small HTTP/JSON service over one warm Searcher, so repeated queries do not reload the model.

GET /search?q=...&mode=&k=&body=&type=&speaker=&symbol=&from=&to=&restricted=yes|no&member=&provision=&dispute=
    -> a JSON array of hits (results.Hit, the schema of `search --json`: docs/json-schema/search.json)
GET /health -> {"status": "ok", "index": version, "rows": n}
A bad parameter -> {"error": "member: …", "field": "member"} with status 400 (503: no index or model).
Each connection has a thread of its own and a time limit, so an idle client holds up nobody; queries
take turns on the one Searcher (its SQLite connection is not shared between threads at once), which
switches to the live index as soon as a build (`wto-assist index`) has replaced it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from .index.build import IndexMissing, current_version
from .errors import WtoAssistError
from .results import Hit, to_json
from .corpus import Corpus
from .search import Filters, SearchError, Searcher
from .web.security import LOOPBACK, host_name

IDLE_SECONDS = 15  # a connection that sends nothing for this long is closed


class _LiveSearcher:
    """The corpus's Searcher of the live index, reopened when CURRENT moves; one query at a time."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.lock = threading.Lock()
        corpus.searcher.warm()  # load the query encoder before the first hybrid or dense query

    def current(self) -> Searcher:
        """Call with the lock held."""
        try:
            live = current_version(self.corpus.index_dir)
        except IndexMissing:
            return self.corpus.searcher
        if live != self.corpus.searcher.version:
            self.corpus.reopen_searcher(warm=True)
        return self.corpus.searcher


def make_server(corpus: Corpus, host: str, port: int) -> HTTPServer:
    """The server over `corpus` (with an index); the caller closes the corpus after server_close()."""
    allowed_hosts = LOOPBACK | {host.strip("[]")}
    live = _LiveSearcher(corpus)

    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS

        def _send(self, status: int, value) -> None:
            body = json.dumps(value, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            if host_name(self.headers.get("Host", "")) not in allowed_hosts:  # DNS rebinding: refuse
                self._send(400, {"error": "this address is not one this server answers to"})
                return
            url = urlparse(self.path)
            parameters = {key: values[-1] for key, values in parse_qs(url.query).items()}
            if url.path == "/health":
                try:
                    with live.lock:
                        current = live.current()
                        self._send(200, {"status": "ok", "index": current.version.name, "rows": current.row_count})
                except WtoAssistError as error:  # the live index cannot be read now (another format): said, 503
                    self._send(error.status, {"error": str(error), "field": error.field})
                return
            if url.path != "/search":
                self._send(404, {"error": f"no such endpoint: {url.path}"})
                return
            try:
                filters = Filters.from_params(parameters)  # the same parser as the CLI and the web app (filters.py)
                k = parameters.get("k", "10")
                if not k.isdecimal() or len(k) > 4:
                    raise SearchError(f"k: {k!r} is not a number of results", field="k")
                with live.lock:
                    results = live.current().search(parameters.get("q", ""), mode=parameters.get("mode") or None, k=int(k), filters=filters)
            except WtoAssistError as error:
                self._send(error.status, {"error": str(error), "field": error.field})
                return
            self._send(200, to_json(Hit, results))

        def log_message(self, format: str, *args) -> None:  # keep the terminal for the startup line
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.live = live
    return server
