"""The SQLite corpus store: the only module that writes the corpus database.

Each document is written in one transaction, so an interrupted ingest leaves every document either
fully old or fully new. Readers get plain dicts with stable keys (the same keys `--json` prints).
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from dataclasses import astuple, fields
from datetime import datetime, timezone
from pathlib import Path

from .errors import UnavailableError
from . import config
from .documents.model import Citation, Document
from .documents.symbols import dispute_of

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    symbol TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    body TEXT,
    date TEXT,
    circulated TEXT,
    restricted INTEGER NOT NULL,  -- RESTRICTED on the masthead when circulated
    derestricted_on TEXT,         -- when the derestriction procedures make it public (documents/restriction.py)
    restriction_rule TEXT,
    title TEXT,
    source_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    source_url TEXT,      -- provenance recorded by `fetch`
    retrieved_at TEXT,
    enriched_at TEXT,     -- set when the enrich stage has marked its paragraphs (NULL: still to do)
    encoding TEXT,
    symbol_source TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0  -- 1: an illustrative sample (corpora/), not an official WTO document
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
    numbering_note TEXT,  -- a judgement call behind the number, reported by `check-numbering`
    numbering TEXT,  -- how the number was decided: printed | counted | within | ordinal (documents/segment.py)
    uid TEXT,  -- stable key of the paragraph (paragraph_uid): user records point here, never at a number
    date TEXT,  -- the paragraph's own date where it has one (a dispute summary's event); else the document's
    UNIQUE (document_id, seq)
);
CREATE INDEX IF NOT EXISTS paragraphs_label ON paragraphs(document_id, label);
CREATE INDEX IF NOT EXISTS documents_ingested ON documents(ingested_at);  -- every query asks what was ingested since the index
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
    text TEXT NOT NULL,
    paragraph_seq INTEGER  -- the paragraph that calls it (NULL when the source lost the call markers)
);
CREATE TABLE IF NOT EXISTS entities (
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,     -- member | observer | group | provision | dispute | document
    key TEXT NOT NULL,      -- canonical: "European Union", "GATT1994:XXI(b)(iii)", "DS512", "WT/DS512/R"
    surface TEXT NOT NULL,  -- the words in the paragraph
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_key ON entities(kind, key);
CREATE INDEX IF NOT EXISTS entities_paragraph ON entities(paragraph_id);
CREATE TABLE IF NOT EXISTS relations (  -- who backed whom (enrich/relations.py)
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    supporter TEXT NOT NULL,
    supporter_on_behalf_of TEXT,
    supported TEXT NOT NULL,
    supported_on_behalf_of TEXT,
    relation TEXT NOT NULL,  -- support | association | shared view | shared concern | agreement
    evidence TEXT NOT NULL,
    resolved_from TEXT  -- citation of the supported turn read for its capacity ("the statement by Benin")
);
CREATE INDEX IF NOT EXISTS relations_paragraph ON relations(paragraph_id);
CREATE INDEX IF NOT EXISTS relations_supporter ON relations(supporter);
CREATE INDEX IF NOT EXISTS relations_supported ON relations(supported);
CREATE TABLE IF NOT EXISTS concerns (  -- trade concerns about a Member's measure (enrich/concerns.py)
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    concern_id TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_on_behalf_of TEXT,
    target TEXT NOT NULL,
    measure TEXT NOT NULL,
    products TEXT,
    hs_codes TEXT,
    notifications TEXT,
    evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS concerns_paragraph ON concerns(paragraph_id);
CREATE TABLE IF NOT EXISTS stances (  -- a Member turn's stance on what it discusses (enrich/stance.py)
    paragraph_id INTEGER NOT NULL REFERENCES paragraphs(id) ON DELETE CASCADE,
    member TEXT NOT NULL,
    on_behalf_of TEXT,
    stance TEXT NOT NULL,  -- supports | opposes | has reservations | asks questions | neutral
    cue TEXT,
    evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stances_paragraph ON stances(paragraph_id);
-- Users' tags ("coercion"), keyed by the stable concern id: never deleted by re-ingestion.
CREATE TABLE IF NOT EXISTS concern_tags (
    concern_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (concern_id, tag)
);
CREATE TABLE IF NOT EXISTS group_members (  -- negotiating groups (registry/groups.py)
    group_name TEXT NOT NULL,
    member TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (group_name, member)
);
CREATE TABLE IF NOT EXISTS disputes (
    number INTEGER PRIMARY KEY,  -- 512 for DS512
    title TEXT NOT NULL,
    short_title TEXT,
    complainant TEXT,
    respondent TEXT,
    consultations_requested TEXT,
    status TEXT,              -- as published in the table loaded (disputes.csv: early 2018)
    stage TEXT,               -- current stage, from the status code or the summary (registry/status.py)
    stage_date TEXT,
    stage_source TEXT,
    summary TEXT,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dispute_provisions (
    number INTEGER NOT NULL REFERENCES disputes(number) ON DELETE CASCADE,
    key TEXT NOT NULL,
    UNIQUE (number, key)
);
CREATE TABLE IF NOT EXISTS dispute_parties (
    number INTEGER NOT NULL REFERENCES disputes(number) ON DELETE CASCADE,
    member TEXT NOT NULL,
    role TEXT NOT NULL,  -- complainant | respondent | third party
    UNIQUE (number, member, role)
);
CREATE INDEX IF NOT EXISTS dispute_parties_member ON dispute_parties(member);
CREATE TABLE IF NOT EXISTS dispute_events (  -- dated events of the WTO's summary (registry/status.py)
    number INTEGER NOT NULL REFERENCES disputes(number) ON DELETE CASCADE,
    date TEXT NOT NULL,
    event TEXT NOT NULL,
    sentence TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dispute_links (  -- "See also DS547, DS548" in a summary
    number INTEGER NOT NULL REFERENCES disputes(number) ON DELETE CASCADE,
    related INTEGER NOT NULL,
    UNIQUE (number, related)
);
-- A user's decision on a document's status; keyed by symbol so that it survives re-ingestion.
CREATE TABLE IF NOT EXISTS dispute_unreadable (  -- fragments of "agreements cited" that could not be read (DS512)
    number INTEGER NOT NULL REFERENCES disputes(number) ON DELETE CASCADE,
    agreement TEXT,      -- the agreement the fragment names, when it names one
    fragment TEXT NOT NULL
);
-- A user's precedent notes (precedent_notes.py): never touched by load-disputes, so no foreign key.
CREATE TABLE IF NOT EXISTS precedent_notes (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL,  -- 512 for DS512
    provision TEXT NOT NULL,
    source TEXT NOT NULL,     -- as the user wrote it: "WT/DS512/R, para. 7.102"
    paragraph_uid TEXT,       -- the paragraph it points at, when the corpus holds it
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS restriction_overrides (
    symbol TEXT PRIMARY KEY,
    restricted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    set_at TEXT NOT NULL
);
-- Numbers a paragraph carried before its document was re-numbered, so that a draft made under the old
-- numbering can be traced to the same words (draft/renumbering.py). Never deleted by re-ingestion.
CREATE TABLE IF NOT EXISTS renumbered (
    symbol TEXT NOT NULL,
    old_label TEXT NOT NULL,
    uid TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (symbol, old_label, uid)
);
CREATE TABLE IF NOT EXISTS legal_texts (key TEXT PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
-- The coercion case file (cases/): a delegation's own records, never touched by re-ingestion. Links and
-- watches point at paragraphs by their stable uid, never by number.
CREATE TABLE IF NOT EXISTS cases (case_id TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_versions (  -- local edits and shared copies, side by side, never overwritten
    case_id TEXT NOT NULL REFERENCES cases(case_id),
    version INTEGER NOT NULL,
    origin TEXT NOT NULL,        -- local | shared
    shared_by TEXT,              -- "Lithuania's delegation (a.jonaitis)" for a shared copy
    shared_at TEXT,
    bundle_sha256 TEXT,
    data TEXT NOT NULL,          -- the case as JSON (a shared copy holds only the fields shared)
    content_sha256 TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (case_id, version),
    UNIQUE (case_id, origin, shared_by, content_sha256)
);
CREATE TABLE IF NOT EXISTS case_evidence (
    case_id TEXT NOT NULL REFERENCES cases(case_id),
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    note TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    level TEXT NOT NULL,         -- internal | like-minded | public
    stored_path TEXT NOT NULL,   -- relative to $WTO_ASSIST_HOME
    ingested_symbol TEXT,
    shared_by TEXT,              -- set when the file came in a bundle
    PRIMARY KEY (case_id, sha256)
);
CREATE TABLE IF NOT EXISTS case_links (
    case_id TEXT NOT NULL REFERENCES cases(case_id),
    target TEXT NOT NULL,        -- paragraph uid, or DS number for a dispute
    role TEXT NOT NULL,          -- raised | reply | statement | tpr-question | dispute | other
    citation TEXT NOT NULL,      -- as it was when linked, for display when the paragraph is gone
    date TEXT,
    concern_id TEXT,
    note TEXT,
    added_at TEXT NOT NULL,
    shared_by TEXT,
    PRIMARY KEY (case_id, target, role)
);
CREATE TABLE IF NOT EXISTS watches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    member TEXT,
    case_id TEXT,
    created_at TEXT NOT NULL,
    last_run_at TEXT
);
CREATE TABLE IF NOT EXISTS watch_seen (name TEXT NOT NULL, uid TEXT NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY (name, uid));
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,   -- ingested | failed
    symbol TEXT,
    reason TEXT,
    checked_at TEXT NOT NULL
);
"""


