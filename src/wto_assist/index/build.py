"""Public entry point of the index stage: build BM25 and dense indexes from the corpus store.

Layout of an index folder (all plain files):

    CURRENT                 name of the live version, replaced atomically (os.replace)
    v<timestamp>/           one complete build
        manifest.json       model, window size, counts, build date
        rows.json           per paragraph row: symbol, seq, label, text_sha, date, family, body, restricted, actors
        bm25/               bm25s index (.npy arrays, vocab and params as JSON)
        dense/windows.faiss FAISS inner-product index of window vectors
        dense/window_rows.npy, dense/window_keys.json   window -> row, window text SHA-1

An incremental build (index/segments.py) writes a version of the same layout plus base/ and delta/:
the last full build's files hard-linked, and a small segment for the documents ingested since.

A build is written to a hidden folder and only becomes live when CURRENT is replaced, so a crash or
kill at any point leaves the previous index loadable. Window vectors of the live version are reused
by SHA-1 of the window text: re-indexing after ingesting one document encodes only that document.

Concurrency: one build at a time (an exclusive lock on `.lock`; a second build waits for the first),
so CURRENT never names a version another build removed; hidden folders found under the lock are
left-overs of killed builds and go at once. A reader holds a shared lock on its version's `.readers`
for as long as it is open, and an old version is removed only when nobody holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UnavailableError
from ..documents.segment import is_heading
from ..store import Store
from . import ann, columns, dense, lexical, onnx_encoder, segments
from .procedural import is_procedural

# 2: light stemming, speaker kinds and heading-like rows; 3: precomputed columns (one branch) and Snowball
# stemming, k1 0.75, procedural lines, numbered groups as one term (another); 4: both together;
# 5: a date per row (a dispute summary's paragraphs carry their events' dates); 6: incremental segments
# (index/segments.py: paragraph lengths, the store's read time and restriction overrides in the manifest);
# 7: per term, its best weight in each block of rows (bm25/maxima.*: queries at archive scale skip documents);
# 8: accented letters folded to their base letters before tokens are cut ("Türkiye" one token, not "rkiy");
# 9: letters without an accent to take off written as typed without them ("œuvre" -> oeuvre, "Straße" -> strasse).
FORMAT_VERSION = 9


class IndexMissing(UnavailableError):
    """No usable index where one was expected."""


class IndexOutdated(IndexMissing):
    """An index version of another format (built by another version of wto-assist): it must be built again."""

    def __init__(self, message: str, version: Path, found, expected: int):
        super().__init__(message)
        self.version, self.found, self.expected = version, found, expected


@dataclass
class BuildReport:
    version: str
    rows: int
    windows: int = 0
    encoded: int = 0
    reused: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # read, bm25, export, encode, faiss, write
    query_encoder: str | None = None  # "onnx" when queries can skip torch, else "torch" and why
    delta: dict | None = None  # an incremental build: documents and rows added, documents removed (index/segments.py)
    up_to_date: bool = False  # nothing ingested or removed since the live version: it stays, nothing is published


def is_heading_like(row: dict) -> bool:
    """An unnumbered one-line title ("- Ministerial Meeting of LDCs"): never a search hit on its own."""
    return not row["numbered"] and is_heading(row["text"])


def lexical_text(row: dict) -> str:
    """What BM25 sees: the paragraph and its agenda item (measured to help on the dev queries)."""
    return f"{row['text']} {row['agenda_item'] or ''}"


def current_version(index_dir: Path) -> Path:
    pointer = Path(index_dir) / "CURRENT"
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir} yet: build the index first (the index command, or Index now on the Corpus page)")
    version = Path(index_dir) / pointer.read_text(encoding="utf-8").strip()
    if not (version / "manifest.json").exists():
        raise IndexMissing(f"index {version} is incomplete: build the index again (the index command, or Index now on the Corpus page)")
    return version


@contextlib.contextmanager
def _writer_lock(index_dir: Path):
    with open(index_dir / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # a concurrent build waits here until the other one is done
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def hold_version(version: Path):
    """Open and share-lock a version's `.readers` file: the version stays while the handle is open."""
    try:
        handle = open(version / ".readers", "a")  # noqa: SIM115 - held for the reader's lifetime
    except OSError:
        # A read-only index folder (a shared mount) can still be searched; nobody can build there either.
        handle = open(version / "manifest.json", "rb")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def write_json(path: Path, value) -> None:
    with open(path, "w", encoding="utf-8") as handle:  # streamed: rows.json of a million rows is never one string
        json.dump(value, handle, ensure_ascii=False)


