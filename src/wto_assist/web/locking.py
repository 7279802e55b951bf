"""Many readers at once, one writer alone: the web app's requests read concurrently (searches, pages),
and only a switch to a new index waits for them and holds new ones back (`SharedLock`, within one process).
Across the worker processes of `web --workers N`: one holder at a time (`held_across_processes`)."""

from __future__ import annotations

import contextlib
import fcntl
import threading
from pathlib import Path
from typing import Callable


class SharedLock:
    """`with lock:` shares it (a request reading the corpus or the Searcher); `with lock.exclusive():`
    holds it alone (replacing the Searcher). Both are re-entrant for their thread; a thread holding a
    share must not ask for the lock alone (nobody does: the index switch runs outside any request's share)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers: dict[int, int] = {}  # thread -> how many shares it holds
        self._writer: int | None = None
        self._writer_depth = 0
        self._writers_waiting = 0

    def __enter__(self) -> "SharedLock":
        me = threading.get_ident()
        with self._condition:
            # A waiting writer goes first (no new shares), unless this thread already holds one or the lock.
            while (self._writer not in (None, me)) or (self._writers_waiting and me not in self._readers and self._writer != me):
                self._condition.wait()
            self._readers[me] = self._readers.get(me, 0) + 1
        return self

    def __exit__(self, *exc) -> None:
        me = threading.get_ident()
        with self._condition:
            self._readers[me] -= 1
            if not self._readers[me]:
                del self._readers[me]
            self._condition.notify_all()

    @contextlib.contextmanager
    def exclusive(self):
        me = threading.get_ident()
        with self._condition:
            self._writers_waiting += 1
            try:
                while self._writer not in (None, me) or any(reader != me for reader in self._readers):
                    self._condition.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = me
            self._writer_depth += 1
        try:
            yield
        finally:
            with self._condition:
                self._writer_depth -= 1
                if not self._writer_depth:
                    self._writer = None
                self._condition.notify_all()


@contextlib.contextmanager
def held_across_processes(path: Path, waiting: Callable[[], None] | None = None):
    """An exclusive lock on the file `path` (flock): one holder at a time among all processes, threads included
    (each `with` opens the file anew). `waiting()` is called once when another holds it, before waiting for it.
    The kernel releases the lock of a process that dies, so a killed worker never leaves it held."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