# Columns added after a table was first released: (table, column, declaration).
_ADDED_COLUMNS = [
    ("documents", "derestricted_on", "TEXT"),
    ("documents", "restriction_rule", "TEXT"),
    ("disputes", "stage", "TEXT"),
    ("disputes", "stage_date", "TEXT"),
    ("disputes", "stage_source", "TEXT"),
    ("footnotes", "paragraph_seq", "INTEGER"),
    ("documents", "source_url", "TEXT"),
    ("documents", "retrieved_at", "TEXT"),
    ("documents", "enriched_at", "TEXT"),
    ("paragraphs", "uid", "TEXT"),
    ("paragraphs", "numbering", "TEXT"),
    ("paragraphs", "numbering_note", "TEXT"),
    ("paragraphs", "date", "TEXT"),
    ("relations", "resolved_from", "TEXT"),
    ("documents", "sample", "INTEGER NOT NULL DEFAULT 0"),
]


def _add_missing_columns(connection: sqlite3.Connection) -> None:
    """Bring a corpus made by an earlier version up to this schema (its rows stay; new columns start empty)."""
    for table, column, declaration in _ADDED_COLUMNS:
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            if table in ("documents", "footnotes", "paragraphs"):  # the next ingest re-reads every file, so the new columns get filled
                connection.execute("UPDATE sources SET sha256 = '' WHERE status = 'ingested'")
    connection.execute("DROP TABLE IF EXISTS dispute_third_parties")  # replaced by dispute_parties (schema 2)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StoreError(UnavailableError):
    """The database cannot be opened or is not a wto-assist corpus."""


_OUR_TABLES = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA))


def _not_ours_to_write(path: Path) -> bool:
    """A read-only mount, folder or file: the file's own mode counts even for root, who could write it."""
    import os

    try:
        mounted_read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        mounted_read_only = False
    return mounted_read_only or not path.stat().st_mode & 0o222 or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    # One request at a time may come from a server thread other than the opener.
    # A second writer (two ingests at once) waits for the first instead of failing at once.
    if not read_only:
        return sqlite3.connect(path, check_same_thread=False, timeout=120)
    uri = path.absolute().as_uri()
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False, timeout=120)
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError:
        # A WAL database on a read-only mount cannot get its shared-memory file: nothing can change it, say so.
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False, timeout=120)


@functools.cache
def _schema_columns() -> dict[str, set[str]]:
    """Table -> columns, as this version creates them."""
    with sqlite3.connect(":memory:") as memory:
        memory.executescript(_SCHEMA)
        return {table: {row[1] for row in memory.execute(f"PRAGMA table_info({table})")} for table in _OUR_TABLES}