def _previous_vectors(index_dir: Path) -> dict[str, np.ndarray]:
    """Window vectors of the live version, by window SHA-1 (empty when there is none)."""
    try:
        version = current_version(index_dir)
    except IndexMissing:
        return {}
    vectors: dict[str, np.ndarray] = {}
    for part in (version / "dense", version / "delta" / "dense"):  # an incremental version: the base's windows and the delta's
        vectors.update(stored_windows(part))
    return vectors


def stored_windows(folder: Path) -> dict[str, np.ndarray]:
    """The window vectors of one window index folder, by window SHA-1 (empty when there is none)."""
    if not (folder / "windows.faiss").exists():
        return {}
    import faiss

    keys = json.loads((folder / "window_keys.json").read_text(encoding="utf-8"))
    return dict(zip(keys, ann.stored_vectors(faiss.read_index(str(folder / "windows.faiss")))))


def build_index(
    db_path: Store | Path,
    index_dir: Path,
    model: str | None = None,
    with_dense: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    full: bool = False,
) -> BuildReport:
    """Bring the index up to date: a small delta segment over the last full build when only a few
    documents were ingested or removed since (index/segments.py), else (or with `full`) a full build.
    `db_path`: the caller's open Store (the CLI's, left open) or a database path, opened once here."""
    from ..corpus import store_of

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _writer_lock(index_dir), store_of(db_path) as store:
        for leftover in index_dir.glob(".building-*"):  # under the lock, only a killed build leaves these
            shutil.rmtree(leftover, ignore_errors=True)
        if not full:
            report = _update(store, index_dir, with_dense, model)
            if report is not None:
                return report
        return _build(store, index_dir, model, with_dense, on_progress)


def _update(store: Store, index_dir: Path, with_dense: bool, model: str | None) -> BuildReport | None:
    """An incremental version over the live one, or None when a full build is due."""
    from . import segments

    try:
        live = current_version(index_dir)
    except IndexMissing:
        return None
    version_name = f"v{time.time_ns()}"
    report = BuildReport(version=version_name, rows=0)
    with _staging(index_dir) as building:
        if not segments.update(store, live, building, report, with_dense, model):
            shutil.rmtree(building, ignore_errors=True)
            return None
        if report.up_to_date:
            shutil.rmtree(building, ignore_errors=True)
            report.version = live.name
            return report
        _publish(building, index_dir, version_name, report)
    _remove_old_versions(index_dir, keep=version_name)
    return report


@contextlib.contextmanager
def _staging(index_dir: Path):
    """A fresh folder beside the live versions to build the next one in; removed if the build fails, so a
    reader never sees half a version (it is published by renaming, `_publish`)."""
    building = index_dir / f".building-{uuid.uuid4().hex}"
    building.mkdir()
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _build(store: Store, index_dir: Path, model: str | None, with_dense: bool, on_progress) -> BuildReport:
    from .segments import now, overrides_fingerprint

    started = time.perf_counter()
    read_at = now()  # documents ingested from now on go to the next incremental build
    overrides = overrides_fingerprint(store)
    rows = store.index_rows()
    if not rows:
        raise IndexMissing(f"the corpus {store.path} has no paragraphs yet: add documents first (the ingest command, or an upload on the Corpus page)")
    version_name = f"v{time.time_ns()}"
    report = BuildReport(version=version_name, rows=len(rows))
    report.seconds["read"] = time.perf_counter() - started

    with _staging(index_dir) as building:
        heading_like = [is_heading_like(row) for row in rows]
        procedural = [is_procedural(row["text"]) for row in rows]  # invitations, "took note": ranked lower (index/procedural.py)
        write_json(building / "rows.json", [
            {**{key: value for key, value in row.items() if key != "text"}, "heading_like": flag, "procedural": ceremony}
            for row, flag, ceremony in zip(rows, heading_like, procedural)
        ])
        columns.write(rows, heading_like, building / "columns", procedural)
        segments.write_word_forms((row["text"] for row in rows), building / "spelling.json")
        clock = time.perf_counter()
        lexical.build((lexical_text(row) for row in rows), building / "bm25", len(rows))
        lexical.write_block_maxima(building / "bm25")
        report.seconds["bm25"] = time.perf_counter() - clock

        model_name = None
        if with_dense:
            model_name = _build_dense(rows, building / "dense", index_dir, model, report, on_progress)

        manifest = {
            "format": FORMAT_VERSION,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "read_at": read_at,
            "overrides": overrides,
            "version": version_name,
            "database": str(store.path.resolve()),
            "rows": len(rows),
            "windows": report.windows,
            "dense": with_dense,
            "model": model_name,
            "window_words": dense.WINDOW_WORDS,
            "window_stride": dense.WINDOW_STRIDE,
        }
        write_json(building / "manifest.json", manifest)
        _publish(building, index_dir, version_name, report)
    _remove_old_versions(index_dir, keep=version_name)
    return report


