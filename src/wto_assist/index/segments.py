"""Incremental index: the documents ingested since the last full build, as a small second segment.

A full build tokenises every paragraph (minutes at the scale of an archive). After `ingest` of a few
documents, `wto-assist index` instead writes a version made of

    bm25/, dense/, rows.json   the base (last full) build's files, hard-linked (no copy)
    base/columns, base/...      the base's own columns and manifest, for the next incremental build
    columns/                    the base's columns followed by the new documents' (columns.append)
    delta/bm25/                 BM25 of the new documents: per term, rows and tf-normalised weights
    delta/dense/                their windows' vectors (exact FAISS index), when the index has vectors
    delta/rows.json             the new documents' rows

The delta always holds every document ingested since the base, so each incremental build starts from
the base again and its cost follows the documents added, not the archive. Documents removed or
re-ingested since the base are tombstoned: their base rows are `dead` in the columns, never a hit.

Scores. A query term's IDF is recomputed over base + delta - tombstones (document frequencies add up,
the tombstoned rows' per term are counted once at build), so it is the IDF a full rebuild would give.
What is not recomputed is the average paragraph length of BM25's length normalisation: the delta is
scored against the base's average, as the base rows were, where a full rebuild would use the average
over all live rows. Scores therefore differ from a full rebuild's by that change of average only
(measured in tests/test_index_segments.py and docs/scale.md). Dense scores are a full rebuild's: both
segments are searched and the best `depth` windows of the two kept. Past MERGE_SHARE of the base's rows (or
on `index --full`) the next build is a full one, which merges the delta into a new base.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..store import Store
from . import columns
from .analysis import tokens
from .lexical import B, K1, LexicalIndex, TermPart, every_row_score, idf
from .mapped import mapped

MERGE_SHARE = 0.05  # a delta beyond this share of the base's rows is merged by a full build
MERGE_MIN_ROWS = 2_000  # ... but a small corpus keeps a delta of a few documents


def now() -> str:
    """The store's clock format (ingested_at), to compare with."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def overrides_fingerprint(store: Store) -> list:
    """The user's restriction decisions: a change to them reaches base rows, so it needs a full build."""
    return [list(row) for row in store.connection.execute("SELECT symbol, restricted FROM restriction_overrides ORDER BY symbol")]


def base_of(version: Path) -> Path:
    """Where a version's base build keeps its own columns and manifest (the version itself for a full build)."""
    return version / "base" if (version / "base").is_dir() else version


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file under `source` into `target` (same file system: the index folder)."""
    for folder, _, files in os.walk(source):
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name != ".readers":
                os.link(Path(folder) / name, here / name)


def plan(store: Store, live: Path, with_dense: bool, model: str | None) -> tuple[list[str], list[int], dict] | None:
    """(symbols to index in the delta, base documents to tombstone, base manifest), or None when only a
    full build is right: another format, vectors asked for where there are none (or the reverse), another
    model, or restriction overrides changed."""
    from .build import FORMAT_VERSION

    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    base = base_of(live)
    base_manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION or "read_at" not in base_manifest or bool(manifest.get("dense")) != with_dense:
        return None
    if with_dense and model and str(Path(model)) != str(manifest.get("model")):
        return None
    if base_manifest.get("overrides") != overrides_fingerprint(store):
        return None
    base_columns = columns.Columns(base / "columns")
    changed = []
    for symbol, ingested in store.connection.execute(
            "SELECT symbol, ingested_at FROM documents WHERE ingested_at >= ? ORDER BY symbol", (base_manifest["read_at"],)):
        # A document saved in the very second the base read the store (the clock counts seconds) may or may
        # not be in it: it is new unless the base holds exactly its paragraphs.
        if ingested > base_manifest["read_at"] or not _same_paragraphs(store, base_columns, symbol):
            changed.append(symbol)
    present = {row[0] for row in store.connection.execute("SELECT symbol FROM documents")}
    renewed = set(changed)
    symbols = base_columns.symbols
    dead = [i for i, symbol in enumerate(symbols) if symbol not in present or symbol in renewed]
    return changed, dead, base_manifest


def _same_paragraphs(store: Store, base: columns.Columns, symbol: str) -> bool:
    """Whether the base indexed this document's current paragraphs (by the SHA-1 of their texts, in order)."""
    stored = [row[0] for row in store.connection.execute(
        "SELECT p.text_sha FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? ORDER BY p.seq", (symbol,))]
    rows = base.document_rows(symbol)
    indexed = [value.decode("ascii") for value in base.array("text_sha")[rows.start : rows.stop]]
    return bool(rows) and stored == indexed


