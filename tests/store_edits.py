"""Documents taken out of a test's own copy of a corpus database, as a user's deletion would leave it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def delete_documents(db: Path, symbols) -> None:
    """Delete these documents (their paragraphs follow by foreign key) and their sources, so that an ingest of
    the same file takes it as new again."""
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA foreign_keys = ON")
    with connection:
        for symbol in symbols:
            connection.execute("DELETE FROM documents WHERE symbol = ?", (symbol,))
            connection.execute("DELETE FROM sources WHERE symbol = ?", (symbol,))  # else ingest skips its file as known
    connection.close()
