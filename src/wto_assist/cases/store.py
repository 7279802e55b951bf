"""Rows of the case file in the corpus database (tables `cases`, `case_versions`, `case_evidence`,
`case_links`, `watches`, `watch_seen`, declared in store.py's schema). Re-ingestion never touches them:
links point at paragraph uids, evidence at files under $WTO_ASSIST_HOME.

Versions are never overwritten: a local edit adds a local version, a shared copy adds a version
carrying who shared it; the same content from the same source is stored once.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..corpus import Corpus
from ..store import Store


@contextmanager
def opened(source: Corpus | Path) -> Iterator[Store]:
    """The store of the caller's Corpus, left open (the CLI's invocation, the web app); or, given a database
    path (scripts, tests), a Corpus of its own for this block. The case file opens nothing else."""
    with Corpus.borrowed(source) as corpus:
        yield corpus.store


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_sha(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def case_exists(store: Store, case_id: str) -> bool:
    return store.connection.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone() is not None


def add_version(store: Store, case_id: str, data: dict, origin: str = "local", shared_by: str | None = None,
                shared_at: str | None = None, bundle_sha256: str | None = None) -> bool:
    """Store one version of a case (creating the case on its first); False when the same content from the
    same source is already there (importing a bundle twice changes nothing)."""
    sha = content_sha(data)
    connection = store.connection
    with connection:
        connection.execute("INSERT OR IGNORE INTO cases(case_id, created_at) VALUES (?, ?)", (case_id, now()))
        if connection.execute(
            "SELECT 1 FROM case_versions WHERE case_id = ? AND origin = ? AND shared_by IS ? AND content_sha256 = ?",
            (case_id, origin, shared_by, sha),
        ).fetchone():
            return False
        version = connection.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM case_versions WHERE case_id = ?", (case_id,)).fetchone()[0]
        connection.execute(
            "INSERT INTO case_versions(case_id, version, origin, shared_by, shared_at, bundle_sha256, data, content_sha256, saved_at)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (case_id, version, origin, shared_by, shared_at, bundle_sha256, json.dumps(data, ensure_ascii=False), sha, now()),
        )
    return True


def versions(store: Store, case_id: str) -> list[dict]:
    rows = store.connection.execute("SELECT * FROM case_versions WHERE case_id = ? ORDER BY version", (case_id,)).fetchall()
    return [dict(row, data=json.loads(row["data"])) for row in rows]


def case_ids(store: Store) -> list[str]:
    return [row[0] for row in store.connection.execute("SELECT case_id FROM cases ORDER BY created_at, case_id")]


def _insert_new(store: Store, table: str, columns: tuple[str, ...], record: dict) -> bool:
    """Insert one row unless its key is there already; True when it was new."""
    with store.connection:
        cursor = store.connection.execute(
            f"INSERT OR IGNORE INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [record.get(column) for column in columns],
        )
    return cursor.rowcount == 1


def add_evidence(store: Store, record: dict) -> bool:
    """False when the case already holds a file with this SHA-256."""
    return _insert_new(store, "case_evidence", ("case_id", "sha256", "name", "size", "media_type", "note", "added_by", "added_at",
                                                "level", "stored_path", "ingested_symbol", "shared_by"), record)


def evidence(store: Store, case_id: str) -> list[dict]:
    rows = store.connection.execute("SELECT * FROM case_evidence WHERE case_id = ? ORDER BY rowid", (case_id,))
    return [dict(row) for row in rows]


def add_link(store: Store, record: dict) -> bool:
    """False when the case already links this paragraph (or dispute) in this role."""
    return _insert_new(store, "case_links", ("case_id", "target", "role", "citation", "date", "concern_id", "note", "added_at",
                                             "shared_by"), record)


def links(store: Store, case_id: str) -> list[dict]:
    rows = store.connection.execute("SELECT * FROM case_links WHERE case_id = ? ORDER BY date, rowid", (case_id,))
    return [dict(row) for row in rows]


def add_watch(store: Store, name: str, query: str, member: str | None, case_id: str | None) -> bool:
    with store.connection:
        cursor = store.connection.execute(
            "INSERT OR IGNORE INTO watches(name, query, member, case_id, created_at) VALUES (?,?,?,?,?)",
            (name, query, member, case_id, now()),
        )
    return cursor.rowcount == 1


def watches(store: Store) -> list[dict]:
    rows = store.connection.execute(
        "SELECT w.*, (SELECT COUNT(*) FROM watch_seen s WHERE s.name = w.name) AS seen FROM watches w ORDER BY w.name")
    return [dict(row) for row in rows]


def seen_uids(store: Store, name: str) -> set[str]:
    return {row[0] for row in store.connection.execute("SELECT uid FROM watch_seen WHERE name = ?", (name,))}


def mark_seen(store: Store, name: str, uids: list[str]) -> None:
    stamp = now()
    with store.connection:
        store.connection.executemany("INSERT OR IGNORE INTO watch_seen(name, uid, seen_at) VALUES (?,?,?)",
                                     [(name, uid, stamp) for uid in uids])
        store.connection.execute("UPDATE watches SET last_run_at = ? WHERE name = ?", (stamp, name))
