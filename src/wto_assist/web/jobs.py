"""The web app's corpus jobs: an uploaded file ingested and indexed outside any request."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..index.build import build_index

if TYPE_CHECKING:
    from .app import WebState


def ingest_upload(state: WebState, saved: Path, job: str) -> None:
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
