"""Per-paragraph columns written at index build, so that a query never walks the rows in Python.

Filters become array operations (a symbol prefix is a run of documents, rows being in symbol order; a
speaker, Member, provision or dispute is a posting list), and the meeting context and the one-hit-per-
citation rule read precomputed ids. The arrays are .npy files opened memory-mapped, so a cold start
reads only what a query touches; rows.json is still written for tools that want whole rows.

An incremental build (index/segments.py) writes the columns of a base build followed by those of the
documents added since (`append`): the added documents come after the base's, so symbols are not in
order there; rows of documents removed or replaced since are `dead` (never a hit), and `order` gives
each row its position in a full rebuild, which breaks ties as a full rebuild would.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from .mapped import mapped

LISTS = ("actors", "mentions", "provisions", "disputes")  # per-row name lists, stored as posting lists
SPEAKER_KINDS = ("", "member", "chair", "secretariat", "other")
KEPT_PREFIXES = 8  # symbol-prefix masks kept per index (one byte per row each)


def _date_number(date: str | None) -> int:
    """YYYY-MM-DD -> YYYYMMDD (0 when the document has no date): comparable as integers."""
    return int(date.replace("-", "")) if date else 0


def _postings(rows: list[dict], name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(sorted keys, offsets, row numbers): rows of key i are rows[offsets[i]:offsets[i + 1]]."""
    by_key: dict[str, list[int]] = {}
    for number, row in enumerate(rows):
        for key in row.get(name, []):
            by_key.setdefault(key, []).append(number)
    keys = sorted(by_key)
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(by_key[key]) for key in keys])
    flat = np.fromiter((number for key in keys for number in by_key[key]), dtype=np.int32, count=int(offsets[-1]))
    return keys, offsets, flat


def write(rows: list[dict], heading_like: list[bool], folder: Path, procedural: list[bool] | None = None) -> None:
    """Write the columns of `rows` (in index order: by symbol, then position) into `folder`."""
    folder.mkdir()
    symbols = [row["symbol"] for row in rows]
    document_symbols = list(dict.fromkeys(symbols))
    if document_symbols != sorted(document_symbols):
        raise ValueError("index rows must come in symbol order")
    starts = np.r_[0, np.flatnonzero(np.array(symbols[1:]) != np.array(symbols[:-1])) + 1] if rows else np.zeros(0, int)
    document_ids = np.repeat(np.arange(len(document_symbols), dtype=np.int32), np.diff(np.r_[starts, len(rows)]))
    citations = {}
    citation_ids = np.fromiter((citations.setdefault((row["symbol"], row["label"]), len(citations)) for row in rows),
                               dtype=np.int32, count=len(rows))
    kinds = list(SPEAKER_KINDS) + sorted({row["speaker_kind"] or "" for row in rows} - set(SPEAKER_KINDS))
    first = [rows[start] for start in starts]
    families = sorted({row["family"] for row in first})
    bodies = sorted({(row["body"] or "").lower() for row in first})
    arrays = {
        "document_ids": document_ids,
        "document_starts": np.r_[starts, len(rows)].astype(np.int64),
        "document_dates": np.array([_date_number(row["date"]) for row in first], dtype=np.int32),
        # A paragraph's own date where it has one (a dispute summary's event), else its document's.
        "dates": np.array([_date_number(row["date"]) for row in rows], dtype=np.int32),
        "document_families": np.array([families.index(row["family"]) for row in first], dtype=np.int16),
        "document_bodies": np.array([bodies.index((row["body"] or "").lower()) for row in first], dtype=np.int16),
        "citation_ids": citation_ids,
        "seq": np.array([row["seq"] for row in rows], dtype=np.int32),
        "restricted": np.array([row["restricted"] for row in rows], dtype=bool),
        "heading_like": np.array(heading_like, dtype=bool),
        "procedural": np.array(procedural if procedural is not None else [False] * len(rows), dtype=bool),
        "speaker_kinds": np.array([kinds.index(row["speaker_kind"] or "") for row in rows], dtype=np.int8),
        "text_sha": np.array([row["text_sha"] for row in rows], dtype="S40"),
        "labels": np.array([row["label"] for row in rows], dtype=str),
    }
    vocabulary = {"symbols": document_symbols, "families": families, "bodies": bodies, "speaker_kinds": kinds,
                  "citations": len(citations)}
    for name in LISTS:
        keys, offsets, flat = _postings(rows, name)
        vocabulary[name] = keys
        arrays[f"{name}_offsets"], arrays[f"{name}_rows"] = offsets, flat
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")


def _merged_codes(base: list, added: list) -> tuple[list, np.ndarray]:
    """(base's values + the added segment's new ones, the added segment's codes in that list)."""
    merged = list(base)
    at = {value: i for i, value in enumerate(merged)}
    for value in added:
        if value not in at:
            at[value] = len(merged)
            merged.append(value)
    return merged, np.array([at[value] for value in added], dtype=np.int64)