def _refusal(connection: sqlite3.Connection, tables: set[str]) -> str | None:
    """Why this database is not ours to use (a foreign SQLite file, a newer corpus schema), or None."""
    foreign = "is an SQLite database but not a wto-assist corpus; it was left unchanged"

    def columns(table: str) -> set[str]:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}

    if not tables:
        return None  # a new database
    if "meta" not in tables or not {"key", "value"} <= columns("meta"):
        return foreign  # no `meta` table, or some other program's
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        # A corpus whose creation was cut short holds only (some of) our tables, the version not yet written.
        reference = _schema_columns()
        cut_short = (tables <= _OUR_TABLES | {"sqlite_sequence"} and not connection.execute("SELECT COUNT(*) FROM meta").fetchone()[0]
                     and all(columns(table) == reference[table] for table in tables - {"sqlite_sequence"}))
        return None if cut_short else foreign
    if not str(row[0]).isdecimal() or "documents" not in tables or not {"symbol", "family", "source_path"} <= columns("documents"):
        return foreign
    if int(row[0]) > SCHEMA_VERSION:
        return (f"was made by a newer wto-assist (corpus schema {int(row[0])}; this version reads up to {SCHEMA_VERSION}): "
                "upgrade wto-assist to use it; it was left unchanged")
    return None


def _read_only_refusal(connection: sqlite3.Connection, tables: set[str]) -> str | None:
    """A read-only corpus is read as it is: refused only when it lacks what this version's queries need."""
    if "documents" not in tables:
        return "is read-only and holds no corpus yet"
    missing = [f"{table}.{column}" for table, column, _ in _ADDED_COLUMNS
               if table in tables and column not in {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}]
    missing += sorted({"paragraphs", "sources"} - tables)  # tables added later are missing only to the pages that use them
    if missing:
        return f"was made by an earlier wto-assist and needs upgrading ({', '.join(missing[:3])} missing), but it is read-only"
    return None


