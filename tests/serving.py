"""The JSON service (`serve`) on a free local port for a test, shut down and its corpus closed afterwards."""

from __future__ import annotations

import contextlib
import threading

from wto_assist.corpus import Corpus
from wto_assist.serve import make_server


@contextlib.contextmanager
def json_service(db, index_dir):
    """The running server (its port: server.server_port) over the corpus `db` and the index in `index_dir`."""
    corpus = Corpus(db, index_dir)
    server = make_server(corpus, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        corpus.close()