def append(base: Path, added: Path, dead_documents: list[int], folder: Path) -> None:
    """Write into `folder` the columns of `base` followed by those of `added` (both written by `write`),
    the base's documents in `dead_documents` marked dead (removed or replaced since the base was built)."""
    first, second = Columns(base), Columns(added)
    rows, documents = first.row_count, len(first.symbols)
    arrays: dict[str, np.ndarray] = {}
    vocabulary = dict(first.vocabulary)
    for name in ("dates", "seq", "restricted", "heading_like", "procedural", "text_sha", "labels", "document_dates"):
        arrays[name] = np.concatenate([first.array(name), second.array(name)])
    arrays["document_ids"] = np.concatenate([first.array("document_ids"), second.array("document_ids") + documents])
    arrays["document_starts"] = np.concatenate([first.array("document_starts")[:-1], second.array("document_starts") + rows])
    arrays["citation_ids"] = np.concatenate([first.array("citation_ids"), second.array("citation_ids") + first.citation_count])
    for name, array, dtype in (("families", "document_families", np.int16), ("bodies", "document_bodies", np.int16),
                               ("speaker_kinds", "speaker_kinds", np.int8)):
        vocabulary[name], codes = _merged_codes(first.vocabulary[name], second.vocabulary[name])
        arrays[array] = np.concatenate([first.array(array), codes[np.asarray(second.array(array))]]).astype(dtype)
    for name in LISTS:
        keys, _ = _merged_codes(first.vocabulary[name], second.vocabulary[name])
        parts, sizes = [], []
        for key in keys:
            base_rows = first.posting(name, key)
            added_rows = second.posting(name, key) + rows
            parts += [base_rows, added_rows]
            sizes.append(base_rows.size + added_rows.size)
        vocabulary[name] = keys
        arrays[f"{name}_offsets"] = np.r_[0, np.cumsum(sizes, dtype=np.int64)].astype(np.int64)
        arrays[f"{name}_rows"] = np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, dtype=np.int32)
    symbols = first.symbols + second.symbols
    dead = np.zeros(documents + len(second.symbols), dtype=bool)
    dead[np.asarray(dead_documents, dtype=np.int64)] = True
    starts = arrays["document_starts"]
    sizes = np.diff(starts)
    arrays["dead"] = np.repeat(dead, sizes)
    # Position of each row in a full rebuild: live documents in symbol order, rows in their order.
    live = [i for i in sorted(range(len(symbols)), key=symbols.__getitem__) if not dead[i]]
    position = np.zeros(len(symbols), dtype=np.int64)
    position[live] = np.r_[0, np.cumsum(sizes[live])[:-1]] if live else []
    position[dead] = rows + second.row_count  # after every live row: never compared, being never a hit
    row_numbers = np.arange(int(starts[-1]), dtype=np.int64)
    arrays["order"] = position[arrays["document_ids"]] + row_numbers - starts[:-1][arrays["document_ids"]]
    vocabulary.update(symbols=symbols, citations=first.citation_count + second.citation_count,
                      dead_documents=sorted(int(i) for i in dead_documents))
    folder.mkdir()
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")


