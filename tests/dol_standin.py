"""A stand-in for Documents Online on 127.0.0.1 (tests only): serves the PDFs it is given under their
Documents Online file names and, like the real service, answers anything else with a web page."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .conftest import CORPUS

ERROR_PAGE = b"<html><body><h1>Documents Online</h1><p>The document you requested is not available.</p></body></html>"


def minutes_pdfs(symbols: list[str], folder: Path, office: str) -> dict[str, bytes]:
    """The sample minutes re-issued under each symbol (ILLUSTRATIVE), as PDFs made by LibreOffice."""
    sources = []
    for symbol in symbols:
        text = (CORPUS / "minutes" / "WTCOMTDM990.txt").read_text(encoding="utf-8").replace("WT/COMTD/M/990", symbol)
        source = folder / (symbol.replace("/", "_") + ".txt")
        source.write_text(text, encoding="utf-8")
        sources.append(source)
    subprocess.run([office, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, sources)], check=True, capture_output=True, timeout=300)
    return {symbol: source.with_suffix(".pdf").read_bytes() for symbol, source in zip(symbols, sources)}


@contextlib.contextmanager
def documents_online(files: dict[str, bytes], slow_once: set[str] = frozenset()):
    """Yield (base URL, state): `files` maps Documents Online names ("q:/WT/COMTD/M990.pdf") to bytes;
    a name in `slow_once` answers the first time after 1.5 s; state records hits and user agents."""
    state = {"hits": [], "agents": set(), "slow_once": set(slow_once)}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            name = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("filename", [""])[0]
            state["hits"].append(name)
            state["agents"].add(self.headers.get("User-Agent", ""))
            if name in state["slow_once"]:
                state["slow_once"].discard(name)
                time.sleep(1.5)
            body = files.get(name, ERROR_PAGE)
            self.send_response(200)  # Documents Online answers a missing document with a page, not a 404
            self.send_header("Content-Type", "application/pdf" if body.startswith(b"%PDF") else "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/dol2fe/Pages/SS/directdoc.aspx", state
    finally:
        server.shutdown()
        server.server_close()
