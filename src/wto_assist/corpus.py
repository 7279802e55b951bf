"""One corpus, opened once: the paths, the store and a lazily opened Searcher, closed together.

The CLI opens one `Corpus` per invocation (cli.py keeps it on click's root context) and the web app
holds one for its life; both pass it down to the library, which then neither reopens the store nor
reloads the index for every call. Library functions that also serve scripts and tests take either a
Corpus or a database path: `Corpus.borrowed` gives them the caller's corpus, or one of their own that
they close.

The store is one SQLite connection per thread: the web app answers requests on several threads at
once, and a connection shared between threads can deadlock (SQLite's mutex held while the SQL
function wto_today waits for the GIL). The Searcher reads through the same per-thread connections.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .store import Store

if TYPE_CHECKING:
    from .index.build import IndexMissing
    from .search import Searcher


class _Held:
    """A thread's hold on a connection: when the thread ends, its thread-local values go, and with this one
    the connection is handed back (weakref.finalize in ThreadStores.get)."""

    def __init__(self, store: Store):
        self.store = store


class ThreadStores:
    """One Store connection per thread at a time to one database, all closed by close().

    A server's request threads come and go (anyio ends one idle for 10 s): a thread that ends hands its
    connection back, and the next new thread takes it instead of opening one (a connection per thread
    ever started kept a file open each, and every opening checked the schema in a write transaction,
    which a burst of new threads waited on in turn). Only the first connection checks the schema."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._local = threading.local()
        self._open: list[Store] = []
        self._idle: list[Store] = []  # open, held by no thread
        self._schema_checked = False
        self._lock = threading.Lock()

    def get(self) -> Store:
        """This thread's connection: an idle one, or opened on first use (a missing database is a StoreError here)."""
        held = getattr(self._local, "held", None)
        if held is not None:
            return held.store
        with self._lock:  # taking an idle connection and holding it is one step: close() cannot come between
            if self._idle:
                return self._hold(self._idle.pop())
            check_schema = not self._schema_checked
        store = Store(self.db_path, create=False, check_schema=check_schema)  # outside the lock: opening takes time
        with self._lock:
            self._open.append(store)
            self._schema_checked = True
            return self._hold(store)

    def _hold(self, store: Store) -> Store:
        """This thread holds `store` until it ends (called under the lock)."""
        held = _Held(store)
        weakref.finalize(held, self._hand_back, store)
        self._local.held = held
        return store

    def _hand_back(self, store: Store) -> None:
        with self._lock:
            if any(store is known for known in self._open):  # not closed by close() meanwhile
                self._idle.append(store)

    @property
    def connections(self) -> int:
        """How many connections are open (held by a thread or idle)."""
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        with self._lock:
            for store in self._open:
                store.close()
            self._open.clear()
            self._idle.clear()
            self._schema_checked = False  # the file may be another by the next opening
        # Outside the lock: dropping the old thread-locals hands their connections back (_hand_back takes the lock).
        self._local = threading.local()  # a later get() opens afresh instead of returning a closed connection


class Corpus:
    """The corpus database, the index folder and the model a session works with, each opened at most once."""

    def __init__(self, db_path: Path, index_dir: Path | None = None, model: str | None = None):
        self.db_path = Path(db_path)
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.model = model
        self._stores = ThreadStores(self.db_path)
        self._searcher: Searcher | None = None
        self._searcher_lock = threading.Lock()
        # Why the live index could not be opened last time, when it exists but cannot be read (IndexOutdated: an
        # index of another format, after an upgrade): the web app says so instead of "no index yet".
        self.index_problem: IndexMissing | None = None

    @property
    def store(self) -> Store:
        """This thread's connection to the corpus store."""
        return self._stores.get()

    @property
    def searcher(self) -> Searcher:
        """The Searcher of the live index, opened on first use; IndexMissing when there is no index."""
        with self._searcher_lock:
            if self._searcher is None:
                self._searcher = self._open_searcher()
            return self._searcher

    def searcher_if_built(self) -> Searcher | None:
        """The Searcher, or None when no index has been built yet (pages and drafts that can do without). An index
        that cannot be read (IndexOutdated: another format) is said, not taken as none: a query would be dropped."""
        from .index.build import IndexMissing, IndexOutdated

        try:
            return self.searcher
        except IndexOutdated:
            raise
        except IndexMissing:
            return None

    @property
    def opened_searcher(self) -> Searcher | None:
        """The Searcher if one is open now; opens nothing."""
        return self._searcher

    def reopen_searcher(self, warm: bool = False) -> Searcher | None:
        """Close the Searcher and open the live index again (after a build replaced it); None when there is none.
        The caller keeps other users of the old Searcher out while this runs (`serve`: one query at a time)."""
        return self.replace_searcher(self.open_live_searcher(warm=warm))

    def open_live_searcher(self, warm: bool = False, for_pages: bool = False) -> Searcher | None:
        """A new Searcher of the live index, warmed when asked (Searcher.warm); None when there is none. The
        Searcher in use is untouched: the web app opens and warms the new one while requests go on with it."""
        from .index.build import IndexMissing, IndexOutdated

        try:
            fresh = self._open_searcher()
        except IndexMissing as missing:
            self.index_problem = missing if isinstance(missing, IndexOutdated) else None
            return None
        self.index_problem = None
        if warm:
            try:
                fresh.warm(for_pages=for_pages)
            except BaseException:
                fresh.close()  # not in use by anyone: its hold on the version goes with it
                raise
        return fresh

    def replace_searcher(self, fresh: Searcher | None) -> Searcher | None:
        """Put `fresh` in use and close the Searcher it replaces; the caller keeps that one's users out meanwhile."""
        with self._searcher_lock:  # swapped in one step: a reader never sees None while a new index replaces the old
            old, self._searcher = self._searcher, fresh
        if old is not None and old is not fresh:
            old.close()
        return fresh

    def _open_searcher(self) -> Searcher:
        from .index.build import IndexMissing
        from .search import Searcher

        if self.index_dir is None:
            raise IndexMissing("no index folder was given for this corpus")
        return Searcher(self.index_dir, self.db_path, model=self.model, stores=self._stores)

    def close(self) -> None:
        with self._searcher_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self._stores.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @classmethod
    @contextmanager
    def borrowed(cls, source: Corpus | Path | str, index_dir: Path | None = None, model: str | None = None) -> Iterator[Corpus]:
        """`source` itself when it is a Corpus (left open: its owner closes it), else a Corpus opened on the
        database path for the duration of the block."""
        if isinstance(source, Corpus):
            yield source
            return
        with cls(Path(source), index_dir, model) as corpus:
            yield corpus


@contextmanager
def store_of(source: Corpus | Store | Path | str, create: bool = False) -> Iterator[Store]:
    """The store a pipeline stage works through: the caller's (a Corpus's or a Store, left open: one
    connection for a whole `ingest` or `index` run), or one opened on a database path for the block."""
    if isinstance(source, Corpus):
        yield source.store
    elif isinstance(source, Store):
        yield source
    else:
        with Store(Path(source), create=create) as store:
            yield store