class Store:
    def __init__(self, path: Path | str, create: bool = True, check_schema: bool = True):
        """`check_schema` False: another connection of this process has created or updated the schema already
        (corpus.ThreadStores), so opening writes nothing (a write transaction per opening queued a burst of them)."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"no corpus database at {self.path} yet: add documents first (the ingest command, or an upload on the Corpus page)")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a corpus database file (give a file such as corpus.sqlite)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder for {self.path} ({error.strerror or error})") from error
        try:
            # A database we may not change (read-only file, folder or mount) is opened read-only and never written.
            self.read_only = self.path.exists() and _not_ours_to_write(self.path)
            self.connection = _connect(self.path, self.read_only)
            self.connection.row_factory = sqlite3.Row
            self.connection.create_function("wto_today", 0, config.today)
            tables = {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            refusal = _refusal(self.connection, tables)  # checked before any write, so a refused file stays as it was
            if refusal is None and self.read_only:
                refusal = _read_only_refusal(self.connection, tables)
            if refusal:
                self.connection.close()
                raise StoreError(f"{self.path} {refusal}")
            if not self.read_only:
                self.connection.execute("PRAGMA foreign_keys = ON")
            if not self.read_only and check_schema:
                self.connection.execute("PRAGMA journal_mode = WAL")
                with self.connection:
                    self.connection.executescript(_SCHEMA)
                    _add_missing_columns(self.connection)
                    self.connection.execute(
                        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                    )
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is not a usable wto-assist corpus database ({error})") from error

    def require_writable(self) -> None:
        """Raise a one-line StoreError when this database is read-only (before a writer starts)."""
        if self.read_only:
            raise StoreError(f"{self.path} is read-only: it can be searched, listed and shown, not changed")

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
            before = self._labels_by_uid(document.symbol)
            connection.execute("DELETE FROM documents WHERE symbol = ? OR source_path = ?", (document.symbol, document.source_path))
            cursor = connection.execute(
                "INSERT INTO documents(symbol, family, body, date, circulated, restricted, derestricted_on, restriction_rule,"
                " title, source_path, sha256, source_url, retrieved_at, encoding, symbol_source, ingested_at, sample)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    document.symbol, document.family, document.body, document.date, document.circulated,
                    int(document.restricted), document.derestricted_on, document.restriction_rule, document.title,
                    document.source_path, document.sha256, document.source_url, document.retrieved_at,
                    document.encoding, document.symbol_source, _now(), int(document.sample),
                ),
            )
            document_id = cursor.lastrowid
            seen: dict[str, int] = {}
            for paragraph in document.paragraphs:
                text_sha = hashlib.sha1(paragraph.text.encode("utf-8")).hexdigest()
                seen[text_sha] = seen.get(text_sha, 0) + 1
                row = connection.execute(
                    "INSERT INTO paragraphs(document_id, seq, label, numbered, text, text_sha, agenda_item, speaker,"
                    " speaker_kind, on_behalf_of, speaker_inherited, uid, numbering, numbering_note, date)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        document_id, paragraph.seq, paragraph.label, int(paragraph.numbered), paragraph.text,
                        text_sha, paragraph.agenda_item,
                        paragraph.speaker, paragraph.speaker_kind, paragraph.on_behalf_of,
                        int(paragraph.speaker_inherited), paragraph_uid(document.symbol, text_sha, seen[text_sha]),
                        paragraph.numbering, paragraph.numbering_note, paragraph.date,
                    ),
                )
                actors = [(paragraph.speaker, "speaker")] if paragraph.speaker else []
                actors += [(name, "co-speaker") for name in paragraph.co_speakers]
                actors += [(name, "on-behalf-of") for name in (paragraph.on_behalf_of or "").split("; ") if name]
                connection.executemany(
                    "INSERT INTO paragraph_actors(paragraph_id, name, role) VALUES (?,?,?)",
                    [(row.lastrowid, name, role) for name, role in actors],
                )
            after = self._labels_by_uid(document.symbol)
            connection.executemany(
                "INSERT OR IGNORE INTO renumbered(symbol, old_label, uid, recorded_at) VALUES (?,?,?,?)",
                [(document.symbol, label, uid, _now()) for uid, label in before.items() if uid in after and after[uid] != label],
            )
            connection.executemany(
                "INSERT INTO footnotes(document_id, number, text, paragraph_seq) VALUES (?,?,?,?)",
                [(document_id, note.number, note.text, note.paragraph) for note in document.footnotes],
            )
            connection.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, status, symbol, reason, checked_at) VALUES (?,?,?,?,?,?)",
                (document.source_path, document.sha256, "ingested", document.symbol, None, _now()),
            )

    def _labels_by_uid(self, symbol: str) -> dict[str, str]:
        """uid -> label of a stored document's paragraphs (uids computed for rows stored before they existed)."""
        rows = self.connection.execute(
            "SELECT p.label, p.text_sha, p.uid FROM paragraphs p JOIN documents d ON d.id = p.document_id"
            " WHERE d.symbol = ? ORDER BY p.seq", (symbol,)
        ).fetchall()
        seen: dict[str, int] = {}
        labels = {}
        for row in rows:
            seen[row["text_sha"]] = seen.get(row["text_sha"], 0) + 1
            labels[row["uid"] or paragraph_uid(symbol, row["text_sha"], seen[row["text_sha"]])] = row["label"]
        return labels

    def formerly(self, symbol: str, old_label: str) -> list[dict]:
        """Paragraphs of `symbol` that carried `old_label` before a re-numbering, with their current numbers."""
        rows = self.connection.execute(
            _PARAGRAPH_QUERY + " JOIN renumbered r ON r.uid = p.uid WHERE r.symbol = ? AND r.old_label = ? ORDER BY p.seq",
            (symbol, old_label),
        ).fetchall()
        return [paragraph_record(row) for row in rows]

    def remove_missing_under(self, folder: Path | str, present: set[str] = frozenset()) -> list[str]:
        """Delete documents whose source file under `folder` no longer exists (and is not among the `present`
        paths, as stored); returns their symbols."""
        prefix = str(Path(folder).resolve()) + "/"
        rows = self.connection.execute(
            "SELECT symbol, source_path FROM documents WHERE substr(source_path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        gone = [row for row in rows if row["source_path"] not in present and not Path(row["source_path"]).exists()]
        failed = self.connection.execute(
            "SELECT path FROM sources WHERE status = 'failed' AND substr(path, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        with self.connection:
            for row in gone:
                self.connection.execute("DELETE FROM documents WHERE symbol = ?", (row["symbol"],))
                self.connection.execute("DELETE FROM sources WHERE path = ?", (row["source_path"],))
            for row in failed:
                if row["path"] not in present and not Path(row["path"]).exists():  # a bad file the user has since deleted
                    self.connection.execute("DELETE FROM sources WHERE path = ?", (row["path"],))
        return [row["symbol"] for row in gone]

    def record_failure(self, path: str, sha256: str, reason: str) -> None:
        with self.connection:
            self.connection.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, status, symbol, reason, checked_at) VALUES (?,?,?,?,?,?)",
                (path, sha256, "failed", None, reason, _now()),
            )

    def unenriched(self) -> list[str]:
        """Documents stored but not yet enriched: a run killed between the two stages left them so."""
        return [row["symbol"] for row in self.connection.execute("SELECT symbol FROM documents WHERE enriched_at IS NULL ORDER BY symbol")]

    def mark_enriched(self, symbols: list[str] | None) -> None:
        with self.connection:
            if symbols is None:
                self.connection.execute("UPDATE documents SET enriched_at = ?", (_now(),))
            else:
                self.connection.executemany("UPDATE documents SET enriched_at = ? WHERE symbol = ?", [(_now(), s) for s in symbols])

    def replace_entities(self, found: dict[int, list]) -> None:
        """Replace the entities of the given paragraph ids (Entity records from the enrich stage; offsets
        -1 for what the paragraph's footnotes cite)."""
        with self.connection:
            self.connection.executemany("DELETE FROM entities WHERE paragraph_id = ?", [(pid,) for pid in found])
            self.connection.executemany(
                "INSERT INTO entities(paragraph_id, kind, key, surface, start, end) VALUES (?,?,?,?,?,?)",
                [(pid, e.kind, e.key, e.text, e.start, e.end) for pid, entities in found.items() for e in entities],
            )

    def replace_findings(self, table: str, found: dict[int, list]) -> None:
        """Replace the rows of `table` (relations, concerns or stances) for the given paragraph ids; each record is a
        dataclass whose fields are the table's columns. Concern tags live in their own table and stay."""
        if table not in ("relations", "concerns", "stances"):
            raise ValueError(f"not a table of findings: {table}")
        records = [(pid, record) for pid, items in found.items() for record in items]
        with self.connection:
            self.connection.executemany(f"DELETE FROM {table} WHERE paragraph_id = ?", [(pid,) for pid in found])
            if not records:
                return
            columns = [column.name for column in fields(records[0][1])]
            self.connection.executemany(
                f"INSERT INTO {table}(paragraph_id, {', '.join(columns)}) VALUES ({', '.join('?' * (len(columns) + 1))})",
                [(pid, *astuple(record)) for pid, record in records],
            )

    def concerns(self) -> list[dict]:
        """Every concern with its citation, body, date, agenda item and tags, oldest meeting first."""
        rows = self.connection.execute(
            "SELECT c.*, d.symbol, d.date, d.body, p.label AS paragraph, p.seq, p.agenda_item,"
            " (SELECT group_concat(t.tag, '|') FROM concern_tags t WHERE t.concern_id = c.concern_id) AS tags"
            " FROM concerns c JOIN paragraphs p ON p.id = c.paragraph_id JOIN documents d ON d.id = p.document_id"
            " ORDER BY d.date, d.symbol, p.seq"
        ).fetchall()
        return [dict(row, tags=sorted(row["tags"].split("|")) if row["tags"] else [],
                     citation=f"{row['symbol']}, para. {row['paragraph']}") for row in rows]

    def tag_concern(self, concern_id: str, tag: str, remove: bool = False) -> bool:
        """Add (or remove) a tag; False when no concern has that id."""
        if not self.connection.execute("SELECT 1 FROM concerns WHERE concern_id = ?", (concern_id,)).fetchone():
            return False
        with self.connection:
            if remove:
                self.connection.execute("DELETE FROM concern_tags WHERE concern_id = ? AND tag = ?", (concern_id, tag))
            else:
                self.connection.execute("INSERT OR IGNORE INTO concern_tags(concern_id, tag, tagged_at) VALUES (?,?,?)",
                                        (concern_id, tag, _now()))
        return True

    def replace_group_members(self, pairs: list[tuple[str, str]], source: str) -> None:
        with self.connection:
            self.connection.execute("DELETE FROM group_members")
            self.connection.executemany("INSERT INTO group_members(group_name, member, source) VALUES (?,?,?)",
                                        [(group, member, source) for group, member in pairs])

    def groups_of(self) -> dict[str, list[str]]:
        """Member -> the negotiating groups it belongs to (empty until `load-groups`)."""
        result: dict[str, list[str]] = {}
        for group, member in self.connection.execute("SELECT group_name, member FROM group_members ORDER BY group_name"):
            result.setdefault(member, []).append(group)
        return result

    def save_dispute(self, dispute: dict, provisions: list[str], parties: list[tuple[str, str]],
                     events: list | None = None, related: list[int] | None = None) -> None:
        """Insert or update one registry row; non-empty incoming fields win; provisions, parties
        (member, role) and links add up; events, when given, replace the dispute's events."""
        with self.connection:
            existing = self.connection.execute("SELECT * FROM disputes WHERE number = ?", (dispute["number"],)).fetchone()
            merged = dict(existing) if existing else {}
            merged.update({key: value for key, value in dispute.items() if value not in (None, "")})
            columns = ["number", "title", "short_title", "complainant", "respondent", "consultations_requested", "status",
                       "stage", "stage_date", "stage_source", "summary", "source"]
            # An upsert, not INSERT OR REPLACE: a replace deletes the row and cascades to its provisions.
            updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
            self.connection.execute(
                f"INSERT INTO disputes({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                f" ON CONFLICT(number) DO UPDATE SET {updates}",
                [merged.get(column) for column in columns],
            )
            number = dispute["number"]
            self.connection.executemany("INSERT OR IGNORE INTO dispute_provisions(number, key) VALUES (?, ?)", [(number, k) for k in provisions])
            self.connection.executemany(
                "INSERT OR IGNORE INTO dispute_parties(number, member, role) VALUES (?, ?, ?)", [(number, m, r) for m, r in parties]
            )
            if events is not None:
                self.connection.execute("DELETE FROM dispute_events WHERE number = ?", (number,))
                self.connection.executemany(
                    "INSERT INTO dispute_events(number, date, event, sentence) VALUES (?,?,?,?)",
                    [(number, e.date, e.event, e.sentence) for e in events],
                )
            self.connection.executemany(
                "INSERT OR IGNORE INTO dispute_links(number, related) VALUES (?, ?)", [(number, r) for r in related or []]
            )

    def set_restriction(self, symbol: str, restricted: bool | None, reason: str = "") -> None:
        """Record a user's decision on a document's status (None removes it: the rules apply again)."""
        with self.connection:
            if restricted is None:
                self.connection.execute("DELETE FROM restriction_overrides WHERE symbol = ?", (symbol,))
            else:
                self.connection.execute(
                    "INSERT OR REPLACE INTO restriction_overrides(symbol, restricted, reason, set_at) VALUES (?,?,?,?)",
                    (symbol, int(restricted), reason, _now()),
                )

    def save_legal_texts(self, texts: dict[str, str], source: str) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO legal_texts(key, text, source) VALUES (?,?,?)", [(k, t, source) for k, t in texts.items()]
            )

    # --- reading ------------------------------------------------------------------------------

    def paragraph_texts(self, symbols: list[str] | None = None) -> list[tuple[int, str]]:
        """(paragraph id, text) of the given documents, or of all."""
        query = "SELECT p.id, p.text FROM paragraphs p JOIN documents d ON d.id = p.document_id"
        if symbols is None:
            return self.connection.execute(query + " ORDER BY p.id").fetchall()
        rows = []
        for symbol in symbols:
            rows += self.connection.execute(query + " WHERE d.symbol = ? ORDER BY p.id", (symbol,)).fetchall()
        return rows

    def paragraph_turns(self, symbols: list[str] | None = None) -> dict[int, tuple]:
        """Paragraph id -> (symbol, speaker, speaker kind, group spoken for), for relations and concerns."""
        query = "SELECT p.id, d.symbol, p.speaker, p.speaker_kind, p.on_behalf_of FROM paragraphs p JOIN documents d ON d.id = p.document_id"
        if symbols is None:
            rows = self.connection.execute(query).fetchall()
        else:
            rows = [row for symbol in symbols for row in self.connection.execute(query + " WHERE d.symbol = ?", (symbol,))]
        return {row[0]: tuple(row[1:]) for row in rows}

    def paragraph_contexts(self, symbols: list[str] | None = None) -> list[tuple]:
        """(id, symbol, label, agenda item, speaker, speaker kind, group spoken for, speaker inherited) in
        document order: the turns a reference such as "the statement by Benin" is resolved against, and the
        paragraphs that continue a turn ("He went on to say…") for its stance."""
        query = ("SELECT p.id, d.symbol, p.label, p.agenda_item, p.speaker, p.speaker_kind, p.on_behalf_of, p.speaker_inherited"
                 " FROM paragraphs p JOIN documents d ON d.id = p.document_id")
        if symbols is None:
            return [tuple(row) for row in self.connection.execute(query + " ORDER BY d.id, p.seq")]
        return [tuple(row) for symbol in symbols for row in self.connection.execute(query + " WHERE d.symbol = ? ORDER BY p.seq", (symbol,))]

    def stances(self, positions: list[tuple[str, int]]) -> dict[tuple[str, int], list[dict]]:
        """(symbol, seq) -> the stances recorded in that paragraph (member, on_behalf_of, stance, cue, evidence)."""
        found: dict[tuple[str, int], list[dict]] = {}
        for symbol, seq in positions:
            for row in self.connection.execute(
                "SELECT s.member, s.on_behalf_of, s.stance, s.cue, s.evidence FROM stances s JOIN paragraphs p ON p.id = s.paragraph_id"
                " JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? AND p.seq = ?", (symbol, seq)
            ):
                found.setdefault((symbol, seq), []).append(dict(row))
        return found

    _RELATIONS_QUERY = (
        "SELECT d.symbol, d.date, p.label AS paragraph, p.seq, p.agenda_item, r.supporter, r.supporter_on_behalf_of, r.supported,"
        " r.supported_on_behalf_of, r.relation, r.evidence, r.resolved_from, r.paragraph_id,"
        " (SELECT s.stance FROM stances s WHERE s.paragraph_id = r.paragraph_id AND s.member = r.supporter LIMIT 1) AS stance"
        " FROM relations r JOIN paragraphs p ON p.id = r.paragraph_id"
        " JOIN documents d ON d.id = p.document_id"
    )

    def relations(self, member: str | None = None, symbol_prefix: str = "", date_from: str | None = None,
                  date_to: str | None = None) -> list[dict]:
        """Support relations with their citation, oldest meeting first; `member` as supporter or supported."""
        query = self._RELATIONS_QUERY + " WHERE substr(d.symbol, 1, ?) = ?"
        parameters: list = [len(symbol_prefix), symbol_prefix]
        if member:
            query += " AND (r.supporter = ? OR r.supported = ? OR r.supporter_on_behalf_of = ? OR r.supported_on_behalf_of = ?)"
            parameters += [member] * 4
        if date_from:
            query += " AND d.date >= ?"
            parameters.append(date_from)
        if date_to:
            query += " AND d.date <= ?"
            parameters.append(date_to)
        return _with_citations(self.connection.execute(query + " ORDER BY d.date, d.symbol, p.seq", parameters).fetchall())

    def relations_in(self, discussions: list[tuple[str, str | None]]) -> list[dict]:
        """Relations recorded under the given (document, agenda item) pairs."""
        rows = []
        for symbol, agenda_item in discussions:
            rows += self.connection.execute(
                self._RELATIONS_QUERY + " WHERE d.symbol = ? AND p.agenda_item IS ? ORDER BY p.seq", (symbol, agenda_item)
            ).fetchall()
        return _with_citations(rows)

    def footnote_texts(self, symbols: list[str] | None = None) -> dict[int, str]:
        """Paragraph id -> the text of the footnotes it calls (documents whose footnotes are tied to paragraphs)."""
        query = ("SELECT p.id, group_concat(f.text, ' ') AS notes FROM footnotes f JOIN documents d ON d.id = f.document_id"
                 " JOIN paragraphs p ON p.document_id = d.id AND p.seq = f.paragraph_seq")
        if symbols is None:
            rows = self.connection.execute(query + " GROUP BY p.id").fetchall()
        else:
            rows = [row for symbol in symbols for row in self.connection.execute(query + " WHERE d.symbol = ? GROUP BY p.id", (symbol,))]
        return {row["id"]: row["notes"] for row in rows}

    def disputes_cited(self, symbol: str) -> list[str]:
        """Disputes a document cites (in its text or its footnotes), in order of first mention: ["DS2", "DS512"]."""
        rows = self.connection.execute(
            "SELECT e.key FROM entities e JOIN paragraphs p ON p.id = e.paragraph_id JOIN documents d ON d.id = p.document_id"
            " WHERE d.symbol = ? AND e.kind = 'dispute' ORDER BY p.seq, e.start",
            (symbol,),
        ).fetchall()
        return list(dict.fromkeys(row["key"] for row in rows))

    def short_titles(self) -> dict[str, list[str]]:
        titles: dict[str, list[str]] = {}
        for row in self.connection.execute("SELECT number, short_title FROM disputes WHERE short_title IS NOT NULL AND short_title != ''"):
            titles.setdefault(row["short_title"], []).append(f"DS{row['number']}")
        return titles

    def dispute_count(self) -> int:
        """Disputes in the loaded registry (0 until `load-disputes`)."""
        return self.connection.execute("SELECT COUNT(*) FROM disputes").fetchone()[0]

    def disputes(
        self, member: str | None = None, provision: str | None = None, status: str | None = None,
        numbers: list[int] | None = None, role: str | None = None, articles: tuple[str, ...] = (),
    ) -> list[dict]:
        """Registry rows, filtered. `member` as any party, or in `role` (complainant, respondent, third party).

        `provision` finds the disputes whose request cites it or a provision within it, and those citing
        one of `articles` exactly (the caller passes the Articles that enclose the provision, so that a
        dispute citing SPS Art. 5 is found for SPS:5.1; registry/query.py labels which is which).
        """
        query = "SELECT * FROM disputes d WHERE 1 = 1"
        parameters: list = []
        if numbers is not None:
            query += f" AND d.number IN ({', '.join('?' * len(numbers))})"
            parameters += numbers
        if member:
            query += " AND EXISTS (SELECT 1 FROM dispute_parties t WHERE t.number = d.number AND t.member = ?" + (" AND t.role = ?)" if role else ")")
            parameters += [member, role] if role else [member]
        if provision:
            marks = ", ".join("?" * len(articles)) or "NULL"
            query += (f" AND EXISTS (SELECT 1 FROM dispute_provisions p WHERE p.number = d.number"
                      f" AND ({_WITHIN.format(column='p.key')} OR p.key IN ({marks})))")
            parameters += [provision] * 4 + list(articles)
        if status:
            query += " AND (d.stage LIKE ? OR (d.stage IS NULL AND d.status LIKE ?))"
            parameters += [f"%{status}%"] * 2
        result = []
        for row in self.connection.execute(query + " ORDER BY d.number", parameters).fetchall():
            record = dict(row, ds=f"DS{row['number']}")
            number = row["number"]
            record["provisions"] = [r["key"] for r in self.connection.execute("SELECT key FROM dispute_provisions WHERE number = ? ORDER BY rowid", (number,))]
            parties = self.connection.execute("SELECT member, role FROM dispute_parties WHERE number = ? ORDER BY rowid", (number,)).fetchall()
            record["complainants"] = [p["member"] for p in parties if p["role"] == "complainant"]
            record["respondents"] = [p["member"] for p in parties if p["role"] == "respondent"]
            record["third_parties"] = sorted(p["member"] for p in parties if p["role"] == "third party")
            record["roles"] = [p["role"] for p in parties if p["member"] == member] if member else []
            events = self.connection.execute("SELECT date, event, sentence FROM dispute_events WHERE number = ? ORDER BY rowid", (number,)).fetchall()
            record["events"] = [dict(e) for e in events]
            record["related"] = [f"DS{r['related']}" for r in self.connection.execute("SELECT related FROM dispute_links WHERE number = ? ORDER BY related", (number,))]
            result.append(record)
        return result

    def paragraphs_citing(self, provision: str) -> list[dict]:
        """Paragraphs that cite a provision or one within it, newest meeting first."""
        rows = self.connection.execute(
            _PARAGRAPH_QUERY + f" WHERE p.id IN (SELECT e.paragraph_id FROM entities e WHERE e.kind = 'provision' AND {_WITHIN.format(column='e.key')})"
            " ORDER BY d.date DESC, d.symbol, p.seq",
            [provision] * 4,
        ).fetchall()
        return [paragraph_record(row) for row in rows]

    def entity_keys(self, symbol: str, seq: int, kinds: tuple[str, ...]) -> list[str]:
        """Keys of one paragraph's entities of the given kinds, in text order."""
        marks = ", ".join("?" * len(kinds))
        rows = self.connection.execute(
            "SELECT e.key FROM entities e JOIN paragraphs p ON p.id = e.paragraph_id JOIN documents d ON d.id = p.document_id"
            f" WHERE d.symbol = ? AND p.seq = ? AND e.kind IN ({marks}) ORDER BY e.start",
            (symbol, seq, *kinds),
        ).fetchall()
        return [row["key"] for row in rows]

    def documents_cited(self, symbol: str) -> list[str]:
        """Symbols of the documents a document cites, in order of first mention."""
        rows = self.connection.execute(
            "SELECT e.key FROM entities e JOIN paragraphs p ON p.id = e.paragraph_id JOIN documents d ON d.id = p.document_id"
            " WHERE d.symbol = ? AND e.kind = 'document' AND e.key != ? ORDER BY p.seq, e.start",
            (symbol, symbol),
        ).fetchall()
        return list(dict.fromkeys(row["key"] for row in rows))

    def paragraphs_with_phrase(self, phrase: str, family: str) -> list[dict]:
        """Paragraphs of one family containing a phrase (case-insensitive), in document order."""
        pattern = "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.connection.execute(
            _PARAGRAPH_QUERY + " WHERE d.family = ? AND p.text LIKE ? ESCAPE '\\' ORDER BY d.symbol, p.seq", (family, pattern)
        ).fetchall()
        return [paragraph_record(row) for row in rows]

    def paragraphs_containing(self, phrase: str, limit: int = 3) -> list[dict]:
        """Paragraphs whose text holds `phrase` as it stands (case-insensitive), in document order."""
        pattern = "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.connection.execute(
            _PARAGRAPH_QUERY + " WHERE p.text LIKE ? ESCAPE '\\' ORDER BY d.symbol, p.seq LIMIT ?", (pattern, limit)
        ).fetchall()
        return [paragraph_record(row) for row in rows]

    def paragraphs_mentioning(self, kind: str, key: str) -> list[dict]:
        """Paragraphs with an entity of this kind and key, newest first."""
        rows = self.connection.execute(
            _PARAGRAPH_QUERY + " WHERE p.id IN (SELECT paragraph_id FROM entities WHERE kind = ? AND key = ?)"
            " ORDER BY d.date DESC, d.symbol, p.seq",
            (kind, key),
        ).fetchall()
        return [paragraph_record(row) for row in rows]

    def legal_text(self, key: str) -> str | None:
        row = self.connection.execute("SELECT text FROM legal_texts WHERE key = ?", (key,)).fetchone()
        return row["text"] if row else None


    def documents(self, prefix: str = "") -> list[dict]:
        """Documents whose symbol starts with `prefix` (all by default), with their paragraph counts."""
        rows = self.connection.execute(
            f"SELECT d.symbol, d.family, d.body, d.date, {_STATUS_COLUMNS}, d.title, d.source_path, d.encoding,"
            " (SELECT COUNT(*) FROM paragraphs p WHERE p.document_id = d.id) AS paragraphs"
            f" FROM documents d {_OVERRIDE_JOIN} WHERE substr(d.symbol, 1, ?) = ? ORDER BY d.symbol",
            (len(prefix), prefix),
        ).fetchall()
        # In the order people read symbols: WT/COMTD/M/3 before WT/COMTD/M/29.
        return sorted((_with_status(dict(row)) for row in rows), key=lambda row: symbol_order(row["symbol"]))

    def documents_ingested_since(self, moment: str) -> int:
        """How many documents were (re)ingested after `moment` (ISO 8601, UTC, as _now() writes it)."""
        return self.connection.execute("SELECT COUNT(*) FROM documents WHERE ingested_at > ?", (moment,)).fetchone()[0]

    def failures(self) -> list[dict]:
        rows = self.connection.execute("SELECT path, reason, checked_at FROM sources WHERE status = 'failed' ORDER BY path")
        return [dict(row) for row in rows]

    def document(self, symbol: str) -> dict | None:
        row = self.connection.execute(
            "SELECT d.id, d.symbol, d.family, d.body, d.date, d.circulated, d.title, d.source_path, d.sha256, d.source_url,"
            f" d.retrieved_at, d.encoding, d.symbol_source, d.ingested_at, {_STATUS_COLUMNS}"
            f" FROM documents d {_OVERRIDE_JOIN} WHERE d.symbol = ?", (symbol,)
        ).fetchone()
        if row is None:
            return None
        document = _with_status(dict(row))
        document["footnotes"] = [
            {"number": r["number"], "text": r["text"], "paragraph_seq": r["paragraph_seq"]}
            for r in self.connection.execute(
                "SELECT number, text, paragraph_seq FROM footnotes WHERE document_id = ? ORDER BY number", (row["id"],)
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

    def index_rows(self, symbols: list[str] | None = None) -> list[dict]:
        """Every paragraph (or those of the documents `symbols`) with what search filters on: `actors` (speaker,
        co-speakers, groups spoken for), `mentions` (Members and groups named), `provisions` and `disputes` cited."""
        chosen = "" if symbols is None else f" WHERE d.symbol IN ({','.join('?' * len(symbols))})"
        entity_list = "(SELECT group_concat(e.key, '|') FROM entities e WHERE e.paragraph_id = p.id AND e.kind IN ({}))"
        rows = self.connection.execute(
            f"SELECT d.symbol, COALESCE(p.date, d.date) AS date, d.family, d.body, {_RESTRICTED_NOW} AS restricted, p.seq, p.label,"
            " p.numbered, p.text, p.text_sha, p.agenda_item, p.speaker_kind, p.uid,"
            " (SELECT group_concat(a.name, '|') FROM paragraph_actors a WHERE a.paragraph_id = p.id) AS actors, "
            + entity_list.format("'member', 'observer', 'group'") + " AS mentions, "
            + entity_list.format("'provision'") + " AS provisions, "
            + entity_list.format("'dispute'") + " AS disputes"
            f" FROM paragraphs p JOIN documents d ON d.id = p.document_id {_OVERRIDE_JOIN}{chosen} ORDER BY d.symbol, p.seq",
            symbols or (),
        ).fetchall()
        lists = ("actors", "mentions", "provisions", "disputes")
        records = []
        for row in rows:
            record = dict(row, restricted=bool(row["restricted"]), **{name: set(row[name].split("|")) if row[name] else set() for name in lists})
            own = dispute_of(row["symbol"])  # a paragraph of WT/DS512/R or of "DS512 summary" is about DS512
            if own is not None:
                record["disputes"].add(f"DS{own}")
            records.append(dict(record, **{name: sorted(record[name]) for name in lists}))
        return records

    def paragraph_by_uid(self, uid: str) -> dict | None:
        """The paragraph a user record points at, whatever number it carries now (None when its text is gone)."""
        row = self.connection.execute(_PARAGRAPH_QUERY + " WHERE p.uid = ?", (uid,)).fetchone()
        return paragraph_record(row) if row else None

    def paragraph_by_position(self, symbol: str, seq: int) -> dict | None:
        """One paragraph by document and position, with the SHA-1 of its text for staleness checks."""
        row = self.connection.execute(_PARAGRAPH_QUERY + " WHERE d.symbol = ? AND p.seq = ?", (symbol, seq)).fetchone()
        return dict(paragraph_record(row), text_sha=row["text_sha"]) if row else None


def symbol_order(symbol: str) -> tuple:
    """A sort key that compares the numbers inside symbols as numbers ("M/3" < "M/29")."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", symbol) if part)


def paragraph_uid(symbol: str, text_sha: str, occurrence: int = 1) -> str:
    """A paragraph's stable key: its document and text (the n-th paragraph with that text), not its number,
    so that tags, notes and case links stay on the same words when a document is re-numbered."""
    return f"{symbol}#{text_sha[:16]}" + (f"~{occurrence}" if occurrence > 1 else "")


def _with_citations(rows) -> list[dict]:
    return [dict(row, citation=f"{row['symbol']}, para. {row['paragraph']}") for row in rows]


# A provision key column equal to, or lying within, the parameter (bound four times).
_WITHIN = "({column} = ? OR {column} LIKE ? || ':%' OR {column} LIKE ? || '(%' OR {column} LIKE ? || '.%')"

# Restricted now: a user's decision first, else the masthead marking until the derestriction date passes.
_OVERRIDE_JOIN = "LEFT JOIN restriction_overrides o ON o.symbol = d.symbol"
_RESTRICTED_NOW = (
    "(CASE WHEN o.restricted IS NOT NULL THEN o.restricted WHEN d.restricted = 0 THEN 0"
    " WHEN d.derestricted_on IS NOT NULL AND d.derestricted_on <= wto_today() THEN 0 ELSE 1 END)"
)
_STATUS_COLUMNS = (
    f"{_RESTRICTED_NOW} AS restricted, d.restricted AS restricted_on_circulation, d.derestricted_on,"
    " CASE WHEN o.restricted IS NOT NULL THEN 'set by the user: ' || o.reason ELSE d.restriction_rule END AS restriction,"
    " d.sample"  # an illustrative sample says so wherever it is shown
)

_PARAGRAPH_QUERY = (
    f"SELECT d.symbol, COALESCE(p.date, d.date) AS date, d.family, d.body, {_STATUS_COLUMNS}, p.seq, p.label, p.numbered,"
    " p.text, p.text_sha, p.agenda_item, p.speaker, p.speaker_kind, p.on_behalf_of, p.speaker_inherited, p.uid,"
    " p.numbering, p.numbering_note"
    f" FROM paragraphs p JOIN documents d ON d.id = p.document_id {_OVERRIDE_JOIN}"
)


def _with_status(record: dict) -> dict:
    record["restricted"] = bool(record["restricted"])
    record["restricted_on_circulation"] = bool(record["restricted_on_circulation"])
    record["sample"] = bool(record["sample"])
    return record


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
        "restricted_on_circulation": bool(row["restricted_on_circulation"]),
        "derestricted_on": row["derestricted_on"],
        "restriction": row["restriction"],
        "agenda_item": row["agenda_item"],
        "speaker": row["speaker"],
        "speaker_kind": row["speaker_kind"],
        "on_behalf_of": row["on_behalf_of"],
        "speaker_inherited": bool(row["speaker_inherited"]),
        "text": row["text"],
        "numbering": row["numbering"],
        "numbering_note": row["numbering_note"],
        "uid": row["uid"],
        "sample": bool(row["sample"]),
    }
