"""The SQLite corpus store: the only module that writes the corpus database.

Each document is written in one transaction, so an interrupted ingest leaves every document either
fully old or fully new. Readers get plain dicts with stable keys (the same keys `--json` prints).
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from .documents.model import Citation, Document

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    symbol TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    body TEXT,
    date TEXT,
    circulated TEXT,
    restricted INTEGER NOT NULL,
    title TEXT,
    source_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    encoding TEXT,
    symbol_source TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    numbered INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    agenda_item TEXT,
    speaker TEXT,
    speaker_kind TEXT,
    on_behalf_of TEXT,
    speaker_inherited INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, seq)
);
CREATE INDEX IF NOT EXISTS paragraphs_label ON paragraphs(document_id, label);
CREATE TABLE IF NOT EXISTS paragraph_actors (
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL  -- speaker | co-speaker | on-behalf-of
);
CREATE INDEX IF NOT EXISTS paragraph_actors_name ON paragraph_actors(name);
CREATE INDEX IF NOT EXISTS paragraph_actors_paragraph ON paragraph_actors(paragraph_id);
CREATE TABLE IF NOT EXISTS footnotes (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,   -- ingested | failed
    symbol TEXT,
    reason TEXT,
    checked_at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StoreError(Exception):
    """The database cannot be opened or is not a wto-assist corpus."""


class Store:
    def __init__(self, path: Path | str, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"no corpus database at {self.path}; run `wto-assist ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # One request at a time may come from a server thread other than the opener.
            self.connection = sqlite3.connect(self.path, check_same_thread=False)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA journal_mode = WAL")
            with self.connection:
                self.connection.executescript(_SCHEMA)
                self.connection.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is not a usable wto-assist corpus database ({error})") from error

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------

    def source_sha(self, path: str) -> str | None:
        row = self.connection.execute("SELECT sha256 FROM sources WHERE path = ? AND status = 'ingested'", (path,)).fetchone()
        return row["sha256"] if row else None

    def owner_of(self, symbol: str) -> str | None:
        row = self.connection.execute("SELECT source_path FROM documents WHERE symbol = ?", (symbol,)).fetchone()
        return row["source_path"] if row else None

    def save_document(self, document: Document) -> None:
        """Insert or replace a document and its paragraphs in one transaction."""
        connection = self.connection
        with connection:
            connection.execute("DELETE FROM documents WHERE symbol = ? OR source_path = ?", (document.symbol, document.source_path))
            cursor = connection.execute(
                "INSERT INTO documents(symbol, family, body, date, circulated, restricted, title, source_path, sha256,"
                " encoding, symbol_source, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    document.symbol, document.family, document.body, document.date, document.circulated,
                    int(document.restricted), document.title, document.source_path, document.sha256,
                    document.encoding, document.symbol_source, _now(),
                ),
            )
            document_id = cursor.lastrowid
            for paragraph in document.paragraphs:
                row = connection.execute(
                    "INSERT INTO paragraphs(document_id, seq, label, numbered, text, text_sha, agenda_item, speaker,"
                    " speaker_kind, on_behalf_of, speaker_inherited) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        document_id, paragraph.seq, paragraph.label, int(paragraph.numbered), paragraph.text,
                        hashlib.sha1(paragraph.text.encode("utf-8")).hexdigest(), paragraph.agenda_item,
                        paragraph.speaker, paragraph.speaker_kind, paragraph.on_behalf_of,
                        int(paragraph.speaker_inherited),
                    ),
                )
                actors = [(paragraph.speaker, "speaker")] if paragraph.speaker else []
                actors += [(name, "co-speaker") for name in paragraph.co_speakers]
                actors += [(name, "on-behalf-of") for name in (paragraph.on_behalf_of or "").split("; ") if name]
                connection.executemany(
                    "INSERT INTO paragraph_actors(paragraph_id, name, role) VALUES (?,?,?)",
                    [(row.lastrowid, name, role) for name, role in actors],
                )
            connection.executemany(
                "INSERT INTO footnotes(document_id, number, text) VALUES (?,?,?)",
                [(document_id, number, text) for number, text in enumerate(document.footnotes, 1)],
            )
            connection.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, status, symbol, reason, checked_at) VALUES (?,?,?,?,?,?)",
                (document.source_path, document.sha256, "ingested", document.symbol, None, _now()),
            )

    def remove_missing_under(self, folder: Path) -> list[str]:
        """Delete documents whose source file under `folder` no longer exists; returns their symbols."""
        prefix = str(Path(folder).resolve()) + "/"
        rows = self.connection.execute(
            "SELECT symbol, source_path FROM documents WHERE substr(source_path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        gone = [row for row in rows if not Path(row["source_path"]).exists()]
        failed = self.connection.execute(
            "SELECT path FROM sources WHERE status = 'failed' AND substr(path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        with self.connection:
            for row in gone:
                self.connection.execute("DELETE FROM documents WHERE symbol = ?", (row["symbol"],))
                self.connection.execute("DELETE FROM sources WHERE path = ?", (row["source_path"],))
            for row in failed:
                if not Path(row["path"]).exists():  # a bad file the user has since deleted
                    self.connection.execute("DELETE FROM sources WHERE path = ?", (row["path"],))
        return [row["symbol"] for row in gone]

    def record_failure(self, path: str, sha256: str, reason: str) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, status, symbol, reason, checked_at) VALUES (?,?,?,?,?,?)",
                (path, sha256, "failed", None, reason, _now()),
            )

    # --- reading ------------------------------------------------------------------------------

    def documents(self) -> list[dict]:
        rows = self.connection.execute(
            "SELECT d.symbol, d.family, d.body, d.date, d.restricted, d.title, d.source_path, d.encoding,"
            " (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS paragraphs"
            " FROM documents d ORDER BY d.symbol"
        ).fetchall()
        return [dict(row, restricted=bool(row["restricted"])) for row in rows]

    def failures(self) -> list[dict]:
        rows = self.connection.execute("SELECT path, reason, checked_at FROM sources WHERE status = 'failed' ORDER BY path")
        return [dict(row) for row in rows]

    def document(self, symbol: str) -> dict | None:
        row = self.connection.execute("SELECT * FROM documents WHERE symbol = ?", (symbol,)).fetchone()
        if row is None:
            return None
        document = dict(row, restricted=bool(row["restricted"]))
        document["footnotes"] = [
            r["text"] for r in self.connection.execute(
                "SELECT text FROM footnotes WHERE document_id = ? ORDER BY number", (row["id"],)
            )
        ]
        return document

    def paragraphs(self, symbol: str, label: str | None = None) -> list[dict]:
        """A document's paragraphs in order; with `label`, the numbered paragraph and its unnumbered tail."""
        query = _PARAGRAPH_QUERY + " WHERE d.symbol = ?"
        parameters: list = [symbol]
        if label is not None:
            query += " AND p.label = ?"
            parameters.append(label)
        rows = self.connection.execute(query + " ORDER BY p.seq", parameters).fetchall()
        return [paragraph_record(row) for row in rows]

    def index_rows(self) -> list[dict]:
        """Every paragraph with what search filters on; `actors` lists speaker, co-speakers and groups spoken for."""
        rows = self.connection.execute(
            "SELECT d.symbol, d.date, d.family, d.body, d.restricted, p.seq, p.label, p.text, p.text_sha, p.agenda_item,"
            " (SELECT group_concat(a.name, '|') FROM paragraph_actors a WHERE a.paragraph_id = p.id) AS actors"
            " FROM paragraphs p JOIN documents d ON d.id = p.document_id ORDER BY d.symbol, p.seq"
        ).fetchall()
        return [
            dict(row, restricted=bool(row["restricted"]), actors=row["actors"].split("|") if row["actors"] else [])
            for row in rows
        ]

    def paragraph_by_position(self, symbol: str, seq: int) -> dict | None:
        """One paragraph by document and position, with the SHA-1 of its text for staleness checks."""
        row = self.connection.execute(_PARAGRAPH_QUERY + " WHERE d.symbol = ? AND p.seq = ?", (symbol, seq)).fetchone()
        return dict(paragraph_record(row), text_sha=row["text_sha"]) if row else None


_PARAGRAPH_QUERY = (
    "SELECT d.symbol, d.date, d.family, d.body, d.restricted, p.seq, p.label, p.numbered, p.text, p.text_sha,"
    " p.agenda_item, p.speaker, p.speaker_kind, p.on_behalf_of, p.speaker_inherited"
    " FROM paragraphs p JOIN documents d ON d.id = p.document_id"
)


def paragraph_record(row: sqlite3.Row) -> dict:
    """The stable JSON shape of a paragraph, shared by `show`, `search` and the drafting stage."""
    return {
        "symbol": row["symbol"],
        "paragraph": row["label"],
        "citation": str(Citation(row["symbol"], row["label"])),
        "numbered": bool(row["numbered"]),
        "seq": row["seq"],
        "date": row["date"],
        "family": row["family"],
        "body": row["body"],
        "restricted": bool(row["restricted"]),
        "agenda_item": row["agenda_item"],
        "speaker": row["speaker"],
        "speaker_kind": row["speaker_kind"],
        "on_behalf_of": row["on_behalf_of"],
        "speaker_inherited": bool(row["speaker_inherited"]),
        "text": row["text"],
    }
