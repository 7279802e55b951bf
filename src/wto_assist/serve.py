"""A small HTTP/JSON service over one warm Searcher, so repeated queries do not reload the model.

GET /search?q=...&mode=&k=&body=&type=&speaker=&symbol=&from=&to=&restricted=yes|no -> JSON array
GET /health -> {"status": "ok", "index": version, "rows": n}
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
from .index.dense import ModelError
from .corpus import Corpus
from .search import Filters, SearchError, Searcher
from .web.security import LOOPBACK, host_name

_FILTER_PARAMETERS = {"body": "body", "type": "family", "speaker": "speaker", "symbol": "symbol", "from": "date_from", "to": "date_to"}


def _restricted(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in ("yes", "true", "1"):
        return True
    if value.lower() in ("no", "false", "0"):
        return False
    raise SearchError(f"restricted: {value!r} is not yes or no")


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
                with live.lock:
                    current = live.current()
                    self._send(200, {"status": "ok", "index": current.version.name, "rows": current.row_count})
                return
            if url.path != "/search":
                self._send(404, {"error": f"no such endpoint: {url.path}"})
                return
            try:
                filters = Filters(
                    **{field: parameters.get(name) or None for name, field in _FILTER_PARAMETERS.items()},
                    restricted=_restricted(parameters.get("restricted")),
                )
                k = int(parameters.get("k", "10"))
                with live.lock:
                    results = live.current().search(parameters.get("q", ""), mode=parameters.get("mode") or None, k=k, filters=filters)
            except (SearchError, ModelError, ValueError, IndexMissing) as error:
                self._send(400, {"error": str(error)})
                return
            self._send(200, results)

        def log_message(self, format: str, *args) -> None:  # keep the terminal for the startup line
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.live = live
    return server
