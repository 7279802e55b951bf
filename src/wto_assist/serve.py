"""A small HTTP/JSON service over one warm Searcher, so repeated queries do not reload the model.

GET /search?q=...&mode=&k=&body=&type=&speaker=&symbol=&from=&to=&restricted=yes|no -> JSON array
GET /health -> {"status": "ok", "index": version, "rows": n}
Requests are answered one at a time: the Searcher and its SQLite connection stay on one thread.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

from .index.dense import ModelError
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


def make_server(searcher: Searcher, host: str, port: int) -> HTTPServer:
    allowed_hosts = LOOPBACK | {host.strip("[]")}
    searcher.warm()  # load the query encoder before the first hybrid or dense query

    class Handler(BaseHTTPRequestHandler):
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
                self._send(200, {"status": "ok", "index": searcher.version.name, "rows": searcher.row_count})
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
                results = searcher.search(parameters.get("q", ""), mode=parameters.get("mode") or None, k=k, filters=filters)
            except (SearchError, ModelError, ValueError) as error:
                self._send(400, {"error": str(error)})
                return
            self._send(200, results)

        def log_message(self, format: str, *args) -> None:  # keep the terminal for the startup line
            return

    return HTTPServer((host, port), Handler)
