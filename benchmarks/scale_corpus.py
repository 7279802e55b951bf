"""A synthetic archive of N copies of the real CTD minutes, for bench_scale.py.

Copy 0 is the real ingest (parse + enrich, timed). Copies 1..N-1 are the same documents under a distinct
symbol series (WT/COMTD/M/12 -> WT/SCALE007/M/12 for copy 7), duplicated row for row inside SQLite:
parsing 11,000 files would measure the parser a hundred times over, not search.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

REAL_PREFIX = "WT/COMTD/"

_DOCUMENT_COLUMNS = ("family, body, date, circulated, restricted, derestricted_on, restriction_rule, title, source_path,"
                     " sha256, source_url, retrieved_at, enriched_at, encoding, symbol_source, ingested_at")
_PARAGRAPH_COLUMNS = ("seq, label, numbered, text, text_sha, agenda_item, speaker, speaker_kind, on_behalf_of,"
                      " speaker_inherited")


def copy_symbol(symbol: str, copy: int) -> str:
    return symbol.replace(REAL_PREFIX, f"WT/SCALE{copy:03d}/", 1)


def replicate(db_path: Path, copies: int) -> float:
    """Add copies 1..copies-1 of every document; returns the seconds taken."""
    clock = time.perf_counter()
    connection = sqlite3.connect(db_path)
    with connection:
        base_documents = connection.execute("SELECT MAX(id) FROM documents").fetchone()[0]
        base_paragraphs = connection.execute("SELECT MAX(id) FROM paragraphs").fetchone()[0]
        real = connection.execute("SELECT COUNT(*) FROM documents WHERE symbol LIKE ?", (REAL_PREFIX + "%",)).fetchone()[0]
        assert real == base_documents, "the corpus must hold only the real CTD minutes before replication"
        for copy in range(1, copies):
            document_offset, paragraph_offset = base_documents * copy, base_paragraphs * copy
            connection.execute(
                f"INSERT INTO documents (id, symbol, {_DOCUMENT_COLUMNS}) SELECT id + ?, replace(symbol, ?, ?), {_DOCUMENT_COLUMNS}"
                " FROM documents WHERE id <= ?", (document_offset, REAL_PREFIX, copy_symbol(REAL_PREFIX, copy), base_documents))
            connection.execute(
                f"INSERT INTO paragraphs (id, document_id, {_PARAGRAPH_COLUMNS}, uid) SELECT id + ?, document_id + ?,"
                f" {_PARAGRAPH_COLUMNS}, replace(uid, ?, ?) FROM paragraphs WHERE id <= ?",
                (paragraph_offset, document_offset, REAL_PREFIX, copy_symbol(REAL_PREFIX, copy), base_paragraphs))
            connection.execute("INSERT INTO paragraph_actors SELECT paragraph_id + ?, name, role FROM paragraph_actors"
                               " WHERE paragraph_id <= ?", (paragraph_offset, base_paragraphs))
            connection.execute("INSERT INTO entities SELECT paragraph_id + ?, kind, key, surface, start, end FROM entities"
                               " WHERE paragraph_id <= ?", (paragraph_offset, base_paragraphs))
            connection.execute("INSERT INTO footnotes SELECT document_id + ?, number, text, paragraph_seq FROM footnotes"
                               " WHERE document_id <= ?", (document_offset, base_documents))
    connection.close()
    return time.perf_counter() - clock