def write_bm25(texts: list[str], folder: Path, base: LexicalIndex, dead_rows: np.ndarray) -> None:
    """The delta's BM25: per term (its own vocabulary), rows and tf-normalised weights against the base's
    average length; the IDF is applied per query, over both segments."""
    folder.mkdir(parents=True)
    vocabulary: dict[str, int] = {}
    terms, rows, counts, lengths = [], [], [], []
    for row, text in enumerate(texts):
        found = tokens(text) or ["<empty>"]
        lengths.append(len(found))
        for token, count in Counter(found).items():
            terms.append(vocabulary.setdefault(token, len(vocabulary)))
            rows.append(row)
            counts.append(count)
    terms_array = np.asarray(terms, dtype=np.int64)
    order = np.argsort(terms_array, kind="stable")  # by term, rows ascending within a term
    tf = np.asarray(counts, dtype=np.float32)[order]
    row_array = np.asarray(rows, dtype=np.int32)[order]
    length = np.asarray(lengths, dtype=np.float32)[row_array]
    weights = tf / (K1 * ((1 - B) + B * length / np.float32(base.average_length())) + tf)  # bm25s's "lucene" tf part
    offsets = np.r_[0, np.cumsum(np.bincount(terms_array, minlength=len(vocabulary)))].astype(np.int64)
    np.save(folder / "weights.npy", weights.astype(np.float32))
    np.save(folder / "rows.npy", row_array)
    np.save(folder / "offsets.npy", offsets)
    dead = np.zeros(base.row_count, dtype=bool)
    dead[dead_rows] = True
    np.save(folder / "dead_frequencies.npy", base.dead_frequencies(dead) if dead_rows.size else np.zeros(0, dtype=np.int32))
    stats = {"rows": len(lengths), "tokens": int(sum(lengths)), "dead_rows": int(dead_rows.size)}
    (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    (folder / "stats.json").write_text(json.dumps(stats), encoding="utf-8")


class _Vocabulary:
    """Both segments' words, for `word in vocabulary` (the spelling check)."""

    def __init__(self, *parts: dict):
        self.parts = parts

    def __contains__(self, word) -> bool:
        return any(word in part for part in self.parts)


class SegmentedLexical:
    """Scores base + delta as one BM25 index over the rows base first, then delta (LexicalIndex's interface)."""

    def __init__(self, version: Path):
        self.base = LexicalIndex(version / "bm25")
        folder = version / "delta" / "bm25"
        stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
        self._delta_vocabulary: dict[str, int] = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        self._weights = mapped(folder / "weights.npy")
        self._rows = mapped(folder / "rows.npy")
        self._offsets = np.load(folder / "offsets.npy")
        self._dead = np.load(folder / "dead_frequencies.npy")
        self.row_count = self.base.row_count + stats["rows"]
        self._live_rows = self.row_count - stats["dead_rows"]  # the N of the IDF, as a full rebuild counts it
        self.vocabulary = _Vocabulary(self.base.vocabulary, self._delta_vocabulary)

    def mapped_arrays(self) -> list[np.ndarray]:
        """The memory-mapped arrays a query reads, of both segments (mapped.fault_in)."""
        return [*self.base.mapped_arrays(), self._weights, self._rows]

    def _term(self, token: str):
        """(base term, delta term, IDF over both segments), or None for a word neither holds."""
        base_term, delta_term = self.base.vocabulary.get(token), self._delta_vocabulary.get(token)
        if base_term is None and delta_term is None:
            return None
        df = 0
        if base_term is not None:
            df += self.base.document_frequency(base_term) - (int(self._dead[base_term]) if self._dead.size else 0)
        if delta_term is not None:
            df += int(self._offsets[delta_term + 1] - self._offsets[delta_term])
        return base_term, delta_term, idf(df, self._live_rows)

    def scores(self, query: str) -> np.ndarray:
        return every_row_score(self.term_parts(query), self.row_count)

    def term_parts(self, query: str) -> list[TermPart]:
        """The postings scores() adds, token by token (base, then delta)."""
        parts = []
        for token in tokens(query):
            term = self._term(token)
            if term is None:
                continue
            base_term, delta_term, weight = term
            if base_term is not None:
                # The base stored IDF(base) x tf part: rescaled to the IDF over both segments.
                base_idf = np.float32(idf(self.base.document_frequency(base_term), self.base.row_count))
                parts.append(self.base.part(base_term, np.float32(weight / base_idf)))
            if delta_term is not None:
                parts.append(self._delta_part(delta_term, np.float32(weight)))
        return parts

    def _delta_part(self, term: int, factor: np.float32 | None = None) -> TermPart:
        start, end = int(self._offsets[term]), int(self._offsets[term + 1])
        return TermPart(self.base.row_count + np.asarray(self._rows[start:end], dtype=np.int64), self._weights[start:end], factor)

    def analysed_parts(self, term: str) -> list[TermPart]:
        delta_term = self._delta_vocabulary.get(term)
        return self.base.analysed_parts(term) + ([self._delta_part(delta_term)] if delta_term is not None else [])

    def term_rows(self, term: str) -> np.ndarray:
        result = np.zeros(self.row_count, dtype=bool)
        result[: self.base.row_count] = self.base.term_rows(term)
        delta_term = self._delta_vocabulary.get(term)
        if delta_term is not None:
            start, end = int(self._offsets[delta_term]), int(self._offsets[delta_term + 1])
            result[self.base.row_count + self._rows[start:end]] = True
        return result


def write_dense(rows: list[dict], folder: Path, live: Path, model: str, report) -> None:
    """The delta's window vectors: those of the live version's delta reused by window text, the rest
    encoded (ONNX export when cached: no torch to load for a few documents)."""
    from .build import stored_windows, window_texts, write_windows
    from .onnx_encoder import query_encoder

    folder.mkdir(parents=True)
    texts, window_rows, keys = window_texts(rows)
    previous = stored_windows(live / "delta" / "dense")  # not the base's: a million vectors to decode
    missing = [i for i, key in enumerate(keys) if key not in previous]
    clock = time.perf_counter()
    encoder = query_encoder(model)
    fresh = dict(zip((keys[i] for i in missing), encoder.encode([texts[i] for i in missing]))) if missing else {}
    report.seconds["encode"] = time.perf_counter() - clock
    write_windows(folder, keys, window_rows, encoder.dimension, fresh, previous)
    report.windows, report.encoded, report.reused = len(texts), len(missing), len(texts) - len(missing)
    base_windows = json.loads((base_of(live) / "manifest.json").read_text(encoding="utf-8")).get("windows", 0)
    report.windows += base_windows  # the index's windows, as a full build counts them: the base's are all reused
    report.reused += base_windows


class SegmentedDense:
    """Window search over base + delta as one index would answer (DenseIndex's `scores`): each segment's
    windows at or above the floor, and the best `depth` of both segments' top windows. Rows of removed
    documents are left out of the search, so they take no place among the top windows."""

    def __init__(self, version: Path, encoder, dead: np.ndarray):
        from .dense import DenseIndex

        self.base = DenseIndex(version / "dense", encoder)
        self.delta = DenseIndex(version / "delta" / "dense", encoder)
        self.encoder = encoder
        self.base_rows = int(dead.size - self.delta_row_count(version))
        self._live = np.flatnonzero(~np.asarray(dead)) if dead.any() else None

    @staticmethod
    def delta_row_count(version: Path) -> int:
        return json.loads((version / "delta" / "bm25" / "stats.json").read_text(encoding="utf-8"))["rows"]

    def scores(self, query: str, row_count: int, allowed_rows: np.ndarray | None = None, depth: int = 2000,
               floor: float | None = None) -> np.ndarray:
        from .dense import best_per_row

        if self._live is not None:
            allowed_rows = self._live if allowed_rows is None else np.intersect1d(allowed_rows, self._live)
        vector = self.encoder.encode([query])
        split = None if allowed_rows is None else np.searchsorted(allowed_rows, self.base_rows)
        base = self.base.search(vector, self.base_rows, None if split is None else allowed_rows[:split], depth, floor)
        delta = self.delta.search(vector, row_count - self.base_rows,
                                  None if split is None else allowed_rows[split:] - self.base_rows, depth, floor)
        shifted = [None if part is None else (part[0] + self.base_rows, part[1]) for part in delta]
        found = [part for part in (base[0], shifted[0]) if part is not None]
        tops = [part for part in (base[1], shifted[1]) if part is not None]
        if tops:
            rows = np.concatenate([part[0] for part in tops])
            cosines = np.concatenate([part[1] for part in tops])
            best = np.argsort(-cosines, kind="stable")[:depth]
            found.append((rows[best], cosines[best]))
        return best_per_row(row_count, found)


def open_dense(version: Path, encoder, columns_: columns.Columns):
    """The version's window search: one segment, or base + delta."""
    from .dense import DenseIndex

    if (version / "delta").is_dir():
        return SegmentedDense(version, encoder, np.asarray(columns_.array("dead")))
    return DenseIndex(version / "dense", encoder)


def write_word_forms(texts, path: Path) -> None:
    """The spelling vocabulary (spelling.word_forms) of a build or a delta, counted once here: at a million
    paragraphs, counting it when a web app starts took minutes."""
    from ..spelling import word_forms as count_forms

    path.write_text(json.dumps(count_forms(texts), ensure_ascii=False), encoding="utf-8")


def word_forms(version: Path) -> Counter | None:
    """The version's spelling vocabulary: the base's plus the delta's (words of documents removed since the
    base still count: a suggestion may name a word no longer in the corpus until the next full build)."""
    if not (version / "spelling.json").exists():
        return None
    forms = Counter(json.loads((version / "spelling.json").read_text(encoding="utf-8")))
    if (version / "delta" / "spelling.json").exists():
        forms.update(json.loads((version / "delta" / "spelling.json").read_text(encoding="utf-8")))
    return forms


def open_lexical(version: Path):
    """The version's BM25: one segment, or base + delta."""
    return SegmentedLexical(version) if (version / "delta").is_dir() else LexicalIndex(version / "bm25")


def update(store: Store, live: Path, building: Path, report, with_dense: bool, model: str | None) -> bool:
    """Write into `building` an incremental version over the live one's base; False (nothing written)
    when a full build is needed instead (see `plan`, and MERGE_SHARE)."""
    from .build import FORMAT_VERSION, is_heading_like, lexical_text, write_json
    from .procedural import is_procedural

    started = time.perf_counter()
    read_at = now()
    found = plan(store, live, with_dense, model)
    if found is None:
        return False
    symbols, dead_documents, base_manifest = found
    # Each document by when it was ingested and the bytes it was read from: the clock counts seconds, and a
    # re-ingest of changed bytes in the same second must still count as a change.
    ingested = {row[0]: f"{row[1]} {row[2] or ''}" for row in store.connection.execute("SELECT symbol, ingested_at, sha256 FROM documents")}
    # What this version would hold over the base: the same as the live version's (or nothing over a live
    # full build) means nothing was ingested or removed since, and the live version stays.
    delta_plan = {"documents": {symbol: ingested[symbol] for symbol in symbols}, "removed": list(dead_documents)}
    live_manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    if delta_plan == live_manifest.get("delta_plan", {"documents": {}, "removed": []} if "base" not in live_manifest else None):
        report.up_to_date, report.rows, report.windows = True, live_manifest.get("rows", 0), live_manifest.get("windows", 0)
        return True
    rows = store.index_rows(symbols) if symbols else []
    base = base_of(live)
    base_columns = columns.Columns(base / "columns")
    starts = np.asarray(base_columns.array("document_starts"))
    dead_rows = (np.concatenate([np.arange(starts[i], starts[i + 1]) for i in dead_documents]) if dead_documents
                 else np.zeros(0, dtype=np.int64))
    if len(rows) + dead_rows.size > max(MERGE_MIN_ROWS, MERGE_SHARE * base_columns.row_count):
        return False
    report.seconds["read"] = time.perf_counter() - started

    clock = time.perf_counter()
    _link_tree(live / "bm25", building / "bm25")
    if with_dense:
        _link_tree(live / "dense", building / "dense")
    os.link(live / "rows.json", building / "rows.json")
    os.link(live / "spelling.json", building / "spelling.json")
    _link_tree(base / "columns", building / "base" / "columns")
    os.link(base / "manifest.json", building / "base" / "manifest.json")
    heading_like = [is_heading_like(row) for row in rows]
    procedural = [is_procedural(row["text"]) for row in rows]
    (building / "delta").mkdir()
    write_json(building / "delta" / "rows.json", [
        {**{key: value for key, value in row.items() if key != "text"}, "heading_like": flag, "procedural": ceremony}
        for row, flag, ceremony in zip(rows, heading_like, procedural)
    ])
    columns.write(rows, heading_like, building / "delta" / "columns", procedural)
    write_word_forms((row["text"] for row in rows), building / "delta" / "spelling.json")
    columns.append(base / "columns", building / "delta" / "columns", dead_documents, building / "columns")
    write_bm25([lexical_text(row) for row in rows], building / "delta" / "bm25", LexicalIndex(live / "bm25"), dead_rows)
    report.seconds["bm25"] = time.perf_counter() - clock
    if with_dense:
        write_dense(rows, building / "delta" / "dense", live, live_manifest["model"], report)
    report.rows = base_columns.row_count - int(dead_rows.size) + len(rows)
    write_json(building / "manifest.json", {
        "format": FORMAT_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "read_at": read_at,
        "database": str(store.path.resolve()),
        "rows": report.rows,
        "windows": report.windows,
        "dense": with_dense,
        "model": live_manifest.get("model") if with_dense else None,
        "window_words": live_manifest.get("window_words"),
        "window_stride": live_manifest.get("window_stride"),
        "base": base_manifest.get("version"),
        "delta": {"documents": len(symbols), "rows": len(rows), "removed_documents": len(dead_documents),
                  "removed_rows": int(dead_rows.size)},
        "delta_plan": delta_plan,
    })
    report.delta = {"documents": len(symbols), "rows": len(rows), "removed_documents": len(dead_documents)}
    return True
