"""Public entry point of the ingest stage: walk paths, parse each file, write the store.

One bad file never stops the others: its failure is recorded with a one-line reason and the walk
goes on. An unchanged file (same path, same sha256) is skipped; a changed one replaces its rows;
a document whose file was deleted from a folder being ingested is removed from the store.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .documents import SUPPORTED_SUFFIXES, ReadError, parse_file
from .documents.readers import check_size
from .fetch import provenance
from .corpus import Corpus, store_of
from .store import Store


@dataclass
class IngestReport:
    ingested: list[tuple[str, str, int]] = field(default_factory=list)  # path, symbol, paragraphs
    unchanged: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # path, reason (not a document type)
    failed: list[tuple[str, str]] = field(default_factory=list)  # path, reason
    removed: list[str] = field(default_factory=list)  # symbols whose file was deleted from an ingested folder
    entities: int = 0  # Members, provisions, disputes and documents marked in the ingested paragraphs

    @property
    def ok(self) -> bool:
        """False only when nothing could be ingested at all."""
        return bool(self.ingested or self.unchanged) or not self.failed


def shown(path: Path | str) -> str:
    """A path as one printable line: a newline or an undecodable byte in a file name cannot forge a report line."""
    text = path if isinstance(path, str) else os.fsdecode(path)

    def safe(char: str) -> str:
        if 0xDC80 <= ord(char) <= 0xDCFF:  # a byte the file system name held that is not UTF-8
            return f"\\x{ord(char) - 0xDC00:02x}"
        return char if char.isprintable() else char.encode("unicode_escape").decode("ascii")

    return "".join(safe(char) for char in text)


def store_key(path: Path) -> str:
    """A file's real absolute path as the store keeps it: exact for every name that is text (a newline, tab
    or CR included); a byte that is not UTF-8 written as \\xNN, the one form a text column can hold.
    Display it through `shown`."""
    text = os.fsdecode(Path(path).resolve())
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if 0xDC80 <= ord(char) <= 0xDCFF else char for char in text)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]], list[tuple[str, str]]]:
    """Files to ingest, plus (path, reason) for what is skipped as not a document and for what cannot be read.

    Nothing is skipped silently: an unreadable folder, a FIFO, a device, a broken link or a link loop is
    reported with its reason, and the walk goes on."""
    files: list[Path] = []
    ignored: list[tuple[str, str]] = []
    problems: list[tuple[str, str]] = []

    def visit(path: Path, top: bool) -> None:
        try:
            if path.is_symlink() and not path.exists():
                problems.append((shown(path), "a link to nothing (broken or looping link)"))
                return
            if path.is_dir():
                if not top and path.name.startswith("."):
                    return
                try:
                    children = sorted(path.iterdir())
                except OSError as error:
                    problems.append((shown(path), f"cannot read folder ({error.strerror or error})"))
                    return
                for child in children:
                    visit(child, False)
                return
            if not path.exists():
                problems.append((shown(path), "no such file or folder"))
                return
            if not top and path.name.startswith("."):
                return
            if not path.is_file():
                ignored.append((shown(path), "not a regular file (a device, FIFO or socket)"))
            elif path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                ignored.append((shown(path), f"not a supported document type ({path.suffix or 'no extension'})"))
        except OSError as error:  # a link loop or a name the system refuses
            problems.append((shown(path), f"cannot read ({error.strerror or error})"))

    for path in paths:
        visit(Path(path), True)
    return files, ignored, problems


def ingest_paths(
    paths: Iterable[Path | str],
    db_path: Corpus | Store | Path | str,
    on_file: Callable[[Path], None] | None = None,
    enrich: bool = True,
) -> IngestReport:
    """Ingest files and folders into the store, then run the enrich stage on what was ingested. `db_path`:
    the caller's open Corpus or Store (ingest and enrich then share its one connection), or a database
    path (created when missing)."""
    paths = [Path(p) for p in paths]
    files, ignored, missing = collect_files(paths)
    report = IngestReport(ignored=ignored, failed=list(missing))
    # The files found in this walk are present whatever their names: none is taken for deleted because its
    # name does not round-trip through the store's text.
    present = {store_key(path) for path in files}
    with store_of(db_path, create=True) as store:
        store.require_writable()  # before any file is read: one line, not a traceback at the first write
        for path in files:
            if on_file:
                on_file(path)
            _ingest_one(store, path, report, present)
        for folder in {path for path in paths if path.is_dir()}:
            report.removed += store.remove_missing_under(store_key(folder), present)
        # What this run stored, and what an earlier run stored but was killed before enriching.
        pending = store.unenriched() if enrich else []
        if pending:
            from .enrich import enrich_store

            report.entities = enrich_store(store, pending).entities
    return report


def _ingest_one(store: Store, path: Path, report: IngestReport, present: set[str] = frozenset()) -> None:
    key = store_key(path)
    try:
        check_size(path)  # before the whole file is read for its hash
    except ReadError as error:
        report.failed.append((shown(path), str(error)))
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        report.failed.append((shown(path), f"cannot read file ({error.strerror or error})"))
        return
    sha = hashlib.sha256(data).hexdigest()
    if store.source_sha(key) == sha:
        report.unchanged.append(shown(path))
        return
    try:
        document = parse_file(path)
    except ReadError as error:
        store.record_failure(key, sha, str(error))
        report.failed.append((shown(path), str(error)))
        return
    except Exception as error:  # a parser bug on one file must not stop the other files
        reason = f"unexpected {type(error).__name__}: {error}"
        store.record_failure(key, sha, reason)
        report.failed.append((shown(path), reason))
        return
    document.source_path = key
    fetched = provenance(path)  # the folder's fetch manifest, when this is the very file fetched
    if fetched:
        document.source_url, document.retrieved_at = fetched["url"], fetched["retrieved_at"]
    owner = store.owner_of(document.symbol)
    if owner and owner != key and (owner in present or Path(owner).exists()):
        reason = f"{document.symbol} is already ingested from {owner}"
        store.record_failure(key, sha, reason)
        report.failed.append((shown(path), reason))
        return
    store.save_document(document)
    report.ingested.append((shown(path), document.symbol, len(document.paragraphs)))
