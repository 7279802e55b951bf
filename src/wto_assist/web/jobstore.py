"""The web app's corpus jobs in a small SQLite table in the data folder (jobs.sqlite), so that every worker
process of `wto-assist web --workers N` answers the same state for a job, whichever worker runs it.

One row a job: id, kind, status, message, progress, the pid of the process running it (with the time the
kernel started that process, so a pid used again by another process is not taken for it), and when it
started and last changed. A job still "running" whose process has gone reads as failed, with a message
saying so: a worker killed mid-build must not leave a job the Corpus page follows forever.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

RUNNING, DONE, DUPLICATE, FAILED = "running", "done", "duplicate", "failed"
KEPT_DAYS = 7  # an ended job is kept this long (a delegate may come back to its outcome), then forgotten
SAVED = ("status", "message", "progress")  # what changes while a job runs, written as it changes

SCHEMA = """CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, progress TEXT,
    pid INTEGER NOT NULL, pid_started TEXT NOT NULL, started REAL NOT NULL, updated REAL NOT NULL)"""
PROC = Path("/proc/self/stat")
COLUMNS = "id, kind, status, message, progress, pid, pid_started"


@dataclass
class Job:
    id: str
    kind: str  # "upload" or "index"
    status: str
    message: str
    progress: str | None = None  # "embedded 1,200 of 29,273 windows, 3 min left" while a long step runs
    pid: int = field(default_factory=os.getpid)  # the process running it
    pid_started: str = field(default_factory=lambda: process_started(os.getpid()))
    store: JobStore | None = field(default=None, repr=False, compare=False)  # set once the job is in a JobStore

    def __setattr__(self, name: str, value) -> None:
        changed = getattr(self, name, None) != value  # a progress line said again is not written again
        object.__setattr__(self, name, value)
        if name in SAVED and changed and self.store is not None:
            self.store.save(self)

    def update(self, status: str, message: str) -> None:
        """Set the outcome (the progress line ends with it), saved once."""
        for name, value in (("status", status), ("message", message), ("progress", None)):
            object.__setattr__(self, name, value)
        if self.store is not None:
            self.store.save(self)

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "status": self.status, "message": self.message, "progress": self.progress}


class JobStore:
    """The jobs table, used as `WebState.jobs` was used as a dict: `jobs[id] = job`, `jobs.get(id)`,
    `jobs.values()`. Each call opens a connection of its own: requests and job threads of any worker call
    at once, and a write is a few rows."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._made = False
        if self.path.exists():
            with self._connect() as connection:
                connection.execute("DELETE FROM jobs WHERE status != ? AND updated < ?", (RUNNING, time.time() - KEPT_DAYS * 86400))

    def _connect(self) -> _Closing:
        """A connection of its own. The file and table are made by the first job (an app nobody uploads to
        leaves no file in the data folder); reads look only where the file exists (`get`, `values`)."""
        if not self._made:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # explicit transactions only
        if not self._made:
            connection.execute(SCHEMA)
            self._made = True
        return _Closing(connection)

    def __setitem__(self, job_id: str, job: Job) -> None:
        assert job_id == job.id, "a job is kept under its own id"
        with self._connect() as connection:
            _insert(connection, job)
        object.__setattr__(job, "store", self)

    def add_unless_running(self, job: Job) -> Job:
        """Add `job`, unless a job of its kind is running (in any worker): then that job, and `job` is not added.
        The look and the insert are one transaction, so two workers' clicks on "Index now" start one job."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")  # the write lock first: no other worker looks in between
            try:
                rows = connection.execute(f"SELECT {COLUMNS} FROM jobs WHERE kind = ? AND status = ?", (job.kind, RUNNING)).fetchall()
                running = [held for held in (self._ended_if_orphaned(connection, row) for row in rows) if held.status == RUNNING]
                if not running:
                    _insert(connection, job)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        if running:
            return running[0]
        object.__setattr__(job, "store", self)
        return job

    def save(self, job: Job) -> None:
        with self._connect() as connection:
            connection.execute("UPDATE jobs SET status = ?, message = ?, progress = ?, updated = ? WHERE id = ?",
                               (job.status, job.message, job.progress, time.time(), job.id))

    def get(self, job_id: str, default: Job | None = None) -> Job | None:
        if not self.path.exists():
            return default
        with self._connect() as connection:
            row = connection.execute(f"SELECT {COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
            return default if row is None else self._ended_if_orphaned(connection, row)

    def values(self) -> list[Job]:
        if not self.path.exists():
            return []
        with self._connect() as connection:
            rows = connection.execute(f"SELECT {COLUMNS} FROM jobs ORDER BY started").fetchall()
            return [self._ended_if_orphaned(connection, row) for row in rows]

    def _ended_if_orphaned(self, connection: sqlite3.Connection, row: tuple) -> Job:
        """The row as a Job; a running one whose process is gone is failed, here and in the table."""
        job = Job(*row)
        if job.status == RUNNING and not process_alive(job.pid, job.pid_started):
            job.update(FAILED, f"The server process running this job (pid {job.pid}) stopped before the job ended; "
                               "the Corpus page shows what the corpus holds now (index now if documents are waiting).")
            connection.execute("UPDATE jobs SET status = ?, message = ?, progress = NULL, updated = ? WHERE id = ? AND status = ?",
                               (job.status, job.message, time.time(), job.id, RUNNING))
        object.__setattr__(job, "store", self)
        return job


def _insert(connection: sqlite3.Connection, job: Job) -> None:
    now = time.time()
    connection.execute(f"INSERT OR REPLACE INTO jobs ({COLUMNS}, started, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (job.id, job.kind, job.status, job.message, job.progress, job.pid, job.pid_started, now, now))


class _Closing:
    """A connection that `with` closes (sqlite3's own `with` only commits)."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def process_started(pid: int) -> str:
    """When the kernel started process `pid` (clock ticks since boot, /proc/PID/stat field 22), or "" where
    there is no /proc: with the pid, it names one process, not whichever one reuses the number later."""
    stat = _stat(pid)
    return stat[19] if stat else ""


def process_alive(pid: int, started: str) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not), and is the one started at `started`."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    stat = _stat(pid)
    if stat is None:
        return not PROC.exists()  # gone since os.kill; or no /proc here, and the pid is all there is to go by
    return stat[0] != "Z" and (not started or stat[19] == started)


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces): state first; None without /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()
