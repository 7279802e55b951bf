"""Public entry point of the ingest stage: walk paths, parse each file, write the store.

One bad file never stops the others: its failure is recorded with a one-line reason and the walk
goes on. An unchanged file (same path, same sha256) is skipped; a changed one replaces its rows;
a document whose file was deleted from a folder being ingested is removed from the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .documents import SUPPORTED_SUFFIXES, ReadError, parse_file
from .fetch import provenance
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


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]], list[tuple[str, str]]]:
    """Files to ingest, plus (path, reason) for files skipped as not documents and for missing paths."""
    files: list[Path] = []
    ignored: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                else:
                    ignored.append((str(child), f"not a supported document type ({child.suffix or 'no extension'})"))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return files, ignored, missing


def ingest_paths(
    paths: Iterable[Path | str],
    db_path: Path | str,
    on_file: Callable[[Path], None] | None = None,
    enrich: bool = True,
) -> IngestReport:
    """Ingest files and folders into the store, then run the enrich stage on what was ingested."""
    paths = [Path(p) for p in paths]
    files, ignored, missing = collect_files(paths)
    report = IngestReport(ignored=ignored, failed=list(missing))
    with Store(db_path) as store:
        for path in files:
            if on_file:
                on_file(path)
            _ingest_one(store, path, report)
        for folder in {path for path in paths if path.is_dir()}:
            report.removed += store.remove_missing_under(folder)
    if enrich and report.ingested:
        from .enrich import enrich_store

        report.entities = enrich_store(Path(db_path), [symbol for _, symbol, _ in report.ingested]).entities
    return report


def _ingest_one(store: Store, path: Path, report: IngestReport) -> None:
    key = str(path.resolve())
    try:
        data = path.read_bytes()
    except OSError as error:
        report.failed.append((str(path), f"cannot read file ({error.strerror or error})"))
        return
    sha = hashlib.sha256(data).hexdigest()
    if store.source_sha(key) == sha:
        report.unchanged.append(str(path))
        return
    try:
        document = parse_file(path)
    except ReadError as error:
        store.record_failure(key, sha, str(error))
        report.failed.append((str(path), str(error)))
        return
    except Exception as error:  # a parser bug on one file must not stop the other files
        reason = f"unexpected {type(error).__name__}: {error}"
        store.record_failure(key, sha, reason)
        report.failed.append((str(path), reason))
        return
    document.source_path = key
    fetched = provenance(path)  # the folder's fetch manifest, when this is the very file fetched
    if fetched:
        document.source_url, document.retrieved_at = fetched["url"], fetched["retrieved_at"]
    owner = store.owner_of(document.symbol)
    if owner and owner != key and Path(owner).exists():
        reason = f"{document.symbol} is already ingested from {owner}"
        store.record_failure(key, sha, reason)
        report.failed.append((str(path), reason))
        return
    store.save_document(document)
    report.ingested.append((str(path), document.symbol, len(document.paragraphs)))