class Columns:
    """The columns of one index version; arrays load memory-mapped on first use."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.vocabulary = json.loads((self.folder / "vocabulary.json").read_text(encoding="utf-8"))
        self.symbols: list[str] = self.vocabulary["symbols"]
        self._arrays: dict[str, np.ndarray] = {}
        self._keys: dict[str, dict[str, int]] = {}
        self.row_count = int(self.array("document_starts")[-1])
        self.citation_count = int(self.vocabulary["citations"])
        self._document_numbers: dict[str, int] | None = None
        self._prefix_masks: dict[str, np.ndarray] = {}  # symbol prefix -> row mask (symbol_prefix_mask)
        self._prefix_lock = threading.Lock()

    def array(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = mapped(self.folder / f"{name}.npy")
        return self._arrays[name]

    def mapped_arrays(self) -> list[np.ndarray]:
        """Every column, memory-mapped (mapped.fault_in)."""
        return [self.array(path.stem) for path in sorted(self.folder.glob("*.npy"))]

    # --- documents --------------------------------------------------------------------------------

    def document_rows(self, symbol: str) -> range:
        """The rows of one document (empty when it is not indexed, or removed since)."""
        if self._document_numbers is None:
            dead = set(self.vocabulary.get("dead_documents", ()))
            self._document_numbers = {name: i for i, name in enumerate(self.symbols) if i not in dead}
        at = self._document_numbers.get(symbol)
        if at is None:
            return range(0)
        starts = self.array("document_starts")
        return range(int(starts[at]), int(starts[at + 1]))

    def row(self, number: int) -> dict:
        """What a hit needs to be read back from the store and checked for staleness."""
        document = int(self.array("document_ids")[number])
        return {"symbol": self.symbols[document], "seq": int(self.array("seq")[number]),
                "label": str(self.array("labels")[number]), "text_sha": self.array("text_sha")[number].decode("ascii")}

    def _rows_of_documents(self, wanted: np.ndarray) -> np.ndarray:
        """Row mask from a per-document mask."""
        return wanted[self.array("document_ids")]

    def symbol_prefix_mask(self, prefix: str) -> np.ndarray:
        """Rows whose symbol starts with `prefix`, case-insensitively (symbols are upper case in practice); the
        last few prefixes asked are kept (read-only): a series is filtered again and again, and each test reads
        every symbol of the archive."""
        with self._prefix_lock:  # the web app's threads share one Columns
            kept = self._prefix_masks.pop(prefix, None)
        if kept is None:
            wanted = np.fromiter((symbol.upper().startswith(prefix) for symbol in self.symbols), dtype=bool, count=len(self.symbols))
            kept = self._rows_of_documents(wanted)
            kept.setflags(write=False)
        with self._prefix_lock:
            while len(self._prefix_masks) >= KEPT_PREFIXES:
                self._prefix_masks.pop(next(iter(self._prefix_masks)))
            self._prefix_masks[prefix] = kept  # most recent last
        return kept

    def date_mask(self, start: str | None, end: str | None) -> np.ndarray:
        """Rows dated within [start, end], by the paragraph's own date (a summary's event, else its document's)."""
        dates = np.asarray(self.array("dates"))
        wanted = dates > 0
        if start:
            wanted &= dates >= _date_number(start)
        if end:
            wanted &= dates <= _date_number(end)
        return wanted

    def family_mask(self, family: str) -> np.ndarray:
        families = self.vocabulary["families"]
        code = families.index(family) if family in families else -1
        return self._rows_of_documents(np.asarray(self.array("document_families")) == code)

    def body_mask(self, needle: str) -> np.ndarray:
        codes = [i for i, body in enumerate(self.vocabulary["bodies"]) if needle in body]
        return self._rows_of_documents(np.isin(self.array("document_bodies"), codes))

    # --- rows ---------------------------------------------------------------------------------------

    def speaker_kind_mask(self, kind: str) -> np.ndarray:
        kinds = self.vocabulary["speaker_kinds"]
        return np.asarray(self.array("speaker_kinds")) == (kinds.index(kind) if kind in kinds else -1)

    def hidden(self) -> np.ndarray:
        """Rows never returned as a hit: heading-like titles, and rows of documents removed or replaced
        since the base build (an incremental build's tombstones)."""
        heading_like = self.array("heading_like")
        return heading_like | self.array("dead") if (self.folder / "dead.npy").exists() else heading_like

    def order(self) -> np.ndarray | None:
        """Each row's position in a full rebuild, where an incremental build moved rows (None: the row number)."""
        return self.array("order") if (self.folder / "order.npy").exists() else None

    def _postings(self, name: str, keys):
        """Each known key's posting list in list column `name` (rows ascending: written, appended and derived in
        row order), memory-mapped; unknown keys are skipped."""
        if name not in self._keys:
            self._keys[name] = {key: i for i, key in enumerate(self.vocabulary[name])}
        offsets, flat = self.array(f"{name}_offsets"), self.array(f"{name}_rows")
        for i in (self._keys[name].get(key) for key in keys):
            if i is not None:
                yield flat[offsets[i] : offsets[i + 1]]

    def posting(self, name: str, key: str) -> np.ndarray:
        """Rows whose list column `name` holds `key`."""
        return self.rows_of(name, [key])

    def keys(self, name: str) -> list[str]:
        """The distinct names or keys of one list column (e.g. every speaker in the corpus)."""
        return self.vocabulary[name]

    def rows_with(self, name: str, keys, rows: np.ndarray) -> np.ndarray:
        """mask_with(name, keys)[rows] without a mask of every row: each key's posting list looked up at the
        rows (what a query's hits need at the scale of an archive)."""
        rows = np.asarray(rows)
        if rows.size * 8 > self.row_count:  # many rows: one mask of every row costs less than a search per row
            return self.mask_with(name, keys)[rows]
        found = np.zeros(rows.size, dtype=bool)
        for posting in self._postings(name, keys):
            if posting.size:
                at = np.minimum(np.searchsorted(posting, rows.astype(posting.dtype)), posting.size - 1)
                found |= np.asarray(posting[at]) == rows
        return found

    def rows_of(self, name: str, keys) -> np.ndarray:
        """The rows whose list column `name` holds one of `keys` (a row may come twice; rows of a key ascending)."""
        found = [np.asarray(posting, dtype=np.int64) for posting in self._postings(name, keys)]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def mask_with(self, name: str, keys, mask: np.ndarray | None = None) -> np.ndarray:
        """Row mask (or `mask`, updated) of rows whose list column `name` holds any of `keys`: posting lists
        scattered into a mask, never sorted or made unique (that cost more than the query at 1.2M rows)."""
        if mask is None:
            mask = np.zeros(self.row_count, dtype=bool)
        for posting in self._postings(name, keys):
            mask[posting] = True
        return mask