def _publish(building: Path, index_dir: Path, version_name: str, report: BuildReport) -> None:
    """Make a finished build the live version: renamed into place, then CURRENT replaced atomically."""
    clock = time.perf_counter()
    os.replace(building, index_dir / version_name)
    pointer = index_dir / f".CURRENT-{uuid.uuid4().hex}"
    pointer.write_text(version_name, encoding="utf-8")
    with open(pointer, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(pointer, index_dir / "CURRENT")
    report.seconds["write"] = time.perf_counter() - clock


def _build_dense(rows, folder: Path, index_dir: Path, model, report: BuildReport, on_progress) -> str:
    folder.mkdir()
    texts, window_rows, keys = window_texts(rows)
    previous = _previous_vectors(index_dir)
    missing = sorted({i for i, key in enumerate(keys) if key not in previous})
    clock = time.perf_counter()
    encoder = dense.Encoder(model)
    try:
        exported = onnx_encoder.export(encoder)
        report.query_encoder = "onnx" if exported else "torch"
    except Exception as error:  # queries then load the torch model: slower to start, same results
        exported, report.query_encoder = None, f"torch (ONNX export failed: {error})"
    report.seconds["export"] = time.perf_counter() - clock
    # The export gives the model's vectors (checked on export) about 1.8 times faster than torch (docs/measurements.md).
    embedder = onnx_encoder.OnnxEncoder(exported) if exported else encoder
    clock = time.perf_counter()
    fresh: dict[str, np.ndarray] = {}
    batch = 256
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        for i, vector in zip(chunk, embedder.encode([texts[i] for i in chunk])):
            fresh[keys[i]] = vector
        if on_progress:
            on_progress(min(start + batch, len(missing)), len(missing))
    report.seconds["encode"] = time.perf_counter() - clock
    report.windows, report.encoded, report.reused = len(texts), len(missing), len(texts) - len(missing)

    clock = time.perf_counter()
    write_windows(folder, keys, window_rows, encoder.dimension, fresh, previous)
    report.seconds["faiss"] = time.perf_counter() - clock
    return encoder.name


def window_texts(rows) -> tuple[list[str], list[int], list[str]]:
    """(window texts, the row of each, the SHA-1 of each text: the key its vector is reused by)."""
    texts: list[str] = []
    window_rows: list[int] = []
    for row_number, row in enumerate(rows):
        for window in dense.windows(row["text"]):
            texts.append(window)
            window_rows.append(row_number)
    return texts, window_rows, [hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts]


def write_windows(folder: Path, keys: list[str], window_rows: list[int], dimension: int, fresh: dict, previous: dict) -> None:
    """The window index of `folder`: each window's vector, just encoded (`fresh`) or reused (`previous`)."""
    vectors = np.zeros((len(keys), dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = fresh[key] if key in fresh else previous[key]
    dense.write_faiss(vectors, folder / "windows.faiss")
    np.save(folder / "window_rows.npy", np.asarray(window_rows, dtype=np.int64))
    write_json(folder / "window_keys.json", keys)


def _remove_old_versions(index_dir: Path, keep: str) -> None:
    """Remove versions nobody reads (a reader's shared lock keeps its version) and stray pointers."""
    for child in index_dir.iterdir():
        if child.name == keep:
            continue
        if child.is_dir() and child.name.startswith("v"):
            try:
                with open(child / ".readers", "a") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    shutil.rmtree(child, ignore_errors=True)
            except BlockingIOError:
                continue  # still open in a search or the web app: removed by a later build
            except OSError:
                shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(".CURRENT-"):
            child.unlink(missing_ok=True)
