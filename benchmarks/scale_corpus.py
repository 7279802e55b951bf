"""A synthetic archive of N copies of the real CTD minutes, for bench_scale.py.

Copy 0 is the real ingest (parse + enrich, timed). Copies 1..N-1 are the same documents under a distinct
symbol series (WT/COMTD/M/12 -> WT/SCALE007/M/12 for copy 7), duplicated row for row inside SQLite:
parsing 11,000 files would measure the parser a hundred times over, not search.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np

REAL_PREFIX = "WT/COMTD/"

_DOCUMENT_COLUMNS = ("family, body, date, circulated, restricted, derestricted_on, restriction_rule, title, source_path,"
                     " sha256, source_url, retrieved_at, enriched_at, encoding, symbol_source, ingested_at")
_PARAGRAPH_COLUMNS = ("seq, label, numbered, text, text_sha, agenda_item, speaker, speaker_kind, on_behalf_of,"
                      " speaker_inherited")


def copy_symbol(symbol: str, copy: int) -> str:
    return symbol.replace(REAL_PREFIX, f"WT/SCALE{copy:03d}/", 1)


def replicate(db_path: Path, copies: int) -> float:
    """Add copies 1..copies-1 of every document; returns the seconds taken."""
    clock = time.perf_counter()
    connection = sqlite3.connect(db_path)
    with connection:
        base_documents = connection.execute("SELECT MAX(id) FROM documents").fetchone()[0]
        base_paragraphs = connection.execute("SELECT MAX(id) FROM paragraphs").fetchone()[0]
        real = connection.execute("SELECT COUNT(*) FROM documents WHERE symbol LIKE ?", (REAL_PREFIX + "%",)).fetchone()[0]
        assert real == base_documents, "the corpus must hold only the real CTD minutes before replication"
        for copy in range(1, copies):
            document_offset, paragraph_offset = base_documents * copy, base_paragraphs * copy
            connection.execute(
                f"INSERT INTO documents (id, symbol, {_DOCUMENT_COLUMNS}) SELECT id + ?, replace(symbol, ?, ?), {_DOCUMENT_COLUMNS}"
                " FROM documents WHERE id <= ?", (document_offset, REAL_PREFIX, copy_symbol(REAL_PREFIX, copy), base_documents))
            connection.execute(
                f"INSERT INTO paragraphs (id, document_id, {_PARAGRAPH_COLUMNS}, uid) SELECT id + ?, document_id + ?,"
                f" {_PARAGRAPH_COLUMNS}, replace(uid, ?, ?) FROM paragraphs WHERE id <= ?",
                (paragraph_offset, document_offset, REAL_PREFIX, copy_symbol(REAL_PREFIX, copy), base_paragraphs))
            connection.execute("INSERT INTO paragraph_actors SELECT paragraph_id + ?, name, role FROM paragraph_actors"
                               " WHERE paragraph_id <= ?", (paragraph_offset, base_paragraphs))
            connection.execute("INSERT INTO entities SELECT paragraph_id + ?, kind, key, surface, start, end FROM entities"
                               " WHERE paragraph_id <= ?", (paragraph_offset, base_paragraphs))
            connection.execute("INSERT INTO footnotes SELECT document_id + ?, number, text, paragraph_seq FROM footnotes"
                               " WHERE document_id <= ?", (document_offset, base_documents))
    connection.close()
    return time.perf_counter() - clock


def _idf(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """bm25s's Lucene IDF."""
    return np.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def derive_index(single: Path, target: Path, copies: int) -> None:
    """The index of `copies` copies, derived from the index of copy 0 without tokenising again.

    Copies have the same texts, so each BM25 entry is copy 0's entry with the IDF of the larger corpus
    (term and document counts both multiplied; the mean length unchanged), and each column is copy 0's
    shifted by whole copies (copy k's symbols sort after copy k-1's, all after WT/COMTD/). For 100x on
    2 shared cores, where tokenising 1.2 million paragraphs would take the run's whole time budget; the
    query-side figures then come from the same arrays a build would write (benchmarks/check_derived.py
    compares it with a real build: identical columns, BM25 scores within float32 rounding).
    """
    import json
    import shutil

    version = single / (single / "CURRENT").read_text(encoding="utf-8").strip()
    name = f"v{time.time_ns()}"
    out = target / name
    (out / "bm25").mkdir(parents=True)
    # BM25: per term, copy 0's postings repeated with row offsets, rescaled to the new IDF.
    folder = version / "bm25"
    data, rows, offsets = (np.load(folder / f"{part}.csc.index.npy") for part in ("data", "indices", "indptr"))
    parameters = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
    documents = int(parameters["num_docs"])
    lengths = np.diff(offsets)
    ratio = np.where(lengths > 0, _idf(lengths * copies, documents * copies) / _idf(np.maximum(lengths, 1), documents), 1.0)
    term = np.repeat(np.arange(lengths.size), lengths)
    position = np.arange(data.size) - offsets[term]
    new_offsets = offsets.astype(np.int64) * copies
    new_data = np.empty(data.size * copies, dtype=data.dtype)
    new_rows = np.empty(data.size * copies, dtype=rows.dtype)
    for copy in range(copies):
        at = new_offsets[term] + copy * lengths[term] + position
        new_rows[at] = rows + copy * documents
        new_data[at] = (data * ratio[term]).astype(data.dtype)
    np.save(out / "bm25" / "data.csc.index.npy", new_data)
    np.save(out / "bm25" / "indices.csc.index.npy", new_rows)
    np.save(out / "bm25" / "indptr.csc.index.npy", new_offsets.astype(offsets.dtype))
    shutil.copy(folder / "vocab.index.json", out / "bm25" / "vocab.index.json")
    (out / "bm25" / "params.index.json").write_text(json.dumps({**parameters, "num_docs": documents * copies}), encoding="utf-8")
    lengths_1x = json.loads((folder / "lengths.json").read_text(encoding="utf-8"))  # the mean length is unchanged
    (out / "bm25" / "lengths.json").write_text(json.dumps({key: value * copies for key, value in lengths_1x.items()}), encoding="utf-8")
    # Columns: row arrays tiled, ids shifted by whole copies, posting lists repeated with row offsets.
    source, columns = version / "columns", out / "columns"
    columns.mkdir()
    vocabulary = json.loads((source / "vocabulary.json").read_text(encoding="utf-8"))
    symbols = vocabulary["symbols"]
    shifted = {"document_ids": len(symbols), "citation_ids": vocabulary["citations"]}
    for path in source.glob("*.npy"):
        array = np.load(path)
        key = path.stem
        if key == "document_starts":
            array = np.r_[np.concatenate([array[:-1] + copy * documents for copy in range(copies)]), documents * copies]
        elif key.endswith("_offsets"):
            array = array * copies
        elif key.endswith("_rows"):
            counts = np.diff(np.load(source / f"{key[:-5]}_offsets.npy"))
            owner = np.repeat(np.arange(counts.size), counts)
            block = [np.concatenate([array[owner == i] + copy * documents for copy in range(copies)]) for i in range(counts.size)]
            array = np.concatenate(block).astype(array.dtype) if block else array
        else:
            step = shifted.get(key, 0)
            array = np.concatenate([array + copy * step if step else array for copy in range(copies)])
        np.save(columns / path.name, array)
    copies_symbols = [copy_symbol(symbol, copy) if copy else symbol for copy in range(copies) for symbol in symbols]
    assert copies_symbols == sorted(copies_symbols), "copy symbols must sort copy after copy"
    vocabulary.update(symbols=copies_symbols, citations=vocabulary["citations"] * copies)
    (columns / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    from wto_assist.index.lexical import write_block_maxima

    write_block_maxima(out / "bm25")  # as a build writes them, from the derived postings
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "rows": documents * copies, "version": name, "derived_from": str(version)}),
                                       encoding="utf-8")
    (out / "rows.json").write_text("[]", encoding="utf-8")  # not read by queries; a derived index has none
    forms = json.loads((version / "spelling.json").read_text(encoding="utf-8"))  # every copy writes the same words
    (out / "spelling.json").write_text(json.dumps({form: count * copies for form, count in forms.items()}), encoding="utf-8")
    (target / "CURRENT").write_text(name, encoding="utf-8")
