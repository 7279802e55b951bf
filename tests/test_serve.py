"""`serve`: an idle connection holds up nobody, and a new index is used as soon as it is built."""

import json
import socket
import threading
import urllib.request

from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.corpus import Corpus
from wto_assist.serve import make_server

from .conftest import CORPUS, REPO


def _get(port: int, path: str):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.loads(response.read())


def test_serve_answers_beside_an_idle_connection_and_follows_a_new_index(tmp_path):
    db, index_dir = tmp_path / "corpus.sqlite", tmp_path / "index"
    ingest_paths([CORPUS], db)
    build_index(db, index_dir, with_dense=False)
    corpus = Corpus(db, index_dir)
    server = make_server(corpus, "127.0.0.1", 0)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)  # connects, then sends nothing
    try:
        first = _get(port, "/health")
        hits = _get(port, "/search?q=processed%20fruit&k=3")
        assert hits and all("citation" in hit for hit in hits)
        ingest_paths([REPO / "tests" / "data" / "cases"], db)
        build_index(db, index_dir, with_dense=False)
        second = _get(port, "/health")
        assert second["index"] != first["index"] and second["rows"] > first["rows"]
        assert _get(port, "/search?q=dairy&k=3")  # words only the new documents hold
    finally:
        idle.close()
        server.shutdown()
        server.server_close()
        corpus.close()
