"""The real CTD minutes (../shared) ingested into a temporary store, for the benchmarks that read them."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]


def shared_folder() -> Path:
    """The shared data folder: the script's first argument, else ../shared beside the repository."""
    return Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"


@contextmanager
def ingested_minutes(shared: Path) -> Iterator[Store]:
    """A store holding every CTD minute (parsed and enriched), removed after the block."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.sqlite"
        ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        with Store(db, create=False) as store:
            yield store
